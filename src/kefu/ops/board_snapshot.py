"""The live board read out: the numbers its watchers see now, per window and as trend
lines. Every indicator is defined in docs/metrics.md."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kefu.ops.board_state import AWAY
from kefu.ops.windows import WINDOW_NAMES, KeyedWindowed, Stat, Windowed

if TYPE_CHECKING:
    from kefu.ops.projections import BoardProjection

TOP = 5


def board_snapshot(board: BoardProjection, now: datetime) -> dict[str, Any]:
    at = now.timestamp()
    counts = board.status_counts
    waiting_n = counts["queued"]
    return {
        "generated_at": now.isoformat(),
        "now": {
            "active": sum(counts.values()),
            "with_bot": counts["bot"],
            "waiting": waiting_n,
            "with_agents": counts["assigned"],
            "queues": {
                name: {
                    "waiting": len(w.members),
                    "longest_wait_s": board.longest_wait_s(at, name),
                }
                for name, w in sorted(board.waiting.items())
                if w.members
            },
            "longest_wait_s": board.longest_wait_s(at),
            "average_current_wait_s": (
                round(max(0.0, at - board.waiting_since_total / waiting_n), 1)
                if waiting_n
                else None
            ),
            "negative_share": _rate(board.negative_open, board.rated_open),
            "agents": _agents_now(board),
        },
        "windows": {name: _window(board, name, at) for name in WINDOW_NAMES},
        "trend": _trend(board, at),
        "events_seen": board.events_seen,
    }


def _agents_now(board: BoardProjection) -> dict[str, Any]:
    online = busy = away = load = capacity = 0
    for agent in board.agents.values():
        if agent.presence == "online":
            online += 1
            busy += agent.load > 0
            load += agent.load
            capacity += agent.capacity
        elif agent.presence in AWAY:
            away += 1
    return {
        "online": online,
        "busy": busy,
        "available": online - busy,
        "away": away,
        "occupancy": _rate(min(load, capacity), capacity),
    }


def _window(board: BoardProjection, name: str, at: float) -> dict[str, Any]:
    def stat(w: Windowed) -> Stat:
        return w.read(at)[name]

    def keyed(w: KeyedWindowed) -> dict[str, int]:
        return w.read(at)[name]

    messages = keyed(board.messages)
    exits = keyed(board.queue_exits)
    closed = keyed(board.closed)
    handovers = keyed(board.handovers)
    intents = keyed(board.intents)
    minutes = {"5m": 5, "1h": 60}.get(name)
    n_closed = closed.get("closed", 0)
    n_exits = exits.get("answered", 0) + exits.get("abandoned", 0)
    waits, frt, aht = stat(board.waits), stat(board.first_response), stat(board.handling)
    csat, negative = stat(board.csat), stat(board.negative_messages)
    n_messages = sum(messages.values())
    return {
        "conversations_created": stat(board.created).count,
        "messages": n_messages,
        "messages_by_sender": messages,
        "messages_per_min": round(n_messages / minutes, 2) if minutes else None,
        "answered": exits.get("answered", 0),
        "average_wait_s": _mean(waits),
        "abandoned_in_queue": exits.get("abandoned", 0),
        "abandonment_rate": _rate(exits.get("abandoned", 0), n_exits),
        "closed": n_closed,
        "resolved": closed.get("resolved", 0),
        "resolution_rate": _rate(closed.get("resolved", 0), n_closed),
        "bot_resolution_rate": _rate(closed.get("bot_resolved", 0), n_closed),
        "self_service_rate": _rate(closed.get("self_service", 0), n_closed),
        "transfer_to_human_rate": _rate(closed.get("human", 0), n_closed),
        "reopen_rate": _rate(closed.get("reclosed", 0), n_closed),
        "reopens": stat(board.reopens).count,
        "handovers": sum(handovers.values()),
        "handover_reasons": dict(sorted(handovers.items(), key=lambda kv: (-kv[1], kv[0]))),
        "transfers": stat(board.transfers).count,
        "first_response_s": _mean(frt),
        "first_responses": frt.count,
        "handling_s": _mean(aht),
        "handled": aht.count,
        "csat": _mean(csat, 2),
        "csat_count": csat.count,
        "csat_satisfied_rate": _rate(int(stat(board.csat_satisfied).total), csat.count),
        "messages_analysed": sum(keyed(board.intents).values()),
        "emotion_index": _mean(stat(board.emotion), 2),
        "negative_message_rate": _rate(int(negative.total), negative.count),
        "sla": {key: keyed(board.sla).get(key, 0) for key in ("warning", "breached", "escalated")},
        "overflows": keyed(board.overflows),
        "callbacks": stat(board.callbacks).count,
        "bot_turns": keyed(board.bot_turns),
        "top_intents": [
            {"intent": k, "count": v}
            for k, v in sorted(intents.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        ],
        "top_categories": [
            {"category": k, "count": v}
            for k, v in sorted(keyed(board.categories).items(), key=lambda kv: (-kv[1], kv[0]))[
                :TOP
            ]
        ],
    }


def _trend(board: BoardProjection, at: float) -> dict[str, Any]:
    newest = int(at // 60)
    return {
        "minutes": [
            datetime.fromtimestamp(m * 60, UTC).isoformat() for m in range(newest - 59, newest + 1)
        ],
        "messages": board.trend_messages.series(at),
        "conversations_created": board.trend_created.series(at),
        "handovers": board.trend_handovers.series(at),
        "waiting": board.trend_waiting.series(at),
        "active": board.trend_active.series(at),
        "longest_wait_s": board.trend_longest_wait.series(at),
    }


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _mean(stat: Stat, digits: int = 1) -> float | None:
    mean = stat.mean()
    return None if mean is None else round(mean, digits)
