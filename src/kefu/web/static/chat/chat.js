// The customer chat: standalone at /chat, or inside the widget's iframe (?embed=1).
//
// Delivery rules: the stream is replayed from the last seq received on it (`after=`), so a
// reconnect loses nothing; every message is drawn once, keyed by seq; a message being sent
// keeps its client_id across retries, so the server stores it once.
import { api, ApiError, retriable, wsUrl } from "../common/api.js";
import { $, add, clear, fill, formatDateTime, formatTime, h, newClientId, sleep } from "../common/dom.js";
import { applyI18n, lang, t, toggleLang } from "../common/i18n.js";

const SESSION_KEY = "kefu.chat.session";
const params = new URLSearchParams(location.search);
const embedded = params.has("embed");

const log = $("#log");
const input = $("#input");
const statusLine = $("#status");
const banner = $("#banner");
const extras = $("#extras");
const menuPanel = $("#menu");
const humanButton = $("#human");
const endButton = $("#end");
const menuButton = $("#menu-btn");

let session = loadSession();
let socket = null;
let streamSeq = 0; // the last seq received on the stream: where a reconnect resumes
let reconnectDelay = 500;
let status = null; // the last status frame
const drawn = new Map(); // seq -> element
const messages = new Map(); // seq -> message
const pending = new Map(); // client_id -> {el, body}
let menuAvailable = null; // null: not probed yet
let menuNode = "";
let ready = Promise.resolve(); // settles once the conversation exists (or starting it failed)

// ---- session --------------------------------------------------------------------------------

function loadSession() {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function saveSession(value) {
  session = value;
  try {
    if (value) sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage can be blocked in third-party iframes: the chat still works for this page view.
  }
}

function path(suffix = "") {
  return `/api/v1/public/conversations/${encodeURIComponent(session.conversation_id)}${suffix}`;
}

async function startConversation() {
  const body = { channel: "web_widget", language: lang() };
  if (params.get("entry")) body.entry_point = params.get("entry").slice(0, 64);
  if (params.get("name")) body.name = params.get("name").slice(0, 200);
  if (params.get("uid")) body.external_id = params.get("uid").slice(0, 128);
  const started = await api("/api/v1/public/conversations", { method: "POST", body });
  saveSession({
    conversation_id: started.conversation_id,
    customer_token: started.customer_token,
    rated: false,
  });
}

function resetView() {
  if (socket) {
    const old = socket;
    socket = null;
    old.close();
  }
  streamSeq = 0;
  status = null;
  drawn.clear();
  messages.clear();
  pending.clear();
  clear(log);
  clear(extras);
  menuNode = "";
  hideMenu();
}

async function boot() {
  try {
    if (!session) await startConversation();
    connect();
  } catch (error) {
    showBanner(t("common.error", { message: error.message }), () => {
      ready = boot();
    });
  }
}

async function newChat() {
  resetView();
  saveSession(null);
  ready = boot();
  await ready;
}

// ---- stream ---------------------------------------------------------------------------------

function connect() {
  if (!session) return;
  const url = wsUrl(
    `${path("/stream")}?token=${encodeURIComponent(session.customer_token)}&after=${streamSeq}`,
  );
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    if (ws !== socket) return;
    reconnectDelay = 500;
    hideBanner();
  };
  ws.onmessage = (event) => {
    if (ws !== socket) return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (frame.type === "message") {
      draw(frame.message);
      // The stream sends each conversation's messages in order and without gaps.
      streamSeq = Math.max(streamSeq, frame.message.seq);
    } else if (frame.type === "status") {
      onStatus(frame);
    }
  };
  ws.onclose = (event) => {
    if (ws !== socket) return;
    socket = null;
    if ([4401, 4403, 4404].includes(event.code)) {
      // The token expired or the conversation is gone: begin again.
      newChat();
      return;
    }
    showBanner(t("chat.reconnecting"));
    const delay = reconnectDelay;
    reconnectDelay = Math.min(reconnectDelay * 2, 10000);
    setTimeout(() => {
      if (!socket) connect();
    }, delay);
  };
}

// ---- drawing messages -----------------------------------------------------------------------

