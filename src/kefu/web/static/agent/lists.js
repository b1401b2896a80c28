// The agent's lists: my conversations and the queues, each naming the customer, with badges.
import { $, fill, formatTime, h } from "../common/dom.js";
import { lang, t, label } from "../common/i18n.js";
import { openConversation, renderHeader } from "./conversation.js";
import { state, lists, unread, sla, emotion, call, agentPath, showError, customerName } from "./state.js";

let queueCounts = {};

let refreshTimer = null;
export function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => refreshLists().catch(showError), 150);
}

// ---- lists ----------------------------------------------------------------------------------

export async function refreshLists() {
  const [mine, queued, queues] = await Promise.all([
    call(agentPath("/conversations?scope=mine")),
    call(agentPath("/conversations?scope=queued")),
    call(agentPath("/queues")),
  ]);
  lists.mine = mine.conversations;
  lists.queued = queued.conversations;
  queueCounts = queues.queues || {};
  renderLists();
  if (state.open) {
    const fresh = [...lists.mine, ...lists.queued].find((c) => c.id === state.open.id);
    if (fresh && (fresh.status !== state.open.status || fresh.assignee_id !== state.open.assignee_id)) {
      state.open = fresh;
      renderHeader();
    }
  }
}

export function badges(c) {
  const out = [h("span", { class: "badge", "data-badge": "status" }, label("status", c.status))];
  if (c.priority > 0) {
    out.push(
      h(
        "span",
        { class: `badge ${c.priority >= 2 ? "bad" : "warn"}`, "data-badge": "priority" },
        t("agent.badge.priority", { n: c.priority }),
      ),
    );
  }
  const feeling = emotion.get(c.id);
  if (feeling && feeling.category && feeling.category !== "neutral") {
    const upset = ["anger", "anxiety", "sadness"].includes(feeling.category);
    out.push(
      h(
        "span",
        { class: `badge ${upset && feeling.index >= 4 ? "bad" : upset ? "warn" : "ok"}`, "data-badge": "emotion" },
        `${label("emotion", feeling.category)}${feeling.index ? ` ${feeling.index}/5` : ""}`,
      ),
    );
  }
  const due = sla.get(c.id);
  if (due) {
    out.push(
      h(
        "span",
        { class: `badge ${due === "breached" ? "bad" : "warn"}`, "data-badge": "sla" },
        t(due === "breached" ? "agent.badge.sla_breached" : "agent.badge.sla_warning"),
      ),
    );
  }
  const count = unread.get(c.id);
  if (count) out.push(h("span", { class: "badge ok", "data-badge": "unread" }, t("agent.badge.unread", { n: count })));
  return out;
}

function listItem(c) {
  return h(
    "li",
    {
      class: `conv-item ${state.open && state.open.id === c.id ? "active" : ""}`,
      "data-conversation": c.id,
      onclick: () => openConversation(c.id).catch(showError),
    },
    h(
      "div",
      { class: "conv-item__title" },
      h("span", {}, customerName(c)),
      h("span", { class: "muted" }, formatTime(c.updated_at, lang())),
    ),
    h(
      "div",
      { class: "conv-item__sub" },
      [c.queue, label("language", c.language), label("reason", c.handover_reason), label("entry", c.entry_point)]
        .filter(Boolean)
        .join(" · "),
    ),
    h("div", { class: "row" }, badges(c)),
  );
}

export function renderLists() {
  const mine = $("#list-mine");
  const queued = $("#list-queued");
  fill(mine, ...(lists.mine.length ? lists.mine.map(listItem) : [h("li", { class: "muted" }, t("common.none"))]));
  fill(queued, ...(lists.queued.length ? lists.queued.map(listItem) : [h("li", { class: "muted" }, t("common.none"))]));
  $("#queue-counts").textContent = Object.entries(queueCounts)
    .map(([name, n]) => `${name} ${n}`)
    .join(" · ");
  const datalist = $("#queue-names");
  fill(datalist, ...Object.keys(queueCounts).map((name) => h("option", { value: name })));
}
