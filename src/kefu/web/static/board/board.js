// The supervisor wall-board: numbers pushed over a WebSocket once a second, trend lines
// drawn as inline SVG. No framework, nothing from the internet.

const TOKEN_KEY = "kefu.agent.token";
const LANG_KEY = "kefu.board.lang";

const TEXT = {
  zh: {
    title: "实时运营看板", offline: "未连接", online: "实时", logout: "退出", login_title: "主管登录",
    email: "邮箱", password: "密码", login: "登录", trends: "最近一小时", queues: "队列", queue: "队列",
    waiting: "排队", longest: "最长等待", agents: "坐席", top_intents: "当前热门意图 (5 分钟)",
    rising: "上升最快", handover_reasons: "转人工原因 (1 小时)", packs: "知识包", rates: "服务指标",
    today: "今天", none: "暂无",
    active: "进行中会话", with_bot: "机器人接待", with_agents: "人工接待", longest_wait: "最长等待",
    avg_wait: "平均等待 (1h)", msgs_per_min: "消息/分钟 (5m)", negative_share: "负面情绪占比",
    occupancy: "坐席占用率",
    a_online: "在线", a_busy: "忙碌", a_available: "空闲", a_away: "离开", a_occupancy: "占用",
    c_messages: "消息/分钟", c_waiting: "排队人数", c_created: "新会话/分钟", c_longest: "最长等待 (秒)",
    r_resolution_rate: "解决率", r_bot_resolution_rate: "机器人解决率", r_self_service_rate: "自助服务率",
    r_transfer_to_human_rate: "转人工率", r_abandonment_rate: "排队放弃率", r_reopen_rate: "重开率",
    r_first_response_s: "首次响应 (人工)", r_handling_s: "平均处理时长", r_average_wait_s: "平均等待",
    r_csat: "满意度 (1-5)", r_emotion_index: "平均情绪指数", r_negative_message_rate: "负面消息占比",
    r_conversations_created: "新会话", r_handovers: "转人工次数", r_sla_warning: "SLA 预警",
    r_sla_breached: "SLA 违约", r_overflows: "溢出分流", r_callbacks: "预约回电",
    login_failed: "登录失败：", not_supervisor: "看板仅限主管和管理员",
    alert: "告警", burst: "突增",
  },
  en: {
    title: "Live operations", offline: "offline", online: "live", logout: "Log out", login_title: "Supervisor log-in",
    email: "E-mail", password: "Password", login: "Log in", trends: "Last hour", queues: "Queues", queue: "Queue",
    waiting: "Waiting", longest: "Longest wait", agents: "Agents", top_intents: "Top intents now (5 min)",
    rising: "Fastest rising", handover_reasons: "Hand-over reasons (1 h)", packs: "Knowledge packs", rates: "Service",
    today: "Today", none: "none",
    active: "Active", with_bot: "With the bot", with_agents: "With agents", longest_wait: "Longest wait",
    avg_wait: "Avg wait (1h)", msgs_per_min: "Messages/min (5m)", negative_share: "Upset customers",
    occupancy: "Occupancy",
    a_online: "online", a_busy: "busy", a_available: "free", a_away: "away", a_occupancy: "occupancy",
    c_messages: "Messages/min", c_waiting: "Waiting", c_created: "New conversations/min", c_longest: "Longest wait (s)",
    r_resolution_rate: "Resolution rate", r_bot_resolution_rate: "Bot resolution", r_self_service_rate: "Self-service",
    r_transfer_to_human_rate: "Transfer to human", r_abandonment_rate: "Abandoned in queue", r_reopen_rate: "Reopen rate",
    r_first_response_s: "First response (human)", r_handling_s: "Avg handling time", r_average_wait_s: "Avg wait",
    r_csat: "CSAT (1-5)", r_emotion_index: "Avg emotion index", r_negative_message_rate: "Negative messages",
    r_conversations_created: "New conversations", r_handovers: "Hand-overs", r_sla_warning: "SLA warnings",
    r_sla_breached: "SLA breaches", r_overflows: "Overflows", r_callbacks: "Callbacks",
    login_failed: "Log-in failed: ", not_supervisor: "The board is for supervisors and admins",
    alert: "Alert", burst: "Burst",
  },
};

let lang = localStorage.getItem(LANG_KEY) || (navigator.language.startsWith("zh") ? "zh" : "en");
let socket = null;
let last = null;
let retry = 1000;
const $ = (sel) => document.querySelector(sel);
const t = (key) => (TEXT[lang] && TEXT[lang][key]) || TEXT.en[key] || key;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

