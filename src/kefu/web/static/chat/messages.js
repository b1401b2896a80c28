// Drawing messages, once each and in seq order, with their orders, choices, menus and suggestions.
import { formatDateTime, formatTime, h } from "../common/dom.js";
import { lang, t, label } from "../common/i18n.js";
import { send } from "./sending.js";
import { api } from "../common/api.js";
import { embedded, log, drawn, messages, pending, path, state } from "./state.js";

export function draw(message) {
  if (message.internal || drawn.has(message.seq)) return;
  const el = messageEl(message);
  messages.set(message.seq, message);
  const waiting = message.client_id ? pending.get(message.client_id) : null;
  if (waiting) {
    pending.delete(message.client_id);
    waiting.el.remove();
  }
  // Keep seq order even when a send's answer overtakes the stream.
  const later = [...drawn.entries()].filter(([seq]) => seq > message.seq).sort((a, b) => a[0] - b[0]);
  const firstPending = log.querySelector(".msg--pending, .msg--failed");
  log.insertBefore(el, later.length ? later[0][1] : firstPending);
  drawn.set(message.seq, el);
  if (message.sender === "customer") disableOlderButtons(message.seq);
  scrollDown();
  if (embedded && message.sender !== "customer") {
    parent.postMessage({ type: "kefu:unread" }, "*");
  }
}

function disableOlderButtons(seq) {
  for (const [otherSeq, el] of drawn) {
    if (otherSeq < seq) for (const b of el.querySelectorAll("button.chip")) b.disabled = true;
  }
}

export function scrollDown() {
  log.scrollTop = log.scrollHeight;
}

export function messageEl(m) {
  const sender = ["customer", "bot", "agent", "system"].includes(m.sender) ? m.sender : "system";
  return h(
    "div",
    { class: `msg msg--${sender}`, "data-seq": m.seq, "data-sender": sender },
    sender === "bot" || sender === "agent"
      ? h("div", { class: "msg__who" }, t(`chat.sender.${sender}`))
      : null,
    m.text ? h("div", { class: "msg__text" }, m.text) : null,
    sender !== "customer" && m.payload ? payloadEl(m.payload) : null,
    h("time", { class: "msg__time", datetime: m.created_at }, formatTime(m.created_at, lang())),
    sender === "bot" && m.text ? thumbsEl(m.seq) : null,
  );
}

// Thumbs up/down on one bot answer (kefu.quality); voting again replaces the vote.
const THUMBS = { zh: ["有帮助", "没帮助"], en: ["Helpful", "Not helpful"] };
const votes = new Map(); // seq -> helpful, so a redrawn message keeps its vote

function thumbsEl(seq) {
  const [yes, no] = THUMBS[lang()] || THUMBS.zh;
  const pressed = (helpful) => String(votes.get(seq) === helpful);
  const vote = async (helpful) => {
    await api(path(`/messages/${seq}/feedback`), {
      method: "PUT",
      body: { helpful },
      token: state.session.customer_token,
    });
    votes.set(seq, helpful);
    for (const b of log.querySelectorAll(`[data-thumbs="${seq}"] button`)) {
      b.setAttribute("aria-pressed", pressed(b.dataset.helpful === "true"));
    }
  };
  const button = (helpful, text, icon) =>
    h(
      "button",
      {
        type: "button",
        class: "link",
        "data-helpful": String(helpful),
        "aria-pressed": pressed(helpful),
        "aria-label": text,
        title: text,
        onclick: () => vote(helpful),
      },
      icon,
    );
  return h("span", { class: "msg__thumbs", "data-thumbs": seq }, button(true, yes, "👍"), button(false, no, "👎"));
}

function payloadEl(payload) {
  const parts = [];
  const orders = Array.isArray(payload.orders) ? payload.orders : [];
  if (orders.length) parts.push(h("div", { class: "orders" }, orders.map(orderCard)));
  const choices = Array.isArray(payload.choices) ? payload.choices : [];
  if (choices.length) {
    parts.push(
      h(
        "div",
        { class: "chips choices" },
        choices.map((c) =>
          h(
            "button",
            {
              type: "button",
              class: "chip choice",
              "data-value": c.value,
              onclick: (e) => pick(e, c.label, { type: "choice", value: String(c.value) }),
            },
            c.label,
          ),
        ),
      ),
    );
  }
  const menu = payload.menu && Array.isArray(payload.menu.children) ? payload.menu.children : [];
  if (menu.length) {
    parts.push(
      h(
        "div",
        { class: "chips menu-chips" },
        menu.map((node) =>
          h(
            "button",
            {
              type: "button",
              class: "chip choice",
              "data-menu": node.id,
              onclick: (e) => pick(e, node.label, { type: "menu", value: String(node.id) }),
            },
            node.label,
          ),
        ),
      ),
    );
  }
  const suggestions = Array.isArray(payload.suggestions) ? payload.suggestions : [];
  if (suggestions.length) {
    parts.push(
      h(
        "div",
        { class: "chips suggestions" },
        suggestions.map((s) =>
          h(
            "button",
            {
              type: "button",
              class: "chip suggestion",
              "data-suggestion": s.id,
              onclick: (e) => pick(e, s.text, { type: "suggestion", value: String(s.id) }),
            },
            s.text,
          ),
        ),
      ),
    );
  }
  return parts.length ? parts : null;
}

function orderCard(order) {
  const eta = order.eta ? formatEta(order.eta) : "";
  return h(
    "div",
    { class: "order-card", "data-order-id": order.order_id },
    h(
      "div",
      { class: "order-card__head" },
      h("span", {}, order.restaurant || order.order_id),
      h("span", { class: "muted" }, `#${order.order_id}`),
    ),
    h(
      "dl",
      {},
      h("dt", {}, t("chat.order.status")),
      h("dd", { class: "order-card__status" }, order.status_text || label("order_status", order.status)),
      eta ? [h("dt", {}, t("chat.order.eta")), h("dd", { class: "order-card__eta" }, eta)] : null,
      order.total !== undefined && order.total !== null
        ? [
            h("dt", {}, t("chat.order.total")),
            h("dd", {}, typeof order.total === "number" ? `¥${order.total.toFixed(2)}` : String(order.total)),
          ]
        : null,
    ),
    h(
      "button",
      {
        type: "button",
        class: "chip choice",
        onclick: (e) =>
          pick(e, `${t("chat.you_picked")} #${order.order_id}`, {
            type: "choice",
            value: String(order.order_id),
          }),
      },
      t("chat.pick_order"),
    ),
  );
}

function formatEta(eta) {
  // An ETA may come as a time ("2026-11-23T12:30:00+08:00") or as words already ("12:30").
  const asDate = new Date(eta);
  return typeof eta === "string" && eta.includes("T") && !Number.isNaN(asDate.getTime())
    ? formatDateTime(eta, lang())
    : String(eta);
}

function pick(event, text, action) {
  const button = event.currentTarget;
  const group = button.closest(".msg") || button.parentElement;
  for (const b of group.querySelectorAll("button.chip")) b.disabled = true;
  send(text, action);
}
