// The agent workspace: my conversations and queues, the conversation with its transcript,
// the hand-over card, the customer and their orders, assist, canned responses.
import { api, ApiError, retriable, wsUrl } from "../common/api.js";
import { forgetToken, logIn, teamApi } from "../common/auth.js";
import { $, $$, add, clear, fill, formatDateTime, formatTime, h, newClientId, sleep } from "../common/dom.js";
import { applyI18n, lang, t } from "../common/i18n.js";
import { mountNav } from "../common/nav.js";
import { toast } from "../common/toast.js";

let token = null;
let me = null;
let nav = null;
let socket = null;
let socketDelay = 500;

const lists = { mine: [], queued: [] };
const unread = new Map(); // conversation id -> count
const sla = new Map(); // conversation id -> "warning" | "breached"
const emotion = new Map(); // conversation id -> {index, category}
const names = new Map(); // conversation id -> customer name, once known
let queueCounts = {};
let team = [];

let open = null; // the conversation shown
let openSeq = 0;
const openLines = new Map(); // seq -> element
let inserted = null; // {suggestion_id, kind, text}: an assist suggestion put in the composer
let cardEditing = false;

// ---- plumbing -------------------------------------------------------------------------------

const call = teamApi(() => token);

function agentPath(suffix) {
  return `/api/v1/agent${suffix}`;
}

function convPath(id, suffix = "") {
  return agentPath(`/conversations/${encodeURIComponent(id)}${suffix}`);
}

function showError(error) {
  toast(t("common.error", { message: error.message || String(error) }));
}

let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => refreshLists().catch(showError), 150);
}

// ---- lists ----------------------------------------------------------------------------------

async function refreshLists() {
  const [mine, queued, queues] = await Promise.all([
    call(agentPath("/conversations?scope=mine")),
    call(agentPath("/conversations?scope=queued")),
    call(agentPath("/queues")),
  ]);
  lists.mine = mine.conversations;
  lists.queued = queued.conversations;
  queueCounts = queues.queues || {};
  renderLists();
  if (open) {
    const fresh = [...lists.mine, ...lists.queued].find((c) => c.id === open.id);
    if (fresh && (fresh.status !== open.status || fresh.assignee_id !== open.assignee_id)) {
      open = fresh;
      renderHeader();
    }
  }
}

function badges(c) {
  const out = [h("span", { class: "badge", "data-badge": "status" }, t(`status.${c.status}`))];
  if (c.priority > 0) {
    out.push(
      h(
        "span",
        { class: `badge ${c.priority >= 2 ? "bad" : "warn"}`, "data-badge": "priority" },
        t("agent.badge.priority", { n: c.priority }),
      ),
    );
  }
  const feeling = emotion.get(c.id);
  if (feeling && feeling.category && feeling.category !== "neutral") {
    const upset = ["anger", "anxiety", "sadness"].includes(feeling.category);
    out.push(
      h(
        "span",
        { class: `badge ${upset && feeling.index >= 4 ? "bad" : upset ? "warn" : "ok"}`, "data-badge": "emotion" },
        `${t(`emotion.${feeling.category}`)}${feeling.index ? ` ${feeling.index}/5` : ""}`,
      ),
    );
  }
  const due = sla.get(c.id);
  if (due) {
    out.push(
      h(
        "span",
        { class: `badge ${due === "breached" ? "bad" : "warn"}`, "data-badge": "sla" },
        t(due === "breached" ? "agent.badge.sla_breached" : "agent.badge.sla_warning"),
      ),
    );
  }
  const count = unread.get(c.id);
  if (count) out.push(h("span", { class: "badge ok", "data-badge": "unread" }, t("agent.badge.unread", { n: count })));
  return out;
}

