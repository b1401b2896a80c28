// Telling the agent: a sound, a desktop notification, a banner for a knowledge pack.
import { $, h } from "../common/dom.js";
import { t } from "../common/i18n.js";
import { toast } from "../common/toast.js";
import { openConversation } from "./conversation.js";
import { showError } from "./state.js";

let audio = null;

export function newAssignment(conversationId) {
  if ($("#sound").checked) beep();
  const title = t("agent.new_assignment");
  toast(title, 5000, { "data-conversation": conversationId });
  if ("Notification" in window && Notification.permission === "granted") {
    try {
      const note = new Notification(title, { body: t("agent.new_assignment.body"), tag: conversationId });
      note.onclick = () => {
        window.focus();
        openConversation(conversationId).catch(showError);
      };
    } catch {
      // Some browsers allow notifications only from a service worker.
    }
  }
}

export function beep() {
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.4);
  } catch {
    // No audio device: the toast and the list still show it.
  }
}

export function packBanner(pack) {
  const name = pack.title || pack.name || pack.id || "";
  const text = pack.script || pack.answer || "";
  const banner = h(
    "div",
    { class: "banner", "data-pack": pack.id || "" },
    h("div", { class: "banner__text" }, h("strong", {}, t("agent.pack", { name })), text ? `\n${text}` : ""),
    h("button", { type: "button", class: "link", onclick: () => banner.remove() }, "✕"),
  );
  $("#banners").prepend(banner);
  if ($("#sound").checked) beep();
}
