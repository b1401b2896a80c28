// Service quality for supervisors (scorecards, CSAT, NPS, outcomes, conversation review)
// and, for an agent, their own scorecard. Charts are plain SVG: nothing from the internet.
import { ApiError } from "../common/api.js";
import { forgetToken, logIn, teamApi } from "../common/auth.js";
import { $, add, clear, h } from "../common/dom.js";
import { applyI18n, label as sharedLabel, lang, t } from "../common/i18n.js";
import { mountNav } from "../common/nav.js";
import { DICT } from "./texts.js";

let token = null;
let me = null;
let tab = "scorecards";
const content = $("#content");
const call = teamApi(() => token);

/** Quality's own texts; the labels every page shares (intents…) come from common/i18n.js. */
export function q(key, vars = {}) {
  const own = DICT[lang()][key] ?? DICT.zh[key];
  if (own === undefined) return t(key, vars);
  return own.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** A code shown to a person goes through its zh/en label (intents: the shared ones); names
 * people gave (a queue, a time bucket) show as they are. */
function label(kind, code) {
  const key = `${kind}.${code}`;
  if (DICT[lang()][key] !== undefined || DICT.zh[key] !== undefined) return q(key);
  return kind === "intent" ? sharedLabel(kind, code) : String(code);
}

const fmt = (value, digits = 1) => (value === null || value === undefined ? "—" : Number(value).toFixed(digits));
const pct = (value) => (value === null || value === undefined ? "—" : `${(100 * value).toFixed(1)}%`);

// ---- charts -----------------------------------------------------------------------------

/** Bars with optional 95 % intervals: rows of {label, value, low, high}; values in [0, max]. */
function barChart(rows, { max = 1, percent = true, title = "" } = {}) {
  const width = 360;
  const barH = 22;
  const left = 110;
  const height = rows.length * (barH + 8) + 24;
  const scale = (v) => left + (Math.max(0, Math.min(v, max)) / max) * (width - left - 50);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "q-chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", title);
  const el = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  rows.forEach((row, i) => {
    const y = 8 + i * (barH + 8);
    el("text", { x: 0, y: y + barH * 0.7 }, row.label);
    el("rect", { class: "bar", x: left, y, width: Math.max(1, scale(row.value) - left), height: barH });
    if (row.low !== undefined && row.high !== undefined) {
      el("line", { class: "ci", x1: scale(row.low), x2: scale(row.high), y1: y + barH / 2, y2: y + barH / 2 });
      el("line", { class: "ci", x1: scale(row.low), x2: scale(row.low), y1: y + 4, y2: y + barH - 4 });
      el("line", { class: "ci", x1: scale(row.high), x2: scale(row.high), y1: y + 4, y2: y + barH - 4 });
    }
    el("text", { x: scale(row.high ?? row.value) + 4, y: y + barH * 0.7 }, percent ? pct(row.value) : fmt(row.value, 2));
  });
  return svg;
}

function card(titleKey, ...children) {
  return h("div", { class: "q-card" }, h("h3", {}, q(titleKey)), ...children);
}

function tile(key, value, id) {
  return h("div", { class: "q-tile", "data-tile": id || key }, h("span", {}, q(key)), h("strong", {}, value));
}

function table(headers, rows, onRow) {
  return h(
    "table",
    { class: "q-table" },
    h("thead", {}, h("tr", {}, headers.map((key) => h("th", {}, q(key))))),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h("tr", onRow ? { class: "clickable", onclick: () => onRow(row.data), "data-row": row.id } : { "data-row": row.id }, row.cells.map((c) => h("td", {}, c))),
      ),
    ),
  );
}

// ---- tabs -------------------------------------------------------------------------------

const TABS = [
  ["scorecards", "tab.scorecards", false],
  ["csat", "tab.csat", true],
  ["nps", "tab.nps", true],
  ["outcomes", "tab.outcomes", true],
  ["review", "tab.review", true],
];

function renderTabs() {
  const nav = $("#tabs");
  clear(nav);
  for (const [id, key, supervisorOnly] of TABS) {
    if (supervisorOnly && !supervisor()) continue;
    nav.append(
      h("button", { type: "button", role: "tab", "data-tab": id, "aria-selected": id === tab ? "true" : "false", onclick: () => show(id) }, q(key)),
    );
  }
}

async function show(id) {
  tab = id;
  renderTabs();
  clear(content);
  add(content, h("p", { class: "q-muted" }, q("loading")));
  try {
    const view = await VIEWS[id]();
    clear(content);
    add(content, view);
  } catch (error) {
    clear(content);
    add(content, h("p", { class: "error", role: "alert" }, error instanceof ApiError ? error.message : String(error)));
  }
}

