// The bot's hand-over rules, edited with a form for a flat settings object.
import { add, fill, h } from "../common/dom.js";
import { t, fieldLabel } from "../common/i18n.js";
import { toast } from "../common/toast.js";
import { content, call, errorLine, fail } from "./shared.js";

/** A form for a flat JSON object: numbers, booleans, lists of text, anything else as JSON. */
export function objectForm(data, onSave) {
  const inputs = {};
  const grid = h("div", { class: "form-grid" });
  for (const [name, value] of Object.entries(data)) {
    let input;
    if (typeof value === "boolean") input = h("input", { type: "checkbox", checked: value, name });
    else if (typeof value === "number") input = h("input", { type: "number", step: "any", value, name });
    else if (typeof value === "string" || value === null) input = h("input", { value: value ?? "", name });
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      // One per line: phrases may contain spaces and commas.
      input = h("textarea", { rows: 3, name, "data-lines": true }, value.join("\n"));
    } else input = h("textarea", { class: "json", rows: 5, name }, JSON.stringify(value, null, 2));
    inputs[name] = { input, value };
    const wide = input.tagName === "TEXTAREA" && !input.dataset.lines;
    add(grid, h("div", { class: wide ? "wide" : "" }, h("label", {}, fieldLabel(name)), input));
  }
  const error = errorLine();
  const form = h("form", {}, grid, error, h("button", { type: "submit", class: "primary" }, t("common.save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = {};
    try {
      for (const [name, { input, value }] of Object.entries(inputs)) {
        if (typeof value === "boolean") out[name] = input.checked;
        else if (typeof value === "number") out[name] = Number(input.value);
        else if (typeof value === "string" || value === null) out[name] = input.value === "" && value === null ? null : input.value;
        else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
          out[name] = input.value.split("\n").map((v) => v.trim()).filter(Boolean);
        }
        else out[name] = JSON.parse(input.value);
      }
      await onSave(out);
      toast(t("common.saved"));
    } catch (err) {
      fail(error, err);
    }
  });
  return form;
}

export async function showRules() {
  const error = errorLine();
  fill(content, h("h2", {}, t("admin.tab.rules")), h("p", { class: "muted" }, t("admin.rules.help")), error);
  try {
    const rules = await call("/api/v1/admin/bot/rules");
    add(content, 
      objectForm(rules, async (out) => {
        await call("/api/v1/admin/bot/rules", { method: "PUT", body: out });
      }),
    );
  } catch (err) {
    fail(error, err);
  }
}
