// The insight reports: indicators, funnel, heat-maps, drill-down, proposals, experiments.
// Every number opens the conversations behind it; every table exports as CSV or Excel.
import { forgetToken, logIn, teamApi } from "../common/auth.js";
import { $, fill, h } from "../common/dom.js";
import { applyI18n, lang } from "../common/i18n.js";
import { mountNav } from "../common/nav.js";
import { toast } from "../common/toast.js";

const TEXT = {
  zh: {
    indicators: "行为指标", funnel: "服务漏斗", abandon_by_node: "放弃最多的菜单节点", heatmap: "热力图",
    proposals: "建议前置的问题", experiments: "A/B 实验", from: "开始日期", to: "结束日期",
    entry_point: "入口", channel: "渠道", all: "全部", refresh: "刷新", csv: "导出 CSV", xlsx: "导出 Excel",
    drill: "明细：{what}（共 {n} 个会话）", apply: "一键应用", applied: "已应用，知识库已更新",
    none: "暂无数据", variant: "组别", n: "样本", rate: "比率", mean: "均值", diff: "差值", ci: "95% 置信区间", p: "p 值",
    still_needed: "还需样本（每组）", peeking: "⚠ 尚未达到计划样本量，现在下结论可能是偷看偏差",
    hour_weekday: "星期 × 小时", intent_entry: "意图 × 入口", node_outcome: "菜单节点 × 结果",
    weekday: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    conversation_id: "会话", started_at: "开始时间", customer_name: "顾客", phone: "电话", outcome: "结果",
    topic: "主题", menu_path: "菜单路径", abandoned_at: "放弃位置", time_to_resolution_s: "解决用时(秒)",
    knowledge_id: "知识条目", question: "问题", action: "建议", score: "得分", reached: "菜单到达",
    asked: "直接提问", depth: "层级", gave_up_above: "途中放弃",
    first_level: "移到第一层菜单", suggestions: "加入推荐问题",
    verdict: { treatment_better: "实验组更好", control_better: "对照组更好", no_difference: "无显著差异",
               too_early: "样本不足，暂不下结论", guard_breached: "护栏指标变差" },
    variants: { static: "固定问题", contextual: "按情境推荐", without: "没有新条目", with: "有新条目" },
    control: "对照组",
    stage: { entered: "进入", asked: "提问/浏览", answered: "得到答案", resolved: "已解决", handed_over: "转人工", left: "离开/未解决" },
    outcomes: { bot_resolved: "机器人解决", menu_resolved: "自助菜单解决", human_resolved: "人工解决",
                human_left: "排队时离开", human_open: "人工处理中", unresolved: "未解决", abandoned: "放弃",
                pending: "待观察(24h)", open: "进行中", self_service: "自助解决", human: "人工" },
    metric: { self_service: "自助解决率", bot_resolution: "机器人解决率", transfer: "转人工率",
              suggestion_click: "推荐点击率", service_time_s: "服务时长(秒)", csat: "满意度" },
    ind: {
      conversations: "会话数", self_service_rate: "自助解决率", bot_resolution_rate: "机器人解决率",
      menu_abandonment_rate: "菜单放弃率", path_depth_mean: "平均菜单深度", transfer_rate: "转人工率",
      repeat_contact_rate_24h: "24小时重复咨询率", repeat_contact_rate_7d: "7天重复咨询率",
      suggestion_ctr: "推荐问题点击率", unknown_rate: "未识别率", clarify_rate: "澄清率",
      time_to_resolution_s_p50: "解决用时中位数(秒)", service_time_s_mean: "平均服务时长(秒)",
      bot_service_time_s_mean: "机器人服务时长(秒)", human_service_time_s_mean: "人工服务时长(秒)",
      pending: "待观察会话", human_button_rate: "点击转人工率", csat_mean: "满意度均分",
    },
  },
  en: {
    indicators: "Behaviour indicators", funnel: "Service funnel", abandon_by_node: "Menu nodes where most give up", heatmap: "Heat-map",
    proposals: "Questions to promote", experiments: "A/B experiments", from: "From", to: "To",
    entry_point: "Entry point", channel: "Channel", all: "All", refresh: "Refresh", csv: "Export CSV", xlsx: "Export Excel",
    drill: "Details: {what} ({n} conversations)", apply: "Apply", applied: "Applied: the knowledge base is updated",
    none: "No data yet", variant: "Variant", n: "n", rate: "rate", mean: "mean", diff: "difference", ci: "95% CI", p: "p-value",
    still_needed: "Still needed (per variant)", peeking: "⚠ Below the planned sample size: reading results now risks peeking bias",
    hour_weekday: "Weekday × hour", intent_entry: "Intent × entry point", node_outcome: "Menu node × outcome",
    weekday: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    conversation_id: "Conversation", started_at: "Started", customer_name: "Customer", phone: "Phone", outcome: "Outcome",
    topic: "Topic", menu_path: "Menu path", abandoned_at: "Gave up at", time_to_resolution_s: "Time to resolution (s)",
    knowledge_id: "Entry", question: "Question", action: "Proposal", score: "Score", reached: "Reached in menu",
    asked: "Asked directly", depth: "Level", gave_up_above: "Gave up on the way",
    first_level: "Move to the first menu level", suggestions: "Add to suggested questions",
    verdict: { treatment_better: "Treatment is better", control_better: "Control is better", no_difference: "No significant difference",
               too_early: "Too early to call", guard_breached: "A guard metric got worse" },
    variants: { static: "Static questions", contextual: "Contextual suggestions", without: "Without the new entry", with: "With the new entry" },
    control: "control",
    stage: { entered: "Entered", asked: "Asked / browsed", answered: "Got an answer", resolved: "Resolved", handed_over: "Handed over", left: "Left unresolved" },
    outcomes: { bot_resolved: "Resolved by bot", menu_resolved: "Resolved in menu", human_resolved: "Resolved by agent",
                human_left: "Left the queue", human_open: "With an agent", unresolved: "Unresolved", abandoned: "Abandoned",
                pending: "Pending (24 h)", open: "Open", self_service: "Self-service", human: "Agent" },
    metric: { self_service: "Self-service resolution", bot_resolution: "Bot resolution", transfer: "Transfer rate",
              suggestion_click: "Suggestion clicks", service_time_s: "Service time (s)", csat: "CSAT" },
    ind: {
      conversations: "Conversations", self_service_rate: "Self-service resolution", bot_resolution_rate: "Bot resolution",
      menu_abandonment_rate: "Menu abandonment", path_depth_mean: "Mean menu depth", transfer_rate: "Transfer to agent",
      repeat_contact_rate_24h: "Repeat contact 24 h", repeat_contact_rate_7d: "Repeat contact 7 d",
      suggestion_ctr: "Suggestion CTR", unknown_rate: "Not understood", clarify_rate: "Clarified",
      time_to_resolution_s_p50: "Time to resolution p50 (s)", service_time_s_mean: "Service time mean (s)",
      bot_service_time_s_mean: "Bot part (s)", human_service_time_s_mean: "Agent part (s)",
      pending: "Pending conversations", human_button_rate: "Pressed 'agent'", csat_mean: "CSAT mean",
    },
  },
};
const RATES = new Set(["self_service_rate", "bot_resolution_rate", "menu_abandonment_rate", "transfer_rate",
  "repeat_contact_rate_24h", "repeat_contact_rate_7d", "suggestion_ctr", "unknown_rate", "clarify_rate", "human_button_rate"]);
