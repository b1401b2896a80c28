// The supervisor wall-board: numbers pushed over a WebSocket once a second, trend lines
// drawn as inline SVG. No framework, nothing from the internet. Log-in, language and the
// navigation come from common/, like every other page.
import { wsUrl } from "../common/api.js";
import { askToLogIn, forgetToken, logIn, loginForm } from "../common/auth.js";
import { $ } from "../common/dom.js";
import { applyI18n, t, toggleLang } from "../common/i18n.js";
import { mountNav } from "../common/nav.js";
import { render, renderRates } from "./render.js";

let token = null;
let socket = null;
let last = null;
let retry = 1000;
let nav = null;
/** The wall-board's log-in asks for a supervisor. */
const LOGIN = { title: "board.login_title" };

function setConnected(on) {
  const pill = $("#connection");
  pill.className = `pill ${on ? "on" : "off"}`;
  pill.textContent = t(on ? "board.online" : "board.offline");
}

function applyLanguage() {
  document.title = `kefu ${t("board.title")}`;
  $("#lang").textContent = t("lang.toggle");
  setConnected(socket && socket.readyState === WebSocket.OPEN);
  if (last) render(last);
}

function show(board) {
  last = board;
  $("#board").hidden = false;
  render(board);
}

/** Logs in (the stored token, else the form) and opens the stream; `message` says why again. */
async function start(message = "") {
  $("#board").hidden = true;
  const asking = message ? askToLogIn(LOGIN) : logIn(LOGIN);
  loginForm(LOGIN).error.textContent = message;
  const session = await asking;
  token = session.token;
  nav.update({ user: session.agent, onLogout: logOut });
  connect();
}

function logOut() {
  forgetToken();
  const old = socket;
  socket = null;
  if (old) old.close();
  setConnected(false);
  nav.update({ user: null, onLogout: null });
  start();
}

function connect() {
  const ws = new WebSocket(wsUrl(`/api/v1/ops/stream?token=${encodeURIComponent(token)}`));
  socket = ws;
  ws.onopen = () => {
    retry = 1000;
    setConnected(true);
  };
  ws.onmessage = (msg) => {
    if (ws !== socket) return;
    const frame = JSON.parse(msg.data);
    if (frame.type === "board") show(frame.board);
    else if (frame.type === "error") {
      socket = null;
      ws.close();
      setConnected(false);
      if (frame.error.code === "permission_denied") start(t("board.not_supervisor"));
      else {
        forgetToken();
        start(frame.error.message);
      }
    }
  };
  ws.onclose = () => {
    if (ws !== socket) return;
    setConnected(false);
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15000);
  };
}

applyI18n(document);
nav = mountNav($("#nav"), { active: "board" });
$("#lang").addEventListener("click", toggleLang);
$("#window").addEventListener("change", () => last && renderRates(last));
window.addEventListener("kefu:lang", applyLanguage);
applyLanguage();
start().catch((error) => {
  loginForm(LOGIN).error.textContent = error.message;
});
