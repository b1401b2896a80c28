// The customer and their orders from the business system.
import { $, fill, h } from "../common/dom.js";
import { t, label, fieldLabel } from "../common/i18n.js";
import { renderHeader } from "./conversation.js";
import { renderLists } from "./lists.js";
import { state, names, call, convPath } from "./state.js";
import { insertText } from "./transcript.js";

export async function loadCustomer() {
  const panel = $("#tab-customer");
  if (!state.open) return;
  const data = await call(convPath(state.open.id, "/customer"));
  const c = data.customer;
  if (c.name && state.open) {
    names.set(state.open.id, c.name);
    renderHeader();
    renderLists();
  }
  const profile = data.business_profile || {};
  fill(panel, 
    h("h3", {}, t("agent.customer.profile")),
    h(
      "dl",
      { class: "kv", "data-customer": c.id },
      h("dt", {}, t("admin.users.name")),
      h("dd", {}, c.name || "—"),
      h("dt", {}, t("agent.customer.phone")),
      h("dd", {}, c.phone || "—"),
      h("dt", {}, "ID"),
      h("dd", {}, c.external_id || c.id),
      h("dt", {}, t("agent.customer.tags")),
      h("dd", {}, (c.tags || []).map((tag) => h("span", { class: "badge" }, tag))),
      Object.entries(profile)
        .filter(([k, v]) => !["name", "phone", "external_id", "language"].includes(k))
        .filter(([, v]) => v === null || typeof v !== "object")
        .map(([k, v]) => [h("dt", {}, fieldLabel(k)), h("dd", {}, v === null ? "—" : String(v))]),
    ),
    data.business_error
      ? h("p", { class: "error" }, t("agent.customer.business_error", { message: data.business_error }))
      : null,
    h("h3", {}, t("agent.customer.orders")),
    data.orders.length
      ? data.orders.map((o) =>
          h(
            "div",
            { class: "card-item", "data-order": o.order_id || o.id },
            h(
              "div",
              { class: "row" },
              h("strong", {}, nameOf(o.restaurant) || nameOf(o.merchant) || ""),
              h("span", { class: "muted" }, `#${o.order_id || o.id}`),
            ),
            h(
              "dl",
              { class: "kv" },
              Object.entries(o)
                .filter(([k, v]) => !["order_id", "id", "restaurant"].includes(k) && (v === null || typeof v !== "object"))
                .map(([k, v]) => [h("dt", {}, fieldLabel(k)), h("dd", {}, orderValue(k, v))]),
            ),
            h("button", { type: "button", class: "link", onclick: () => insertText(`#${o.order_id || o.id}`) }, t("agent.assist.insert")),
          ),
        )
      : h("p", { class: "muted" }, t("common.none")),
  );
}

function orderValue(key, value) {
  if (value === null || value === undefined) return "—";
  return key === "status" ? label("order_status", value) : String(value);
}

function nameOf(value) {
  if (value && typeof value === "object") return value.name || value.title || value.id || "";
  return value || "";
}