function draw(message) {
  if (message.internal || drawn.has(message.seq)) return;
  const el = messageEl(message);
  messages.set(message.seq, message);
  const waiting = message.client_id ? pending.get(message.client_id) : null;
  if (waiting) {
    pending.delete(message.client_id);
    waiting.el.remove();
  }
  // Keep seq order even when a send's answer overtakes the stream.
  const later = [...drawn.entries()].filter(([seq]) => seq > message.seq).sort((a, b) => a[0] - b[0]);
  const firstPending = log.querySelector(".msg--pending, .msg--failed");
  log.insertBefore(el, later.length ? later[0][1] : firstPending);
  drawn.set(message.seq, el);
  if (message.sender === "customer") disableOlderButtons(message.seq);
  scrollDown();
  if (embedded && message.sender !== "customer") {
    parent.postMessage({ type: "kefu:unread" }, "*");
  }
}

function disableOlderButtons(seq) {
  for (const [otherSeq, el] of drawn) {
    if (otherSeq < seq) for (const b of el.querySelectorAll("button.chip")) b.disabled = true;
  }
}

function scrollDown() {
  log.scrollTop = log.scrollHeight;
}

function messageEl(m) {
  const sender = ["customer", "bot", "agent", "system"].includes(m.sender) ? m.sender : "system";
  return h(
    "div",
    { class: `msg msg--${sender}`, "data-seq": m.seq, "data-sender": sender },
    sender === "bot" || sender === "agent"
      ? h("div", { class: "msg__who" }, t(`chat.sender.${sender}`))
      : null,
    m.text ? h("div", { class: "msg__text" }, m.text) : null,
    sender !== "customer" && m.payload ? payloadEl(m.payload) : null,
    h("time", { class: "msg__time", datetime: m.created_at }, formatTime(m.created_at, lang())),
  );
}

function payloadEl(payload) {
  const parts = [];
  const orders = Array.isArray(payload.orders) ? payload.orders : [];
  if (orders.length) parts.push(h("div", { class: "orders" }, orders.map(orderCard)));
  const choices = Array.isArray(payload.choices) ? payload.choices : [];
  if (choices.length) {
    parts.push(
      h(
        "div",
        { class: "chips choices" },
        choices.map((c) =>
          h(
            "button",
            {
              type: "button",
              class: "chip choice",
              "data-value": c.value,
              onclick: (e) => pick(e, c.label, { type: "choice", value: String(c.value) }),
            },
            c.label,
          ),
        ),
      ),
    );
  }
  const menu = payload.menu && Array.isArray(payload.menu.children) ? payload.menu.children : [];
  if (menu.length) {
    parts.push(
      h(
        "div",
        { class: "chips menu-chips" },
        menu.map((node) =>
          h(
            "button",
            {
              type: "button",
              class: "chip choice",
              "data-menu": node.id,
              onclick: (e) => pick(e, node.label, { type: "menu", value: String(node.id) }),
            },
            node.label,
          ),
        ),
      ),
    );
  }
  const suggestions = Array.isArray(payload.suggestions) ? payload.suggestions : [];
  if (suggestions.length) {
    parts.push(
      h(
        "div",
        { class: "chips suggestions" },
        suggestions.map((s) =>
          h(
            "button",
            {
              type: "button",
              class: "chip suggestion",
              "data-suggestion": s.id,
              onclick: (e) => pick(e, s.text, { type: "suggestion", value: String(s.id) }),
            },
            s.text,
          ),
        ),
      ),
    );
  }
  return parts.length ? parts : null;
}

function orderCard(order) {
  const eta = order.eta ? formatEta(order.eta) : "";
  return h(
    "div",
    { class: "order-card", "data-order-id": order.order_id },
    h(
      "div",
      { class: "order-card__head" },
      h("span", {}, order.restaurant || order.order_id),
      h("span", { class: "muted" }, `#${order.order_id}`),
    ),
    h(
      "dl",
      {},
      h("dt", {}, t("chat.order.status")),
      h("dd", { class: "order-card__status" }, order.status_text || order.status || ""),
      eta ? [h("dt", {}, t("chat.order.eta")), h("dd", { class: "order-card__eta" }, eta)] : null,
      order.total !== undefined && order.total !== null
        ? [
            h("dt", {}, t("chat.order.total")),
            h("dd", {}, typeof order.total === "number" ? `¥${order.total.toFixed(2)}` : String(order.total)),
          ]
        : null,
    ),
    h(
      "button",
      {
        type: "button",
        class: "chip choice",
        onclick: (e) =>
          pick(e, `${t("chat.you_picked")} #${order.order_id}`, {
            type: "choice",
            value: String(order.order_id),
          }),
      },
      t("chat.pick_order"),
    ),
  );
}

