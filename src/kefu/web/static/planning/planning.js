// The planning page: forecast with its band, agents needed per interval beside those
// rostered, a what-if simulator with a progress bar, the cost curve with the automation
// threshold, and the peak question in one click. Charts are inline SVG; nothing is fetched
// from the internet.
import { ApiError } from "../common/api.js";
import { forgetToken, logIn, teamApi } from "../common/auth.js";
import { $, clear, h } from "../common/dom.js";
import { applyI18n, lang } from "../common/i18n.js";
import { mountNav } from "../common/nav.js";
import { TEXT } from "./texts.js";

const p = (key, vars = {}) => {
  const text = (TEXT[lang()] && TEXT[lang()][key]) ?? TEXT.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
};
let call = null;
const last = {};

function applyTexts() {
  document.title = `kefu ${p("title")}`;
  for (const el of document.querySelectorAll("[data-p]")) el.textContent = p(el.dataset.p);
}

const pct = (v) => `${(v * 100).toFixed(1)}%`;
const num = (v, digits = 0) =>
  Number(v).toLocaleString(lang() === "zh" ? "zh-CN" : "en-GB", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const secs = (v) => `${num(v, 1)} s`;

function showError(where, error) {
  const code = error instanceof ApiError ? error.code : "other";
  const label = TEXT.en[`error.${code}`] ? p(`error.${code}`) : p("error.other");
  clear(where).append(h("p", { class: "error", role: "alert", "data-error": code }, `${label}: ${error.message}`));
}

function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    out[el.name] = el.type === "checkbox" ? el.checked : el.type === "number" ? Number(el.value) : el.value;
  }
  return out;
}

function tile(label, value, attrs = {}) {
  return h("div", { class: "tile", ...attrs }, h("div", { class: "label" }, label), h("div", { class: "big" }, value));
}

// ---- SVG -----------------------------------------------------------------------------------
const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function frame(width, height, pad, xMax, yMax, xLabel, yTicks = 4) {
  const sx = (x) => pad.l + (x / (xMax || 1)) * (width - pad.l - pad.r);
  const sy = (y) => height - pad.b - (y / (yMax || 1)) * (height - pad.t - pad.b);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  for (let i = 0; i <= yTicks; i++) {
    const y = (yMax * i) / yTicks;
    svg.append(s("line", { class: "grid", x1: pad.l, x2: width - pad.r, y1: sy(y), y2: sy(y) }));
    svg.append(s("text", { x: pad.l - 6, y: sy(y) + 4, "text-anchor": "end" }, num(y, yMax < 5 ? 1 : 0)));
  }
  svg.append(s("line", { class: "axis", x1: pad.l, x2: width - pad.r, y1: sy(0), y2: sy(0) }));
  svg.append(s("line", { class: "axis", x1: pad.l, x2: pad.l, y1: sy(0), y2: pad.t }));
  if (xLabel) svg.append(s("text", { x: (width + pad.l) / 2, y: height - 4, "text-anchor": "middle" }, xLabel));
  return { svg, sx, sy };
}

const path = (points) => points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");

function legend(items) {
  return h("div", { class: "legend" }, items.map(([cls, key]) => h("span", {}, h("i", { class: `legend-${cls}`, style: `background:${LEGEND[cls]}` }), p(key))));
}
const LEGEND = { history: "#52606d", forecast: "#1769e0", band: "rgba(23,105,224,.3)", need: "#d64545", roster: "#1f9d55", cost: "#1769e0", lost: "#d98c00", total: "#1f2933" };

function dayTicks(svg, sx, sy, starts) {
  starts.forEach((start, i) => {
    if (start.slice(11, 16) !== "00:00") return;
    svg.append(s("line", { class: "grid", x1: sx(i), x2: sx(i), y1: sy(0), y2: 10 }));
    svg.append(s("text", { x: sx(i) + 3, y: sy(0) + 14 }, start.slice(5, 10)));
  });
}

// ---- peak ----------------------------------------------------------------------------------
async function runPeak() {
  const out = $("#peak-result");
  const button = $("#peak-run");
  button.disabled = true;
  clear(out).append(h("p", { class: "muted" }, "…"));
  try {
    last.peak = await call("/api/v1/planning/peak", {
      method: "POST",
      body: { contacts_per_hour: Number($("#peak-contacts").value), bot_containment: Number($("#peak-containment").value) },
    });
    drawPeak();
  } catch (error) {
    showError(out, error);
  } finally {
    button.disabled = false;
  }
}

