// The team: users, roles, skills, languages and capacity.
import { add, fill, h } from "../common/dom.js";
import { t, label } from "../common/i18n.js";
import { toast } from "../common/toast.js";
import { state, content, call, errorLine, fail, field, words } from "./shared.js";

function roleSelect(value, disabled) {
  return h(
    "select",
    { disabled },
    ["agent", "supervisor", "admin"].map((r) => h("option", { value: r, selected: r === value }, t(`role.${r}`))),
  );
}

function userRow(u) {
  const admin = state.me.role === "admin";
  const role = roleSelect(u.role, !admin || u.id === state.me.id);
  const skills = h("input", { value: u.skills.join(", "), disabled: !admin });
  const languages = h("input", { value: u.languages.join(", "), disabled: !admin, size: 6 });
  const max = h("input", { type: "number", min: 1, max: 50, value: u.max_concurrent, disabled: !admin, style: "width:5em" });
  const active = h("input", { type: "checkbox", checked: u.active, disabled: !admin || u.id === state.me.id });
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
              ...(u.id === state.me.id ? {} : { role: role.value, active: active.checked }),
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
    h("td", {}, label("presence", u.presence)),
    h("td", {}, save, error),
  );
}

export async function showUsers() {
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
    state.me.role === "admin" ? create : null,
  );
  try {
    const users = await call("/api/v1/admin/users");
    add(body, ...users.map(userRow));
  } catch (err) {
    fail(error, err);
  }
}
