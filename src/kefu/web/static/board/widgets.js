// The wall-board's building blocks: a tile, a bar list and a trend line drawn as inline SVG.
import { $, h } from "../common/dom.js";
import { t } from "../common/i18n.js";
import { num } from "./format.js";

export function tile(id, label, value, level = "") {
  return h(
    "div",
    { class: `tile ${level}`, id: `tile-${id}`, "data-testid": id },
    h("div", { class: "label" }, label),
    h("div", { class: "value" }, value),
  );
}

export function bars(target, items) {
  const list = $(target);
  list.replaceChildren();
  if (!items.length) {
    list.append(h("li", { class: "empty" }, t("board.none")));
    return;
  }
  const top = Math.max(...items.map((i) => i.n), 1);
  for (const item of items) {
    const bar = h("div", { class: "bar" });
    bar.style.width = `${(100 * item.n) / top}%`;
    list.append(h("li", {}, h("span", {}, item.label), bar, h("span", { class: "n" }, item.text ?? item.n)));
  }
}

export function chart(id, label, values) {
  const points = values.map((v) => (v === null || v === undefined ? 0 : v));
  const max = Math.max(...points, 1);
  const w = 600;
  const height = 100;
  const coords = points.map(
    (v, i) => `${((i / (points.length - 1)) * w).toFixed(1)},${(height - (v / max) * (height - 6) - 3).toFixed(1)}`,
  );
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  const area = document.createElementNS(svg.namespaceURI, "polygon");
  area.setAttribute("points", `0,${height} ${coords.join(" ")} ${w},${height}`);
  const line = document.createElementNS(svg.namespaceURI, "polyline");
  line.setAttribute("points", coords.join(" "));
  svg.append(area, line);
  const current = points[points.length - 1];
  return h(
    "figure",
    { class: "chart", id: `chart-${id}` },
    h("figcaption", {}, h("span", {}, label), h("b", {}, `${num(current, current % 1 ? 1 : 0)} / max ${num(max, max % 1 ? 1 : 0)}`)),
    svg,
  );
}
