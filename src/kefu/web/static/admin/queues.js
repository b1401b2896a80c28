// Queues: skills, language, strategy, SLA, opening hours and overflow.
import { add, fill, h } from "../common/dom.js";
import { t, label } from "../common/i18n.js";
import { toast } from "../common/toast.js";
import { content, call, errorLine, fail, field, words } from "./shared.js";

function queueForm(q) {
  const hours = q.hours || { timezone: "Asia/Shanghai", weekly: {}, holidays: [] };
  const f = {
    skills: h("input", { value: (q.skills || []).join(", ") }),
    language: h(
      "select",
      {},
      h("option", { value: "" }, "—"),
      ["zh", "en"].map((l) => h("option", { value: l, selected: q.language === l }, label("language", l))),
    ),
    strategy: h(
      "select",
      {},
      ["least_loaded", "longest_idle"].map((s) => h("option", { value: s, selected: q.strategy === s }, label("strategy", s))),
    ),
    afterHours: h(
      "select",
      {},
      ["leave_message", "offer_callback"].map((s) => h("option", { value: s, selected: q.after_hours === s }, label("overflow", s))),
    ),
    first: h("input", { type: "number", min: 1, value: q.sla ? q.sla.first_response_s : "" }),
    resolution: h("input", { type: "number", min: 1, value: q.sla ? q.sla.resolution_s : "" }),
    warn: h("input", { type: "number", step: "0.05", min: 0.05, max: 0.95, value: q.sla ? q.sla.warn_at : 0.8 }),
    useHours: h("input", { type: "checkbox", checked: Boolean(q.hours) }),
    timezone: h("input", { value: hours.timezone || "Asia/Shanghai" }),
    weekly: h(
      "textarea",
      { rows: 7 },
      Object.entries(hours.weekly || {})
        .map(([day, spans]) => `${day} = ${spans.join(", ")}`)
        .join("\n"),
    ),
    holidays: h("input", { value: (hours.holidays || []).join(", ") }),
    overflow: h("textarea", { class: "json", rows: 4 }, JSON.stringify(q.overflow || [], null, 2)),
  };
  const error = errorLine();
  const form = h(
    "form",
    { class: "queue-card", "data-queue": q.name },
    h("h3", {}, q.name),
    h(
      "div",
      { class: "form-grid" },
      field("admin.queues.skills", f.skills),
      field("admin.queues.language", f.language),
      field("admin.queues.strategy", f.strategy),
      field("admin.queues.after_hours", f.afterHours),
      field("admin.queues.sla_first", f.first),
      field("admin.queues.sla_resolution", f.resolution),
      field("admin.queues.sla_warn", f.warn),
      h("label", { class: "inline wide" }, f.useHours, t("admin.queues.hours")),
      field("admin.queues.timezone", f.timezone),
      field("admin.queues.holidays", f.holidays),
      h("div", { class: "wide" }, f.weekly),
      field("admin.queues.overflow", f.overflow, { class: "wide" }),
    ),
    error,
    h("button", { type: "submit", class: "primary" }, t("common.save")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const body = {
        skills: words(f.skills.value),
        strategy: f.strategy.value,
        after_hours: f.afterHours.value,
        overflow: JSON.parse(f.overflow.value || "[]"),
      };
      if (f.language.value) body.language = f.language.value;
      if (f.first.value && f.resolution.value) {
        body.sla = {
          first_response_s: Number(f.first.value),
          resolution_s: Number(f.resolution.value),
          warn_at: Number(f.warn.value || 0.8),
        };
      }
      if (f.useHours.checked) {
        const weekly = {};
        for (const line of f.weekly.value.split("\n")) {
          const [day, spans] = line.split("=").map((s) => (s || "").trim());
          if (day && spans) weekly[day] = spans.split(/[,，\s]+/).filter(Boolean);
        }
        body.hours = { timezone: f.timezone.value.trim(), weekly, holidays: words(f.holidays.value) };
      }
      await call(`/api/v1/admin/queues/${encodeURIComponent(q.name)}`, { method: "PUT", body });
      toast(t("common.saved"));
    } catch (err) {
      fail(error, err);
    }
  });
  return form;
}

export async function showQueues() {
  const error = errorLine();
  const name = h("input", { placeholder: t("admin.queues.new"), maxlength: 64, pattern: "[a-z0-9_\\-]+" });
  const list = h("div");
  fill(content, 
    h(
      "div",
      { class: "section-head" },
      h("h2", {}, t("admin.tab.queues")),
      h(
        "div",
        { class: "row" },
        name,
        h(
          "button",
          {
            type: "button",
            onclick: () => {
              const n = name.value.trim().toLowerCase();
              if (n) list.prepend(queueForm({ name: n, skills: [n], strategy: "least_loaded", after_hours: "leave_message", overflow: [] }));
              name.value = "";
            },
          },
          t("common.create"),
        ),
      ),
    ),
    error,
    list,
  );
  try {
    const [configured, counts, team] = await Promise.all([
      call("/api/v1/admin/queues"),
      call("/api/v1/agent/queues"),
      call("/api/v1/admin/users"),
    ]);
    const known = new Set(configured.map((q) => q.name));
    // A queue exists once someone waits in it or an agent's skill serves it, set up or not.
    const named = new Set([...Object.keys(counts.queues || {}), ...team.flatMap((u) => u.skills || [])]);
    const unconfigured = [...named]
      .sort()
      .filter((n) => !known.has(n))
      .map((n) => ({ name: n, skills: n === "general" ? [] : [n], strategy: "least_loaded", after_hours: "leave_message", overflow: [] }));
    add(list, ...[...configured, ...unconfigured].map(queueForm));
  } catch (err) {
    fail(error, err);
  }
}
