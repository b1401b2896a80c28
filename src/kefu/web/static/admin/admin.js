// Administration: knowledge base, hand-over rules, queues and hours, users, retention.
import { api, ApiError } from "../common/api.js";
import { forgetToken, logIn, teamApi } from "../common/auth.js";
import { $, $$, add, clear, fill, h } from "../common/dom.js";
import { applyI18n, lang, t } from "../common/i18n.js";
import { mountNav } from "../common/nav.js";
import { toast } from "../common/toast.js";

let token = null;
let me = null;
let section = "knowledge";
const content = $("#content");

const call = teamApi(() => token);

function errorLine() {
  return h("p", { class: "error", role: "alert" });
}

function fail(line, error) {
  line.textContent =
    error instanceof ApiError && error.status === 404 && error.message === "Not Found"
      ? t("common.pending")
      : error.message;
}

function field(labelKey, input, extra = {}) {
  return h("div", extra, h("label", {}, t(labelKey)), input);
}

function words(text) {
  return String(text || "")
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// ---- knowledge base -------------------------------------------------------------------------

const KB = "/api/v1/admin/knowledge";
let kbEntries = [];
let kbSelected = null;

function entriesOf(data) {
  return Array.isArray(data) ? data : data.entries || data.items || [];
}

async function showKnowledge() {
  const search = h("input", { type: "search", placeholder: t("admin.kb.search"), id: "kb-search" });
  const list = h("ul", { class: "kb__list", id: "kb-list" });
  const editor = h("div", { id: "kb-editor" });
  const error = errorLine();
  const importFile = h("input", { type: "file", accept: ".yaml,.yml,.csv", class: "hidden", id: "kb-import" });
  const exportFormat = h("select", {}, h("option", { value: "yaml" }, "YAML"), h("option", { value: "csv" }, "CSV"));
  fill(content, 
    h(
      "div",
      { class: "section-head" },
      h("h2", {}, t("admin.tab.knowledge")),
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", class: "primary", id: "kb-new", onclick: () => editEntry(null) }, t("admin.kb.new")),
        h("button", { type: "button", onclick: () => importFile.click() }, t("admin.kb.import")),
        importFile,
        exportFormat,
        h("button", { type: "button", id: "kb-export", onclick: () => exportKb(exportFormat.value, error) }, t("admin.kb.export")),
      ),
    ),
    error,
    h("div", { class: "kb" }, h("div", {}, search, list), editor),
    h("details", { id: "kb-tree" }, h("summary", {}, t("admin.kb.categories")), h("div", { id: "kb-tree-body" })),
  );
  call(`${KB}/categories?language=${lang()}`)
    .then((tree) => {
      const node = (n) =>
        h(
          "li",
          {},
          h("strong", {}, n.label),
          ` (${(n.entries || []).length})`,
          h(
            "ul",
            {},
            (n.children || []).map(node),
            (n.entries || []).map((e) =>
              h("li", { class: "link", onclick: () => editEntry(kbEntries.find((x) => x.id === e.id) || null) }, e.question),
            ),
          ),
        );
      fill($("#kb-tree-body"), h("ul", {}, node(tree)));
    })
    .catch(() => {});
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = kbEntries.filter((e) => !q || JSON.stringify(e).toLowerCase().includes(q));
    fill(list, 
      ...shown.map((e) =>
        h(
          "li",
          { class: kbSelected === e.id ? "active" : "", "data-entry": e.id, onclick: () => editEntry(e) },
          h("div", {}, (e.question && (e.question[lang()] || e.question.zh || e.question.en)) || e.id),
          h(
            "div",
            { class: "muted" },
            [(e.category || []).map((c) => c[lang()] || c.zh || c.id).join(" › "), e.enabled === false ? "✕" : ""]
              .filter(Boolean)
              .join(" · "),
          ),
        ),
      ),
    );
  };
  search.addEventListener("input", draw);
  importFile.addEventListener("change", async () => {
    const file = importFile.files[0];
    if (!file) return;
    const text = await file.text();
    const format = file.name.endsWith(".csv") ? "csv" : "yaml";
    try {
      const response = await fetch(`${KB}/import?format=${format}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": format === "csv" ? "text/csv" : "application/yaml" },
        body: text,
      });
      const result = await response.json();
      if (!response.ok) throw new ApiError(response.status, result.error.code, result.error.message);
      toast(t("admin.kb.imported", { n: (result.created || 0) + (result.updated || 0) }));
      await reloadKb(draw);
    } catch (err) {
      fail(error, err);
    }
    importFile.value = "";
  });
  try {
    await reloadKb(draw);
  } catch (err) {
    fail(error, err);
  }
  editEntry(null);
}

async function reloadKb(draw) {
  kbEntries = entriesOf(await call(KB));
  draw();
}

async function exportKb(format, error) {
  try {
    const response = await fetch(`${KB}/export?format=${format}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, response.statusText);
    const blob = await response.blob();
    const link = h("a", { href: URL.createObjectURL(blob), download: `knowledge.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (err) {
    fail(error, err);
  }
}

function editEntry(entry) {
  kbSelected = entry ? entry.id : null;
  for (const li of $$("#kb-list li")) li.classList.toggle("active", li.dataset.entry === kbSelected);
  const e = entry || { question: { zh: "", en: "" }, answer: { zh: "", en: "" }, phrasings: [], category: [], enabled: true, tags: [] };
  const chains = new Map();
  for (const other of kbEntries) {
    const chain = other.category || [];
    if (chain.length) chains.set(chain.map((c) => c.id).join("/"), chain);
  }
  const currentChain = (e.category || []).map((c) => c.id).join("/");
  const f = {
    id: h("input", { id: "kb-id", value: e.id || "", readonly: Boolean(entry), pattern: "[a-z0-9_\\-]{1,64}", required: true }),
    chain: h(
      "select",
      { id: "kb-category-pick" },
      h("option", { value: "" }, "—"),
      [...chains.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([key, chain]) =>
          h("option", { value: key, selected: key === currentChain }, chain.map((c) => c[lang()] || c.zh || c.id).join(" › ")),
        ),
    ),
    qzh: h("input", { id: "kb-question-zh", value: e.question.zh || "", maxlength: 500 }),
    qen: h("input", { id: "kb-question-en", value: e.question.en || "", maxlength: 500 }),
    azh: h("textarea", { id: "kb-answer-zh", rows: 4 }, e.answer.zh || ""),
    aen: h("textarea", { id: "kb-answer-en", rows: 4 }, e.answer.en || ""),
    phrasings: h("textarea", { id: "kb-phrasings", rows: 4 }, (e.phrasings || []).join("\n")),
    category: h("input", {
      id: "kb-category",
      value: chains.has(currentChain) ? "" : (e.category || []).map((c) => [c.id, c.zh, c.en].join("|")).join(" > "),
      placeholder: "delivery|配送|Delivery > late|超时|Late",
    }),
    tags: h("input", { id: "kb-tags", value: (e.tags || []).join(", ") }),
    intent: h("input", { id: "kb-intent", value: e.intent || "" }),
    enabled: h("input", { id: "kb-enabled", type: "checkbox", checked: e.enabled !== false }),
  };
  const error = errorLine();
  const form = h(
    "form",
    { class: "form-grid", id: "kb-form" },
    h("h3", { class: "wide" }, entry ? entry.id : t("admin.kb.new")),
    h("div", {}, h("label", {}, "ID"), f.id),
    field("admin.kb.category", f.chain),
    h("div", {}, h("label", {}, `${t("admin.kb.question")}（中文）`), f.qzh),
    h("div", {}, h("label", {}, `${t("admin.kb.question")} (English)`), f.qen),
    h("div", {}, h("label", {}, `${t("admin.kb.answer")}（中文）`), f.azh),
    h("div", {}, h("label", {}, `${t("admin.kb.answer")} (English)`), f.aen),
    field("admin.kb.phrasings", f.phrasings, { class: "wide" }),
    h("div", { class: "wide" }, h("label", {}, `${t("admin.kb.category")} (id|中文|English > …)`), f.category),
    h("div", {}, h("label", {}, "Tags"), f.tags),
    h("div", {}, h("label", {}, "Intent"), f.intent),
    h("label", { class: "inline" }, f.enabled, t("admin.users.active")),
    h(
      "div",
      { class: "row wide" },
      h("button", { type: "submit", class: "primary", id: "kb-save" }, t("common.save")),
      entry
        ? h(
            "button",
            {
              type: "button",
              class: "danger",
              onclick: async () => {
                try {
                  await call(`${KB}/${encodeURIComponent(entry.id)}`, { method: "DELETE" });
                  showKnowledge();
                } catch (err) {
                  fail(error, err);
                }
              },
            },
            t("common.delete"),
          )
        : null,
    ),
    h("div", { class: "wide" }, error),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const doc = {
      ...(entry || {}),
      question: { zh: f.qzh.value.trim(), en: f.qen.value.trim() },
      answer: { zh: f.azh.value.trim(), en: f.aen.value.trim() },
      phrasings: f.phrasings.value.split("\n").map((s) => s.trim()).filter(Boolean),
      category: f.category.value.trim()
        ? f.category.value
        .split(">")
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => {
          const [id, zh, en] = part.split("|").map((s) => s.trim());
          return { id, zh: zh || id, en: en || zh || id };
        })
        : chains.get(f.chain.value) || [],
      tags: words(f.tags.value),
      intent: f.intent.value.trim() || null,
      enabled: f.enabled.checked,
    };
    doc.id = f.id.value.trim();
    delete doc.version;
    try {
      const saved = entry
        ? await call(`${KB}/${encodeURIComponent(entry.id)}`, { method: "PUT", body: doc })
        : await call(KB, { method: "POST", body: doc });
      toast(t("common.saved"));
      const savedEntry = saved.entry || saved;
      kbEntries = entriesOf(await call(KB));
      await showKnowledge();
      editEntry(kbEntries.find((x) => x.id === savedEntry.id) || null);
    } catch (err) {
      fail(error, err);
    }
  });
  const editor = $("#kb-editor");
  if (editor) fill(editor, form);
}

// ---- generic settings form (hand-over rules) ------------------------------------------------

/** A form for a flat JSON object: numbers, booleans, lists of text, anything else as JSON. */
function objectForm(data, onSave) {
  const inputs = {};
  const grid = h("div", { class: "form-grid" });
  for (const [name, value] of Object.entries(data)) {
    let input;
    if (typeof value === "boolean") input = h("input", { type: "checkbox", checked: value, name });
    else if (typeof value === "number") input = h("input", { type: "number", step: "any", value, name });
    else if (typeof value === "string" || value === null) input = h("input", { value: value ?? "", name });
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      // One per line: phrases may contain spaces and commas.
      input = h("textarea", { rows: 3, name, "data-lines": true }, value.join("\n"));
    } else input = h("textarea", { class: "json", rows: 5, name }, JSON.stringify(value, null, 2));
    inputs[name] = { input, value };
    const wide = input.tagName === "TEXTAREA" && !input.dataset.lines;
    add(grid, h("div", { class: wide ? "wide" : "" }, h("label", {}, name), input));
  }
  const error = errorLine();
  const form = h("form", {}, grid, error, h("button", { type: "submit", class: "primary" }, t("common.save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = {};
    try {
      for (const [name, { input, value }] of Object.entries(inputs)) {
        if (typeof value === "boolean") out[name] = input.checked;
        else if (typeof value === "number") out[name] = Number(input.value);
        else if (typeof value === "string" || value === null) out[name] = input.value === "" && value === null ? null : input.value;
        else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
          out[name] = input.value.split("\n").map((v) => v.trim()).filter(Boolean);
        }
        else out[name] = JSON.parse(input.value);
      }
      await onSave(out);
      toast(t("common.saved"));
    } catch (err) {
      fail(error, err);
    }
  });
  return form;
}

async function showRules() {
  const error = errorLine();
  fill(content, h("h2", {}, t("admin.tab.rules")), h("p", { class: "muted" }, t("admin.rules.help")), error);
  try {
    const rules = await call("/api/v1/admin/bot/rules");
    add(content, 
      objectForm(rules, async (out) => {
        await call("/api/v1/admin/bot/rules", { method: "PUT", body: out });
      }),
    );
  } catch (err) {
    fail(error, err);
  }
}

// ---- queues, skills, hours, SLA -------------------------------------------------------------

function queueForm(q) {
  const hours = q.hours || { timezone: "Asia/Shanghai", weekly: {}, holidays: [] };
  const f = {
    skills: h("input", { value: (q.skills || []).join(", ") }),
    language: h(
      "select",
      {},
      h("option", { value: "" }, "—"),
      ["zh", "en"].map((l) => h("option", { value: l, selected: q.language === l }, l)),
    ),
    strategy: h(
      "select",
      {},
      ["least_loaded", "longest_idle"].map((s) => h("option", { value: s, selected: q.strategy === s }, s)),
    ),
    afterHours: h(
      "select",
      {},
      ["leave_message", "offer_callback"].map((s) => h("option", { value: s, selected: q.after_hours === s }, s)),
    ),
    first: h("input", { type: "number", min: 1, value: q.sla ? q.sla.first_response_s : "" }),
    resolution: h("input", { type: "number", min: 1, value: q.sla ? q.sla.resolution_s : "" }),
    warn: h("input", { type: "number", step: "0.05", min: 0.05, max: 0.95, value: q.sla ? q.sla.warn_at : 0.8 }),
    useHours: h("input", { type: "checkbox", checked: Boolean(q.hours) }),
    timezone: h("input", { value: hours.timezone || "Asia/Shanghai" }),
    weekly: h(
      "textarea",
      { rows: 7 },
      Object.entries(hours.weekly || {})
        .map(([day, spans]) => `${day} = ${spans.join(", ")}`)
        .join("\n"),
    ),
    holidays: h("input", { value: (hours.holidays || []).join(", ") }),
    overflow: h("textarea", { class: "json", rows: 4 }, JSON.stringify(q.overflow || [], null, 2)),
  };
  const error = errorLine();
  const form = h(
    "form",
    { class: "queue-card", "data-queue": q.name },
    h("h3", {}, q.name),
    h(
      "div",
      { class: "form-grid" },
      field("admin.queues.skills", f.skills),
      field("admin.queues.language", f.language),
      field("admin.queues.strategy", f.strategy),
      field("admin.queues.after_hours", f.afterHours),
      field("admin.queues.sla_first", f.first),
      field("admin.queues.sla_resolution", f.resolution),
      field("admin.queues.sla_warn", f.warn),
      h("label", { class: "inline wide" }, f.useHours, t("admin.queues.hours")),
      field("admin.queues.timezone", f.timezone),
      field("admin.queues.holidays", f.holidays),
      h("div", { class: "wide" }, f.weekly),
      field("admin.queues.overflow", f.overflow, { class: "wide" }),
    ),
    error,
    h("button", { type: "submit", class: "primary" }, t("common.save")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const body = {
        skills: words(f.skills.value),
        strategy: f.strategy.value,
        after_hours: f.afterHours.value,
        overflow: JSON.parse(f.overflow.value || "[]"),
      };
      if (f.language.value) body.language = f.language.value;
      if (f.first.value && f.resolution.value) {
        body.sla = {
          first_response_s: Number(f.first.value),
          resolution_s: Number(f.resolution.value),
          warn_at: Number(f.warn.value || 0.8),
        };
      }
      if (f.useHours.checked) {
        const weekly = {};
        for (const line of f.weekly.value.split("\n")) {
          const [day, spans] = line.split("=").map((s) => (s || "").trim());
          if (day && spans) weekly[day] = spans.split(/[,，\s]+/).filter(Boolean);
        }
        body.hours = { timezone: f.timezone.value.trim(), weekly, holidays: words(f.holidays.value) };
      }
      await call(`/api/v1/admin/queues/${encodeURIComponent(q.name)}`, { method: "PUT", body });
      toast(t("common.saved"));
    } catch (err) {
      fail(error, err);
    }
  });
  return form;
}

async function showQueues() {
  const error = errorLine();
  const name = h("input", { placeholder: t("admin.queues.new"), maxlength: 64, pattern: "[a-z0-9_\\-]+" });
  const list = h("div");
  fill(content, 
    h(
      "div",
      { class: "section-head" },
      h("h2", {}, t("admin.tab.queues")),
      h(
        "div",
        { class: "row" },
        name,
        h(
          "button",
          {
            type: "button",
            onclick: () => {
              const n = name.value.trim().toLowerCase();
              if (n) list.prepend(queueForm({ name: n, skills: [n], strategy: "least_loaded", after_hours: "leave_message", overflow: [] }));
              name.value = "";
            },
          },
          t("common.create"),
        ),
      ),
    ),
    error,
    list,
  );
  try {
    const [configured, counts] = await Promise.all([
      call("/api/v1/admin/queues"),
      call("/api/v1/agent/queues"),
    ]);
    const known = new Set(configured.map((q) => q.name));
    const unconfigured = Object.keys(counts.queues || {})
      .filter((n) => !known.has(n))
      .map((n) => ({ name: n, skills: n === "general" ? [] : [n], strategy: "least_loaded", after_hours: "leave_message", overflow: [] }));
    add(list, ...[...configured, ...unconfigured].map(queueForm));
  } catch (err) {
    fail(error, err);
  }
}

// ---- users and roles ------------------------------------------------------------------------

function roleSelect(value, disabled) {
  return h(
    "select",
    { disabled },
    ["agent", "supervisor", "admin"].map((r) => h("option", { value: r, selected: r === value }, t(`role.${r}`))),
  );
}

function userRow(u) {
  const admin = me.role === "admin";
  const role = roleSelect(u.role, !admin || u.id === me.id);
  const skills = h("input", { value: u.skills.join(", "), disabled: !admin });
  const languages = h("input", { value: u.languages.join(", "), disabled: !admin, size: 6 });
  const max = h("input", { type: "number", min: 1, max: 50, value: u.max_concurrent, disabled: !admin, style: "width:5em" });
  const active = h("input", { type: "checkbox", checked: u.active, disabled: !admin || u.id === me.id });
  const error = h("span", { class: "error" });
  const save = h(
    "button",
    {
      type: "button",
      disabled: !admin,
      onclick: async () => {
        error.textContent = "";
        try {
          await call(`/api/v1/admin/users/${encodeURIComponent(u.id)}`, {
            method: "PATCH",
            body: {
              ...(u.id === me.id ? {} : { role: role.value, active: active.checked }),
              skills: words(skills.value),
              languages: words(languages.value),
              max_concurrent: Number(max.value),
            },
          });
          toast(t("common.saved"));
        } catch (err) {
          fail(error, err);
        }
      },
    },
    t("common.save"),
  );
  return h(
    "tr",
    { "data-user": u.email },
    h("td", {}, u.name, h("div", { class: "muted" }, u.email)),
    h("td", {}, role),
    h("td", {}, skills),
    h("td", {}, languages),
    h("td", {}, max),
    h("td", {}, active),
    h("td", {}, t(`presence.${u.presence}`)),
    h("td", {}, save, error),
  );
}

async function showUsers() {
  const error = errorLine();
  const body = h("tbody");
  const f = {
    email: h("input", { type: "email", required: true, id: "user-email" }),
    name: h("input", { required: true, id: "user-name" }),
    password: h("input", { type: "password", required: true, minlength: 8, id: "user-password", autocomplete: "new-password" }),
    role: roleSelect("agent", false),
    skills: h("input", { id: "user-skills" }),
    languages: h("input", { value: "zh", id: "user-languages" }),
  };
  const createError = errorLine();
  const create = h(
    "form",
    { class: "form-grid queue-card", id: "user-form" },
    h("h3", { class: "wide" }, t("admin.users.new")),
    field("admin.users.email", f.email),
    field("admin.users.name", f.name),
    field("admin.users.password", f.password),
    field("admin.users.role", f.role),
    field("admin.users.skills", f.skills),
    field("admin.users.languages", f.languages),
    h("div", { class: "wide" }, createError, h("button", { type: "submit", class: "primary" }, t("common.create"))),
  );
  create.addEventListener("submit", async (event) => {
    event.preventDefault();
    createError.textContent = "";
    try {
      await call("/api/v1/admin/users", {
        method: "POST",
        body: {
          email: f.email.value.trim(),
          name: f.name.value.trim(),
          password: f.password.value,
          role: f.role.value,
          skills: words(f.skills.value),
          languages: words(f.languages.value),
        },
      });
      toast(t("common.saved"));
      await showUsers();
    } catch (err) {
      fail(createError, err);
    }
  });
  fill(content, 
    h("h2", {}, t("admin.tab.users")),
    error,
    h(
      "table",
      { class: "grid", id: "users" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["admin.users.name", "admin.users.role", "admin.users.skills", "admin.users.languages", "admin.users.max", "admin.users.active", "admin.users.presence", ""].map((k) =>
            h("th", {}, k ? t(k) : ""),
          ),
        ),
      ),
      body,
    ),
    me.role === "admin" ? create : null,
  );
  try {
    const users = await call("/api/v1/admin/users");
    add(body, ...users.map(userRow));
  } catch (err) {
    fail(error, err);
  }
}

// ---- retention ------------------------------------------------------------------------------

async function showRetention() {
  const error = errorLine();
  fill(content, h("h2", {}, t("admin.tab.retention")), error);
  let current;
  try {
    current = await call("/api/v1/admin/settings/retention");
  } catch (err) {
    fail(error, err);
    return;
  }
  const f = {
    transcript: h("input", { type: "number", min: 1, max: 3650, value: current.transcript_days, id: "retention-transcript" }),
    customer: h("input", { type: "number", min: 1, max: 3650, value: current.customer_data_days, id: "retention-customer" }),
    ratings: h("input", { type: "checkbox", checked: current.keep_ratings, id: "retention-ratings" }),
  };
  const form = h(
    "form",
    { class: "form-grid", id: "retention-form" },
    field("admin.retention.transcript_days", f.transcript),
    field("admin.retention.customer_data_days", f.customer),
    h("label", { class: "inline wide" }, f.ratings, t("admin.retention.keep_ratings")),
    h("div", { class: "wide" }, h("button", { type: "submit", class: "primary", disabled: me.role !== "admin" }, t("common.save"))),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await call("/api/v1/admin/settings/retention", {
        method: "PUT",
        body: {
          transcript_days: Number(f.transcript.value),
          customer_data_days: Number(f.customer.value),
          keep_ratings: f.ratings.checked,
        },
      });
      toast(t("common.saved"));
    } catch (err) {
      fail(error, err);
    }
  });
  add(content, form);
}

// ---- start ----------------------------------------------------------------------------------

const SECTIONS = {
  knowledge: showKnowledge,
  rules: showRules,
  queues: showQueues,
  users: showUsers,
  retention: showRetention,
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
  token = session.token;
  me = session.agent;
  nav.update({
    user: me,
    onLogout: () => {
      forgetToken();
      location.reload();
    },
  });
  $("#admin").classList.remove("hidden");
  if (me.role === "agent") {
    fill(content, h("p", { class: "error" }, t("admin.need_supervisor")));
    return;
  }
  for (const b of $$(".admin__tabs button")) b.addEventListener("click", () => go(b.dataset.section));
  window.addEventListener("kefu:lang", () => go(section));
  go(location.hash.slice(1));
}

main().catch((error) => toast(error.message));