const pct = (v) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);
const num = (v, digits = 0) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
function duration(s) {
  if (s === null || s === undefined) return "–";
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = `kefu ${t("title")}`;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("#lang").textContent = lang === "zh" ? "English" : "中文";
  setConnected(socket && socket.readyState === WebSocket.OPEN);
  if (last) render(last);
}

function setConnected(on) {
  const pill = $("#connection");
  pill.className = `pill ${on ? "on" : "off"}`;
  pill.textContent = t(on ? "online" : "offline");
}

function tile(id, label, value, level = "") {
  return el("div", { class: `tile ${level}`, id: `tile-${id}`, "data-testid": id },
    el("div", { class: "label" }, label), el("div", { class: "value" }, value));
}

function bars(target, items) {
  const list = $(target);
  list.replaceChildren();
  if (!items.length) { list.append(el("li", { class: "empty" }, t("none"))); return; }
  const top = Math.max(...items.map((i) => i.n), 1);
  for (const item of items) {
    const bar = el("div", { class: "bar" });
    bar.style.width = `${(100 * item.n) / top}%`;
    list.append(el("li", {}, el("span", {}, item.label), bar, el("span", { class: "n" }, item.text ?? item.n)));
  }
}

function chart(id, label, values) {
  const points = values.map((v) => (v === null || v === undefined ? 0 : v));
  const max = Math.max(...points, 1);
  const w = 600, h = 100;
  const coords = points.map((v, i) => `${((i / (points.length - 1)) * w).toFixed(1)},${(h - (v / max) * (h - 6) - 3).toFixed(1)}`);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("preserveAspectRatio", "none");
  const area = document.createElementNS(svg.namespaceURI, "polygon");
  area.setAttribute("points", `0,${h} ${coords.join(" ")} ${w},${h}`);
  const line = document.createElementNS(svg.namespaceURI, "polyline");
  line.setAttribute("points", coords.join(" "));
  svg.append(area, line);
  const current = points[points.length - 1];
  return el("figure", { class: "chart", id: `chart-${id}` },
    el("figcaption", {}, el("span", {}, label), el("b", {}, `${num(current, current % 1 ? 1 : 0)} / max ${num(max, max % 1 ? 1 : 0)}`)), svg);
}

function render(board) {
  last = board;
  const now = board.now;
  const hour = board.windows["1h"];
  const five = board.windows["5m"];
  $("#clock").textContent = new Date(board.generated_at).toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB");
  const longLevel = now.longest_wait_s >= 300 ? "bad" : now.longest_wait_s >= 120 ? "warn" : "";
  $("#tiles").replaceChildren(
    tile("active", t("active"), now.active),
    tile("with-bot", t("with_bot"), now.with_bot),
    tile("waiting", t("waiting"), now.waiting, now.waiting >= 10 ? "bad" : now.waiting >= 5 ? "warn" : ""),
    tile("with-agents", t("with_agents"), now.with_agents),
    tile("longest-wait", t("longest_wait"), duration(now.longest_wait_s), longLevel),
    tile("average-wait", t("avg_wait"), duration(hour.average_wait_s)),
    tile("messages-per-min", t("msgs_per_min"), num(five.messages_per_min, 1)),
    tile("negative-share", t("negative_share"), pct(now.negative_share), (now.negative_share ?? 0) >= 0.4 ? "bad" : ""),
    tile("occupancy", t("occupancy"), pct(now.agents.occupancy)),
  );
  const minutesToPerMin = (xs) => xs.map((v) => v ?? 0);
  $("#charts").replaceChildren(
    chart("messages", t("c_messages"), minutesToPerMin(board.trend.messages)),
    chart("waiting", t("c_waiting"), board.trend.waiting),
    chart("created", t("c_created"), minutesToPerMin(board.trend.conversations_created)),
    chart("longest", t("c_longest"), board.trend.longest_wait_s),
  );
  const body = $("#queues tbody");
  body.replaceChildren();
  const queues = Object.entries(now.queues);
  if (!queues.length) body.append(el("tr", {}, el("td", { colspan: "3", class: "empty" }, t("none"))));
  for (const [name, q] of queues) body.append(el("tr", {}, el("td", {}, name), el("td", {}, q.waiting), el("td", {}, duration(q.longest_wait_s))));
  const a = now.agents;
  $("#agents").replaceChildren(
    ...[["a_online", a.online], ["a_busy", a.busy], ["a_available", a.available], ["a_away", a.away], ["a_occupancy", pct(a.occupancy)]]
      .map(([k, v]) => el("div", { "data-testid": `agents-${k.slice(2)}` }, el("b", {}, v), t(k))),
  );
  bars("#top-intents", five.top_intents.map((i) => ({ label: i.intent, n: i.count })));
  bars("#rising", board.bursts.rising.map((r) => ({ label: r.key.replace(/^(intent|category):/, ""), n: r.ratio, text: `×${num(r.ratio, 1)}` })));
  bars("#reasons", Object.entries(hour.handover_reasons).map(([k, v]) => ({ label: k, n: v })));
  const packs = $("#packs");
  packs.replaceChildren(...(board.packs.length ? board.packs.map((p) => el("li", {}, p.title)) : [el("li", { class: "empty" }, t("none"))]));
  renderRates(board);
  renderAlerts(board);
}

