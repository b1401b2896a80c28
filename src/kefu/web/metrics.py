"""Prometheus metrics of one app instance (its own registry, so tests can run many apps)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kefu.domain.events import ConversationOverflowed, DomainEvent, MessageCreated
from kefu.web.hub import Hub


class _LiveGauges(Collector):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    def collect(self) -> Iterable[Metric]:
        gauge = GaugeMetricFamily(
            "kefu_websocket_connections", "WebSocket clients connected to this instance"
        )
        gauge.add_metric([], self._hub.connections)
        yield gauge


BoardProvider = Callable[[], dict[str, Any]]

# (metric name, help, path in the live board); rates are 0–1, times in seconds.
BOARD_GAUGES: tuple[tuple[str, str, str], ...] = (
    ("kefu_live_conversations_active", "Open conversations", "now.active"),
    ("kefu_live_conversations_with_bot", "Open conversations with the bot", "now.with_bot"),
    ("kefu_live_conversations_waiting", "Conversations waiting in a queue", "now.waiting"),
    ("kefu_live_conversations_with_agents", "Conversations with an agent", "now.with_agents"),
    ("kefu_live_longest_wait_seconds", "Longest current wait in any queue", "now.longest_wait_s"),
    (
        "kefu_live_negative_share",
        "Open conversations whose customer is upset",
        "now.negative_share",
    ),
    ("kefu_live_agents_online", "Agents online", "now.agents.online"),
    ("kefu_live_agents_busy", "Online agents with at least one conversation", "now.agents.busy"),
    ("kefu_live_agents_away", "Agents away or on a break", "now.agents.away"),
    (
        "kefu_live_occupancy",
        "Conversations held / capacity of online agents",
        "now.agents.occupancy",
    ),
)
# Windowed indicators exported for the 5-minute and 1-hour windows (label `window`).
BOARD_WINDOW_GAUGES: tuple[tuple[str, str, str], ...] = (
    ("kefu_live_messages_per_minute", "Messages per minute", "messages_per_min"),
    ("kefu_live_average_wait_seconds", "Average wait of answered conversations", "average_wait_s"),
    ("kefu_live_abandonment_rate", "Abandoned while queued / left the queue", "abandonment_rate"),
    ("kefu_live_resolution_rate", "Resolved / closed", "resolution_rate"),
    ("kefu_live_bot_resolution_rate", "Resolved by the bot alone / closed", "bot_resolution_rate"),
    ("kefu_live_self_service_rate", "Closed without a human / closed", "self_service_rate"),
    ("kefu_live_transfer_to_human_rate", "Reached a human / closed", "transfer_to_human_rate"),
    ("kefu_live_reopen_rate", "Closed again after a reopening / closed", "reopen_rate"),
    ("kefu_live_first_response_seconds", "Average first human response time", "first_response_s"),
    ("kefu_live_handling_seconds", "Average handling time", "handling_s"),
    ("kefu_live_csat", "Average rating (1-5)", "csat"),
    ("kefu_live_emotion_index", "Average emotion index of customer messages", "emotion_index"),
)


class _BoardGauges(Collector):
    def __init__(self, board: BoardProvider) -> None:
        self._board = board

    def collect(self) -> Iterable[Metric]:
        from kefu.ops.alerts import read_indicator

        board = self._board()
        for name, text, path in BOARD_GAUGES:
            gauge = GaugeMetricFamily(name, text)
            value = read_indicator(board, path)
            if value is not None:
                gauge.add_metric([], value)
            yield gauge
        for name, text, key in BOARD_WINDOW_GAUGES:
            gauge = GaugeMetricFamily(name, text, labels=["window"])
            for window in ("5m", "1h"):
                value = read_indicator(board, f"windows.{window}.{key}")
                if value is not None:
                    gauge.add_metric([window], value)
            yield gauge
        queues = GaugeMetricFamily(
            "kefu_live_queue_length", "Conversations waiting, by queue", labels=["queue"]
        )
        for queue, state in board["now"]["queues"].items():
            queues.add_metric([queue], state["waiting"])
        yield queues
        alerts = GaugeMetricFamily("kefu_live_alerts_active", "Alerts raised and not cleared")
        alerts.add_metric([], len(board.get("alerts", [])))
        yield alerts


class Metrics:
    def __init__(self, hub: Hub) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kefu_http_requests",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "kefu_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self.events = Counter(
            "kefu_events", "Domain events seen by this instance", ["name"], registry=self.registry
        )
        self.messages = Counter(
            "kefu_messages", "Messages created, by sender", ["sender"], registry=self.registry
        )
        self.overflows = Counter(
            "kefu_overflows",
            "Customers diverted at hand-over, by action (divide by conversation.handed_over "
            "events for the diverted share)",
            ["action"],
            registry=self.registry,
        )
        self.registry.register(_LiveGauges(hub))

    def watch_board(self, board: BoardProvider) -> None:
        """Exports the live board's indicators as gauges."""
        self.registry.register(_BoardGauges(board))

    async def on_event(self, event: DomainEvent) -> None:
        self.events.labels(event.name).inc()
        if isinstance(event, MessageCreated):
            self.messages.labels(event.sender).inc()
        elif isinstance(event, ConversationOverflowed):
            self.overflows.labels(event.action).inc()


class MetricsMiddleware:
    """Pure ASGI middleware: cheap enough for every request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            self.metrics.requests.labels(scope["method"], path, str(status)).inc()
            self.metrics.latency.labels(scope["method"], path).observe(
                time.perf_counter() - started
            )
