// How the wall-board writes numbers: shares, counts and durations ("–" when unknown).

export const pct = (v) => (v === null || v === undefined ? "–" : `${(v * 100).toFixed(1)}%`);
export const num = (v, digits = 0) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));

export function duration(s) {
  if (s === null || s === undefined) return "–";
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** A burst key is "intent:refund" or "category:delivery": its label, never the code. */
export function burstLabel(key, label) {
  const [kind, code] = String(key).includes(":") ? String(key).split(/:(.*)/s) : ["intent", key];
  return kind === "category" ? code : label("intent", code);
}
