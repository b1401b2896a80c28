// The team's log-in, shared by the workspace and the admin pages (one token for both).
import { api, ApiError } from "./api.js";
import { $, h } from "./dom.js";
import { applyI18n, t } from "./i18n.js";

export const TOKEN_KEY = "kefu.agent.token";

export function storedToken() {
  return localStorage.getItem(TOKEN_KEY);
}

export function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
}

/** The logged-in member of the team, or null when the stored token is missing or stale. */
export async function currentAgent() {
  const token = storedToken();
  if (!token) return null;
  try {
    return { token, agent: await api("/api/v1/agent/me", { token }) };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
      forgetToken();
      return null;
    }
    throw error;
  }
}

/** A text of the form, translated now and again whenever the language changes. */
function text(tag, key, props = {}) {
  return h(tag, { ...props, "data-i18n": key }, t(key));
}

/**
 * The log-in form every team page shares (#login, #login-form, #login-error), built once
 * here rather than repeated in each page's HTML (the CSP allows no inline script, so pages
 * cannot template it). It goes right after the page's `<header id="nav">` when that is a
 * child of the body, else before its `<main>`; hidden until `askToLogIn` shows it.
 * `title` is the i18n key of its heading (the wall-board asks for a supervisor).
 */
export function loginForm({ title = "agent.login.title" } = {}) {
  let section = $("#login");
  if (!section) {
    section = h(
      "section",
      { id: "login", class: "login hidden" },
      h(
        "form",
        { id: "login-form", class: "panel login__form" },
        text("h1", title),
        text("label", "agent.login.email", { for: "login-email" }),
        h("input", {
          id: "login-email", name: "email", type: "email", autocomplete: "username", required: true,
        }),
        text("label", "agent.login.password", { for: "login-password" }),
        h("input", {
          id: "login-password",
          name: "password",
          type: "password",
          autocomplete: "current-password",
          required: true,
        }),
        h("p", { class: "error", id: "login-error", role: "alert" }),
        text("button", "agent.login.submit", { type: "submit", class: "primary" }),
      ),
    );
    const nav = $("body > #nav");
    if (nav) nav.after(section);
    else document.body.insertBefore(section, $("body > main"));
    window.addEventListener("kefu:lang", () => applyI18n(section));
  }
  return { section, form: $("#login-form"), error: $("#login-error") };
}

/** Shows the log-in form until a log-in succeeds. */
export function askToLogIn(options) {
  const { section, form, error } = loginForm(options);
  section.classList.remove("hidden");
  return new Promise((resolve) => {
    const submit = async (event) => {
      event.preventDefault();
      error.textContent = "";
      try {
        const answer = await api("/api/v1/agent/login", {
          method: "POST",
          body: { email: form.email.value.trim(), password: form.password.value },
        });
        localStorage.setItem(TOKEN_KEY, answer.token);
        form.removeEventListener("submit", submit);
        section.classList.add("hidden");
        form.password.value = "";
        resolve({ token: answer.token, agent: answer.agent });
      } catch (err) {
        error.textContent = err.message || t("common.error", { message: "" });
      }
    };
    form.addEventListener("submit", submit);
  });
}

export async function logIn(options) {
  return (await currentAgent()) || (await askToLogIn(options));
}

/** API calls on behalf of the logged-in member; a stale token sends them back to log in. */
export function teamApi(currentToken) {
  return async (path, options = {}) => {
    try {
      return await api(path, { ...options, token: currentToken() });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        forgetToken();
        location.reload();
      }
      throw error;
    }
  };
}
