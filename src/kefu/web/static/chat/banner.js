// The banner for connection trouble and errors.
import { add, clear, h } from "../common/dom.js";
import { banner } from "./state.js";

export function showBanner(text, retry) {
  clear(banner);
  add(banner, text);
  if (retry) add(banner, " ", h("button", { type: "button", class: "link", onclick: retry }, "↻"));
  banner.classList.remove("hidden");
}

export function hideBanner() {
  banner.classList.add("hidden");
}
