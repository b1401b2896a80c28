// The hand-over card: what the bot learnt, editable by the agent.
import { ApiError } from "../common/api.js";
import { $, add, fill, formatDateTime, h } from "../common/dom.js";
import { lang, t, label } from "../common/i18n.js";
import { toast } from "../common/toast.js";
import { state, sla, emotion, call, convPath } from "./state.js";

export function pendingNote(el) {
  fill(el, h("p", { class: "muted" }, t("common.pending")));
}

const CARD_FIELDS = [
  ["summary", "agent.card.summary", "textarea"],
  ["intent", "agent.card.intent", "intent"],
  ["category", "admin.kb.category", "input"],
  ["related_order", "agent.card.order", "input"],
  ["emotion_now", "agent.card.emotion", "emotion"],
  ["priority", "agent.card.priority", "number"],
  ["promises", "agent.card.promises", "lines"],
  ["progress", "agent.card.progress", "textarea"],
  ["next_step", "agent.card.next", "textarea"],
];

const INTENTS = [
  "order_status", "delivery_late", "refund", "cancel_order", "change_address", "payment_failed",
  "food_quality", "rider_contact", "coupon", "invoice", "account", "complaint", "human_agent",
  "greeting", "thanks", "oos",
];

export async function loadCard() {
  const panel = $("#tab-card");
  if (!state.open || state.cardEditing) return;
  let data;
  try {
    data = await call(convPath(state.open.id, "/card"));
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      // No card (the customer never spoke to the bot) or assist switched off.
      fill(panel, h("p", { class: "muted" }, t("agent.card.none")));
      return;
    }
    throw error;
  }
  renderCard(data.card || data);
}

export function renderCard(card) {
  const panel = $("#tab-card");
  if (!card || !card.conversation_id) {
    fill(panel, h("p", { class: "muted" }, t("agent.card.none")));
    return;
  }
  if (card.emotion_now) emotion.set(card.conversation_id, { category: card.emotion_now, index: card.emotion_index });
  if (card.sla_due && new Date(card.sla_due) < new Date()) sla.set(card.conversation_id, "breached");
  const inputs = {};
  const form = h("form", { class: "card-form", "data-version": card.version });
  add(form, 
    h(
      "dl",
      { class: "kv" },
      h("dt", {}, t("agent.card.reason")),
      h("dd", { "data-card": "handover_reason", "data-code": card.handover_reason || "" }, label("reason", card.handover_reason)),
      card.sla_due ? [h("dt", {}, "SLA"), h("dd", {}, formatDateTime(card.sla_due, lang()))] : null,
      card.contacts_7d ? [h("dt", {}, "7d"), h("dd", {}, String(card.contacts_7d))] : null,
    ),
  );
  for (const [name, caption, kind] of CARD_FIELDS) {
    let input;
    const value = card[name];
    if (kind === "textarea") input = h("textarea", { name, rows: 2 }, value ?? "");
    else if (kind === "lines") input = h("textarea", { name, rows: 2 }, (value || []).join("\n"));
    else if (kind === "number") input = h("input", { name, type: "number", min: 0, max: 9, value: value ?? 0 });
    else if (kind === "intent") {
      // A choice of labelled intents: the code is the value sent back, never the text shown.
      const known = INTENTS.includes(value) || !value ? INTENTS : [value, ...INTENTS];
      input = h(
        "select",
        { name },
        h("option", { value: "", selected: !value }, "—"),
        known.map((code) => h("option", { value: code, selected: code === value }, label("intent", code))),
      );
    } else if (kind === "emotion") {
      input = h(
        "select",
        { name },
        ["neutral", "anger", "anxiety", "sadness", "joy", "surprise"].map((e) =>
          h("option", { value: e, selected: e === value }, label("emotion", e)),
        ),
      );
    } else input = h("input", { name, value: value ?? "" });
    input.addEventListener("input", () => {
      state.cardEditing = true;
    });
    inputs[name] = { input, kind, original: value };
    add(form, h("label", {}, t(caption)), input);
  }
  const status = h("span", { class: "muted" });
  add(form, h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, t("common.save")), status));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = {};
    for (const [name, { input, kind, original }] of Object.entries(inputs)) {
      let value = input.value;
      if (kind === "lines") value = value.split("\n").map((s) => s.trim()).filter(Boolean);
      else if (kind === "number") value = Number(value);
      else if (kind === "input" || kind === "intent") value = value.trim() || null;
      if (JSON.stringify(value) !== JSON.stringify(original ?? (kind === "lines" ? [] : kind === "input" || kind === "intent" ? null : original))) {
        changes[name] = value;
      }
    }
    if (!Object.keys(changes).length) return;
    try {
      const saved = await call(convPath(card.conversation_id, "/card"), {
        method: "PATCH",
        body: { version: card.version, ...changes },
      });
      state.cardEditing = false;
      renderCard(saved.card || saved);
      toast(t("common.saved"));
    } catch (error) {
      status.textContent = error.message;
    }
  });
  fill(panel, form);
}