function renderRates(board) {
  const w = board.windows[$("#window").value];
  const rates = [
    ["resolution_rate", pct(w.resolution_rate)], ["bot_resolution_rate", pct(w.bot_resolution_rate)],
    ["self_service_rate", pct(w.self_service_rate)], ["transfer_to_human_rate", pct(w.transfer_to_human_rate)],
    ["abandonment_rate", pct(w.abandonment_rate)], ["reopen_rate", pct(w.reopen_rate)],
    ["first_response_s", duration(w.first_response_s)], ["handling_s", duration(w.handling_s)],
    ["average_wait_s", duration(w.average_wait_s)], ["csat", num(w.csat, 2)],
    ["emotion_index", num(w.emotion_index, 2)], ["negative_message_rate", pct(w.negative_message_rate)],
    ["conversations_created", w.conversations_created], ["handovers", w.handovers],
    ["sla_warning", w.sla.warning], ["sla_breached", w.sla.breached],
    ["overflows", Object.values(w.overflows).reduce((x, y) => x + y, 0)], ["callbacks", w.callbacks],
  ];
  $("#rates").replaceChildren(...rates.map(([k, v]) => el("div", { class: "rate", "data-testid": `rate-${k}` },
    el("div", { class: "label" }, t(`r_${k}`)), el("div", { class: "value" }, v))));
}

function renderAlerts(board) {
  const box = $("#alerts");
  const items = board.alerts.map((a) => el("span", { class: "alert" }, `⚠ ${t("alert")}: ${(lang === "zh" ? a.label_zh : a.label_en) || a.indicator} (${num(a.value, a.value % 1 ? 2 : 0)})`));
  for (const key of board.bursts.active) items.push(el("span", { class: "burst" }, `📈 ${t("burst")}: ${key.replace(/^(intent|category):/, "")}`));
  box.replaceChildren(...items);
  box.hidden = items.length === 0;
}

function showLogin(message = "") {
  $("#board").hidden = true;
  $("#login").hidden = false;
  $("#login-error").textContent = message;
}

function connect() {
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) { showLogin(); return; }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/api/v1/ops/stream?token=${encodeURIComponent(token)}`);
  socket.onopen = () => { retry = 1000; setConnected(true); };
  socket.onmessage = (msg) => {
    const frame = JSON.parse(msg.data);
    if (frame.type === "board") {
      $("#login").hidden = true;
      $("#board").hidden = false;
      render(frame.board);
    } else if (frame.type === "error") {
      socket.onclose = null;
      if (frame.error.code === "permission_denied") showLogin(t("not_supervisor"));
      else { localStorage.removeItem(TOKEN_KEY); showLogin(frame.error.message); }
    }
  };
  socket.onclose = () => {
    setConnected(false);
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15000);
  };
}

$("#login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch("/api/v1/agent/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) { $("#login-error").textContent = t("login_failed") + (data.error?.message ?? response.status); return; }
  localStorage.setItem(TOKEN_KEY, data.token);
  connect();
});
$("#lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem(LANG_KEY, lang); applyLanguage(); });
$("#logout").addEventListener("click", () => {
  localStorage.removeItem(TOKEN_KEY);
  if (socket) { socket.onclose = null; socket.close(); }
  setConnected(false);
  showLogin();
});
$("#window").addEventListener("change", () => last && renderRates(last));

applyLanguage();
connect();