function listItem(c) {
  return h(
    "li",
    {
      class: `conv-item ${open && open.id === c.id ? "active" : ""}`,
      "data-conversation": c.id,
      onclick: () => openConversation(c.id).catch(showError),
    },
    h(
      "div",
      { class: "conv-item__title" },
      h("span", {}, names.get(c.id) || `#${c.id.slice(-6)}`),
      h("span", { class: "muted" }, formatTime(c.updated_at, lang())),
    ),
    h(
      "div",
      { class: "conv-item__sub" },
      [c.queue, c.language, c.handover_reason, c.entry_point].filter(Boolean).join(" · "),
    ),
    h("div", { class: "row" }, badges(c)),
  );
}

function renderLists() {
  const mine = $("#list-mine");
  const queued = $("#list-queued");
  fill(mine, ...(lists.mine.length ? lists.mine.map(listItem) : [h("li", { class: "muted" }, t("common.none"))]));
  fill(queued, ...(lists.queued.length ? lists.queued.map(listItem) : [h("li", { class: "muted" }, t("common.none"))]));
  $("#queue-counts").textContent = Object.entries(queueCounts)
    .map(([name, n]) => `${name} ${n}`)
    .join(" · ");
  const names = $("#queue-names");
  fill(names, ...Object.keys(queueCounts).map((name) => h("option", { value: name })));
}

// ---- the open conversation ------------------------------------------------------------------

async function openConversation(id) {
  const conversation = await call(convPath(id));
  open = conversation;
  openSeq = 0;
  openLines.clear();
  inserted = null;
  cardEditing = false;
  unread.delete(id);
  clear($("#transcript"));
  $("#empty").classList.add("hidden");
  $("#conv").classList.remove("hidden");
  $("#side").classList.remove("hidden");
  $("#transfer-form").classList.add("hidden");
  renderHeader();
  renderLists();
  watch(id);
  await loadTranscript();
  await Promise.all([loadCard(), loadCustomer(), loadAssist(), loadCanned()]);
}

function renderHeader() {
  if (!open) return;
  $("#conv-title").textContent = `${names.get(open.id) || `#${open.id.slice(-6)}`} · ${open.queue}`;
  fill($("#conv-badges"), ...badges(open));
  const mineNow = open.assignee_id === me.id && open.status === "assigned";
  $("#take").classList.toggle("hidden", !(open.status === "queued" || (open.status === "assigned" && open.assignee_id !== me.id && me.role !== "agent")));
  $("#resolve").disabled = !mineNow && me.role === "agent";
  $("#transfer").disabled = !["queued", "assigned"].includes(open.status);
}

async function loadTranscript() {
  if (!open) return;
  const id = open.id;
  const found = await call(`${convPath(id, "/messages")}?after=${openSeq}`);
  if (!open || open.id !== id) return;
  for (const m of found.messages) drawLine(m);
}

function drawLine(m) {
  if (!open || m.conversation_id !== open.id || openLines.has(m.seq)) return;
  const sender = ["customer", "bot", "agent", "system"].includes(m.sender) ? m.sender : "system";
  const payload = m.payload || {};
  const extras = [];
  if (Array.isArray(payload.orders) && payload.orders.length) {
    extras.push(payload.orders.map((o) => `#${o.order_id} ${o.restaurant || ""} ${o.status || ""} ${o.eta ? `ETA ${o.eta}` : ""}`).join("\n"));
  }
  if (Array.isArray(payload.choices) && payload.choices.length) extras.push(payload.choices.map((c) => `[${c.label}]`).join(" "));
  if (Array.isArray(payload.suggestions) && payload.suggestions.length) extras.push(payload.suggestions.map((s) => `? ${s.text}`).join("  "));
  if (payload.type && payload.value !== undefined && sender === "customer") extras.push(`▸ ${payload.type}: ${payload.value}`);
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
  openSeq = Math.max(openSeq, m.seq);
  transcript.scrollTop = transcript.scrollHeight;
}