function formatEta(eta) {
  // An ETA may come as a time ("2026-11-23T12:30:00+08:00") or as words already ("12:30").
  const asDate = new Date(eta);
  return typeof eta === "string" && eta.includes("T") && !Number.isNaN(asDate.getTime())
    ? formatDateTime(eta, lang())
    : String(eta);
}

function pick(event, text, action) {
  const button = event.currentTarget;
  const group = button.closest(".msg") || button.parentElement;
  for (const b of group.querySelectorAll("button.chip")) b.disabled = true;
  send(text, action);
}

// ---- sending --------------------------------------------------------------------------------

function send(text, action) {
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

async function deliver(clientId) {
  const item = pending.get(clientId);
  if (!item) return;
  item.el.classList.remove("msg--failed");
  item.el.classList.add("msg--pending");
  item.el.querySelector(".msg__state").textContent = t("chat.sending");
  await ready; // typed before the conversation was started
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!session) break;
    try {
      const stored = await api(path("/messages"), {
        method: "POST",
        body: item.body,
        token: session.customer_token,
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

// ---- status, hand-over, callback, rating ----------------------------------------------------

function onStatus(frame) {
  const previous = status;
  status = frame;
  renderStatus();
  const ended = ["resolved", "closed"].includes(frame.status);
  humanButton.classList.toggle("hidden", frame.status !== "bot");
  endButton.textContent = ended ? t("chat.new") : t("chat.end");
  if (frame.offer && !session.callback && (!previous || previous.offer !== frame.offer)) {
    showOffer(frame.offer);
  }
  if (!frame.offer) removeExtra("offer");
  if (ended) showRating();
  if (!ended) removeExtra("rating");
}

function renderStatus() {
  clear(statusLine);
  if (!status) return;
  const parts = [];
  if (status.status === "queued") {
    parts.push(t("chat.status.queued"));
    if (status.queue_position) parts.push(t("chat.status.position", { n: status.queue_position }));
    if (status.estimated_wait_s !== null && status.estimated_wait_s !== undefined) {
      parts.push(t("chat.status.wait", { m: Math.max(1, Math.ceil(status.estimated_wait_s / 60)) }));
    } else {
      parts.push(t("chat.status.wait_unknown"));
    }
  } else {
    parts.push(t(`chat.status.${status.status}`));
  }
  statusLine.dataset.status = status.status;
  statusLine.textContent = parts.join(" · ");
}

async function askForHuman() {
  humanButton.disabled = true;
  try {
    const view = await api(path("/handover"), {
      method: "POST",
      body: { reason: "customer_request" },
      token: session.customer_token,
    });
    onStatus({ type: "status", ...view });
  } catch (error) {
    showBanner(t("common.error", { message: error.message }));
  } finally {
    humanButton.disabled = false;
  }
}

function removeExtra(name) {
  const el = extras.querySelector(`[data-extra="${name}"]`);
  if (el) el.remove();
}

function showOffer(offer) {
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
      await api(path("/callback"), { method: "POST", body, token: session.customer_token });
      // Its own name: the offer ends with the booking (the status may say so first and
      // take the form away), this confirmation stays.
      saveSession({ ...session, callback: true });
      form.remove();
      add(extras, h("p", { "data-extra": "callback-booked", class: "ok" }, t("chat.callback.done")));
    } catch (err) {
      error.textContent = err.message;
    }
  });
  add(extras, form);
}

function showRating() {
  if (session.rated || extras.querySelector('[data-extra="rating"]')) return;
  let score = 0;
  const stars = [1, 2, 3, 4, 5].map((n) =>
    h(
      "button",
      {
        type: "button",
        class: "star",
        "data-score": n,
        "aria-label": t("chat.rating.star", { n }),
        onclick: () => {
          score = n;
          stars.forEach((s, i) => s.classList.toggle("on", i < n));
          submit.disabled = false;
        },
      },
      "★",
    ),
  );
  const comment = h("textarea", { rows: 2, maxlength: 1000, placeholder: t("chat.rating.comment") });
  const error = h("p", { class: "error" });
  const submit = h("button", { type: "submit", class: "primary", disabled: true }, t("chat.rating.submit"));
  const form = h(
    "form",
    { "data-extra": "rating", class: "rating-form stack" },
    h("strong", {}, t("chat.rating.title")),
    h("div", { class: "stars" }, stars),
    comment,
    error,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!score) return;
    const body = { score };
    if (comment.value.trim()) body.comment = comment.value.trim();
    try {
      await api(path("/rating"), { method: "POST", body, token: session.customer_token });
      saveSession({ ...session, rated: true });
      form.replaceWith(h("p", { "data-extra": "rating" }, t("chat.rating.thanks")));
    } catch (err) {
      error.textContent =
        err instanceof ApiError && err.message === "Not Found" ? t("common.pending") : err.message;
    }
  });
  add(extras, form);
}

