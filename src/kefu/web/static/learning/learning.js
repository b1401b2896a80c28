// What the bot learns: the review queue of mined proposals and the topics of knowledge gaps.
import { ApiError } from "../common/api.js";
import { forgetToken, logIn, teamApi } from "../common/auth.js";
import { $, fill, h } from "../common/dom.js";
import { applyI18n, lang } from "../common/i18n.js";
import { mountNav } from "../common/nav.js";
import { toast } from "../common/toast.js";
import { showTrials, trialChoice, tt } from "./trials.js";

const TEXT = {
  zh: {
    queue: "待审核的知识建议",
    topics: "机器人答不上来的问题",
    import: "导入历史对话（CSV）",
    importGo: "导入并挖掘",
    imported: "读取 {transcripts} 段对话，得到 {proposals} 条建议（新增 {new_proposals} 条）",
    mining: "正在挖掘…",
    support: "{n} 位顾客这样问过 · 来自 {sources} 段对话",
    question: "标准问题",
    answer: "答案",
    questionEn: "英文问题（可选）",
    answerEn: "英文答案（可选）",
    phrasings: "顾客的问法",
    entry: "知识条目",
    accept: "采纳",
    merge: "合并到条目",
    mergeTo: "条目 ID",
    reject: "拒绝",
    reason: "拒绝原因",
    accepted: "已采纳，机器人下一条消息就会用上",
    merged: "已合并",
    rejected: "已拒绝",
    needReason: "请写下拒绝原因",
    none: "暂无",
    growing: "快速增长",
    examples: "例子",
    all: "全部",
    forbidden: "只有主管和管理员可以审核机器人学到的内容",
    checking: "预检中…（回放冻结的问题集）",
    progress: "已预检 {done}/{total} 条建议",
    counts: "回放 {questions} 个问题：新回答 {answered} 个，变对 {right} 个，抢走 {steals} 个原本处理正确的问题",
    missing: "本服务器缺少：{names}",
    taken: "会被抢走的问题",
    today: "现在",
    afterAccept: "采纳后",
    thisProposal: "本建议",
    confirmRisky: "预检发现它会抢走 {n} 个原本处理正确的问题。仍要采纳吗？",
    refusedRisky: "预检认为这条建议有风险：请先看例子，确认后才能采纳",
    checkFailed: "预检失败，请稍后刷新",
    culprits: "原因在于这些问法：{list}",
    acceptTrimmed: "去掉这些问法后采纳",
    confirmRiskyAsAsked: "按这样修改（或合并）后，预检发现它会抢走原本处理正确的问题。仍要继续吗？",
  },
  en: {
    queue: "Knowledge proposals to review",
    topics: "Questions the bot could not answer",
    import: "Import past conversations (CSV)",
    importGo: "Import and mine",
    imported: "Read {transcripts} conversations: {proposals} proposals ({new_proposals} new)",
    mining: "Mining…",
    support: "{n} customers asked this · from {sources} conversations",
    question: "Standard question",
    answer: "Answer",
    questionEn: "English question (optional)",
    answerEn: "English answer (optional)",
    phrasings: "How customers asked",
    entry: "Knowledge entry",
    accept: "Accept",
    merge: "Merge into entry",
    mergeTo: "Entry id",
    reject: "Reject",
    reason: "Why reject",
    accepted: "Accepted: the bot uses it from the next message",
    merged: "Merged",
    rejected: "Rejected",
    needReason: "Please say why",
    none: "Nothing here",
    growing: "Growing fast",
    examples: "Examples",
    all: "All",
    forbidden: "Only supervisors and admins review what the bot learns",
    checking: "Checking… (replaying the frozen questions)",
    progress: "Pre-checked {done} of {total} proposals",
    counts: "Replayed {questions} questions: answers {answered} new, {right} now right, takes {steals} handled right today",
    missing: "Not available on this server: {names}",
    taken: "Questions it would take",
    today: "Today",
    afterAccept: "After accepting",
    thisProposal: "this proposal",
    confirmRisky: "The pre-check found it takes {n} questions handled right today. Accept anyway?",
    refusedRisky: "The pre-check calls this proposal risky: read the examples, then confirm to accept",
    checkFailed: "The pre-check failed: refresh later",
    culprits: "Caused by these wordings: {list}",
    acceptTrimmed: "Accept without these wordings",
    confirmRiskyAsAsked: "As edited (or merged), the pre-check found it takes questions handled right today. Go ahead anyway?",
  },
};