async function sendReply(event) {
  event.preventDefault();
  if (!open) return;
  const box = $("#reply");
  const text = box.value.trim();
  if (!text) return;
  const internal = $("#composer").mode.value === "note";
  const clientId = newClientId("a");
  const used = inserted;
  const error = $("#composer-error");
  error.textContent = "";
  $("#reply-send").disabled = true;
  try {
    let stored = null;
    for (let attempt = 0; attempt < 4 && !stored; attempt++) {
      try {
        stored = await call(convPath(open.id, "/messages"), {
          method: "POST",
          body: { text, client_id: clientId, internal },
        });
      } catch (err) {
        if (!retriable(err) || attempt === 3) throw err;
        await sleep(400 * 2 ** attempt);
      }
    }
    box.value = "";
    inserted = null;
    drawLine(stored);
    if (used && !internal) recordUse(used, text, stored.seq);
  } catch (err) {
    error.textContent = err.message;
  } finally {
    $("#reply-send").disabled = false;
  }
}

function recordUse(used, sentText, seq) {
  call(convPath(open.id, "/assist/used"), {
    method: "POST",
    body: {
      suggestion_id: used.suggestion_id,
      kind: used.kind,
      edited: sentText !== used.text.trim(),
      message_seq: seq,
    },
  }).catch(() => {});
}

function insertText(text, suggestion) {
  const box = $("#reply");
  box.value = box.value.trim() ? `${box.value.trim()}\n${text}` : text;
  inserted = suggestion ? { ...suggestion, text: box.value } : null;
  $("#composer").mode.value = "reply";
  $("#composer").classList.remove("note");
  box.focus();
}

async function take() {
  open = await call(convPath(open.id, "/take"), { method: "POST" });
  renderHeader();
  refreshSoon();
}

async function resolve() {
  open = await call(convPath(open.id, "/resolve"), { method: "POST" });
  renderHeader();
  refreshSoon();
}

async function showTransfer() {
  const form = $("#transfer-form");
  form.classList.toggle("hidden");
  if (!team.length) team = await call(agentPath("/agents"));
  const select = $("#transfer-agent");
  fill(select, 
    ...team
      .filter((a) => a.id !== me.id)
      .map((a) => h("option", { value: a.id }, `${a.name} (${t(`presence.${a.presence}`)})`)),
  );
  $("#transfer-queue").value = open ? open.queue : "";
}

async function transfer(event) {
  event.preventDefault();
  const form = $("#transfer-form");
  const to = form.to.value;
  const body = { note: $("#transfer-note").value.trim() || null };
  if (to === "queue") body.to_queue = $("#transfer-queue").value.trim();
  if (to === "agent") body.to_agent_id = $("#transfer-agent").value;
  if (to === "bot") body.to_bot = true;
  open = await call(convPath(open.id, "/transfer"), { method: "POST", body });
  form.classList.add("hidden");
  $("#transfer-note").value = "";
  renderHeader();
  refreshSoon();
}

// ---- side panels ----------------------------------------------------------------------------

function pendingNote(el) {
  fill(el, h("p", { class: "muted" }, t("common.pending")));
}

const CARD_FIELDS = [
  ["summary", "agent.card.summary", "textarea"],
  ["intent", "agent.card.intent", "input"],
  ["category", "admin.kb.category", "input"],
  ["related_order", "agent.card.order", "input"],
  ["emotion_now", "agent.card.emotion", "emotion"],
  ["priority", "agent.card.priority", "number"],
  ["promises", "agent.card.promises", "lines"],
  ["progress", "agent.card.progress", "textarea"],
  ["next_step", "agent.card.next", "textarea"],
];

async function loadCard() {
  const panel = $("#tab-card");
  if (!open || cardEditing) return;
  let data;
  try {
    data = await call(convPath(open.id, "/card"));
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      // No card (the customer never spoke to the bot) or assist switched off.
      fill(panel, h("p", { class: "muted" }, t("agent.card.none")));
      return;
    }
    throw error;
  }
  renderCard(data.card || data);
}

