// Starting a conversation and keeping its stream open: replayed from the last seq on reconnect.
import { api, wsUrl } from "../common/api.js";
import { clear } from "../common/dom.js";
import { lang, t } from "../common/i18n.js";
import { showBanner, hideBanner } from "./banner.js";
import { hideMenu } from "./menu.js";
import { draw } from "./messages.js";
import { params, log, extras, state, drawn, messages, pending, saveSession, path } from "./state.js";
import { onStatus } from "./waiting.js";

export async function startConversation() {
  const body = { channel: "web_widget", language: lang() };
  if (params.get("entry")) body.entry_point = params.get("entry").slice(0, 64);
  if (params.get("name")) body.name = params.get("name").slice(0, 200);
  if (params.get("uid")) body.external_id = params.get("uid").slice(0, 128);
  if (params.get("uid_signature")) body.identity_signature = params.get("uid_signature").slice(0, 128);
  const started = await api("/api/v1/public/conversations", { method: "POST", body });
  saveSession({
    conversation_id: started.conversation_id,
    customer_token: started.customer_token,
    rated: false,
  });
}

export function resetView() {
  if (state.socket) {
    const old = state.socket;
    state.socket = null;
    old.close();
  }
  state.streamSeq = 0;
  state.status = null;
  drawn.clear();
  messages.clear();
  pending.clear();
  clear(log);
  clear(extras);
  state.menuNode = "";
  hideMenu();
}

export async function boot() {
  try {
    if (!state.session) await startConversation();
    connect();
  } catch (error) {
    showBanner(t("common.error", { message: error.message }), () => {
      state.ready = boot();
    });
  }
}

export async function newChat() {
  resetView();
  saveSession(null);
  state.ready = boot();
  await state.ready;
}

export function connect() {
  if (!state.session) return;
  const url = wsUrl(
    `${path("/stream")}?token=${encodeURIComponent(state.session.customer_token)}&after=${state.streamSeq}`,
  );
  const ws = new WebSocket(url);
  state.socket = ws;
  ws.onopen = () => {
    if (ws !== state.socket) return;
    state.reconnectDelay = 500;
    hideBanner();
  };
  ws.onmessage = (event) => {
    if (ws !== state.socket) return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (frame.type === "message") {
      draw(frame.message);
      // The stream sends each conversation's messages in order and without gaps.
      state.streamSeq = Math.max(state.streamSeq, frame.message.seq);
    } else if (frame.type === "status") {
      onStatus(frame);
    }
  };
  ws.onclose = (event) => {
    if (ws !== state.socket) return;
    state.socket = null;
    if ([4401, 4403, 4404].includes(event.code)) {
      // The token expired or the conversation is gone: begin again.
      newChat();
      return;
    }
    showBanner(t("chat.reconnecting"));
    const delay = state.reconnectDelay;
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 10000);
    setTimeout(() => {
      if (!state.socket) connect();
    }, delay);
  };
}
