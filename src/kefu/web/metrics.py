"""Prometheus metrics of one app instance (its own registry, so tests can run many apps)."""

from __future__ import annotations

import time
from collections.abc import Iterable

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
