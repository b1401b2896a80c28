// New knowledge entries on trial: each arm's customers and bot resolution so far, and the
// supervisor's decision to keep the entry for everyone or take it out.
import { $, fill, h } from "../common/dom.js";
import { lang } from "../common/i18n.js";
import { toast } from "../common/toast.js";

const TEXT = {
  zh: {
    title: "试用中的新条目",
    none: "没有试用中的条目",
    share: "{share}% 的顾客能得到这个答案",
    arm: "{arm}：{n} 位顾客，机器人解决 {rate}",
    needed: "每组还需约 {n} 位顾客",
    keep: "保留，给所有顾客",
    drop: "撤下这个条目",
    kept: "已保留：所有顾客都能得到这个答案",
    dropped: "已撤下",
    trialOption: "上线方式",
    everyone: "直接给所有顾客",
    half: "先试：一半顾客",
    fifth: "先试：20% 的顾客",
  },
  en: {
    title: "New entries on trial",
    none: "No entry is on trial",
    share: "{share}% of customers can get this answer",
    arm: "{arm}: {n} customers, bot resolved {rate}",
    needed: "About {n} more customers per arm needed",
    keep: "Keep it for everyone",
    drop: "Take it out",
    kept: "Kept: every customer can get this answer",
    dropped: "Taken out",
    trialOption: "Go live",
    everyone: "For every customer",
    half: "Trial: half of customers",
    fifth: "Trial: 20% of customers",
  },
};

export function tt(key, vars = {}) {
  const text = (TEXT[lang()] || TEXT.zh)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : ""));
}

function label(pair) {
  return (pair && (pair[lang()] || pair.zh)) || "";
}

/** The "go live" choice under a new entry: everyone, or a trial on a share of customers. */
export function trialChoice() {
  return h(
    "select",
    { name: "trial_share", "aria-label": tt("trialOption") },
    h("option", { value: "" }, tt("everyone")),
    h("option", { value: "0.5" }, tt("half")),
    h("option", { value: "0.2" }, tt("fifth")),
  );
}

function armText(a) {
  const rate = a.bot_resolution == null ? "—" : `${Math.round(100 * a.bot_resolution)}%`;
  return tt("arm", { arm: label(a.variant_label), n: a.customers, rate });
}

function trialItem(t, call, url, refresh) {
  const end = async (keep) => {
    try {
      await call(`${url}/trials/${encodeURIComponent(t.entry_id)}/end`, { method: "POST", body: { keep } });
      toast(tt(keep ? "kept" : "dropped"));
      await refresh();
    } catch (error) {
      $("#trials-error").textContent = error.message;
    }
  };
  return h(
    "li",
    { class: "learning__item", "data-trial": t.entry_id },
    h("h3", {}, label(t.question)),
    h("p", { class: "learning__meta" }, tt("share", { share: Math.round(100 * t.share) })),
    h(
      "ul",
      {},
      t.arms.map((a) =>
        h(
          "li",
          { "data-arm": a.variant },
          armText(a),
          h("div", { class: "learning__bar", "aria-hidden": "true" }, h("span", { style: `width:${Math.round(100 * (a.bot_resolution || 0))}%` })),
        ),
      ),
    ),
    h("p", { "data-verdict": t.verdict }, h("strong", {}, label(t.verdict_label))),
    t.still_needed ? h("p", { class: "learning__meta" }, tt("needed", { n: t.still_needed })) : null,
    h(
      "div",
      { class: "learning__actions" },
      h("button", { type: "button", class: "primary", "data-action": "keep", onclick: () => end(true) }, tt("keep")),
      h("button", { type: "button", "data-action": "drop", onclick: () => end(false) }, tt("drop")),
    ),
  );
}

/** Lists the running trials into #trials. */
export async function showTrials(call, url) {
  $("#trials-title").textContent = tt("title");
  $("#trials-error").textContent = "";
  const refresh = () => showTrials(call, url);
  try {
    const data = await call(`${url}/trials`);
    const items = data.trials.map((t) => trialItem(t, call, url, refresh));
    fill($("#trials"), ...(items.length ? items : [h("li", {}, tt("none"))]));
  } catch (error) {
    $("#trials-error").textContent = error.message;
  }
}