function drawPeak() {
  const data = last.peak;
  if (!data) return;
  const out = clear($("#peak-result"));
  for (const name of ["all_human", "with_bot"]) {
    const sc = data.scenarios[name];
    out.append(
      h(
        "div",
        { class: "tile wide", "data-scenario": name },
        h("div", { class: "label" }, p(`peak.${name}`)),
        h("div", { class: "big", "data-agents": sc.staffing.agents }, `${num(sc.staffing.agents_raw)} / ${num(sc.staffing.agents)}`),
        h("div", { class: "label" }, `${p("peak.floor")} / ${p("peak.rostered")}`),
        h("div", {}, `${p("peak.cost")}: ¥${num(sc.cost_per_hour)} · ${p("peak.sl")}: ${pct(sc.staffing.service_level)}`),
      ),
    );
  }
  const check = data.simulation_check;
  if (check) {
    out.append(tile(p("peak.check"), `${pct(check.service_level)} · ${secs(check.avg_wait_s)}`, { "data-check": "simulation" }));
  }
}

// ---- forecast and staffing -----------------------------------------------------------------
async function runForecast(event) {
  event?.preventDefault();
  const form = $("#forecast-form");
  const v = formValues(form);
  const summary = $("#forecast-summary");
  const body = {
    source: v.source,
    interval_min: Number(v.interval_min),
    horizon_days: v.horizon_days,
    bot_containment: v.bot_containment,
    rostered: v.rostered,
    staffing: { contacts: 0, aht_s: v.aht_s, target_s: v.target_s, service_level: v.service_level, shrinkage: v.shrinkage, concurrency: v.concurrency },
  };
  if (v.source === "csv") {
    const file = $("#forecast-file").files[0];
    body.volumes_csv = file ? await file.text() : "";
  }
  $("#forecast-run").disabled = true;
  clear(summary).append("…");
  try {
    last.forecast = await call("/api/v1/planning/forecast", { method: "POST", body });
    drawForecast();
  } catch (error) {
    showError(summary, error);
    clear($("#forecast-chart"));
    clear($("#staffing-chart"));
  } finally {
    $("#forecast-run").disabled = false;
  }
}

function drawForecast() {
  const data = last.forecast;
  if (!data) return;
  const points = data.forecast;
  const history = data.history.slice(-points.length);
  const total = points.reduce((a, x) => a + x.yhat, 0);
  const summary = clear($("#forecast-summary"));
  summary.append(
    h("span", { id: "forecast-wape", "data-wape": data.wape }, p("forecast.summary", { n: points.length, total: num(total), wape: data.wape.toFixed(3), coverage: pct(data.coverage), level: pct(data.level) })),
  );
  const uplifts = Object.entries(data.uplifts).filter(([, u]) => Math.abs(u - 1) > 0.05);
  if (uplifts.length) summary.append(" ", p("forecast.uplift"), uplifts.map(([k, u]) => `${k} ×${u.toFixed(2)}`).join(", "));
  if (data.unlearnt_events.length) summary.append(" ", p("forecast.unlearnt"), data.unlearnt_events.join(", "));

  const all = [...history.map((x) => x.contacts), ...points.map((x) => x.hi)];
  const yMax = Math.max(1, ...all) * 1.05;
  const n = history.length + points.length;
  const { svg, sx, sy } = frame(1100, 260, { l: 44, r: 10, t: 10, b: 24 }, n - 1, yMax);
  dayTicks(svg, sx, sy, [...history.map((x) => x.start), ...points.map((x) => x.start)]);
  const off = history.length;
  const upper = points.map((x, i) => [sx(off + i), sy(x.hi)]);
  const lower = points.map((x, i) => [sx(off + i), sy(x.lo)]).reverse();
  svg.append(s("path", { class: "band", d: `${path(upper)}L${lower.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join("L")}Z`, "data-series": "band" }));
  svg.append(s("path", { class: "history", d: path(history.map((x, i) => [sx(i), sy(x.contacts)])), "data-series": "history" }));
  svg.append(s("path", { class: "line", d: path(points.map((x, i) => [sx(off + i), sy(x.yhat)])), "data-series": "forecast" }));
  clear($("#forecast-chart")).append(legend([["history", "legend.history"], ["forecast", "legend.forecast"], ["band", "legend.band"]]), svg);

  const staffing = data.staffing || [];
  const needMax = Math.max(1, ...staffing.map((x) => Math.max(x.agents, x.rostered ?? 0))) * 1.1;
  const chart = frame(1100, 220, { l: 44, r: 10, t: 10, b: 24 }, Math.max(1, staffing.length - 1), needMax);
  dayTicks(chart.svg, chart.sx, chart.sy, staffing.map((x) => x.start));
  const steps = (values) => path(values.flatMap((v, i) => [[chart.sx(i), chart.sy(v)], [chart.sx(Math.min(i + 1, values.length - 1)), chart.sy(v)]]));
  chart.svg.append(s("path", { class: "need", d: steps(staffing.map((x) => x.agents)), "data-series": "need" }));
  if (staffing.length && staffing[0].rostered !== null) {
    chart.svg.append(s("path", { class: "roster", d: steps(staffing.map((x) => x.rostered)), "data-series": "rostered" }));
  }
  const short = staffing.filter((x) => x.rostered !== null && x.agents > x.rostered).length;
  chart.svg.setAttribute("data-short-intervals", short);
  clear($("#staffing-chart")).append(legend([["need", "legend.need"], ["roster", "legend.roster"]]), chart.svg);
}

