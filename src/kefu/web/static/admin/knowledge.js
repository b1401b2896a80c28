// The knowledge base editor: entries in both languages, categories, import and export.
import { ApiError } from "../common/api.js";
import { $$, $, fill, h } from "../common/dom.js";
import { lang, t } from "../common/i18n.js";
import { toast } from "../common/toast.js";
import { state, content, call, errorLine, fail, field, words } from "./shared.js";

const KB = "/api/v1/admin/knowledge";
let kbEntries = [];
let kbSelected = null;

function entriesOf(data) {
  return Array.isArray(data) ? data : data.entries || data.items || [];
}

export async function showKnowledge() {
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
        headers: { Authorization: `Bearer ${state.token}`, "Content-Type": format === "csv" ? "text/csv" : "application/yaml" },
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
    const response = await fetch(`${KB}/export?format=${format}`, { headers: { Authorization: `Bearer ${state.token}` } });
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
    h("div", {}, h("label", {}, t("agent.card.intent")), f.intent),
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