// The rollup (metric, key) behind each indicator, for drilling down.
const DRILL = {
  conversations: ["conversations", ""], self_service_rate: ["self_service", ""], bot_resolution_rate: ["bot_resolved", ""],
  menu_abandonment_rate: ["menu_abandoned", ""], path_depth_mean: ["menu_depth", ""], transfer_rate: ["transferred", ""],
  repeat_contact_rate_24h: ["repeat_24h", ""], repeat_contact_rate_7d: ["repeat_7d", ""],
  suggestion_ctr: ["suggestion_clicks", ""], unknown_rate: ["decision", "unknown"], clarify_rate: ["decision", "clarify"],
  time_to_resolution_s_p50: ["service", ""], service_time_s_mean: ["service", ""], bot_service_time_s_mean: ["service", ""],
  human_service_time_s_mean: ["service", ""], pending: ["pending", ""], human_button_rate: ["human_button", ""], csat_mean: ["csat", ""],
};
const DRILL_COLUMNS = ["conversation_id", "started_at", "customer_name", "phone", "outcome", "topic", "menu_path", "abandoned_at", "time_to_resolution_s"];

let call;
const x = (key) => (TEXT[lang()] || TEXT.zh)[key] ?? TEXT.zh[key] ?? key;
const label = (group, key) => (x(group) || {})[key] ?? key;
const fmt = (name, v) => (v === null || v === undefined ? "—" : RATES.has(name) ? `${(v * 100).toFixed(1)}%` : String(v));