// ---- what-if simulation --------------------------------------------------------------------
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function runSimulation(event) {
  event.preventDefault();
  const v = formValues($("#sim-form"));
  const body = {
    contacts_per_hour: v.contacts_per_hour,
    rates_per_hour: null,
    bot_containment: v.bot_containment,
    agents: v.agents,
    concurrency: v.concurrency,
    aht_s: v.aht_s,
    patience_s: v.patience_s,
    hours: v.hours,
    bot_time_s: 30,
  };
  if (v.from_forecast && last.forecast) {
    const perHour = 60 / last.forecast.interval_min;
    const rates = last.forecast.forecast.slice(0, Math.ceil(v.hours * perHour)).map((x) => Math.max(0, x.yhat * perHour));
    body.rates_per_hour = rates;
    body.step_h = 1 / perHour;
    body.contacts_per_hour = Math.max(1, rates.reduce((a, x) => a + x, 0) / rates.length);
  }
  if (v.scenario === "better_bot") body.bot_containment = Math.min(1, v.bot_containment + 0.1);
  if (v.scenario === "outage") body.outage = [1, 2];
  if (v.scenario === "promotion") body.promotion = 2;
  const bar = $("#sim-progress");
  const out = clear($("#sim-result"));
  $("#sim-run").disabled = true;
  bar.classList.remove("hidden");
  bar.value = 0;
  try {
    const { id } = await call("/api/v1/planning/simulations", { method: "POST", body });
    let job;
    for (;;) {
      job = await call(`/api/v1/planning/simulations/${id}`);
      bar.value = job.progress;
      if (job.status !== "running") break;
      await sleep(200);
    }
    if (job.status === "failed") throw new ApiError(422, "invalid_input", job.error);
    last.sim = job.result;
    last.runs = (last.runs || 0) + 1;
    drawSimulation();
  } catch (error) {
    showError(out, error);
  } finally {
    $("#sim-run").disabled = false;
  }
}

function drawSimulation() {
  const r = last.sim;
  if (!r) return;
  const out = clear($("#sim-result"));
  out.setAttribute("data-runs", last.runs);
  out.append(
    tile(p("sim.sl"), pct(r.service_level), { "data-figure": "service_level" }),
    tile(p("sim.avg"), secs(r.avg_wait_s)),
    tile(p("sim.p90"), secs(r.p90_wait_s)),
    tile(p("sim.abandon"), pct(r.abandonment), { "data-figure": "abandonment" }),
    tile(p("sim.occupancy"), pct(r.occupancy)),
    tile(p("sim.to_humans"), num(r.to_humans)),
  );
  const hours = r.hourly;
  const { svg, sx, sy } = frame(1100, 190, { l: 44, r: 10, t: 10, b: 36 }, hours.length, 1, p("sim.hourly"));
  const width = (sx(1) - sx(0)) * 0.7;
  hours.forEach((x, i) => {
    svg.append(s("rect", { class: x.service_level < 0.8 ? "bar low" : "bar", x: sx(i) + width * 0.2, y: sy(x.service_level), width, height: sy(0) - sy(x.service_level) }));
    svg.append(s("text", { x: sx(i) + width * 0.7, y: sy(0) + 14, "text-anchor": "middle" }, `${i}h`));
  });
  clear($("#sim-chart")).append(svg);
}

