// The NPS survey a customer opens from the link in their conversation: 0–10, a comment.
import { api } from "../common/api.js";
import { $, clear, h } from "../common/dom.js";
import { lang, setLang } from "../common/i18n.js";

const TEXT = {
  zh: {
    title: "您有多大可能把我们推荐给朋友或同事？",
    low: "0 = 完全不可能",
    high: "10 = 非常可能",
    comment: "说说原因吧（选填）",
    submit: "提交",
    thanks: "感谢您的反馈！我们会认真阅读每一条意见。",
    answered: "这份问卷已经提交过了，谢谢！",
    invalid: "这个问卷链接无效或已失效。",
    optout: "以后不再接收调查",
    optedout: "好的，我们不会再向您发送调查。",
    lang: "English",
    error: "提交失败：{message}",
  },
  en: {
    title: "How likely are you to recommend us to a friend or colleague?",
    low: "0 = not at all likely",
    high: "10 = extremely likely",
    comment: "Tell us why (optional)",
    submit: "Send",
    thanks: "Thank you for your feedback! We read every comment.",
    answered: "This survey has been answered already. Thank you!",
    invalid: "This survey link is not valid any more.",
    optout: "Don't send me surveys again",
    optedout: "Done: we will not send you surveys again.",
    lang: "中文",
    error: "Could not send: {message}",
  },
};

const token = decodeURIComponent(location.pathname.split("/").pop() || "");
const root = $("#survey");
const CHOSEN = "kefu.survey.lang_chosen";
let state = { view: "loading", score: null, message: "" };

function tr(key, vars = {}) {
  const text = TEXT[lang()][key] ?? TEXT.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

function langButton() {
  return h(
    "button",
    { type: "button", class: "link", id: "survey-lang", onclick: () => {
        sessionStorage.setItem(CHOSEN, "1");
        setLang(lang() === "zh" ? "en" : "zh");
      } },
    tr("lang"),
  );
}

function render() {
  clear(root);
  if (state.view !== "form") {
    root.append(h("div", { class: "row" }, h("p", { id: "survey-result" }, tr(state.view)), langButton()));
    return;
  }
  const comment = h("textarea", { id: "survey-comment", rows: 3, maxlength: 1000, placeholder: tr("comment") });
  const submit = h("button", { type: "submit", class: "primary", disabled: state.score === null }, tr("submit"));
  const error = h("p", { class: "error", role: "alert" }, state.message);
  const scale = h(
    "div",
    { class: "scale", role: "group", "aria-label": tr("title") },
    Array.from({ length: 11 }, (_, n) =>
      h(
        "button",
        {
          type: "button",
          "data-score": String(n),
          "aria-pressed": state.score === n ? "true" : "false",
          onclick: () => {
            state.score = n;
            for (const b of scale.querySelectorAll("button")) b.setAttribute("aria-pressed", b.dataset.score === String(n) ? "true" : "false");
            submit.disabled = false;
          },
        },
        String(n),
      ),
    ),
  );
  const form = h(
    "form",
    {
      id: "survey-form",
      class: "stack",
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api(`/api/v1/public/surveys/${encodeURIComponent(token)}`, {
            method: "POST",
            body: { score: state.score, comment: comment.value.trim() || null },
          });
          state = { ...state, view: "thanks" };
        } catch (err) {
          state = { ...state, view: err.status === 409 ? "answered" : "form", message: err.status === 409 ? "" : tr("error", { message: err.message }) };
        }
        render();
      },
    },
    h("h1", {}, tr("title")),
    scale,
    h("div", { class: "scale-ends" }, h("span", {}, tr("low")), h("span", {}, tr("high"))),
    comment,
    error,
    h("div", { class: "row" }, submit, langButton()),
    h(
      "button",
      {
        type: "button",
        class: "link",
        id: "survey-optout",
        onclick: async () => {
          await api(`/api/v1/public/surveys/${encodeURIComponent(token)}/opt-out`, { method: "POST" });
          state = { ...state, view: "optedout" };
          render();
        },
      },
      tr("optout"),
    ),
  );
  root.append(form);
}

async function start() {
  try {
    const survey = await api(`/api/v1/public/surveys/${encodeURIComponent(token)}`);
    // The survey's language unless the customer chose one (?lang= or the button).
    const chosen = new URLSearchParams(location.search).get("lang") || sessionStorage.getItem(CHOSEN);
    if (!chosen) setLang(survey.language);
    state.view = survey.answered ? "answered" : "form";
  } catch {
    state.view = "invalid";
  }
  render();
}

window.addEventListener("kefu:lang", render);
start();