function query(extra = {}) {
  const form = $("#filters");
  const params = new URLSearchParams();
  for (const name of ["from", "to", "entry_point", "channel"]) if (form[name] && form[name].value) params.set(name, form[name].value);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

async function download(params, format) {
  const response = await fetch(`/api/v1/insight/export?${query({ ...params, format })}`, {
    headers: { Authorization: `Bearer ${localStorage.getItem("kefu.agent.token")}` },
  });
  if (!response.ok) return toast(`${response.status}`);
  const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `insight-${params.table.replace(":", "-")}.${format}` });
  document.body.append(link);
  link.click();
  link.remove();
}

function exportButtons(params) {
  return [
    h("button", { type: "button", "data-export": "csv", onclick: () => download(params, "csv") }, x("csv")),
    h("button", { type: "button", "data-export": "xlsx", onclick: () => download(params, "xlsx") }, x("xlsx")),
  ];
}

function table(columns, rows, cell = (c, r) => r[c]) {
  if (!rows.length) return h("p", { class: "muted" }, x("none"));
  return h("table", { class: "data" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, x(c))))),
    h("tbody", {}, rows.map((r) => h("tr", {}, columns.map((c) => h("td", {}, cell(c, r) ?? "—"))))));
}

async function drill(metric, key, what) {
  const data = await call(`/api/v1/insight/drill?${query({ metric, key })}`);
  $("#drill").classList.remove("hidden");
  $("#drill-title").textContent = x("drill").replace("{what}", what).replace("{n}", data.total);
  fill($("#drill-export"), ...exportButtons({ table: "drill", metric, key }));
  fill($("#drill-table"), table(DRILL_COLUMNS, data.conversations, (c, r) => (c === "outcome" ? label("outcomes", r[c]) : r[c])));
  $("#drill").scrollIntoView();
}

function bars(el, rows, onPick) {
  const top = Math.max(1, ...rows.map((r) => r.count));
  fill(el, ...(rows.length ? rows.map((r) =>
    h("div", { class: "bar", onclick: () => onPick(r), "data-bar": r.key },
      h("span", {}, r.label), h("span", {}, h("div", { class: "bar__fill", style: `width:${(100 * r.count) / top}%` })),
      h("span", {}, String(r.count)))) : [h("p", { class: "muted" }, x("none"))]));
}

async function heatmap() {
  const name = $("#heatmap-name").value;
  const data = await call(`/api/v1/insight/heatmaps/${name}?${query()}`);
  const counts = new Map(data.cells.map((c) => [`${c.row}\u0000${c.col}`, c.count]));
  const top = Math.max(1, ...data.cells.map((c) => c.count));
  const rowLabel = (r) => (name === "hour_weekday" ? x("weekday")[Number(r)] : r);
  const colLabel = (c) => (name === "node_outcome" ? label("outcomes", c) : c);
  fill($("#heatmap-export"), ...exportButtons({ table: `heatmap:${name}` }));
  if (!data.rows.length) return fill($("#heatmap"), h("p", { class: "muted" }, x("none")));
  fill($("#heatmap"), h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}), data.cols.map((c) => h("th", {}, colLabel(c))))),
    h("tbody", {}, data.rows.map((r) => h("tr", {}, h("th", {}, rowLabel(r)), data.cols.map((c) => {
      const n = counts.get(`${r}\u0000${c}`) || 0;
      const key = name === "hour_weekday" ? `${r}:${c}` : `${r}|${c}`;
      return h("td", {
        class: n ? "cell" : "", "data-cell": key, title: String(n),
        style: `background: rgba(37, 99, 235, ${n ? 0.12 + (0.88 * n) / top : 0})`,
        onclick: n ? () => drill(name, key, `${rowLabel(r)} × ${colLabel(c)}`) : null,
      }, n ? String(n) : "");
    }))))));
}

async function proposals() {
  const data = await call(`/api/v1/insight/proposals?${query({ language: lang() })}`);
  fill($("#proposals-export"), ...exportButtons({ table: "proposals" }));
  const columns = ["question", "action", "score", "reached", "asked", "depth", "gave_up_above", ""];
  fill($("#proposals"), table(columns, data.proposals, (c, r) => {
    if (c === "action") return x(r.action);
    if (c === "question") return r.question || r.knowledge_id;
    if (c === "") return h("button", { type: "button", "data-apply": r.knowledge_id, onclick: async () => {
      await call("/api/v1/insight/proposals/apply", { method: "POST", body: { knowledge_id: r.knowledge_id, action: r.action } });
      toast(x("applied"));
      await proposals();
    } }, x("apply"));
    return r[c];
  }));
}

