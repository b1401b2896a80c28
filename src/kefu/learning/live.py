"""The promoted model, live on every instance.

With `KEFU_MODEL_REGISTRY` set, an instance runs the registry's current intent classifier
instead of the built-in one. A promotion or a rollback (here, through the API, or by
`kefu learn retrain|rollback` with a Redis URL) moves the registry's pointer and then
publishes `model.promoted`; every instance hears it (Redis between instances) and swaps the
classifier its language engine reads, between two customer messages, without a restart.
The registry folder is shared by the instances (one machine, or a shared volume).

The knowledge matcher of a version is not swapped in: each instance's matcher *is* the live
knowledge base (edits reach it at once through `knowledge.changed`); the gate measures it so
that knowledge edits that make matching worse are seen before a retraining is promoted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from kefu.domain.agent import Agent
from kefu.domain.clock import Clock
from kefu.domain.errors import Conflict, NotFound, PermissionDenied
from kefu.domain.events import DomainEvent, ModelPromoted
from kefu.learning.registry import ModelRegistry, ModelVersion, RegistryError
from kefu.learning.retrain import INTENT, KNOWLEDGE, intent_of
from kefu.nlu.intent import IntentClassifier

log = logging.getLogger(__name__)

Publish = Callable[[Sequence[DomainEvent]], Awaitable[None]]


class IntentSlot(Protocol):
    """Where the language engine keeps its intent classifier (`NluEngine.intent`)."""

    intent: IntentClassifier


def components(version: ModelVersion) -> list[str]:
    return [c for c in (KNOWLEDGE, INTENT) if (version.path / c).is_dir()]


def promoted_event(version: ModelVersion, action: str, author: str, clock: Clock) -> ModelPromoted:
    return ModelPromoted(
        occurred_at=clock(),
        version=version.name,
        action=action,
        components=components(version),
        author=author,
    )


@dataclass(eq=False)
class LiveModels:
    registry: ModelRegistry
    engine: IntentSlot
    publish: Publish
    clock: Clock
    #: The version whose intent classifier this instance runs (None: the built-in one).
    running: str | None = None

    def load_current(self) -> str | None:
        """At start-up: the registry's current intent classifier, if it has one."""
        current = self.registry.current()
        path = intent_of(current)
        if current is not None and path is not None:
            self.engine.intent = IntentClassifier.load(path)
            self.running = current.name
        return self.running

    async def on_promoted(self, event: ModelPromoted) -> None:
        """Swaps in the registry's current model; an echo of a version already running is
        ignored. The pointer, not the event, says what is current (two promotions in a row
        arrive in order, but a late instance only needs the last)."""
        try:
            current = self.registry.current()
        except RegistryError:
            log.exception("model registry unreadable; keeping %s", self.running)
            return
        if current is None or current.name == self.running:
            return
        path = intent_of(current)
        if path is None:
            return
        model = await asyncio.to_thread(IntentClassifier.load, path)
        self.engine.intent = model
        self.running = current.name
        log.info("model %s is live (%s by %s)", current.name, event.action, event.author)

    # -- what the API calls ----------------------------------------------------------------

    def versions(self, agent: Agent) -> list[ModelVersion]:
        _check_admin(agent)
        return self.registry.versions()

    async def promote(self, agent: Agent, name: str) -> ModelVersion:
        """Makes a version the gate let through current, here and on every instance."""
        _check_admin(agent)
        try:
            version = self.registry.get(name)
        except RegistryError as exc:
            raise NotFound(str(exc)) from exc
        if not version.manifest.get("promoted", False):
            raise Conflict(
                f"{name} did not pass the evaluation gate: {version.manifest.get('verdict', '')}"
            )
        self.registry.promote(name, self.clock())
        await self._announce(version, "promote", agent.email)
        return version

    async def rollback(self, agent: Agent) -> ModelVersion:
        _check_admin(agent)
        try:
            version = self.registry.rollback(self.clock())
        except RegistryError as exc:
            raise Conflict(str(exc)) from exc
        await self._announce(version, "rollback", agent.email)
        return version

    async def _announce(self, version: ModelVersion, action: str, author: str) -> None:
        # The pointer has moved (the "commit"); then every instance, this one included, hears it.
        await self.publish([promoted_event(version, action, author, self.clock)])


def _check_admin(agent: Agent) -> None:
    if not agent.sees_everything:
        raise PermissionDenied("only supervisors and admins manage the bot's models")
