// The transcript of the open conversation and the composer (replies and internal notes).
import { retriable } from "../common/api.js";
import { $, formatTime, h, newClientId, sleep } from "../common/dom.js";
import { lang, t, label } from "../common/i18n.js";
import { state, openLines, call, convPath } from "./state.js";

export async function loadTranscript() {
  if (!state.open) return;
  const id = state.open.id;
  const found = await call(`${convPath(id, "/messages")}?after=${state.openSeq}`);
  if (!state.open || state.open.id !== id) return;
  for (const m of found.messages) drawLine(m);
}

export function drawLine(m) {
  if (!state.open || m.conversation_id !== state.open.id || openLines.has(m.seq)) return;
  const sender = ["customer", "bot", "agent", "system"].includes(m.sender) ? m.sender : "system";
  const payload = m.payload || {};
  const extras = [];
  if (Array.isArray(payload.orders) && payload.orders.length) {
    extras.push(payload.orders.map((o) => `#${o.order_id} ${o.restaurant || ""} ${label("order_status", o.status)} ${o.eta ? `ETA ${o.eta}` : ""}`).join("\n"));
  }
  if (Array.isArray(payload.choices) && payload.choices.length) extras.push(payload.choices.map((c) => `[${c.label}]`).join(" "));
  if (Array.isArray(payload.suggestions) && payload.suggestions.length) extras.push(payload.suggestions.map((s) => `? ${s.text}`).join("  "));
  // The button the customer pressed: its words are the text above, its code stays inside.
  if (payload.type && payload.value !== undefined && sender === "customer") extras.push(`▸ ${t("agent.picked")}`);
  const el = h(
    "li",
    {
      class: `line line--${sender} ${m.internal ? "line--internal" : ""}`,
      "data-seq": m.seq,
      "data-sender": sender,
    },
    h(
      "div",
      { class: "line__meta" },
      m.internal ? `${t("agent.note.label")} · ` : "",
      t(`sender.${sender}`),
      " · ",
      formatTime(m.created_at, lang()),
    ),
    h("div", { class: "line__text" }, m.text),
    extras.length ? h("div", { class: "line__payload" }, extras.join("\n")) : null,
  );
  const transcript = $("#transcript");
  const later = [...openLines.entries()].filter(([seq]) => seq > m.seq).sort((a, b) => a[0] - b[0]);
  transcript.insertBefore(el, later.length ? later[0][1] : null);
  openLines.set(m.seq, el);
  state.openSeq = Math.max(state.openSeq, m.seq);
  transcript.scrollTop = transcript.scrollHeight;
}

export async function sendReply(event) {
  event.preventDefault();
  if (!state.open) return;
  const box = $("#reply");
  const text = box.value.trim();
  if (!text) return;
  const internal = $("#composer").mode.value === "note";
  const clientId = newClientId("a");
  const used = state.inserted;
  const error = $("#composer-error");
  error.textContent = "";
  $("#reply-send").disabled = true;
  try {
    let stored = null;
    for (let attempt = 0; attempt < 4 && !stored; attempt++) {
      try {
        stored = await call(convPath(state.open.id, "/messages"), {
          method: "POST",
          body: { text, client_id: clientId, internal },
        });
      } catch (err) {
        if (!retriable(err) || attempt === 3) throw err;
        await sleep(400 * 2 ** attempt);
      }
    }
    box.value = "";
    state.inserted = null;
    drawLine(stored);
    if (used && !internal) recordUse(used, text, stored.seq);
  } catch (err) {
    error.textContent = err.message;
  } finally {
    $("#reply-send").disabled = false;
  }
}

function recordUse(used, sentText, seq) {
  call(convPath(state.open.id, "/assist/used"), {
    method: "POST",
    body: {
      suggestion_id: used.suggestion_id,
      kind: used.kind,
      edited: sentText !== used.text.trim(),
      message_seq: seq,
    },
  }).catch(() => {});
}

export function insertText(text, suggestion) {
  const box = $("#reply");
  box.value = box.value.trim() ? `${box.value.trim()}\n${text}` : text;
  state.inserted = suggestion ? { ...suggestion, text: box.value } : null;
  $("#composer").mode.value = "reply";
  $("#composer").classList.remove("note");
  box.focus();
}