function tr(key, vars = {}) {
  const text = (TEXT[lang()] || TEXT.zh)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : ""));
}

const URL = "/api/v1/admin/learning";
const STATUSES = ["pending", "accepted", "merged", "rejected", ""];
let token = null;
const call = teamApi(() => token);

function label(pair) {
  return (pair && (pair[lang()] || pair.zh)) || "";
}

function outcomeText(o, check) {
  let what = "";
  if (o.entry_id) what = o.entry_id === check.entry_id ? tr("thisProposal") : label(o.entry_question) || o.entry_id;
  return [label(o.decision_label), what].filter(Boolean).join(" · ");
}

function precheckView(check) {
  if (!check) return null;
  if (check.status === "checking") {
    return h("div", { class: "learning__precheck", "data-precheck": "checking", role: "status" }, tr("checking"));
  }
  if (check.status === "failed") {
    return h("div", { class: "learning__precheck", "data-precheck": "failed", role: "status" }, tr("checkFailed"));
  }
  const replayed = check.questions > 0;
  return h(
    "div",
    { class: `learning__precheck learning__precheck--${check.verdict}`, "data-precheck": check.verdict },
    h("strong", {}, label(check.verdict_label)),
    replayed
      ? h(
          "p",
          { class: "learning__meta" },
          tr("counts", {
            questions: check.questions,
            answered: check.newly_answered,
            right: check.newly_right,
            steals: check.steals,
          }),
          " (",
          check.sources.map((x) => `${label(x.label)} ${x.count}`).join(" · "),
          ")",
        )
      : null,
    check.missing && check.missing.length
      ? h("p", { class: "learning__meta" }, tr("missing", { names: check.missing.map((x) => label(x.label)).join("、") }))
      : null,
    check.culprits && check.culprits.length
      ? h("p", { class: "learning__meta", "data-culprits": "" }, tr("culprits", { list: check.culprits.map((x) => `“${x}”`).join("、") }))
      : null,
    check.taken && check.taken.length
      ? h(
          "details",
          { open: check.verdict === "risky" },
          h("summary", {}, tr("taken")),
          h(
            "ul",
            { class: "learning__taken" },
            check.taken.map((t) =>
              h(
                "li",
                { "data-taken": t.question },
                h("q", {}, t.question),
                h("span", { class: "learning__meta" }, ` ${label(t.source_label)}`),
                h("br"),
                `${tr("today")}: ${outcomeText(t.before, check)} → ${tr("afterAccept")}: ${outcomeText(t.after, check)}`,
              ),
            ),
          ),
        )
      : null,
  );
}

//: Cards whose pre-check is still to be fetched; a newer queue render drops the older list.
let checkRound = 0;

async function runChecks(cards) {
  const round = ++checkRound;
  const todo = cards.filter((c) => c.needsCheck());
  const progress = $("#precheck-progress");
  const show = (done) => {
    progress.textContent = todo.length && done < todo.length ? tr("progress", { done, total: todo.length }) : "";
  };
  show(0);
  for (const [i, card] of todo.entries()) {
    if (round !== checkRound) return;
    try {
      card.setCheck(await call(`${URL}/proposals/${encodeURIComponent(card.id)}/precheck`));
    } catch {
      card.setCheck({ status: "failed" });
    }
    if (round === checkRound) show(i + 1);
  }
}

