// Rating the chat once it has ended.
import { api, ApiError } from "../common/api.js";
import { add, h } from "../common/dom.js";
import { t } from "../common/i18n.js";
import { extras, state, saveSession, path } from "./state.js";

export function showRating() {
  if (state.session.rated || extras.querySelector('[data-extra="rating"]')) return;
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
      await api(path("/rating"), { method: "POST", body, token: state.session.customer_token });
      saveSession({ ...state.session, rated: true });
      form.replaceWith(h("p", { "data-extra": "rating" }, t("chat.rating.thanks")));
    } catch (err) {
      error.textContent =
        err instanceof ApiError && err.message === "Not Found" ? t("common.pending") : err.message;
    }
  });
  add(extras, form);
}
