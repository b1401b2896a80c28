// The status line, the hand-over, the waiting room's callback offer, and ending the chat.
import { api } from "../common/api.js";
import { add, clear, h } from "../common/dom.js";
import { t, label } from "../common/i18n.js";
import { showBanner } from "./banner.js";
import { newChat } from "./connection.js";
import { showRating } from "./rating.js";
import { statusLine, extras, humanButton, endButton, state, saveSession, path } from "./state.js";

const CHAT_STATUSES = ["bot", "queued", "assigned", "resolved", "closed", "abandoned"];

// Microseconds since the epoch of an ISO time ("…:05.123456Z" or "+00:00"), for ordering.
function stamp(iso) {
  if (!iso) return null;
  const fraction = /\.(\d+)/.exec(iso);
  const micros = fraction ? Number(`${fraction[1]}000000`.slice(0, 6)) : 0;
  return Math.floor(Date.parse(iso) / 1000) * 1e6 + micros;
}

export function onStatus(frame) {
  const previous = state.status;
  // The answer to the page's own request (the human button, say) can arrive after the stream
  // already told of a later change (an agent took the chat): the older one is dropped.
  if (previous && stamp(frame.updated_at) !== null && stamp(frame.updated_at) < stamp(previous.updated_at)) {
    return;
  }
  state.status = frame;
  renderStatus();
  const ended = ["resolved", "closed"].includes(frame.status);
  humanButton.classList.toggle("hidden", frame.status !== "bot");
  endButton.textContent = ended ? t("chat.new") : t("chat.end");
  if (frame.offer && !state.session.callback && (!previous || previous.offer !== frame.offer)) {
    showOffer(frame.offer);
  }
  if (!frame.offer) removeExtra("offer");
  if (ended) showRating();
  if (!ended) removeExtra("rating");
}

export function renderStatus() {
  clear(statusLine);
  if (!state.status) return;
  const parts = [];
  if (state.status.status === "queued") {
    parts.push(t("chat.status.queued"));
    if (state.status.queue_position) parts.push(t("chat.status.position", { n: state.status.queue_position }));
    if (state.status.estimated_wait_s !== null && state.status.estimated_wait_s !== undefined) {
      parts.push(t("chat.status.wait", { m: Math.max(1, Math.ceil(state.status.estimated_wait_s / 60)) }));
    } else {
      parts.push(t("chat.status.wait_unknown"));
    }
  } else {
    parts.push(CHAT_STATUSES.includes(state.status.status) ? t(`chat.status.${state.status.status}`) : label("status", state.status.status));
  }
  statusLine.dataset.status = state.status.status;
  statusLine.textContent = parts.join(" · ");
}

export async function askForHuman() {
  humanButton.disabled = true;
  try {
    const view = await api(path("/handover"), {
      method: "POST",
      body: { reason: "customer_request" },
      token: state.session.customer_token,
    });
    onStatus({ type: "status", ...view });
  } catch (error) {
    showBanner(t("common.error", { message: error.message }));
  } finally {
    humanButton.disabled = false;
  }
}

export function removeExtra(name) {
  const el = extras.querySelector(`[data-extra="${name}"]`);
  if (el) el.remove();
}

export function showOffer(offer) {
  removeExtra("offer");
  if (offer === "leave_message") {
    add(extras, h("p", { "data-extra": "offer", class: "muted" }, t("chat.leave_message")));
    return;
  }
  const phone = h("input", { type: "tel", name: "phone", required: true, maxlength: 40 });
  const when = h("input", { type: "text", name: "preferred_time", maxlength: 100 });
  const note = h("input", { type: "text", name: "note", maxlength: 500 });
  const error = h("p", { class: "error" });
  const form = h(
    "form",
    { "data-extra": "offer", class: "callback-form" },
    h("p", {}, t("chat.callback.title")),
    h("label", {}, t("chat.callback.phone"), phone),
    h("label", {}, t("chat.callback.time"), when),
    h("label", {}, t("chat.callback.note"), note),
    error,
    h("button", { type: "submit", class: "primary" }, t("chat.callback.submit")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { phone: phone.value.trim() };
    if (when.value.trim()) body.preferred_time = when.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    try {
      await api(path("/callback"), { method: "POST", body, token: state.session.customer_token });
      // Its own name: the offer ends with the booking (the state.status may say so first and
      // take the form away), this confirmation stays.
      saveSession({ ...state.session, callback: true });
      form.remove();
      add(extras, h("p", { "data-extra": "callback-booked", class: "ok" }, t("chat.callback.done")));
    } catch (err) {
      error.textContent = err.message;
    }
  });
  add(extras, form);
}

export async function endOrRestart() {
  if (state.status && ["resolved", "closed"].includes(state.status.status)) {
    await newChat();
    return;
  }
  try {
    const view = await api(path("/close"), { method: "POST", token: state.session.customer_token });
    onStatus({ type: "status", ...view });
  } catch (error) {
    showBanner(t("common.error", { message: error.message }));
  }
}