function scorecardRows(rows) {
  return rows.map((r) => ({
    id: `${r.agent_id}:${r.period}`,
    cells: [
      r.period,
      nameOf(r.agent_id),
      r.conversations,
      fmt(r.handling_s, 0),
      fmt(r.csat, 2),
      fmt(r.qa_total),
      fmt(r.qa.empathy),
      fmt(r.end_emotion_index, 2),
      fmt(r.empathy_per_conversation, 2),
    ],
  }));
}

let team = new Map();
const supervisor = () => me && (me.role === "supervisor" || me.role === "admin");
function nameOf(id) {
  return team.get(id) || (id ? `#${String(id).slice(0, 6)}` : "—");
}

const SCORE_HEAD = ["col.period", "col.agent", "col.conversations", "col.handling", "col.csat", "col.qa", "col.empathy", "col.end_emotion", "col.empathy_per"];

const VIEWS = {
  async scorecards() {
    const period = (document.querySelector("#period") || {}).value || "day";
    const data = await call(`/api/v1/quality/scorecards?period=${period}&days=28`);
    const select = h(
      "select",
      { id: "period", onchange: () => show("scorecards") },
      ["day", "week"].map((p) => h("option", { value: p, selected: p === period }, q(`period.${p}`))),
    );
    const parts = [h("label", {}, q("period"), " ", select)];
    if (supervisor()) {
      const overview = await call("/api/v1/quality/team?days=28");
      const c = overview.collaboration;
      parts.push(
        h(
          "div",
          { class: "q-tiles" },
          tile("team.conversations", overview.team.conversations ?? 0),
          tile("team.qa", fmt(overview.team.qa_total)),
          tile("team.csat", fmt(overview.team.csat, 2)),
          tile("collab.coefficient", fmt(c.coefficient, 3), "coefficient"),
          tile("collab.bot_share", pct(c.bot_resolved_share)),
          tile("collab.bot_quality", pct(c.bot_quality)),
          tile("collab.assist_gain", pct(c.assist_gain)),
        ),
        h("p", { class: "q-muted" }, q("collab.explain")),
      );
    } else {
      parts.push(h("h2", {}, q("mine")));
    }
    parts.push(
      data.scorecards.length
        ? table(SCORE_HEAD, scorecardRows(data.scorecards))
        : h("p", { class: "q-muted", id: "no-scorecards" }, q("empty")),
    );
    return h("div", { id: "scorecards" }, parts);
  },

  async csat() {
    const data = await call("/api/v1/quality/csat?days=30");
    const group = (dimension, kind) =>
      Object.entries(data[dimension] || {}).map(([code, s]) => ({
        label: dimension === "agent" ? nameOf(code) : label(kind, code),
        value: s.average || 0,
      }));
    const all = data.all;
    return h(
      "div",
      { id: "csat" },
      h("div", { class: "q-tiles" }, tile("csat.average", fmt(all.average, 2), "csat-average"), tile("csat.ratings", all.ratings), tile("csat.satisfied", pct(all.satisfied_rate)), tile("csat.bot_helpful", pct(data.bot_answers.helpful_rate))),
      h(
        "div",
        { class: "q-grid" },
        card("by.tier", barChart(group("tier", "tier"), { max: 5, percent: false, title: q("by.tier") })),
        card("by.queue", barChart(group("queue", "queue"), { max: 5, percent: false, title: q("by.queue") })),
        card("by.intent", barChart(group("intent", "intent"), { max: 5, percent: false, title: q("by.intent") })),
        card("by.agent", barChart(group("agent", "agent"), { max: 5, percent: false, title: q("by.agent") })),
      ),
      data.comments.length ? card("csat.comments", h("ul", {}, data.comments.map((c) => h("li", {}, `${c.score}★ ${c.comment}`)))) : null,
    );
  },

  async nps() {
    const data = await call("/api/v1/quality/nps?days=90");
    const rows = (segment, kind) =>
      Object.entries(data[segment] || {}).map(([code, s]) => ({
        id: `${segment}:${code}`,
        cells: [label(kind, code || "none"), fmt(s.nps), s.ci95 ? `${s.ci95[0]} – ${s.ci95[1]}` : "—", s.sent, s.answered, pct(s.response_rate)],
      }));
    const head = ["col.segment", "nps.score", "col.ci95", "nps.sent", "nps.answered", "nps.response_rate"];
    return h(
      "div",
      { id: "nps" },
      h("div", { class: "q-tiles" }, tile("nps.score", fmt(data.all.nps), "nps-score"), tile("nps.response_rate", pct(data.all.response_rate)), tile("nps.pending", data.pending), tile("nps.cancelled", data.cancelled)),
      h("p", { class: "q-muted" }, q("nps.explain")),
      card("by.tier", table(head, rows("tier", "tier"))),
      card("by.channel", table(head, rows("channel", "channel"))),
      card("by.queue", table(head, rows("queue", "queue"))),
    );
  },

  async outcomes() {
    const data = await call("/api/v1/quality/outcomes?days=90");
    const chart = (key, kind) =>
      barChart(
        (data.renewal_rate_by[key] || []).map((r) => ({ label: label(kind, r.group), value: r.rate, low: r.ci95[0], high: r.ci95[1] })),
        { title: q(`outcome.by.${key}`) },
      );
    const effect = (key) => {
      const e = data.effects[key];
      if (!e) return h("p", { class: "q-muted" }, q("outcome.too_few"));
      return h(
        "p",
        { class: "q-effect", "data-effect": key },
        q(`effect.${key}`, { estimate: fmt(e.estimate, 2), low: fmt(e.ci95[0], 2), high: fmt(e.ci95[1], 2), n: e.n }),
      );
    };
    const upload = h("input", { type: "file", id: "outcomes-file", accept: ".csv,text/csv" });
    const status = h("p", { role: "status", id: "upload-status" });
    upload.addEventListener("change", async () => {
      const file = upload.files[0];
      if (!file) return;
      try {
        const response = await fetch("/api/v1/quality/outcomes.csv", { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" }, body: await file.text() });
        const body = await response.json();
        status.textContent = response.ok ? q("upload.done", { n: body.imported }) : body.error.message;
        if (response.ok) show("outcomes");
      } catch (error) {
        status.textContent = String(error);
      }
    });
    return h(
      "div",
      { id: "outcomes" },
      h("p", {}, q("outcome.customers", { n: data.customers })),
      data.customers ? null : h("button", { type: "button", id: "load-demo", onclick: loadDemo }, q("demo.load")),
      card("outcome.effects", effect("renewal_per_10s_faster_first_response"), effect("order_value_per_minute_faster_resolution")),
      h(
        "div",
        { class: "q-grid" },
        card("outcome.by.first_response", chart("first_response", "bucket")),
        card("outcome.by.resolution", chart("resolution", "bucket")),
        card("outcome.by.csat", chart("csat", "stars")),
        card("outcome.by.tier", chart("tier", "tier")),
      ),
      card("upload.title", h("p", { class: "q-muted" }, q("upload.help")), upload, status),
    );
  },

  async review() {
    const data = await call("/api/v1/quality/reviews?days=28&limit=30");
    const detail = h("div", { id: "review-detail" });
    const open = async (row) => {
      const r = await call(`/api/v1/quality/reviews/${encodeURIComponent(row.conversation_id)}`);
      clear(detail);
      add(
        detail,
        h("h3", {}, q("review.of", { agent: nameOf(r.agent_id), total: fmt(r.total) })),
        h("div", { class: "q-tiles" }, Object.entries(r.scores).map(([d, v]) => tile(`dim.${d}`, fmt(v), `dim-${d}`))),
        h(
          "ul",
          { class: "q-evidence" },
          r.evidence.map((e) =>
            h(
              "li",
              { class: e.points > 0 ? "earned" : e.points < 0 ? "cost" : "info", "data-reason": e.reason },
              h("strong", {}, `${label("dim", e.dimension)} · ${label("reason", e.reason)} `),
              e.points ? `(${e.points > 0 ? "+" : ""}${fmt(e.points, 0)}) ` : "",
              e.sentence ? `「${e.sentence}」` : "",
            ),
          ),
        ),
      );
    };
    const rows = data.reviews.map((r) => ({ id: r.conversation_id, data: r, cells: [r.closed_at.slice(0, 16).replace("T", " "), nameOf(r.agent_id), label("tier", r.tier), fmt(r.qa_total), r.csat ?? "—"] }));
    return h(
      "div",
      { id: "review" },
      h("p", { class: "q-muted" }, q("review.help")),
      rows.length ? table(["col.closed", "col.agent", "col.tier", "col.qa", "col.csat"], rows, open) : h("p", { class: "q-muted" }, q("empty")),
      detail,
    );
  },
};

async function loadDemo() {
  const button = $("#load-demo");
  button.disabled = true;
  button.textContent = q("loading");
  await call("/api/v1/quality/demo?customers=800", { method: "POST" });
  show("outcomes");
}

async function start() {
  ({ token, agent: me } = await logIn());
  mountNav($("#nav"), { active: "quality", user: me, onLogout: () => { forgetToken(); location.reload(); } });
  try {
    const members = await call("/api/v1/agent/agents");
    team = new Map(members.map((a) => [a.id, a.name]));
  } catch {
    team = new Map([[me.id, me.name]]);
  }
  $("#quality").classList.remove("hidden");
  applyI18n(document);
  show(tab);
}

window.addEventListener("kefu:lang", () => {
  if (me) show(tab);
});
start();
