"""The one handler table: who reacts to which event, and in which lane.

* **realtime** — run after commit, in order, by one delivery task per instance (stream
  fan-out, live projections, per-instance caches). `everywhere=True` (the default) also hears
  events committed by other instances. Realtime handlers must be quick: they share one lane.
* **queued** — durable jobs. The unit of work stores one job per (event, queued handler) in
  the same transaction as the change that caused the event; workers run it after commit, once
  across every instance, one job at a time per conversation and handler. A job left unfinished
  by a crash runs again after a restart (see `kefu.services.jobs`).

Neither lane runs inside the group-commit writer or delays a message acknowledgement.

Features register from their wiring:

    handlers.on(MessageCreated, lane="queued", name="bot.turn", when=from_customer)(bot.take_turn)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from kefu.domain.events import DomainEvent

Lane = Literal["realtime", "queued"]
EventHandler = Callable[[DomainEvent], Awaitable[None]]
E = TypeVar("E", bound=DomainEvent)
#: Queued handler names are stored with each job, so they must stay stable across releases.
MAX_NAME = 60


@dataclass(frozen=True, slots=True)
class Subscription:
    name: str
    lane: Lane
    events: tuple[type[DomainEvent], ...]
    handler: EventHandler
    when: Callable[[DomainEvent], bool] | None = None
    everywhere: bool = True
    group: str | None = None

    def job_key(self, event: DomainEvent) -> str:
        """Jobs of one handler (or `group` of handlers) for one conversation run one at a
        time, in commit order."""
        return f"{self.group or self.name}:{getattr(event, 'conversation_id', '') or '-'}"


@dataclass(eq=False)
class HandlerTable:
    _subscriptions: list[Subscription] = field(default_factory=list)
    _by_type: dict[tuple[type[DomainEvent], Lane], list[Subscription]] = field(default_factory=dict)

    def on(
        self,
        *events: type[E],
        lane: Lane = "realtime",
        name: str | None = None,
        when: Callable[[E], bool] | None = None,
        everywhere: bool = True,
        group: str | None = None,
    ) -> Callable[[Callable[[E], Awaitable[None]]], Callable[[E], Awaitable[None]]]:
        """Registers the decorated coroutine for `events` (subclasses included). `when`
        narrows further (a customer's message, not an agent's). Queued handlers need a
        stable `name` (it is stored with their jobs); handlers of one `group` run one job at
        a time per conversation (the bot's greeting and its turns). `everywhere=False`:
        realtime handlers that ignore events committed by other instances."""

        def register(handler: Callable[[E], Awaitable[None]]) -> Callable[[E], Awaitable[None]]:
            self.add(
                Subscription(
                    name=name or _name_of(handler),
                    lane=lane,
                    events=events or (DomainEvent,),
                    handler=handler,  # type: ignore[arg-type]  # narrowed by `events`
                    when=when,  # type: ignore[arg-type]
                    everywhere=everywhere,
                    group=group,
                )
            )
            return handler

        return register

    def add(self, subscription: Subscription) -> None:
        if subscription.lane == "queued":
            if len(subscription.name) > MAX_NAME:
                raise ValueError(f"queued handler name over {MAX_NAME} characters")
            if self.named(subscription.name) is not None:
                raise ValueError(f"a queued handler is already named {subscription.name!r}")
        self._subscriptions.append(subscription)
        self._by_type.clear()

    def subscribe(self, handler: EventHandler) -> None:
        """A plain subscriber: every event, in the realtime lane."""
        self.on()(handler)

    def matching(
        self, event: DomainEvent, lane: Lane, *, remote: bool = False
    ) -> list[Subscription]:
        """The subscriptions of `lane` that want `event`; `remote`: committed elsewhere."""
        key = (type(event), lane)
        candidates = self._by_type.get(key)
        if candidates is None:
            candidates = self._by_type[key] = [
                s for s in self._subscriptions if s.lane == lane and issubclass(key[0], s.events)
            ]
        return [
            s
            for s in candidates
            if (not remote or s.everywhere) and (s.when is None or s.when(event))
        ]

    def named(self, name: str) -> Subscription | None:
        for subscription in self._subscriptions:
            if subscription.lane == "queued" and subscription.name == name:
                return subscription
        return None

    def queued_names(self) -> list[str]:
        return [s.name for s in self._subscriptions if s.lane == "queued"]


def _name_of(handler: Callable[..., object]) -> str:
    owner = getattr(getattr(handler, "__self__", None), "__class__", None)
    method = getattr(handler, "__name__", "handler")
    name = (
        f"{owner.__name__}.{method}"
        if owner is not None
        else getattr(handler, "__qualname__", method)
    )
    return name[:MAX_NAME]
