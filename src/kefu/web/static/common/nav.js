// The navigation bar shared by the workspace, the admin pages and the wall-board.
import { append, clear, h } from "./dom.js";
import { t, toggleLang } from "./i18n.js";

const LINKS = [
  ["agent", "/agent", "nav.agent"],
  ["admin", "/admin", "nav.admin"],
  ["board", "/board", "nav.board"],
  ["planning", "/planning", "nav.planning"],
  ["insight", "/insight", "nav.insight"],
  ["quality", "/quality", "nav.quality"],
  ["learning", "/learning", "nav.learning"],
  ["chat", "/chat", "nav.chat"],
];

/**
 * mountNav(element, {active: "agent", user: {name, role}, onLogout})
 * Redraws itself when the language changes.
 */
export function mountNav(el, options = {}) {
  let state = { ...options };
  const render = () => {
    clear(el);
    el.classList.add("kefu-nav");
    append(el, [
      h("a", { class: "kefu-nav__brand", href: "/agent" }, t("app.name")),
      h(
        "ul",
        { class: "kefu-nav__links" },
        LINKS.map(([id, href, key]) =>
          h(
            "li",
            {},
            h(
              "a",
              {
                href,
                class: id === state.active ? "active" : "",
                "aria-current": id === state.active ? "page" : false,
                target: id === "chat" ? "_blank" : false,
                "data-nav": id,
              },
              t(key),
            ),
          ),
        ),
      ),
      h("span", { class: "kefu-nav__spacer" }),
      state.user
        ? h(
            "span",
            { class: "kefu-nav__user" },
            state.user.name,
            " · ",
            t(`role.${state.user.role}`),
          )
        : null,
      h("button", { type: "button", class: "link", onclick: toggleLang, "data-lang-toggle": true }, t("lang.toggle")),
      state.onLogout
        ? h("button", { type: "button", class: "link", onclick: state.onLogout }, t("nav.logout"))
        : null,
    ]);
  };
  render();
  window.addEventListener("kefu:lang", render);
  return {
    update(next) {
      state = { ...state, ...next };
      render();
    },
  };
}
