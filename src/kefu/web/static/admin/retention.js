// How long conversations and customer data are kept.
import { add, fill, h } from "../common/dom.js";
import { t } from "../common/i18n.js";
import { toast } from "../common/toast.js";
import { state, content, call, errorLine, fail, field } from "./shared.js";

export async function showRetention() {
  const error = errorLine();
  fill(content, h("h2", {}, t("admin.tab.retention")), error);
  let current;
  try {
    current = await call("/api/v1/admin/settings/retention");
  } catch (err) {
    fail(error, err);
    return;
  }
  const f = {
    transcript: h("input", { type: "number", min: 1, max: 3650, value: current.transcript_days, id: "retention-transcript" }),
    customer: h("input", { type: "number", min: 1, max: 3650, value: current.customer_data_days, id: "retention-customer" }),
    ratings: h("input", { type: "checkbox", checked: current.keep_ratings, id: "retention-ratings" }),
  };
  const form = h(
    "form",
    { class: "form-grid", id: "retention-form" },
    field("admin.retention.transcript_days", f.transcript),
    field("admin.retention.customer_data_days", f.customer),
    h("label", { class: "inline wide" }, f.ratings, t("admin.retention.keep_ratings")),
    h("div", { class: "wide" }, h("button", { type: "submit", class: "primary", disabled: state.me.role !== "admin" }, t("common.save"))),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await call("/api/v1/admin/settings/retention", {
        method: "PUT",
        body: {
          transcript_days: Number(f.transcript.value),
          customer_data_days: Number(f.customer.value),
          keep_ratings: f.ratings.checked,
        },
      });
      toast(t("common.saved"));
    } catch (err) {
      fail(error, err);
    }
  });
  add(content, form);
}
