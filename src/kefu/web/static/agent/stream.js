// The agent's live stream: messages and events pushed over a WebSocket, reconnecting.
import { wsUrl } from "../common/api.js";
import { forgetToken } from "../common/auth.js";
import { loadAssist } from "./assist.js";
import { loadCard } from "./card.js";
import { renderHeader } from "./conversation.js";
import { refreshSoon, renderLists } from "./lists.js";
import { newAssignment, packBanner } from "./notify.js";
import { state, unread, sla, emotion, showError } from "./state.js";
import { loadTranscript, drawLine } from "./transcript.js";

let socket = null;
let socketDelay = 500;

export function connect() {
  const ws = new WebSocket(wsUrl(`/api/v1/agent/stream?token=${encodeURIComponent(state.token)}`));
  socket = ws;
  ws.onopen = () => {
    socketDelay = 500;
    if (state.open) watch(state.open.id);
  };
  ws.onmessage = (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    onFrame(frame);
  };
  ws.onclose = (event) => {
    if (ws !== socket) return;
    socket = null;
    if (event.code === 4401) {
      forgetToken();
      location.reload();
      return;
    }
    const delay = socketDelay;
    socketDelay = Math.min(socketDelay * 2, 10000);
    setTimeout(() => {
      connect();
      // Whatever happened while we were away.
      refreshSoon();
      if (state.open) loadTranscript().catch(showError);
    }, delay);
  };
}

export function watch(id) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ watch: id }));
}

function onFrame(frame) {
  if (frame.type === "message") {
    const m = frame.message;
    if (state.open && m.conversation_id === state.open.id) {
      if (m.seq > state.openSeq + 1) loadTranscript().catch(showError);
      else drawLine(m);
      if (m.sender === "customer") setTimeout(() => loadAssist().catch(() => {}), 400);
    } else if (m.sender === "customer") {
      unread.set(m.conversation_id, (unread.get(m.conversation_id) || 0) + 1);
      renderLists();
    }
    return;
  }
  if (frame.type !== "event") return;
  const p = frame.payload || {};
  switch (frame.name) {
    case "conversation.assigned":
      if (p.agent_id === state.me.id && p.previous_agent_id !== state.me.id) newAssignment(p.conversation_id);
      refreshSoon();
      break;
    case "conversation.queued":
    case "conversation.handed_over":
    case "conversation.transferred":
    case "conversation.resolved":
    case "conversation.abandoned":
    case "conversation.reopened":
    case "conversation.created":
      refreshSoon();
      break;
    case "sla.warning":
      if (sla.get(p.conversation_id) !== "breached") sla.set(p.conversation_id, "warning");
      renderLists();
      break;
    case "sla.breached":
    case "sla.escalated":
      sla.set(p.conversation_id, "breached");
      renderLists();
      break;
    case "message.analysed":
      emotion.set(p.conversation_id, { category: p.emotion_category, index: p.emotion_index });
      renderLists();
      if (state.open && state.open.id === p.conversation_id) renderHeader();
      break;
    case "handover_card.updated":
      if (state.open && state.open.id === p.conversation_id) loadCard().catch(() => {});
      break;
    case "knowledge_pack.published":
      packBanner(p.pack || {});
      break;
    default:
      break;
  }
}
