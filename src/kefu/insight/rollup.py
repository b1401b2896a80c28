"""Incremental rollups: what one conversation adds to the report, and the report from sums.

Every conversation contributes counts and sums under `(metric, key)` to the rollup of its
start day, entry point and channel. When its summary changes (a new step, the quiet window
passing, a later repeat contact), the store adds the new contribution minus the old one, so a
report is a `SUM … GROUP BY metric, key` over at most days × entry points × channels × keys
rows, whatever the number of journey events behind them.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from typing import Any

from kefu.insight import summary as sm
from kefu.insight.summary import Summary

Key = tuple[str, str]  # (metric, key)
Sums = dict[Key, tuple[float, float]]  # -> (count, total)
SEP = "\t"

#: Upper edges (seconds) of the time-to-resolution histogram; p50 is interpolated inside a
#: bucket, so it is exact to the bucket's width.
TTR_EDGES = (
    5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700,
    3600, 5400, 7200, 10800, 14400, 21600, 43200, 86400, 172800, 604800,
)  # fmt: skip


def outcome_class(outcome: str) -> str:
    if outcome in sm.SELF_SERVICE:
        return "self_service"
    if outcome in (sm.HUMAN_RESOLVED, sm.HUMAN_LEFT, sm.HUMAN_OPEN):
        return "human"
    return outcome  # unresolved, abandoned, pending, open


def contributions(s: Summary) -> dict[Key, tuple[float, float]]:
    """What this conversation adds to its rollup row, as of its settled outcome."""
    out: dict[Key, tuple[float, float]] = {}

    def add(metric: str, key: str = "", total: float = 1.0) -> None:
        n, t = out.get((metric, key), (0.0, 0.0))
        out[(metric, key)] = (n + 1, t + total)

    outcome = s.outcome
    klass = outcome_class(outcome)
    settled = outcome not in sm.UNSETTLED
    ended = s.ended_at is not None
    add("conversations")
    add("entry", s.entry_point)
    add("outcome", outcome)
    started = s.local_start
    add("hour_weekday", f"{started.weekday()}:{started.hour}")
    if outcome in sm.SELF_SERVICE:
        add("hour_weekday_self_service", f"{started.weekday()}:{started.hour}")
    add("intent_entry", f"{s.first_intent or 'none'}|{s.entry_point}")
    if settled:
        add("settled")
        if outcome in sm.SELF_SERVICE:
            add("self_service")
        if outcome == sm.BOT_RESOLVED:
            add("bot_resolved")
    if outcome == sm.PENDING:
        add("pending")
    # funnel: entry → question → answer → resolved / handed over / left
    add("funnel", "entered")
    if s.questions or s.menu_opened or s.clicks:
        add("funnel", "asked")
    if s.got_answer:
        add("funnel", "answered")
    if outcome in sm.SELF_SERVICE or outcome == sm.HUMAN_RESOLVED:
        add("funnel", "resolved")
    if s.reached_human:
        add("funnel", "handed_over")
    if outcome in (sm.ABANDONED, sm.HUMAN_LEFT, sm.UNRESOLVED):
        add("funnel", "left")
    # the menu
    if s.menu_opened:
        add("menu_depth", "", float(s.max_level))
        for node in s.menu_path:
            add("node_visits", node)
            add("node_outcome", f"{node}|{klass}")
        if ended:
            add("menu_journeys")
            for level in range(1, s.max_level + 1):
                add("reached_level", str(level))
            if sm.menu_abandoned(s):
                add("menu_abandoned")
                add("abandon_level", str(s.last_level))
                add("abandon_node", s.last_node or "root")
    if s.menu_leaf is not None:
        add("kb_reached", s.menu_leaf, float(s.menu_leaf_level))
    for knowledge_id in s.answered_ids:
        add("kb_asked", knowledge_id)
    gave_up_at = sm.abandonment_node(s)
    if gave_up_at is not None:
        add("abandoned_at", gave_up_at)
    # repeat contact (same customer, same topic) among conversations that ended
    if ended:
        add("ended")
        if s.repeat_gap_s is not None and s.repeat_gap_s <= sm.REPEAT_24H_S:
            add("repeat_24h")
        if s.repeat_gap_s is not None and s.repeat_gap_s <= sm.REPEAT_7D_S:
            add("repeat_7d")
    # bot decisions, suggestions, people
    for decision, n in s.decisions.items():
        if decision != "greeting":
            out[("decision", decision)] = (float(n), float(n))
    if s.shown:
        out[("suggestions_shown", "")] = (float(s.shown), float(s.shown))
    if s.clicks:
        out[("suggestion_clicks", "")] = (float(s.clicks), float(s.clicks))
    if s.reached_human:
        add("transferred")
    if s.human_button:
        add("human_button")
    if s.rating is not None:
        add("csat", "", s.rating)
    # time to resolution and service time, bot and human parts apart
    resolved = sm.resolution_at(s)
    if resolved is not None:
        total = max(0.0, resolved - s.started_at)
        add("ttr_hist", str(bisect.bisect_left(TTR_EDGES, total)))
        add("service", "", total)
        human_from = s.handed_over_at
        bot_part = total if human_from is None else max(0.0, human_from - s.started_at)
        add("service_bot", "", bot_part)
        add("service_human", "", 0.0 if human_from is None else max(0.0, resolved - human_from))
    # question prediction: was the first question among the top 3 shown at the start?
    if s.first_shown and s.first_wanted is not None and s.variant is not None:
        add("predict", s.variant)
        if s.first_wanted in s.first_shown[:3]:
            add("predict_hit", s.variant)
    return out


def encode(c: Mapping[Key, tuple[float, float]]) -> dict[str, list[float]]:
    return {f"{m}{SEP}{k}": [n, t] for (m, k), (n, t) in c.items()}


def decode(c: Mapping[str, list[float]]) -> dict[Key, tuple[float, float]]:
    out: dict[Key, tuple[float, float]] = {}
    for joined, (n, t) in c.items():
        metric, _, key = joined.partition(SEP)
        out[(metric, key)] = (n, t)
    return out


def delta(
    old: Mapping[Key, tuple[float, float]], new: Mapping[Key, tuple[float, float]]
) -> dict[Key, tuple[float, float]]:
    out: dict[Key, tuple[float, float]] = {}
    for key in old.keys() | new.keys():
        n0, t0 = old.get(key, (0.0, 0.0))
        n1, t1 = new.get(key, (0.0, 0.0))
        if n1 != n0 or t1 != t0:
            out[key] = (n1 - n0, t1 - t0)
    return out


# -- reading ---------------------------------------------------------------------------------


def _rate(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _mean(count: float, total: float, digits: int = 1) -> float | None:
    return round(total / count, digits) if count else None


def percentile(hist: Mapping[int, float], q: float) -> float | None:
    """The q-quantile from the time-to-resolution histogram, linear inside a bucket."""
    total = sum(hist.values())
    if total <= 0:
        return None
    target, seen = q * total, 0.0
    for index in sorted(hist):
        n = hist[index]
        if seen + n >= target:
            low = 0.0 if index == 0 else float(TTR_EDGES[index - 1])
            high = float(TTR_EDGES[index]) if index < len(TTR_EDGES) else low * 2
            return round(low + (high - low) * ((target - seen) / n), 1)
        seen += n
    return None


class Report:
    """Reads indicators, funnels and heat-maps from rollup sums."""

    def __init__(self, sums: Sums) -> None:
        self.sums = sums

    def n(self, metric: str, key: str = "") -> float:
        return self.sums.get((metric, key), (0.0, 0.0))[0]

    def total(self, metric: str, key: str = "") -> float:
        return self.sums.get((metric, key), (0.0, 0.0))[1]

    def keyed(self, metric: str) -> dict[str, float]:
        return {k: c for (m, k), (c, _) in self.sums.items() if m == metric and c}

    def indicators(self) -> dict[str, Any]:
        conversations = self.n("conversations")
        settled = self.n("settled")
        menu = self.n("menu_journeys")
        reached = self.keyed("reached_level")
        decisions = self.keyed("decision")
        bot_turns = sum(decisions.values())
        ended = self.n("ended")
        hist = {int(k): v for k, v in self.keyed("ttr_hist").items()}
        predict = self.keyed("predict")
        hits = self.keyed("predict_hit")
        return {
            "conversations": int(conversations),
            "entry_share": {
                k: _rate(v, conversations) for k, v in sorted(self.keyed("entry").items())
            },
            "path_depth_mean": _mean(self.n("menu_depth"), self.total("menu_depth"), 2),
            "menu_journeys": int(menu),
            "menu_abandonment_rate": _rate(self.n("menu_abandoned"), menu),
            "abandonment_by_level": {
                level: _rate(n, reached.get(level, 0.0))
                for level, n in sorted(self.keyed("abandon_level").items(), key=lambda kv: kv[0])
            },
            "abandonment_by_node": dict(
                sorted(
                    ((k, int(v)) for k, v in self.keyed("abandon_node").items()),
                    key=lambda kv: (-kv[1], kv[0]),
                )
            ),
            "settled": int(settled),
            "pending": int(self.n("pending")),
            "self_service_rate": _rate(self.n("self_service"), settled),
            "bot_resolution_rate": _rate(self.n("bot_resolved"), settled),
            "repeat_contact_rate_24h": _rate(self.n("repeat_24h"), ended),
            "repeat_contact_rate_7d": _rate(self.n("repeat_7d"), ended),
            "suggestion_ctr": _rate(self.n("suggestion_clicks"), self.n("suggestions_shown")),
            "transfer_rate": _rate(self.n("transferred"), conversations),
            "human_button_rate": _rate(self.n("human_button"), conversations),
            "unknown_rate": _rate(decisions.get("unknown", 0.0), bot_turns),
            "clarify_rate": _rate(decisions.get("clarify", 0.0), bot_turns),
            "time_to_resolution_s_p50": percentile(hist, 0.5),
            "time_to_resolution_s_p90": percentile(hist, 0.9),
            "service_time_s_mean": _mean(self.n("service"), self.total("service")),
            "bot_service_time_s_mean": _mean(self.n("service_bot"), self.total("service_bot")),
            "human_service_time_s_mean": _mean(
                self.n("service_human"), self.total("service_human")
            ),
            "csat_mean": _mean(self.n("csat"), self.total("csat"), 2),
            "question_prediction_top3": {
                variant: _rate(hits.get(variant, 0.0), n) for variant, n in sorted(predict.items())
            },
        }

    def funnel(self) -> list[dict[str, Any]]:
        stages = ("entered", "asked", "answered", "resolved", "handed_over", "left")
        counts = self.keyed("funnel")
        entered = counts.get("entered", 0.0)
        return [
            {
                "stage": s,
                "count": int(counts.get(s, 0.0)),
                "share": _rate(counts.get(s, 0.0), entered),
            }
            for s in stages
        ]

    def heatmap(self, name: str) -> dict[str, Any]:
        """`hour_weekday`, `intent_entry` or `node_outcome`: rows × columns of counts."""
        if name == "hour_weekday":
            counts = self.keyed("hour_weekday")
            cells = [
                {"row": str(d), "col": str(h), "count": int(counts.get(f"{d}:{h}", 0.0))}
                for d in range(7)
                for h in range(24)
            ]
            return {"name": name, "rows": [str(d) for d in range(7)],
                    "cols": [str(h) for h in range(24)], "cells": cells}  # fmt: skip
        metric = {"intent_entry": "intent_entry", "node_outcome": "node_outcome"}[name]
        counts = self.keyed(metric)
        pairs = [(k.split("|", 1)[0], k.split("|", 1)[1], v) for k, v in counts.items() if "|" in k]
        rows = sorted(
            {r for r, _, _ in pairs}, key=lambda r: -sum(v for a, _, v in pairs if a == r)
        )
        cols = sorted({c for _, c, _ in pairs})
        return {
            "name": name,
            "rows": rows,
            "cols": cols,
            "cells": [{"row": r, "col": c, "count": int(v)} for r, c, v in pairs],
        }


def cell_keys(name: str, row: str, col: str) -> Key:
    """The rollup key behind one heat-map cell, for drilling down."""
    if name == "hour_weekday":
        return ("hour_weekday", f"{row}:{col}")
    return (name, f"{row}|{col}")