function renderCard(card) {
  const panel = $("#tab-card");
  if (!card || !card.conversation_id) {
    fill(panel, h("p", { class: "muted" }, t("agent.card.none")));
    return;
  }
  if (card.emotion_now) emotion.set(card.conversation_id, { category: card.emotion_now, index: card.emotion_index });
  if (card.sla_due && new Date(card.sla_due) < new Date()) sla.set(card.conversation_id, "breached");
  const inputs = {};
  const form = h("form", { class: "card-form", "data-version": card.version });
  add(form, 
    h(
      "dl",
      { class: "kv" },
      h("dt", {}, t("agent.card.reason")),
      h("dd", { "data-card": "handover_reason" }, card.handover_reason || ""),
      card.sla_due ? [h("dt", {}, "SLA"), h("dd", {}, formatDateTime(card.sla_due, lang()))] : null,
      card.contacts_7d ? [h("dt", {}, "7d"), h("dd", {}, String(card.contacts_7d))] : null,
    ),
  );
  for (const [name, label, kind] of CARD_FIELDS) {
    let input;
    const value = card[name];
    if (kind === "textarea") input = h("textarea", { name, rows: 2 }, value ?? "");
    else if (kind === "lines") input = h("textarea", { name, rows: 2 }, (value || []).join("\n"));
    else if (kind === "number") input = h("input", { name, type: "number", min: 0, max: 9, value: value ?? 0 });
    else if (kind === "emotion") {
      input = h(
        "select",
        { name },
        ["neutral", "anger", "anxiety", "sadness", "joy", "surprise"].map((e) =>
          h("option", { value: e, selected: e === value }, t(`emotion.${e}`)),
        ),
      );
    } else input = h("input", { name, value: value ?? "" });
    input.addEventListener("input", () => {
      cardEditing = true;
    });
    inputs[name] = { input, kind, original: value };
    add(form, h("label", {}, t(label)), input);
  }
  const status = h("span", { class: "muted" });
  add(form, h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, t("common.save")), status));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = {};
    for (const [name, { input, kind, original }] of Object.entries(inputs)) {
      let value = input.value;
      if (kind === "lines") value = value.split("\n").map((s) => s.trim()).filter(Boolean);
      else if (kind === "number") value = Number(value);
      else if (kind === "input") value = value.trim() || null;
      if (JSON.stringify(value) !== JSON.stringify(original ?? (kind === "lines" ? [] : kind === "input" ? null : original))) {
        changes[name] = value;
      }
    }
    if (!Object.keys(changes).length) return;
    try {
      const saved = await call(convPath(card.conversation_id, "/card"), {
        method: "PATCH",
        body: { version: card.version, ...changes },
      });
      cardEditing = false;
      renderCard(saved.card || saved);
      toast(t("common.saved"));
    } catch (error) {
      status.textContent = error.message;
    }
  });
  fill(panel, form);
}

async function loadCustomer() {
  const panel = $("#tab-customer");
  if (!open) return;
  const data = await call(convPath(open.id, "/customer"));
  const c = data.customer;
  if (c.name && open) {
    names.set(open.id, c.name);
    renderHeader();
    renderLists();
  }
  const profile = data.business_profile || {};
  fill(panel, 
    h("h3", {}, t("agent.customer.profile")),
    h(
      "dl",
      { class: "kv", "data-customer": c.id },
      h("dt", {}, t("admin.users.name")),
      h("dd", {}, c.name || "—"),
      h("dt", {}, t("agent.customer.phone")),
      h("dd", {}, c.phone || "—"),
      h("dt", {}, "ID"),
      h("dd", {}, c.external_id || c.id),
      h("dt", {}, t("agent.customer.tags")),
      h("dd", {}, (c.tags || []).map((tag) => h("span", { class: "badge" }, tag))),
      Object.entries(profile)
        .filter(([k, v]) => !["name", "phone", "external_id", "language"].includes(k))
        .filter(([, v]) => v === null || typeof v !== "object")
        .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v === null ? "—" : String(v))]),
    ),
    data.business_error
      ? h("p", { class: "error" }, t("agent.customer.business_error", { message: data.business_error }))
      : null,
    h("h3", {}, t("agent.customer.orders")),
    data.orders.length
      ? data.orders.map((o) =>
          h(
            "div",
            { class: "card-item", "data-order": o.order_id || o.id },
            h(
              "div",
              { class: "row" },
              h("strong", {}, nameOf(o.restaurant) || nameOf(o.merchant) || ""),
              h("span", { class: "muted" }, `#${o.order_id || o.id}`),
            ),
            h(
              "dl",
              { class: "kv" },
              Object.entries(o)
                .filter(([k, v]) => !["order_id", "id", "restaurant"].includes(k) && (v === null || typeof v !== "object"))
                .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v === null ? "—" : String(v))]),
            ),
            h("button", { type: "button", class: "link", onclick: () => insertText(`#${o.order_id || o.id}`) }, t("agent.assist.insert")),
          ),
        )
      : h("p", { class: "muted" }, t("common.none")),
  );
}

