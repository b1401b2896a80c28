// What the chat's modules share: the session (kept in sessionStorage), the stream position,
// the last status, the drawn messages, and the page's elements.
import { $ } from "../common/dom.js";

const SESSION_KEY = "kefu.chat.session";
export const params = new URLSearchParams(location.search);
export const embedded = params.has("embed");

export const log = $("#log");
export const input = $("#input");
export const statusLine = $("#status");
export const banner = $("#banner");
export const extras = $("#extras");
export const menuPanel = $("#menu");
export const humanButton = $("#human");
export const endButton = $("#end");
export const menuButton = $("#menu-btn");

function loadSession() {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

export const state = {
  session: loadSession(),
  socket: null,
  streamSeq: 0, // the last seq received on the stream: where a reconnect resumes
  reconnectDelay: 500,
  status: null, // the last status frame
  menuAvailable: null, // null: not probed yet
  menuNode: "",
  ready: Promise.resolve(), // settles once the conversation exists (or starting it failed)
};

export const drawn = new Map(); // seq -> element
export const messages = new Map(); // seq -> message
export const pending = new Map(); // client_id -> {el, body}

export function saveSession(value) {
  state.session = value;
  try {
    if (value) sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage can be blocked in third-party iframes: the chat still works for this page view.
  }
}

export function path(suffix = "") {
  return `/api/v1/public/conversations/${encodeURIComponent(state.session.conversation_id)}${suffix}`;
}
