// The team's log-in, shared by the workspace and the admin pages (one token for both).
import { api, ApiError } from "./api.js";
import { $ } from "./dom.js";
import { t } from "./i18n.js";

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

/** Shows the log-in form (#login, #login-form, #login-error) until a log-in succeeds. */
export function askToLogIn() {
  const section = $("#login");
  const form = $("#login-form");
  const error = $("#login-error");
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

export async function logIn() {
  return (await currentAgent()) || (await askToLogIn());
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
