// The open conversation: opening it, its header, and taking, resolving and transferring it.
import { $, clear, fill, h } from "../common/dom.js";
import { label } from "../common/i18n.js";
import { loadAssist, loadCanned } from "./assist.js";
import { loadCard } from "./card.js";
import { loadCustomer } from "./customer.js";
import { refreshSoon, badges, renderLists } from "./lists.js";
import { state, unread, openLines, call, agentPath, convPath, customerName } from "./state.js";
import { watch } from "./stream.js";
import { loadTranscript } from "./transcript.js";

let team = [];

export async function openConversation(id) {
  const conversation = await call(convPath(id));
  state.open = conversation;
  state.openSeq = 0;
  openLines.clear();
  state.inserted = null;
  state.cardEditing = false;
  unread.delete(id);
  clear($("#transcript"));
  $("#empty").classList.add("hidden");
  $("#conv").classList.remove("hidden");
  $("#side").classList.remove("hidden");
  $("#transfer-form").classList.add("hidden");
  renderHeader();
  renderLists();
  watch(id);
  await loadTranscript();
  await Promise.all([loadCard(), loadCustomer(), loadAssist(), loadCanned()]);
}

export function renderHeader() {
  if (!state.open) return;
  $("#conv-title").textContent = `${customerName(state.open)} · ${state.open.queue}`;
  fill($("#conv-badges"), ...badges(state.open));
  const mineNow = state.open.assignee_id === state.me.id && state.open.status === "assigned";
  $("#take").classList.toggle("hidden", !(state.open.status === "queued" || (state.open.status === "assigned" && state.open.assignee_id !== state.me.id && state.me.role !== "agent")));
  $("#resolve").disabled = !mineNow && state.me.role === "agent";
  $("#transfer").disabled = !["queued", "assigned"].includes(state.open.status);
}

export async function take() {
  state.open = await call(convPath(state.open.id, "/take"), { method: "POST" });
  renderHeader();
  refreshSoon();
}

export async function resolve() {
  state.open = await call(convPath(state.open.id, "/resolve"), { method: "POST" });
  renderHeader();
  refreshSoon();
}

export async function showTransfer() {
  const form = $("#transfer-form");
  form.classList.toggle("hidden");
  if (!team.length) team = await call(agentPath("/agents"));
  const select = $("#transfer-agent");
  fill(select, 
    ...team
      .filter((a) => a.id !== state.me.id)
      .map((a) => h("option", { value: a.id }, `${a.name} (${label("presence", a.presence)})`)),
  );
  $("#transfer-queue").value = state.open ? state.open.queue : "";
}

export async function transfer(event) {
  event.preventDefault();
  const form = $("#transfer-form");
  const to = form.to.value;
  const body = { note: $("#transfer-note").value.trim() || null };
  if (to === "queue") body.to_queue = $("#transfer-queue").value.trim();
  if (to === "agent") body.to_agent_id = $("#transfer-agent").value;
  if (to === "bot") body.to_bot = true;
  state.open = await call(convPath(state.open.id, "/transfer"), { method: "POST", body });
  form.classList.add("hidden");
  $("#transfer-note").value = "";
  renderHeader();
  refreshSoon();
}