// ---- cost ----------------------------------------------------------------------------------
async function loadMeasured() {
  try {
    last.measured = await call("/api/v1/planning/measured");
  } catch {
    last.measured = null;
  }
  drawMeasured();
  const aht = last.measured?.aht_s ? Math.max(1, Math.round(last.measured.aht_s)) : null;
  if (aht === null || String(aht) === $("#cost-aht").value) return false;
  $("#cost-aht").value = aht;
  return true;
}

function drawMeasured() {
  const m = last.measured;
  const out = clear($("#cost-measured"));
  if (!m || !m.conversations) return;
  out.append(p("cost.measured", { n: num(m.conversations), human: num(m.with_human), aht: m.aht_s ? num(m.aht_s) : "–", containment: m.containment === null ? "–" : pct(m.containment) }));
}

let costRuns = 0;

async function runCost(event) {
  event?.preventDefault();
  const run = ++costRuns; // only the newest answer is drawn
  try {
    const cost = await call("/api/v1/planning/cost", { method: "POST", body: formValues($("#cost-form")) });
    if (run !== costRuns) return;
    last.cost = cost;
    drawCost();
  } catch (error) {
    if (run === costRuns) showError(clear($("#cost-tiers")), error);
  }
}

function drawCost() {
  const c = last.cost;
  if (!c) return;
  const tiers = clear($("#cost-tiers"));
  for (const [key, value] of Object.entries(c.tiers)) tiers.append(tile(p(`tier.${key}`), `¥${value.toFixed(2)}`));
  tiers.append(tile(p("cost.threshold"), pct(c.threshold), { "data-threshold": c.threshold, title: p("cost.threshold_note") }));
  tiers.append(h("p", { class: "muted wide-note" }, p("cost.protected_groups", { groups: c.protected_groups.map((g) => p(`group.${g}`)).join(lang() === "zh" ? "、" : ", ") })));
  const yMax = Math.max(...c.points.map((x) => Math.max(x.total, x.cost))) * 1.05;
  const { svg, sx, sy } = frame(1100, 280, { l: 64, r: 10, t: 10, b: 30 }, 1, yMax, p("axis.level"));
  for (let i = 0; i <= 10; i++) svg.append(s("text", { x: sx(i / 10), y: sy(0) + 12, "text-anchor": "middle" }, `${i * 10}%`));
  for (const key of ["cost", "lost", "total"]) {
    const field = key === "lost" ? "value_lost" : key;
    svg.append(s("path", { class: key, d: path(c.points.map((x) => [sx(x.level), sy(x[field])])), "data-series": key }));
  }
  const x = sx(c.threshold);
  svg.append(s("line", { class: "threshold", x1: x, x2: x, y1: sy(0), y2: sy(yMax), "data-series": "threshold" }));
  svg.append(s("text", { x: x + 4, y: 22 }, `${p("cost.threshold")} ${pct(c.threshold)}`));
  clear($("#cost-chart")).append(legend([["cost", "legend.cost"], ["lost", "legend.lost"], ["total", "legend.total"]]), h("p", { class: "muted" }, p("cost.threshold_note")), svg);
}

// ---- start ---------------------------------------------------------------------------------
function redraw() {
  applyTexts();
  drawPeak();
  drawForecast();
  drawSimulation();
  drawCost();
  drawMeasured();
}

async function main() {
  applyI18n(document);
  applyTexts();
  const nav = mountNav($("#nav"), { active: "planning" });
  const session = await logIn();
  let token = session.token;
  call = teamApi(() => token);
  nav.update({ user: session.agent, onLogout: () => { forgetToken(); location.reload(); } });
  $("#planning").classList.remove("hidden");
  if (session.agent.role === "agent") {
    $("#denied").classList.remove("hidden");
    for (const card of document.querySelectorAll(".card")) card.classList.add("hidden");
    return;
  }
  $("#forecast-source").addEventListener("change", (e) => {
    for (const el of document.querySelectorAll(".csv-only")) el.classList.toggle("hidden", e.target.value !== "csv");
  });
  $("#peak-run").addEventListener("click", runPeak);
  $("#forecast-form").addEventListener("submit", runForecast);
  $("#sim-form").addEventListener("submit", runSimulation);
  $("#cost-form").addEventListener("submit", runCost);
  window.addEventListener("kefu:lang", redraw);
  // The curve is drawn at once with the form's figures, and again with kefu's measured
  // handling time when that differs: a slow history query never leaves the card empty.
  runCost();
  loadMeasured().then((changed) => { if (changed) runCost(); });
  runForecast();
}

main().catch((error) => showError($("#planning"), error));
