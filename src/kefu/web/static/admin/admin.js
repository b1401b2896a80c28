// Administration: knowledge base, hand-over rules, queues and hours, users, retention,
// customer data (export and erase) and the audit log.
// Each section lives in its own module beside this one.
import { forgetToken, logIn } from "../common/auth.js";
import { $$, $, fill, h } from "../common/dom.js";
import { applyI18n, t } from "../common/i18n.js";
import { mountNav } from "../common/nav.js";
import { toast } from "../common/toast.js";
import { showKnowledge } from "./knowledge.js";
import { showQueues } from "./queues.js";
import { showRetention } from "./retention.js";
import { showRules } from "./rules.js";
import { relabelTabs, showAudit, showPrivacy } from "./privacy.js";
import { call, state, content } from "./shared.js";
import { showUsers } from "./users.js";

let section = "knowledge";

const SECTIONS = {
  knowledge: showKnowledge,
  rules: showRules,
  queues: showQueues,
  users: showUsers,
  retention: showRetention,
  privacy: () => showPrivacy(content, call, state.me),
  audit: () => showAudit(content, call),
};

function go(name) {
  section = SECTIONS[name] ? name : "knowledge";
  for (const b of $$(".admin__tabs button")) b.classList.toggle("active", b.dataset.section === section);
  if (location.hash !== `#${section}`) history.replaceState(null, "", `#${section}`);
  SECTIONS[section]().catch((error) => toast(error.message));
}

async function main() {
  applyI18n(document);
  const nav = mountNav($("#nav"), { active: "admin" });
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
  $("#admin").classList.remove("hidden");
  if (state.me.role === "agent") {
    fill(content, h("p", { class: "error" }, t("admin.need_supervisor")));
    return;
  }
  for (const b of $$(".admin__tabs button")) b.addEventListener("click", () => go(b.dataset.section));
  relabelTabs(document);
  window.addEventListener("kefu:lang", () => {
    relabelTabs(document);
    go(section);
  });
  go(location.hash.slice(1));
}

main().catch((error) => toast(error.message));