async function endOrRestart() {
  if (status && ["resolved", "closed"].includes(status.status)) {
    await newChat();
    return;
  }
  try {
    const view = await api(path("/close"), { method: "POST", token: session.customer_token });
    onStatus({ type: "status", ...view });
  } catch (error) {
    showBanner(t("common.error", { message: error.message }));
  }
}

// ---- menu navigation ------------------------------------------------------------------------

async function loadMenu(node) {
  const query = node ? `?node=${encodeURIComponent(node)}` : "";
  return api(`${path("/menu")}${query}`, { token: session.customer_token });
}

async function probeMenu() {
  if (!session || menuAvailable !== null) return;
  try {
    await loadMenu("");
    menuAvailable = true;
  } catch {
    menuAvailable = false;
  }
  menuButton.classList.toggle("hidden", !menuAvailable);
}

function hideMenu() {
  menuPanel.classList.add("hidden");
}

function journey(action, node, level) {
  // Best effort: analytics must never get in the customer's way.
  api(path("/journey"), {
    method: "POST",
    body: { action, node: node || "root", level: level || 0 },
    token: session.customer_token,
  }).catch(() => {});
}

function parentOf(data) {
  const here = data.node ? data.node.id : "";
  const above = (data.path || []).filter((p) => p.id !== here);
  return above.length ? above[above.length - 1].id : "";
}

function menuButtonEl(child, level) {
  return h(
    "button",
    {
      type: "button",
      class: "chip choice",
      "data-menu": child.id,
      onclick: () => {
        journey("click", child.id, level + 1);
        openMenu(child.id, child.kind === "entry" ? child : null);
      },
    },
    child.label,
  );
}

async function openMenu(node, entry = null) {
  let data;
  try {
    data = await loadMenu(node);
  } catch (error) {
    showBanner(t("common.error", { message: error.message }));
    return;
  }
  menuNode = node;
  const here = data.node || { id: node, kind: "category", level: 0 };
  const level = here.level || 0;
  if (!node) journey("open", "root", 0);
  const trail = (data.path || []).map((p) => p.label).filter(Boolean);
  clear(menuPanel);
  add(menuPanel, 
    h("div", { class: "chat-menu__path" }, [t("chat.menu.top"), ...trail].join(" › ")),
  );
  if (here.kind === "entry") {
    const answer = here.answer ?? (entry && entry.answer) ?? "";
    add(menuPanel, 
      h("strong", { class: "chat-menu__question" }, here.label),
      h("p", { class: "chat-menu__answer" }, answer),
    );
  }
  add(menuPanel, 
    h(
      "div",
      { class: "chips" },
      node
        ? h(
            "button",
            {
              type: "button",
              class: "chip",
              "data-menu-back": true,
              onclick: () => {
                journey("back", node, level);
                openMenu(parentOf(data));
              },
            },
            `‹ ${t("chat.menu.back")}`,
          )
        : null,
      (data.children || []).map((child) => menuButtonEl(child, level)),
    ),
  );
  menuPanel.classList.remove("hidden");
}

// ---- banner ---------------------------------------------------------------------------------

function showBanner(text, retry) {
  clear(banner);
  add(banner, text);
  if (retry) add(banner, " ", h("button", { type: "button", class: "link", onclick: retry }, "↻"));
  banner.classList.remove("hidden");
}

function hideBanner() {
  banner.classList.add("hidden");
}

// ---- wiring ---------------------------------------------------------------------------------

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
  if (menuPanel.classList.contains("hidden")) openMenu(menuNode);
  else {
    journey("exit", menuNode || "root", 0);
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
    if (socket) socket.close();
  },
  get lastSeq() {
    return streamSeq;
  },
};

applyI18n(document);
ready = boot();
ready.then(probeMenu);
