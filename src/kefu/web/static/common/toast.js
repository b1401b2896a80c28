import { h } from "./dom.js";

/** A short message in the corner that goes away by itself. */
export function toast(text, ms = 3500, attributes = {}) {
  for (const old of document.querySelectorAll(".toast")) old.remove();
  const el = h("div", { class: "toast", role: "status", ...attributes }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), ms);
}
