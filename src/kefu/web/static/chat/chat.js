// The customer chat: standalone at /chat, or inside the widget's iframe (?embed=1).
//
// Delivery rules: the stream is replayed from the last seq received on it (`after=`), so a
// reconnect loses nothing; every message is drawn once, keyed by seq; a message being sent
// keeps its client_id across retries, so the server stores it once. Each concept lives in its
// own module beside this one.
import { $ } from "../common/dom.js";
import { applyI18n, toggleLang } from "../common/i18n.js";
import { boot } from "./connection.js";
import { probeMenu, hideMenu, journey, openMenu } from "./menu.js";
import { messageEl } from "./messages.js";
import { send } from "./sending.js";
import { embedded, input, menuPanel, humanButton, endButton, menuButton, state, drawn, messages } from "./state.js";
import { renderStatus, askForHuman, endOrRestart } from "./waiting.js";

$("#compose").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value;
  input.value = "";
  send(text);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("#compose").requestSubmit();
  }
});
humanButton.addEventListener("click", askForHuman);
endButton.addEventListener("click", endOrRestart);
menuButton.addEventListener("click", () => {
  if (menuPanel.classList.contains("hidden")) openMenu(state.menuNode);
  else {
    journey("exit", state.menuNode || "root", 0);
    hideMenu();
  }
});
$("#lang").addEventListener("click", toggleLang);
window.addEventListener("kefu:lang", () => {
  renderStatus();
  // Redraw the transcript so labels follow the language.
  for (const [seq, el] of drawn) {
    const fresh = messageEl(messages.get(seq));
    el.replaceWith(fresh);
    drawn.set(seq, fresh);
  }
});
if (embedded) {
  const close = $("#close-embed");
  close.classList.remove("hidden");
  close.addEventListener("click", () => parent.postMessage({ type: "kefu:close" }, "*"));
}

// For diagnostics and the browser tests: drop the live connection as a flaky network would.
window.kefuChat = {
  dropConnection() {
    if (state.socket) state.socket.close();
  },
  get lastSeq() {
    return state.streamSeq;
  },
};

applyI18n(document);
// The box stays disabled until the handlers above are in place: a message typed earlier
// would be lost (Enter would only add a line).
input.disabled = false;
state.ready = boot();
state.ready.then(probeMenu);
