// What the admin sections share: who is logged in, the content panel, the API helper and
// small form helpers.
import { ApiError } from "../common/api.js";
import { teamApi } from "../common/auth.js";
import { $, h } from "../common/dom.js";
import { t } from "../common/i18n.js";

export const state = { token: null, me: null };
export const content = $("#content");

export const call = teamApi(() => state.token);

export function errorLine() {
  return h("p", { class: "error", role: "alert" });
}

export function fail(line, error) {
  line.textContent =
    error instanceof ApiError && error.status === 404 && error.message === "Not Found"
      ? t("common.pending")
      : error.message;
}

export function field(labelKey, input, extra = {}) {
  return h("div", extra, h("label", {}, t(labelKey)), input);
}

export function words(text) {
  return String(text || "")
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
