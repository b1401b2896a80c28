// Drawing the board: tiles, trends, queues, agents, top intents and reasons (by their labels),
// service rates and alerts.
import { $, h } from "../common/dom.js";
import { fieldLabel, label, lang, t } from "../common/i18n.js";
import { burstLabel, duration, num, pct } from "./format.js";
import { bars, chart, tile } from "./widgets.js";

export function render(board) {
  const now = board.now;
  const hour = board.windows["1h"];
  const five = board.windows["5m"];
  $("#clock").textContent = new Date(board.generated_at).toLocaleTimeString(lang() === "zh" ? "zh-CN" : "en-GB");
  const longLevel = now.longest_wait_s >= 300 ? "bad" : now.longest_wait_s >= 120 ? "warn" : "";
  $("#tiles").replaceChildren(
    tile("active", t("board.active"), now.active),
    tile("with-bot", t("board.with_bot"), now.with_bot),
    tile("waiting", t("board.waiting"), now.waiting, now.waiting >= 10 ? "bad" : now.waiting >= 5 ? "warn" : ""),
    tile("with-agents", t("board.with_agents"), now.with_agents),
    tile("longest-wait", t("board.longest_wait"), duration(now.longest_wait_s), longLevel),
    tile("average-wait", t("board.avg_wait"), duration(hour.average_wait_s)),
    tile("messages-per-min", t("board.msgs_per_min"), num(five.messages_per_min, 1)),
    tile("negative-share", t("board.negative_share"), pct(now.negative_share), (now.negative_share ?? 0) >= 0.4 ? "bad" : ""),
    tile("occupancy", t("board.occupancy"), pct(now.agents.occupancy)),
  );
  const minutesToPerMin = (xs) => xs.map((v) => v ?? 0);
  $("#charts").replaceChildren(
    chart("messages", t("board.c_messages"), minutesToPerMin(board.trend.messages)),
    chart("waiting", t("board.c_waiting"), board.trend.waiting),
    chart("created", t("board.c_created"), minutesToPerMin(board.trend.conversations_created)),
    chart("longest", t("board.c_longest"), board.trend.longest_wait_s),
  );
  const body = $("#queues tbody");
  body.replaceChildren();
  const queues = Object.entries(now.queues);
  if (!queues.length) body.append(h("tr", {}, h("td", { colspan: "3", class: "empty" }, t("board.none"))));
  for (const [name, q] of queues) body.append(h("tr", {}, h("td", {}, name), h("td", {}, q.waiting), h("td", {}, duration(q.longest_wait_s))));
  const a = now.agents;
  $("#agents").replaceChildren(
    ...[["a_online", a.online], ["a_busy", a.busy], ["a_available", a.available], ["a_away", a.away], ["a_occupancy", pct(a.occupancy)]]
      .map(([k, v]) => h("div", { "data-testid": `agents-${k.slice(2)}` }, h("b", {}, v), t(`board.${k}`))),
  );
  bars("#top-intents", five.top_intents.map((i) => ({ label: label("intent", i.intent), n: i.count })));
  bars("#rising", board.bursts.rising.map((r) => ({ label: burstLabel(r.key, label), n: r.ratio, text: `×${num(r.ratio, 1)}` })));
  bars("#reasons", Object.entries(hour.handover_reasons).map(([k, v]) => ({ label: label("reason", k), n: v })));
  const packs = $("#packs");
  packs.replaceChildren(...(board.packs.length ? board.packs.map((p) => h("li", {}, p.title)) : [h("li", { class: "empty" }, t("board.none"))]));
  renderRates(board);
  renderAlerts(board);
}

export function renderRates(board) {
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
  $("#rates").replaceChildren(...rates.map(([k, v]) => h("div", { class: "rate", "data-testid": `rate-${k}` },
    h("div", { class: "label" }, t(`board.r_${k}`)), h("div", { class: "value" }, v))));
}

function renderAlerts(board) {
  const box = $("#alerts");
  const items = board.alerts.map((a) => h("span", { class: "alert" }, `⚠ ${t("board.alert")}: ${(lang() === "zh" ? a.label_zh : a.label_en) || fieldLabel(a.indicator)} (${num(a.value, a.value % 1 ? 2 : 0)})`));
  for (const key of board.bursts.active) items.push(h("span", { class: "burst" }, `📈 ${t("board.burst")}: ${burstLabel(key, label)}`));
  box.replaceChildren(...items);
  box.hidden = items.length === 0;
}
