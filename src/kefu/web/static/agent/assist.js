// Assist suggestions and canned responses, inserted into the composer.
import { ApiError } from "../common/api.js";
import { $, fill, h } from "../common/dom.js";
import { lang, t, label } from "../common/i18n.js";
import { pendingNote } from "./card.js";
import { state, call, agentPath, convPath } from "./state.js";
import { insertText } from "./transcript.js";

let canned = [];

function suggestionItem(s, title) {
  return h(
    "div",
    { class: "card-item", "data-suggestion": s.id, "data-kind": s.kind },
    title ? h("strong", {}, title) : null,
    h("div", { class: "card-item__text" }, s.text),
    h(
      "div",
      { class: "row" },
      h("span", { class: "muted" }, label("kind", s.kind)),
      h(
        "button",
        { type: "button", class: "primary", onclick: () => insertText(s.text, { suggestion_id: s.id, kind: s.kind }) },
        t("agent.assist.insert"),
      ),
    ),
  );
}

export async function loadAssist() {
  const panel = $("#tab-assist");
  if (!state.open) return;
  let data;
  try {
    data = await call(convPath(state.open.id, "/assist"));
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      fill(panel, h("p", { class: "muted" }, t("agent.assist.none")));
      return;
    }
    throw error;
  }
  const parts = [];
  if (data.soothing) parts.push(h("h3", {}, t("agent.assist.soothing")), suggestionItem(data.soothing));
  if (data.remedy) parts.push(suggestionItem(data.remedy));
  if (data.suggested_replies && data.suggested_replies.length) {
    parts.push(h("h3", {}, t("agent.assist.replies")), data.suggested_replies.map((s) => suggestionItem(s)));
  }
  if (data.policy) parts.push(suggestionItem(data.policy, data.policy.title));
  if (data.knowledge_cards && data.knowledge_cards.length) {
    parts.push(
      h("h3", {}, t("agent.assist.knowledge")),
      data.knowledge_cards.map((c) =>
        suggestionItem({ id: `kb:${c.entry_id}`, kind: "knowledge", text: c.answer }, c.question),
      ),
    );
  }
  for (const pack of data.knowledge_packs || []) {
    parts.push(suggestionItem({ id: pack.id, kind: "pack", text: pack.text || "" }, pack.title));
  }
  fill(panel, ...(parts.length ? parts.flat() : [h("p", { class: "muted" }, t("agent.assist.none"))]));
}

export async function loadCanned() {
  const panel = $("#tab-canned");
  try {
    const data = await call(agentPath("/canned"));
    canned = Array.isArray(data) ? data : data.canned || data.responses || data.items || [];
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return pendingNote(panel);
    throw error;
  }
  const search = h("input", { type: "search", placeholder: t("agent.canned.search") });
  const list = h("div");
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const language = state.open ? state.open.language : lang();
    const shown = canned.filter((c) => !q || [c.shortcut, c.text_zh, c.text_en].join(" ").toLowerCase().includes(q));
    fill(list, 
      ...(shown.length
        ? shown.map((c) => {
            const text = (language === "en" ? c.text_en || c.text_zh : c.text_zh || c.text_en) || c.text || "";
            return h(
              "div",
              { class: "card-item", "data-canned": c.id },
              h("strong", {}, c.shortcut ? `/${c.shortcut}` : ""),
              h("div", { class: "card-item__text" }, text),
              h(
                "button",
                { type: "button", class: "link", onclick: () => insertText(text, { suggestion_id: String(c.id), kind: "canned" }) },
                t("agent.assist.insert"),
              ),
            );
          })
        : [h("p", { class: "muted" }, t("agent.canned.none"))]),
    );
  };
  search.addEventListener("input", draw);
  draw();
  fill(panel, search, list);
}