function nameOf(value) {
  if (value && typeof value === "object") return value.name || value.title || value.id || "";
  return value || "";
}

function suggestionItem(s, title) {
  return h(
    "div",
    { class: "card-item", "data-suggestion": s.id, "data-kind": s.kind },
    title ? h("strong", {}, title) : null,
    h("div", { class: "card-item__text" }, s.text),
    h(
      "div",
      { class: "row" },
      h("span", { class: "muted" }, s.kind || ""),
      h(
        "button",
        { type: "button", class: "primary", onclick: () => insertText(s.text, { suggestion_id: s.id, kind: s.kind }) },
        t("agent.assist.insert"),
      ),
    ),
  );
}

async function loadAssist() {
  const panel = $("#tab-assist");
  if (!open) return;
  let data;
  try {
    data = await call(convPath(open.id, "/assist"));
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      fill(panel, h("p", { class: "muted" }, t("agent.assist.none")));
      return;
    }
    throw error;
  }
  const parts = [];
  if (data.soothing) parts.push(h("h3", {}, t("agent.assist.soothing")), suggestionItem(data.soothing));
  if (data.remedy) parts.push(suggestionItem(data.remedy));
  if (data.suggested_replies && data.suggested_replies.length) {
    parts.push(h("h3", {}, t("agent.assist.replies")), data.suggested_replies.map((s) => suggestionItem(s)));
  }
  if (data.policy) parts.push(suggestionItem(data.policy, data.policy.title));
  if (data.knowledge_cards && data.knowledge_cards.length) {
    parts.push(
      h("h3", {}, t("agent.assist.knowledge")),
      data.knowledge_cards.map((c) =>
        suggestionItem({ id: `kb:${c.entry_id}`, kind: "knowledge", text: c.answer }, c.question),
      ),
    );
  }
  for (const pack of data.knowledge_packs || []) {
    parts.push(suggestionItem({ id: pack.id, kind: "pack", text: pack.text || "" }, pack.title));
  }
  fill(panel, ...(parts.length ? parts.flat() : [h("p", { class: "muted" }, t("agent.assist.none"))]));
}

let canned = [];
async function loadCanned() {
  const panel = $("#tab-canned");
  try {
    const data = await call(agentPath("/canned"));
    canned = Array.isArray(data) ? data : data.canned || data.responses || data.items || [];
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return pendingNote(panel);
    throw error;
  }
  const search = h("input", { type: "search", placeholder: t("agent.canned.search") });
  const list = h("div");
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const language = open ? open.language : lang();
    const shown = canned.filter((c) => !q || [c.shortcut, c.text_zh, c.text_en].join(" ").toLowerCase().includes(q));
    fill(list, 
      ...(shown.length
        ? shown.map((c) => {
            const text = (language === "en" ? c.text_en || c.text_zh : c.text_zh || c.text_en) || c.text || "";
            return h(
              "div",
              { class: "card-item", "data-canned": c.id },
              h("strong", {}, c.shortcut ? `/${c.shortcut}` : ""),
              h("div", { class: "card-item__text" }, text),
              h(
                "button",
                { type: "button", class: "link", onclick: () => insertText(text, { suggestion_id: String(c.id), kind: "canned" }) },
                t("agent.assist.insert"),
              ),
            );
          })
        : [h("p", { class: "muted" }, t("agent.canned.none"))]),
    );
  };
  search.addEventListener("input", draw);
  draw();
  fill(panel, search, list);
}

