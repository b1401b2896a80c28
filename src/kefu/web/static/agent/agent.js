// The agent workspace: my conversations and queues, the conversation with its transcript,
// the hand-over card, the customer and their orders, assist, canned responses.
// Each concept lives in its own module beside this one.
import { forgetToken, logIn } from "../common/auth.js";
import { $$, $, clear } from "../common/dom.js";
import { applyI18n, t } from "../common/i18n.js";
import { mountNav } from "../common/nav.js";
import { loadAssist, loadCanned } from "./assist.js";
import { loadCard } from "./card.js";
import { openConversation, renderHeader, take, resolve, showTransfer, transfer } from "./conversation.js";
import { loadCustomer } from "./customer.js";
import { refreshLists, renderLists } from "./lists.js";
import { state, openLines, call, agentPath, showError } from "./state.js";
import { connect } from "./stream.js";
import { loadTranscript, sendReply } from "./transcript.js";

let nav = null;

function wire() {
  $("#presence").addEventListener("change", async (event) => {
    try {
      state.me = await call(agentPath("/me/presence"), { method: "PUT", body: { presence: event.target.value } });
    } catch (error) {
      showError(error);
    }
  });
  const notify = $("#notify");
  if ("Notification" in window && Notification.permission === "default") {
    notify.classList.remove("hidden");
    notify.addEventListener("click", async () => {
      await Notification.requestPermission();
      notify.classList.add("hidden");
    });
  }
  $("#composer").addEventListener("submit", sendReply);
  $("#composer").addEventListener("change", (event) => {
    if (event.target.name !== "mode") return;
    const note = event.target.value === "note";
    $("#composer").classList.toggle("note", note);
    $("#reply").placeholder = t(note ? "agent.note.placeholder" : "agent.reply.placeholder");
  });
  $("#reply").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("#composer").requestSubmit();
  });
  $("#take").addEventListener("click", () => take().catch(showError));
  $("#resolve").addEventListener("click", () => resolve().catch(showError));
  $("#transfer").addEventListener("click", () => showTransfer().catch(showError));
  $("#transfer-cancel").addEventListener("click", () => $("#transfer-form").classList.add("hidden"));
  $("#transfer-form").addEventListener("submit", (event) => transfer(event).catch(showError));
  for (const tab of $$(".tabs button")) {
    tab.addEventListener("click", () => {
      for (const other of $$(".tabs button")) other.classList.toggle("active", other === tab);
      for (const panel of $$(".tab")) panel.classList.toggle("hidden", panel.id !== `tab-${tab.dataset.tab}`);
    });
  }
  window.addEventListener("kefu:lang", () => {
    renderLists();
    renderHeader();
    if (state.open) {
      const seqs = [...openLines.keys()];
      if (seqs.length) {
        state.openSeq = 0;
        openLines.clear();
        clear($("#transcript"));
        loadTranscript().catch(showError);
      }
      // The side panels print labels too: draw them again in the new language.
      Promise.all([loadCard(), loadCustomer(), loadAssist(), loadCanned()]).catch(showError);
    }
  });
}

async function main() {
  applyI18n(document);
  nav = mountNav($("#nav"), { active: "agent" });
  const session = await logIn();
  state.token = session.token;
  state.me = session.agent;
  nav.update({
    user: state.me,
    onLogout: () => {
      forgetToken();
      location.reload();
    },
  });
  $("#presence").value = state.me.presence;
  $("#workspace").classList.remove("hidden");
  wire();
  await refreshLists();
  connect();
  const wanted = new URLSearchParams(location.search).get("c");
  if (wanted) await openConversation(wanted);
}

main().catch(showError);
