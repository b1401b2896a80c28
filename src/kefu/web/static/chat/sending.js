// Sending: a message keeps its client_id across retries, so the server stores it once.
import { api, retriable } from "../common/api.js";
import { add, h, newClientId, sleep } from "../common/dom.js";
import { t } from "../common/i18n.js";
import { draw, scrollDown } from "./messages.js";
import { log, state, pending, path } from "./state.js";

export function send(text, action) {
  const clean = String(text || "").trim();
  if (!clean) return;
  const clientId = newClientId("w");
  const body = { text: clean.slice(0, 4000), client_id: clientId };
  if (action) body.action = action;
  const el = h(
    "div",
    { class: "msg msg--customer msg--pending", "data-client-id": clientId },
    h("div", { class: "msg__text" }, body.text),
    h("div", { class: "msg__state" }, t("chat.sending")),
  );
  el.addEventListener("click", () => {
    if (el.classList.contains("msg--failed")) deliver(clientId);
  });
  add(log, el);
  pending.set(clientId, { el, body });
  scrollDown();
  deliver(clientId);
}

export async function deliver(clientId) {
  const item = pending.get(clientId);
  if (!item) return;
  item.el.classList.remove("msg--failed");
  item.el.classList.add("msg--pending");
  item.el.querySelector(".msg__state").textContent = t("chat.sending");
  await state.ready; // typed before the conversation was started
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!state.session) break;
    try {
      const stored = await api(path("/messages"), {
        method: "POST",
        body: item.body,
        token: state.session.customer_token,
      });
      draw(stored);
      return;
    } catch (error) {
      if (!retriable(error)) break;
      await sleep(400 * 2 ** attempt);
    }
    if (!pending.has(clientId)) return; // arrived on the stream meanwhile
  }
  if (pending.has(clientId)) {
    item.el.classList.remove("msg--pending");
    item.el.classList.add("msg--failed");
    item.el.querySelector(".msg__state").textContent = t("chat.failed");
  }
}