// ---- live stream ----------------------------------------------------------------------------

function connect() {
  const ws = new WebSocket(wsUrl(`/api/v1/agent/stream?token=${encodeURIComponent(token)}`));
  socket = ws;
  ws.onopen = () => {
    socketDelay = 500;
    if (open) watch(open.id);
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
      if (open) loadTranscript().catch(showError);
    }, delay);
  };
}

function watch(id) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ watch: id }));
}

function onFrame(frame) {
  if (frame.type === "message") {
    const m = frame.message;
    if (open && m.conversation_id === open.id) {
      if (m.seq > openSeq + 1) loadTranscript().catch(showError);
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
      if (p.agent_id === me.id && p.previous_agent_id !== me.id) newAssignment(p.conversation_id);
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
      if (open && open.id === p.conversation_id) renderHeader();
      break;
    case "handover_card.updated":
      if (open && open.id === p.conversation_id) loadCard().catch(() => {});
      break;
    case "knowledge_pack.published":
      packBanner(p.pack || {});
      break;
    default:
      break;
  }
}

function newAssignment(conversationId) {
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

let audio = null;
function beep() {
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

function packBanner(pack) {
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

// ---- start ----------------------------------------------------------------------------------

function wire() {
  $("#presence").addEventListener("change", async (event) => {
    try {
      me = await call(agentPath("/me/presence"), { method: "PUT", body: { presence: event.target.value } });
    } catch (error) {
      showError(error);
    }
  });
  const notify = $("#notify");
  if ("Notification" in window && Notification.permission === "default") {
    notify.classList.remove("hidden");
    notify.addEventListener("click", async () => {
      await Notification.requestPermission();
      notify.classList.add("hidden");
    });
  }
  $("#composer").addEventListener("submit", sendReply);
  $("#composer").addEventListener("change", (event) => {
    if (event.target.name !== "mode") return;
    const note = event.target.value === "note";
    $("#composer").classList.toggle("note", note);
    $("#reply").placeholder = t(note ? "agent.note.placeholder" : "agent.reply.placeholder");
  });
  $("#reply").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("#composer").requestSubmit();
  });
  $("#take").addEventListener("click", () => take().catch(showError));
  $("#resolve").addEventListener("click", () => resolve().catch(showError));
  $("#transfer").addEventListener("click", () => showTransfer().catch(showError));
  $("#transfer-cancel").addEventListener("click", () => $("#transfer-form").classList.add("hidden"));
  $("#transfer-form").addEventListener("submit", (event) => transfer(event).catch(showError));
  for (const tab of $$(".tabs button")) {
    tab.addEventListener("click", () => {
      for (const other of $$(".tabs button")) other.classList.toggle("active", other === tab);
      for (const panel of $$(".tab")) panel.classList.toggle("hidden", panel.id !== `tab-${tab.dataset.tab}`);
    });
  }
  window.addEventListener("kefu:lang", () => {
    renderLists();
    renderHeader();
    if (open) {
      const seqs = [...openLines.keys()];
      if (seqs.length) {
        openSeq = 0;
        openLines.clear();
        clear($("#transcript"));
        loadTranscript().catch(showError);
      }
    }
  });
}

async function main() {
  applyI18n(document);
  nav = mountNav($("#nav"), { active: "agent" });
  const session = await logIn();
  token = session.token;
  me = session.agent;
  nav.update({
    user: me,
    onLogout: () => {
      forgetToken();
      location.reload();
    },
  });
  $("#presence").value = me.presence;
  $("#workspace").classList.remove("hidden");
  wire();
  await refreshLists();
  connect();
  const wanted = new URLSearchParams(location.search).get("c");
  if (wanted) await openConversation(wanted);
}

main().catch(showError);