function experimentCard(result) {
  const e = result.experiment;
  const p = result.primary;
  const kind = p.kind;
  const rows = e.variants.map((v) => ({ v, ...(p.by_variant[v] || {}), ...(p.comparisons[v] || {}) }));
  return h("div", { class: "queue-card", "data-experiment": e.id },
    h("h3", {}, e.name),
    h("p", {}, `${label("metric", e.primary)} · ${x("n")} ${result.units}`),
    table(["variant", "n", kind, "diff", "ci", "p"], rows, (c, r) => {
      if (c === "variant") return r.v === e.control ? `${label("variants", r.v)} (${x("control")})` : label("variants", r.v);
      if (c === "ci") return r.ci_low === undefined || r.ci_low === null ? "—" : `[${r.ci_low}, ${r.ci_high}]`;
      if (c === "p") return r.p_value ?? "—";
      return r[c] ?? "—";
    }),
    Object.entries(result.verdicts).map(([v, verdict]) => h("p", { class: "verdict", "data-verdict": verdict }, `${label("variants", v)}: ${label("verdict", verdict)}`)),
    h("p", {}, `${x("still_needed")}: ${result.sample_size_still_needed ?? "—"}`),
    result.peeking_warning ? h("p", { class: "error" }, x("peeking")) : null);
}

async function render() {
  const data = await call(`/api/v1/insight/journeys?${query()}`);
  const ind = data.indicators;
  fill($("#tiles"), ...Object.keys(TEXT.zh.ind).filter((k) => k in ind).map((k) =>
    h("button", { type: "button", class: "tile", "data-indicator": k, onclick: () => drill(...DRILL[k], label("ind", k)) },
      h("small", {}, label("ind", k)), h("b", {}, fmt(k, ind[k])))));
  bars($("#funnel"), data.funnel.map((r) => ({ key: r.stage, label: label("stage", r.stage), count: r.count })),
    (r) => drill("funnel", r.key, r.label));
  bars($("#abandon"), Object.entries(ind.abandonment_by_node).map(([k, n]) => ({ key: k, label: k, count: n })),
    (r) => drill("abandon_node", r.key, r.label));
  await heatmap();
  await proposals();
  const experiments = await call("/api/v1/insight/experiments");
  fill($("#experiments"), ...experiments.experiments.map(experimentCard));
}

function buildStatic() {
  for (const el of document.querySelectorAll("[data-x]")) el.textContent = x(el.dataset.x);
  const select = $("#heatmap-name");
  const chosen = select.value || "hour_weekday";
  fill(select, ...["hour_weekday", "intent_entry", "node_outcome"].map((n) => h("option", { value: n }, x(n))));
  select.value = chosen;
  const form = $("#filters");
  const keep = Object.fromEntries(["from", "to", "entry_point", "channel"].map((n) => [n, form[n] ? form[n].value : ""]));
  fill(form,
    h("label", {}, x("from"), h("input", { name: "from", type: "date", value: keep.from })),
    h("label", {}, x("to"), h("input", { name: "to", type: "date", value: keep.to })),
    h("label", {}, x("entry_point"), h("input", { name: "entry_point", placeholder: x("all"), value: keep.entry_point })),
    h("label", {}, x("channel"), h("select", { name: "channel" }, ["", "web_widget", "app", "api"].map((c) =>
      h("option", { value: c, selected: c === keep.channel }, c || x("all"))))),
    h("button", { type: "submit", class: "primary" }, x("refresh")));
}

async function main() {
  applyI18n(document);
  const nav = mountNav($("#nav"), { active: "insight" });
  const session = await logIn();
  let token = session.token;
  call = teamApi(() => token);
  nav.update({ user: session.agent, onLogout: () => { forgetToken(); location.reload(); } });
  $("#insight").classList.remove("hidden");
  buildStatic();
  $("#filters").addEventListener("submit", (event) => { event.preventDefault(); render().catch((e) => toast(e.message)); });
  $("#heatmap-name").addEventListener("change", () => heatmap().catch((e) => toast(e.message)));
  window.addEventListener("kefu:lang", () => { applyI18n(document); buildStatic(); render().catch((e) => toast(e.message)); });
  await render();
}

main().catch((error) => toast(error.message));