function proposalItem(p) {
  const question = h("input", { type: "text", value: p.question, name: "question" });
  const answer = h("textarea", { rows: 3, name: "answer" }, p.answer || "");
  const questionEn = h("input", { type: "text", name: "question_en", placeholder: tr("questionEn") });
  const answerEn = h("textarea", { rows: 2, name: "answer_en", placeholder: tr("answerEn") });
  const mergeTo = h("input", { type: "text", name: "merge_to", placeholder: tr("mergeTo"), value: p.entry_id || "" });
  const reason = h("input", { type: "text", name: "reason", placeholder: tr("reason") });
  const pending = p.status === "pending";
  const trialShare = p.kind === "new_entry" && pending ? trialChoice() : null;
  let check = p.precheck;
  let checkBox = precheckView(check);
  const trimButton = h(
    "button",
    { type: "button", class: "hidden", "data-action": "accept-trimmed", onclick: () => acceptTrimmed() },
    tr("acceptTrimmed"),
  );
  const setCheck = (next) => {
    check = next;
    const view = precheckView(check);
    if (checkBox && view) checkBox.replaceWith(view);
    checkBox = view;
    trimButton.classList.toggle("hidden", !(check && check.verdict === "risky" && check.trimmable));
  };
  const decide = async (chosen, body) => {
    const action = chosen === "accept-trimmed" ? "accept" : chosen;
    if (chosen !== "reject" && chosen !== "accept-trimmed" && check && check.verdict === "risky") {
      if (!window.confirm(tr("confirmRisky", { n: check.steals }))) return;
      body.confirm_risky = true;
    }
    try {
      await call(`${URL}/proposals/${encodeURIComponent(p.id)}/${action}`, { method: "POST", body });
      toast(body.trial_share ? tt("share", { share: Math.round(100 * body.trial_share) }) : tr(action === "accept" ? "accepted" : action === "merge" ? "merged" : "rejected"));
      await Promise.all([showQueue(), showTrials(call, URL)]);
    } catch (error) {
      if (error instanceof ApiError && error.code === "proposal_risky") {
        // The change as asked (an edit, a merge into another entry) is risky although the
        // proposal as mined may not be: the server checked it; confirm or leave it.
        if (!body.confirm_risky && chosen !== "accept-trimmed" && window.confirm(tr("confirmRiskyAsAsked"))) {
          return decide(action, { ...body, confirm_risky: true });
        }
        $("#queue-error").textContent = tr("refusedRisky");
        setCheck(await call(`${URL}/proposals/${encodeURIComponent(p.id)}/precheck`).catch(() => ({ status: "failed" })));
        return;
      }
      $("#queue-error").textContent = error.message;
    }
  };
  const accept = () => {
    const body = { question: question.value, phrasings: p.phrasings };
    if (p.kind !== "phrasing") body.answer = answer.value;
    if (questionEn.value.trim()) body.question_en = questionEn.value;
    if (answerEn.value.trim()) body.answer_en = answerEn.value;
    if (trialShare && trialShare.value) body.trial_share = Number(trialShare.value);
    return decide("accept", body);
  };
  const acceptTrimmed = () => {
    const blamed = new Set(check.culprits);
    const body = { question: question.value, phrasings: p.phrasings.filter((x) => !blamed.has(x)) };
    if (p.kind !== "phrasing") body.answer = answer.value;
    if (questionEn.value.trim()) body.question_en = questionEn.value;
    if (answerEn.value.trim()) body.answer_en = answerEn.value;
    // Not a confirm: the server checks the trimmed proposal again and refuses it if risky.
    return decide("accept-trimmed", body);
  };
  const reject = () => {
    if (!reason.value.trim()) {
      $("#queue-error").textContent = tr("needReason");
      return;
    }
    return decide("reject", { reason: reason.value });
  };
  const editable = p.kind === "new_entry" || p.kind === "correction";
  const item = h(
    "li",
    { class: "learning__item", "data-proposal": p.id },
    h("h3", {}, label(p.kind_label), " · ", label(p.status_label)),
    h("p", { class: "learning__meta" }, tr("support", { n: p.support, sources: p.sources.length })),
    p.entry_id ? h("p", { class: "learning__meta" }, `${tr("entry")}: ${p.entry_id}`) : null,
    h("label", {}, tr("question")),
    question,
    editable ? h("label", {}, tr("answer")) : null,
    editable ? answer : null,
    editable && pending ? questionEn : null,
    editable && pending ? answerEn : null,
    h("details", {}, h("summary", {}, tr("phrasings")), h("ul", {}, p.phrasings.map((x) => h("li", {}, x)))),
    checkBox,
    pending
      ? h(
          "div",
          { class: "learning__actions" },
          trialShare,
          h("button", { type: "button", class: "primary", "data-action": "accept", onclick: accept }, tr("accept")),
          trimButton,
          mergeTo,
          h("button", { type: "button", "data-action": "merge", onclick: () => decide("merge", { entry_id: mergeTo.value }) }, tr("merge")),
          reason,
          h("button", { type: "button", "data-action": "reject", onclick: reject }, tr("reject")),
        )
      : p.reason
        ? h("p", { class: "learning__meta" }, p.reason)
        : null,
  );
  setCheck(check);
  return { item, id: p.id, setCheck, needsCheck: () => Boolean(check && check.status === "checking") };
}

