"""Live operations as a running service: folds events into the board, ticks once a second
to raise and clear alerts and bursts, drafts knowledge packs and pushes the board to its
watchers.

Every instance keeps its own board from the events it hears (its own and, with Redis, the
other instances'), so all instances show the same numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from kefu.assist.packs import PackNotice
from kefu.domain.clock import Clock, system_clock
from kefu.domain.errors import NotFound
from kefu.domain.events import DomainEvent
from kefu.domain.ids import new_id
from kefu.domain.tenancy import DEFAULT_ACCOUNT_ID
from kefu.ops.alerts import DEFAULT_RULES, AlertChange, AlertEngine
from kefu.ops.board_settings import parse_rules, parse_webhooks
from kefu.ops.bursts import BurstConfig, BurstDetector, BurstSignal
from kefu.ops.events import AlertCleared, AlertRaised, BurstDetected, KnowledgePackPublished
from kefu.ops.packs import (
    AnswerSource,
    DemoAnswers,
    KnowledgeAnswers,
    KnowledgePack,
    draft_pack,
    edit_pack,
    pack_from_dict,
)
from kefu.ops.ports import OpsStore, Pinner
from kefu.ops.projections import BoardProjection
from kefu.ops.webhooks import WebhookSender
from kefu.services.background import cancel
from kefu.services.ports import EventBus

log = logging.getLogger(__name__)

SAMPLES_PER_KEY = 5

OWN_EVENTS = frozenset(
    {"alert.raised", "alert.cleared", "burst.detected", "knowledge_pack.published"}
)


class LiveOps:
    def __init__(
        self,
        store: OpsStore,
        bus: EventBus,
        *,
        clock: Clock = system_clock,
        tz: tzinfo = UTC,
        answers: AnswerSource | None = None,
        webhooks: WebhookSender | None = None,
        burst_config: BurstConfig | None = None,
        account_id: str = DEFAULT_ACCOUNT_ID,
        tick_s: float = 1.0,
        pin: Pinner | None = None,
        bursts: BurstDetector | None = None,
    ) -> None:
        self.store = store
        self.bus = bus
        self.clock = clock
        self.answers: AnswerSource = answers or DemoAnswers()
        self.webhooks = webhooks or WebhookSender()
        self.account_id = account_id
        self.tick_s = tick_s
        self.pin = pin
        self.projection = BoardProjection(tz)
        self.bursts = bursts or BurstDetector(burst_config)
        self.alerts = AlertEngine(DEFAULT_RULES)
        self.packs: dict[str, KnowledgePack] = {}  # active packs, newest last
        self.samples: dict[str, deque[str]] = {}
        self.watchers: set[asyncio.Queue[dict[str, Any]]] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._pending_keys: set[str] = set()

    # ---- life cycle ----------------------------------------------------------------------

    async def start(self, *, run_ticker: bool = True, knowledge: Any = None) -> None:
        """`knowledge`: the knowledge base service, when this instance runs one; packs then
        quote its current answers."""
        if knowledge is not None and hasattr(knowledge, "all"):
            self.answers = KnowledgeAnswers(knowledge, self.answers)
        self.projection.seed(await self.store.open_conversations(), await self.store.team())
        settings = await self.store.load_settings(self.account_id) or {}
        self._apply_settings(settings)
        for pack in reversed(await self.store.list_packs(self.account_id, status="active")):
            self.packs[pack.id] = pack
        await self.webhooks.start()
        if run_ticker:
            self._ticker = asyncio.create_task(self._tick_forever(), name="ops-ticker")

    async def stop(self) -> None:
        await cancel(self._ticker)
        self._ticker = None
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.webhooks.stop()

    async def settle(self) -> None:
        """Waits for the knowledge packs being drafted (tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # ---- events --------------------------------------------------------------------------

    async def on_event(self, event: DomainEvent) -> None:
        if event.name in OWN_EVENTS:
            if isinstance(event, KnowledgePackPublished):
                self._remember(pack_from_dict(_parse_dates(event.pack)))
            return
        if not self.projection.apply(event):
            return
        if event.name == "message.analysed":
            self._observe(event)
        elif event.name == "agent.presence_changed":
            agent_id = getattr(event, "agent_id", "")
            if agent_id not in self.projection.agents or getattr(event, "presence", "") == "online":
                self._spawn(self._refresh_capacity(agent_id))

    def _observe(self, event: Any) -> None:
        at = event.occurred_at.timestamp()
        text = self.projection.sample_text(event.message_id)
        for kind in ("intent", "category"):
            value = getattr(event, kind, None)
            if not value or (kind == "intent" and value in ("oos", "unknown")):
                continue
            key = f"{kind}:{value}"
            if text is not None:
                self.samples.setdefault(key, deque(maxlen=SAMPLES_PER_KEY)).append(text)
            signal = self.bursts.observe(key, at)
            if signal is not None:
                self._spawn(self._on_burst(signal, event.occurred_at))

    async def _refresh_capacity(self, agent_id: str) -> None:
        capacity = await self.store.agent_capacity(agent_id)
        if capacity is not None:
            self.projection.set_agent_capacity(agent_id, capacity)

    # ---- the ticker ----------------------------------------------------------------------

    async def _tick_forever(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("live board tick failed")
            await asyncio.sleep(self.tick_s)

    async def tick(self) -> dict[str, Any]:
        """Trends, bursts that calmed down, alerts; then the board goes to its watchers."""
        now = self.clock()
        at = now.timestamp()
        self.projection.record_trends(at)
        for signal in self.bursts.sweep(at):
            log.info("burst cleared", extra={"key": signal.key, "rate": signal.rate_per_min})
        board = self.board(now)
        changes = self.alerts.evaluate(board)
        if changes:
            await self._announce_alerts(changes, now)
            board["alerts"] = self.alerts.shown()
        for queue in list(self.watchers):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()  # a slow wall board gets the newest board
            queue.put_nowait(board)
        return board

    def board(self, now: datetime | None = None) -> dict[str, Any]:
        now = now or self.clock()
        at = now.timestamp()
        board = self.projection.snapshot(now)
        board["alerts"] = self.alerts.shown()
        board["bursts"] = {
            "active": self.bursts.active(),
            "rising": self.bursts.rising(at),
        }
        board["packs"] = [
            {"id": p.id, "title": p.title, "key": p.key, "created_at": p.created_at.isoformat()}
            for p in reversed(self.packs.values())
        ]
        return board

    def watch(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=2)
        self.watchers.add(queue)
        return queue

    def unwatch(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self.watchers.discard(queue)

    async def _announce_alerts(self, changes: list[AlertChange], now: datetime) -> None:
        events: list[DomainEvent] = []
        for change in changes:
            rule = change.rule
            kind = AlertRaised if change.raised else AlertCleared
            events.append(
                kind(
                    occurred_at=now,
                    alert_id=rule.id,
                    indicator=rule.indicator,
                    value=change.value,
                    raise_at=rule.raise_at,
                    clear_at=rule.clear_at,
                    direction=rule.direction,
                )
            )
            self.webhooks.notify(
                {
                    "event": kind.name,
                    "alert": rule.to_dict(),
                    "value": change.value,
                    "at": now.isoformat(),
                }
            )
        await self.bus.publish(events)

    # ---- bursts and knowledge packs --------------------------------------------------------

    def _spawn(self, work: Awaitable[None]) -> None:
        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("live operations task failed")

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _on_burst(self, signal: BurstSignal, occurred_at: datetime) -> None:
        now = self.clock()
        burst: dict[str, Any] = {
            "count": signal.count,
            "window_s": 300,
            "rate_per_min": round(signal.rate_per_min, 2),
            "baseline_per_min": round(signal.baseline_per_min, 2),
            "detected_at": occurred_at.isoformat(),
        }
        log.warning("burst detected", extra={"key": signal.key, **burst})
        await self.bus.publish(
            [
                BurstDetected(
                    occurred_at=now,
                    key=signal.key,
                    count=signal.count,
                    window_s=300,
                    rate_per_min=burst["rate_per_min"],
                    baseline_per_min=burst["baseline_per_min"],
                )
            ]
        )
        self.webhooks.notify({"event": "burst.detected", "key": signal.key, **burst})
        if signal.key in self._pending_keys or any(
            p.key == signal.key for p in self.packs.values()
        ):
            return  # one active pack per topic; supervisors retire it when it is over
        self._pending_keys.add(signal.key)
        try:
            await self._publish_new_pack(signal.key, burst, now)
        finally:
            self._pending_keys.discard(signal.key)

    async def _publish_new_pack(self, key: str, burst: dict[str, Any], now: datetime) -> None:
        intent = key.partition(":")[2] if key.startswith("intent:") else None
        samples = list(self.samples.get(key, ()))
        answer = await self.answers.answer_for(intent, samples) if intent else None
        pack = draft_pack(
            pack_id=new_id(),
            key=key,
            samples=samples,
            answer=answer,
            burst=burst,
            now=now,
        )
        await self.store.add_pack(self.account_id, pack)
        self._remember(pack)
        await self.bus.publish([KnowledgePackPublished(occurred_at=now, pack=pack.to_dict())])
        if self.pin is not None and intent:
            pinned = self.pin(intent)
            if pinned is not None:
                await pinned

    def _remember(self, pack: KnowledgePack) -> None:
        self.packs.pop(pack.id, None)
        if pack.status == "active":
            self.packs[pack.id] = pack

    async def list_packs(self, status: str | None = None) -> list[KnowledgePack]:
        return await self.store.list_packs(self.account_id, status=status)

    async def get_pack(self, pack_id: str) -> KnowledgePack:
        pack = await self.store.get_pack(self.account_id, pack_id)
        if pack is None:
            raise NotFound(f"no knowledge pack {pack_id}")
        return pack

    async def edit_pack(self, pack_id: str, patch: dict[str, Any], by: str) -> KnowledgePack:
        now = self.clock()
        pack = edit_pack(await self.get_pack(pack_id), patch, by, now)
        await self.store.save_pack(self.account_id, pack)
        self._remember(pack)
        await self.bus.publish([KnowledgePackPublished(occurred_at=now, pack=pack.to_dict())])
        return pack

    # ---- agent assist (PackSource) -------------------------------------------------------

    async def active_packs(
        self, *, account_id: str, language: str, intent: str | None, now: datetime
    ) -> Sequence[PackNotice]:
        if account_id != self.account_id:
            return ()
        packs = sorted(
            self.packs.values(),
            key=lambda p: (p.intent != intent, -p.created_at.timestamp()),
        )
        return [
            PackNotice(
                id=p.id,
                title=p.title,
                text=_in_language(p.script, language),
                intents=(p.intent,) if p.intent else (),
            )
            for p in packs
        ]

    # ---- settings ------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        return {
            "rules": [r.to_dict() for r in self.alerts.rules],
            "webhooks": list(self.webhooks.urls),
        }

    async def update_settings(self, config: dict[str, Any]) -> dict[str, Any]:
        rules = parse_rules(config.get("rules", [r.to_dict() for r in self.alerts.rules]))
        webhooks = parse_webhooks(config.get("webhooks", self.webhooks.urls))
        stored = {"rules": [r.to_dict() for r in rules], "webhooks": webhooks}
        await self.store.save_settings(self.account_id, stored, self.clock())
        changes = self._apply_settings(stored)
        if changes:
            await self._announce_alerts(changes, self.clock())
        return self.settings()

    def _apply_settings(self, config: dict[str, Any]) -> list[AlertChange]:
        if "webhooks" in config:
            self.webhooks.urls = parse_webhooks(config["webhooks"])
        if "rules" in config:
            return self.alerts.replace_rules(tuple(parse_rules(config["rules"])))
        return []


def _in_language(script: str, language: str) -> str:
    """Scripts are written as a Chinese line, an English line, then the answer."""
    lines = script.split("\n")
    if len(lines) >= 2:
        opening = lines[1] if language == "en" else lines[0]
        return "\n".join([opening, *lines[2:]])
    return script


def _parse_dates(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for name in ("created_at", "updated_at"):
        if isinstance(out.get(name), str):
            out[name] = datetime.fromisoformat(out[name])
    return out
