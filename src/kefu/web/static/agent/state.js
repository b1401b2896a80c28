// What the agent workspace's modules share: who is logged in, the open conversation, what
// the lists know about each conversation, and the API helpers.
import { teamApi } from "../common/auth.js";
import { t } from "../common/i18n.js";
import { toast } from "../common/toast.js";

export const state = {
  token: null,
  me: null,
  open: null, // the conversation shown
  openSeq: 0,
  inserted: null, // {suggestion_id, kind, text}: an assist suggestion put in the composer
  cardEditing: false,
};

export const lists = { mine: [], queued: [] };
export const unread = new Map(); // conversation id -> count
export const sla = new Map(); // conversation id -> "warning" | "breached"
export const emotion = new Map(); // conversation id -> {index, category}
export const names = new Map(); // conversation id -> customer name, once known
export const openLines = new Map(); // seq -> element of the open transcript

export const call = teamApi(() => state.token);

export function agentPath(suffix) {
  return `/api/v1/agent${suffix}`;
}

export function convPath(id, suffix = "") {
  return agentPath(`/conversations/${encodeURIComponent(id)}${suffix}`);
}

export function showError(error) {
  toast(t("common.error", { message: error.message || String(error) }));
}

/** How lists and the header name a conversation's customer: their name, never their phone. */
export function customerName(c) {
  const name = names.get(c.id) || c.customer_name;
  return name || t("agent.customer.anonymous");
}