async function showQueue() {
  const status = $("#status-filter").value;
  const query = status ? `?status=${status}` : "";
  $("#queue-error").textContent = "";
  try {
    const data = await call(`${URL}/proposals${query}`);
    const cards = data.proposals.map(proposalItem);
    const items = cards.map((c) => c.item);
    fill($("#proposals"), ...(items.length ? items : [h("li", {}, tr("none"))]));
    runChecks(cards);
  } catch (error) {
    const text = error instanceof ApiError && error.status === 403 ? tr("forbidden") : error.message;
    $("#queue-error").textContent = text;
  }
}

function topicItem(t, biggest) {
  const share = Math.round((100 * t.size) / Math.max(biggest, 1));
  return h(
    "li",
    { class: "learning__item", "data-topic": t.id },
    h("h3", {}, t.label, " ", t.growing ? h("span", { class: "learning__badge" }, tr("growing")) : null),
    h("div", { class: "learning__bar", "aria-hidden": "true" }, h("span", { style: `width:${share}%` })),
    h(
      "p",
      { class: "learning__meta" },
      Object.values(t.kinds)
        .map((k) => `${label(k.label)} ${k.count}`)
        .join(" · "),
    ),
    h("details", {}, h("summary", {}, tr("examples")), h("ul", {}, t.examples.map((x) => h("li", {}, x)))),
  );
}

async function showTopics() {
  try {
    const data = await call(`${URL}/topics`);
    const biggest = data.topics.length ? data.topics[0].size : 1;
    const items = data.topics.slice(0, 30).map((t) => topicItem(t, biggest));
    fill($("#topics"), ...(items.length ? items : [h("li", {}, tr("none"))]));
  } catch (error) {
    fill($("#topics"), h("li", { class: "error" }, error.message));
  }
}

async function importFile(event) {
  event.preventDefault();
  const file = $("#import-file").files[0];
  if (!file) return;
  const result = $("#import-result");
  result.textContent = tr("mining");
  try {
    const response = await fetch(`${URL}/transcripts?language=${lang()}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
      body: await file.text(),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error ? data.error.message : response.statusText);
    result.textContent = tr("imported", data);
    await showQueue();
  } catch (error) {
    result.textContent = error.message;
  }
}

function render() {
  applyI18n(document);
  $("#queue-title").textContent = tr("queue");
  $("#topics-title").textContent = tr("topics");
  $("#import-label").textContent = tr("import");
  $("#import-submit").textContent = tr("importGo");
  const filter = $("#status-filter");
  const chosen = filter.value || "pending";
  fill(
    filter,
    ...STATUSES.map((s) =>
      h("option", { value: s, selected: s === chosen }, s ? label(LABELS[s]) : tr("all")),
    ),
  );
}

const LABELS = {
  pending: { zh: "待审核", en: "Pending" },
  accepted: { zh: "已采纳", en: "Accepted" },
  merged: { zh: "已合并", en: "Merged" },
  rejected: { zh: "已拒绝", en: "Rejected" },
};

async function main() {
  const session = await logIn();
  token = session.token;
  mountNav($("#nav"), {
    active: "learning",
    user: session.agent,
    onLogout: () => {
      forgetToken();
      location.reload();
    },
  });
  $("#learning").classList.remove("hidden");
  render();
  $("#status-filter").addEventListener("change", showQueue);
  $("#import-form").addEventListener("submit", importFile);
  window.addEventListener("kefu:lang", async () => {
    render();
    await Promise.all([showQueue(), showTopics(), showTrials(call, URL)]);
  });
  await Promise.all([showQueue(), showTopics(), showTrials(call, URL)]);
}

main();
