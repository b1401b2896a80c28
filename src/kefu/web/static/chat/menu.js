// The self-service menu: categories and answers, with journey analytics on a best-effort basis.
import { api } from "../common/api.js";
import { add, clear, h } from "../common/dom.js";
import { t } from "../common/i18n.js";
import { showBanner } from "./banner.js";
import { menuPanel, menuButton, state, path } from "./state.js";

export async function loadMenu(node) {
  const query = node ? `?node=${encodeURIComponent(node)}` : "";
  return api(`${path("/menu")}${query}`, { token: state.session.customer_token });
}

export async function probeMenu() {
  if (!state.session || state.menuAvailable !== null) return;
  try {
    await loadMenu("");
    state.menuAvailable = true;
  } catch {
    state.menuAvailable = false;
  }
  menuButton.classList.toggle("hidden", !state.menuAvailable);
}

export function hideMenu() {
  menuPanel.classList.add("hidden");
}

export function journey(action, node, level) {
  // Best effort: analytics must never get in the customer's way.
  api(path("/journey"), {
    method: "POST",
    body: { action, node: node || "root", level: level || 0 },
    token: state.session.customer_token,
  }).catch(() => {});
}

function parentOf(data) {
  const here = data.node ? data.node.id : "";
  const above = (data.path || []).filter((p) => p.id !== here);
  return above.length ? above[above.length - 1].id : "";
}

function menuButtonEl(child, level) {
  return h(
    "button",
    {
      type: "button",
      class: "chip choice",
      "data-menu": child.id,
      onclick: () => {
        journey("click", child.id, level + 1);
        openMenu(child.id, child.kind === "entry" ? child : null);
      },
    },
    child.label,
  );
}

export async function openMenu(node, entry = null) {
  let data;
  try {
    data = await loadMenu(node);
  } catch (error) {
    showBanner(t("common.error", { message: error.message }));
    return;
  }
  state.menuNode = node;
  const here = data.node || { id: node, kind: "category", level: 0 };
  const level = here.level || 0;
  if (!node) journey("open", "root", 0);
  const trail = (data.path || []).map((p) => p.label).filter(Boolean);
  clear(menuPanel);
  add(menuPanel, 
    h("div", { class: "chat-menu__path" }, [t("chat.menu.top"), ...trail].join(" › ")),
  );
  if (here.kind === "entry") {
    const answer = here.answer ?? (entry && entry.answer) ?? "";
    add(menuPanel, 
      h("strong", { class: "chat-menu__question" }, here.label),
      h("p", { class: "chat-menu__answer" }, answer),
    );
  }
  add(menuPanel, 
    h(
      "div",
      { class: "chips" },
      node
        ? h(
            "button",
            {
              type: "button",
              class: "chip",
              "data-menu-back": true,
              onclick: () => {
                journey("back", node, level);
                openMenu(parentOf(data));
              },
            },
            `‹ ${t("chat.menu.back")}`,
          )
        : null,
      (data.children || []).map((child) => menuButtonEl(child, level)),
    ),
  );
  menuPanel.classList.remove("hidden");
}
