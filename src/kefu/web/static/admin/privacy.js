// Privacy section of the admin pages: export or erase one customer's data, and the audit log
// of admin and supervisor actions. Labels are kept here (zh/en) so the shared dictionary
// stays as it is.
import { fill, h } from "../common/dom.js";
import { lang } from "../common/i18n.js";
import { toast } from "../common/toast.js";

const LABELS = {
  zh: {
    privacy: "顾客数据",
    audit: "操作日志",
    uid: "顾客编号（external_id）",
    export: "导出全部数据",
    erase: "删除个人数据",
    confirm: "确认删除：姓名、电话和聊天内容将被清除，无法恢复",
    erased: "已删除 {n} 个会话中的个人数据",
    exported: "已导出",
    admin_only: "只有管理员可以导出或删除顾客数据",
    at: "时间",
    actor: "操作人",
    action: "操作",
    target: "对象",
    empty: "暂无记录",
    "customer.exported": "导出顾客数据",
    "customer.erased": "删除顾客数据",
    "user.created": "新建用户",
    "user.updated": "修改用户",
    "retention.updated": "修改数据保留",
    "queue.updated": "修改队列",
  },
  en: {
    privacy: "Customer data",
    audit: "Audit log",
    uid: "Customer id (external_id)",
    export: "Export all data",
    erase: "Erase personal data",
    confirm: "Confirm: name, phone and message text are erased for good",
    erased: "Personal data erased from {n} conversations",
    exported: "Exported",
    admin_only: "Only an admin may export or erase a customer's data",
    at: "When",
    actor: "Who",
    action: "Action",
    target: "Target",
    empty: "Nothing yet",
    "customer.exported": "Customer data exported",
    "customer.erased": "Customer data erased",
    "user.created": "User created",
    "user.updated": "User changed",
    "retention.updated": "Retention changed",
    "queue.updated": "Queue changed",
  },
};

function tr(key, values = {}) {
  const text = (LABELS[lang()] || LABELS.zh)[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

export async function showPrivacy(content, call, me) {
  const error = h("p", { class: "error", role: "alert" });
  const uid = h("input", { id: "privacy-uid", maxlength: 128, required: true });
  const result = h("pre", { id: "privacy-result", class: "privacy__result" });
  const admin = me.role === "admin";
  const exportButton = h("button", { type: "button", id: "privacy-export", disabled: !admin }, tr("export"));
  const eraseButton = h("button", { type: "button", id: "privacy-erase", class: "danger", disabled: !admin }, tr("erase"));
  const confirm = h("button", { type: "button", id: "privacy-erase-confirm", class: "danger hidden" }, tr("confirm"));
  const path = () => `/api/v1/admin/customers/${encodeURIComponent(uid.value.trim())}`;

  exportButton.addEventListener("click", async () => {
    error.textContent = "";
    try {
      const data = await call(`${path()}/export`);
      result.textContent = JSON.stringify(data, null, 2);
      toast(tr("exported"));
    } catch (err) {
      error.textContent = err.message;
    }
  });
  eraseButton.addEventListener("click", () => confirm.classList.remove("hidden"));
  confirm.addEventListener("click", async () => {
    confirm.classList.add("hidden");
    error.textContent = "";
    try {
      const erased = await call(path(), { method: "DELETE" });
      result.textContent = tr("erased", { n: erased.conversations });
    } catch (err) {
      error.textContent = err.message;
    }
  });
  fill(
    content,
    h("h2", {}, tr("privacy")),
    admin ? "" : h("p", { class: "hint" }, tr("admin_only")),
    h("div", { class: "form-grid", id: "privacy-form" }, h("label", { for: "privacy-uid" }, tr("uid")), uid),
    h("div", { class: "row" }, exportButton, eraseButton, confirm),
    error,
    result,
  );
}

export async function showAudit(content, call) {
  const data = await call("/api/v1/admin/audit?limit=200");
  const rows = data.entries.map((e) =>
    h(
      "tr",
      { "data-audit-action": e.action },
      h("td", {}, new Date(e.at).toLocaleString(lang() === "en" ? "en-GB" : "zh-CN")),
      h("td", {}, `${e.actor_id.slice(0, 8)} (${e.actor_role})`),
      h("td", {}, tr(e.action)),
      h("td", {}, e.target),
    ),
  );
  const table = h(
    "table",
    { id: "audit", class: "table" },
    h("thead", {}, h("tr", {}, h("th", {}, tr("at")), h("th", {}, tr("actor")), h("th", {}, tr("action")), h("th", {}, tr("target")))),
    h("tbody", {}, ...rows),
  );
  fill(content, h("h2", {}, tr("audit")), rows.length ? table : h("p", {}, tr("empty")));
}

export function tabLabel(key) {
  return tr(key);
}

export function relabelTabs(root) {
  for (const b of root.querySelectorAll("[data-privacy-label]")) b.textContent = tr(b.dataset.privacyLabel);
}


