"""`BotService`: the bot's turn loop, the only part of `kefu.bot` with I/O.

It hears `message.created` for customer messages committed by this instance (a local-only
subscription, so with several instances each message is answered once) and, per
conversation in order, analyses the message, records a turn, and — while the conversation
is with the bot — hands over, runs a flow or answers from the knowledge base. After a
hand-over it only analyses: agent assist, the card and live operations still need that.
Replies use the customer message's seq as their `client_id`, so a redelivered event cannot
make the bot answer twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from kefu.adapters.db.bot_store import Draft, SqlBotStore
from kefu.bot import dialogue, handover
from kefu.bot.events import BotTurnTaken, DraftCreated, MessageAnalysed
from kefu.bot.flows import (
    FLOW_FOR_INTENT,
    FLOWS,
    FlowContext,
    FlowReply,
    Input,
    flow_for_entry,
    order_variables,
    start_state,
)
from kefu.bot.memory import BotMemory
from kefu.bot.rules import DEFAULT_RULES, BotRules, parse_rules
from kefu.bot.texts import say
from kefu.domain.business import BusinessError, BusinessSystem, Language, Order, format_yuan
from kefu.domain.conversation import Conversation, Status
from kefu.domain.events import ConversationCreated, DomainEvent, MessageCreated
from kefu.domain.ids import new_id
from kefu.nlu.engine import NluEngine
from kefu.nlu.types import Analysis
from kefu.services import conversations as conv
from kefu.services.context import ServiceContext
from kefu.services.ports import EventBus

log = logging.getLogger(__name__)
RULES_TTL_S = 5.0
#: Intents that are small talk or a request for a person, never "the same question again".
_NOT_COUNTED = frozenset({"oos", "greeting", "thanks", "human_agent"})
#: Flow steps where the customer types free text (an address, an invoice title).
_FREE_TEXT_STEPS = frozenset({"value", "details"})
_STRONG = 0.8
_TEMPLATE_ORDER = re.compile(r"\{order\.")


class Knowledge(Protocol):
    """What the bot needs of `kefu.knowledge.KnowledgeService`."""

    def match(
        self,
        text: str,
        *,
        language: str = ...,
        channel: str | None = ...,
        customer_tags: Sequence[str] = ...,
        now: Any = ...,
        top_k: int = ...,
    ) -> Sequence[Any]: ...

    def get(self, entry_id: str) -> Any: ...

    def render_answer(
        self, entry: Any, language: str, variables: Mapping[str, object] | None = ...
    ) -> str: ...


class Suggestions(Protocol):
    async def suggest(
        self, conversation_id: str, customer_id: str, language: str, now: Any
    ) -> Sequence[Any]: ...

    async def record_click(self, conversation_id: str, suggestion_id: str) -> None: ...


class Cards(Protocol):
    async def create_on_handover(self, facts: Any) -> Any: ...


CardFactory = Callable[..., Any]


@dataclass(slots=True)
class Reply:
    text: str
    outcome: str
    payload: dict[str, Any] = field(default_factory=dict)
    knowledge_id: str | None = None
    order: Order | None = None


@dataclass(frozen=True, slots=True)
class TurnInput:
    conversation: Conversation
    seq: int
    text: str
    analysis: Analysis
    language: Language
    action: str | None
    action_value: str | None
    customer_ref: str | None
    customer_tags: tuple[str, ...]
    row: dict[str, Any]  # the turn as stored in bot_turns


class BotService:
    def __init__(
        self,
        ctx: ServiceContext,
        store: SqlBotStore,
        nlu: NluEngine,
        business: BusinessSystem,
        bus: EventBus,
    ) -> None:
        self.ctx = ctx
        self.store = store
        self.nlu = nlu
        self.business = business
        self.bus = bus
        self.knowledge: Knowledge | None = None
        self.suggestions: Suggestions | None = None
        self.cards: Cards | None = None
        self.card_facts: CardFactory | None = None
        self._rules: dict[str, tuple[float, BotRules]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- wiring -----------------------------------------------------------------------------

    async def on_event(self, event: DomainEvent) -> None:
        if isinstance(event, MessageCreated) and event.sender == "customer" and not event.internal:
            self._spawn(event.conversation_id, self.take_turn(event))
        elif isinstance(event, ConversationCreated):
            self._spawn(event.conversation_id, self.greet(event.conversation_id))

    def _spawn(self, conversation_id: str, work: Awaitable[None]) -> None:
        # Off the publisher's path (the message writer), one turn at a time per conversation.
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())

        async def run() -> None:
            async with lock:
                try:
                    await work
                except Exception:
                    log.exception("bot turn failed", extra={"conversation_id": conversation_id})
            if not lock.locked() and not lock._waiters:
                self._locks.pop(conversation_id, None)

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def catch_up(self, within: timedelta = timedelta(hours=1)) -> int:
        """Answers customer messages stored while no bot was running (a crash between the
        message and the reply); returns how many it picked up."""
        rows = await self.store.unanswered(self.ctx.clock() - within)
        for row in rows:
            event = MessageCreated(
                occurred_at=row["created_at"],
                conversation_id=row["conversation_id"],
                status=Status.BOT.value,
                message_id=row["id"],
                seq=row["seq"],
                sender=row["sender"],
                text=row["text"],
                internal=row["internal"],
                author_id=row["author_id"],
                client_id=row["client_id"],
                created_at=row["created_at"],
                payload=row["payload"],
            )
            self._spawn(event.conversation_id, self.take_turn(event))
        return len(rows)

    async def drain(self) -> None:
        """Waits for turns in progress (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- rules ------------------------------------------------------------------------------

    async def rules_for(self, account_id: str) -> BotRules:
        cached = self._rules.get(account_id)
        if cached and time.monotonic() - cached[0] < RULES_TTL_S:
            return cached[1]
        stored = await self.store.get_rules(account_id)
        try:
            rules = parse_rules(stored) if stored else DEFAULT_RULES
        except Exception:
            log.exception("stored bot rules are invalid; using the defaults")
            rules = DEFAULT_RULES
        self._rules[account_id] = (time.monotonic(), rules)
        return rules

    async def put_rules(self, account_id: str, data: Mapping[str, Any], by: str) -> BotRules:
        rules = parse_rules(data)
        await self.store.put_rules(account_id, rules.to_dict(), by, self.ctx.clock())
        self._rules[account_id] = (time.monotonic(), rules)
        return rules

    # -- greeting ---------------------------------------------------------------------------

    async def greet(self, conversation_id: str) -> None:
        conversation = await conv.get_conversation(self.ctx, conversation_id)
        if conversation.status != Status.BOT:
            return
        rules = await self.rules_for(conversation.account_id)
        customer = await self._customer(conversation.customer_id)
        tags = set(customer.tags) if customer else set()
        language: Language = "en" if conversation.language == "en" else "zh"
        human = {"label": say("human", language), "value": "human"}
        if tags & set(rules.protected_tags):
            payload: dict[str, Any] = {
                "kind": "greeting",
                "offer_human": True,
                "choices": [human, {"label": say("keep_bot", language), "value": "keep_bot"}],
            }
            text = say("greeting_protected", language)
        else:
            payload = {"kind": "greeting", "choices": [human] if rules.offer_human_up_front else []}
            text = say("greeting", language)
        payload["suggestions"] = await self._suggest(conversation, language)
        await conv.post_bot_message(
            self.ctx, conversation_id, text, payload=payload, client_id="bot:greeting"
        )

    # -- one customer message ---------------------------------------------------------------

    async def take_turn(self, event: MessageCreated) -> None:
        conversation = await conv.get_conversation(self.ctx, event.conversation_id)
        customer = await self._customer(conversation.customer_id)
        # Knowledge is matched once, below, by the knowledge service (which also filters by
        # audience, channel and validity); the engine's own top-k would be thrown away.
        analysis = self.nlu.analyse(event.text, top_k=0)
        language: Language = (
            analysis.language
            if analysis.language in ("zh", "en")
            else ("en" if conversation.language == "en" else "zh")
        )
        action = (event.payload or {}).get("action") or {}
        action_type, action_value = action.get("type"), action.get("value")
        if action_type == "choice" and action_value == "human":
            action_type = "human"
        hits = self._match(event.text, language, customer.tags if customer else [])
        top = hits[0] if hits else None
        category = top.entry.category[0].id if top and top.entry.category else None
        row: dict[str, Any] = {
            "conversation_id": conversation.id,
            "message_seq": event.seq,
            "text": event.text,
            "language": language,
            "intent": analysis.intent.label,
            "confidence": analysis.intent.confidence,
            "is_oos": analysis.intent.is_oos,
            "category": category,
            "emotion_index": analysis.emotion.index,
            "emotion_category": analysis.emotion.category,
            "entities": [asdict(e) for e in analysis.entities],
            "knowledge_id": None,
            "outcome": "silent",
            "reply_text": None,
            "created_at": event.created_at,
        }
        await self.bus.publish([_analysed(event, conversation, analysis, category, language)])
        if conversation.status != Status.BOT:
            # A human has it: the bot stays silent until handed back, but remembers the turn
            # for the card and agent assist.
            await self.store.record_turn(row, None, self.ctx.clock())
            return
        turn = TurnInput(
            conversation=conversation,
            seq=event.seq,
            text=event.text,
            analysis=analysis,
            language=language,
            action=action_type,
            action_value=action_value,
            customer_ref=customer.external_id if customer else None,
            customer_tags=tuple(customer.tags) if customer else (),
            row=row,
        )
        await self._respond(turn, hits, category)

    async def _respond(self, turn: TurnInput, hits: Sequence[Any], category: str | None) -> None:
        conversation = turn.conversation
        rules = await self.rules_for(conversation.account_id)
        memory = BotMemory.from_dict(await self.store.load_state(conversation.id))
        memory.attempts += 1
        scores = dict(turn.analysis.emotion.scores)
        intent = turn.analysis.intent.label
        free_text = memory.flow is not None and memory.flow.step in _FREE_TEXT_STEPS
        if turn.action is None and not free_text and intent not in _NOT_COUNTED:
            memory.count_intent(intent)
        memory.anxious_in_row = (
            memory.anxious_in_row + 1 if handover.is_anxious(rules, scores) else 0
        )
        memory.angry_in_row = memory.angry_in_row + 1 if handover.is_angry(rules, scores) else 0
        confident = bool(hits) and hits[0].score >= rules.answer_threshold
        decision = handover.decide(
            rules,
            handover.Turn(
                text=turn.text,
                intent=intent,
                emotion_scores=scores,
                customer_tags=turn.customer_tags,
                action=turn.action,
                category=category,
                confidence=turn.analysis.intent.confidence,
                confident_answer=confident,
            ),
            memory,
        )
        if decision is not None:
            await self._hand_over(turn, decision, rules, memory)
            return
        if turn.action == "suggestion" and turn.action_value and self.suggestions is not None:
            await self.suggestions.record_click(conversation.id, turn.action_value)
        reply = await self._reply(turn, hits, rules, memory)
        if reply.outcome == "unknown":
            memory.failures_in_row += 1
            memory.failed.append(turn.text[:200])
            give_up = handover.after_failure(rules, turn.customer_tags, memory)
            if give_up is not None:
                await self._hand_over(turn, give_up, rules, memory)
                return
        if reply.outcome in ("unknown", "clarified"):
            reply.payload.setdefault("choices", []).append(
                {"label": say("human", turn.language), "value": "human"}
            )
        elif reply.outcome in ("answered", "flow_done", "flow_step"):
            memory.failures_in_row = 0
        if handover.wants_soothing(rules, scores) and reply.outcome != "flow_step":
            reply.text = f"{say('soothe', turn.language)}{_sep(turn.language)}{reply.text}"
            remedy = self._remedy(rules, memory, intent, reply.order, turn)
            if remedy:
                reply.text += _sep(turn.language) + remedy
                memory.promises.append(remedy)
        if reply.outcome in ("answered", "flow_done"):
            reply.payload["suggestions"] = await self._suggest(conversation, turn.language)
        if intent in rules.draft_intents and reply.outcome in ("answered", "flow_done"):
            await self._draft(turn, reply)
            reply = Reply(say("draft_pending", turn.language), "drafted")
        memory.offered = list(reply.payload.get("choices", []))
        await self._send(turn, reply, memory)

    async def _reply(
        self, turn: TurnInput, hits: Sequence[Any], rules: BotRules, memory: BotMemory
    ) -> Reply:
        choice = turn.action_value if turn.action in ("choice", "menu") else None
        if choice is None and turn.text.strip().isdigit() and memory.offered:
            index = int(turn.text.strip()) - 1
            if 0 <= index < len(memory.offered):
                choice = memory.offered[index]["value"]
        if choice and choice.startswith("kb:"):
            memory.flow = None
            return await self._answer_entry(turn, choice[3:], memory)
        if turn.action == "menu" and choice:
            return await self._answer_entry(turn, choice, memory)
        if choice == "keep_bot":
            return Reply(say("greeting", turn.language), "answered")
        intent = turn.analysis.intent
        if memory.flow is not None:
            switching = (
                memory.flow.step not in _FREE_TEXT_STEPS
                and choice is None
                and not intent.is_oos
                and intent.confidence >= _STRONG
                and intent.label != memory.flow.name
                and intent.label not in ("thanks",)
            )
            if not switching:
                return await self._flow_step(turn, memory, choice)
            memory.flow = None
        # A clear knowledge match decides; some entries are requests that start a flow.
        candidates = [
            dialogue.Candidate(h.entry.id, _question(h.entry, turn.language), h.score) for h in hits
        ]
        decision = dialogue.decide(rules, candidates)
        if decision.kind == "answer":
            return await self._answer_entry(turn, hits[0].entry.id, memory)
        sure = intent.confidence >= handover.SURE and not intent.is_oos
        if sure and intent.label in ("greeting", "thanks"):
            return Reply(say(intent.label, turn.language), "answered")
        strong_but_close = decision.kind == "clarify" and hits[0].score >= rules.answer_threshold
        if strong_but_close and sure and intent.label in FLOW_FOR_INTENT:
            # "Which do you mean?" is needless when the intent's own flow is among them.
            flow = FLOW_FOR_INTENT[intent.label]
            linked = {flow_for_entry(c.entry_id, ()) for c in decision.candidates}
            strong_but_close = flow not in linked
        if not strong_but_close and not intent.is_oos and intent.label in FLOW_FOR_INTENT:
            memory.flow = start_state(intent.label, turn.text)
            return await self._flow_step(turn, memory, None)
        return self._not_sure(turn, decision)

    async def _flow_step(self, turn: TurnInput, memory: BotMemory, choice: str | None) -> Reply:
        assert memory.flow is not None
        flow = FLOWS[memory.flow.name]
        order_ids = [e.value for e in turn.analysis.entities if e.label == "order_id"]
        ctx = FlowContext(
            business=self.business,
            customer_ref=turn.customer_ref,
            language=turn.language,
            now=self.ctx.clock(),
        )
        fresh = memory.flow.step == "order" and choice is None and not order_ids
        text = "" if fresh and not memory.flow.slots.get("asked") else turn.text
        result: FlowReply = await flow.step(ctx, memory.flow, Input(text, choice, order_ids))
        memory.flow.slots["asked"] = True
        if result.promise:
            memory.promises.append(result.promise)
        if result.done:
            memory.answered.append(f"flow:{memory.flow.name}")
            memory.flow = None
            outcome = "unknown" if result.failed else "flow_done"
        else:
            outcome = "flow_step"
        payload = {"kind": "flow", **result.payload}
        return Reply(result.text, outcome, payload, order=result.order)

    def _not_sure(self, turn: TurnInput, decision: dialogue.Decision) -> Reply:
        if decision.kind == "clarify":
            choices = [
                {"label": c.question, "value": f"kb:{c.entry_id}"} for c in decision.candidates
            ]
            return Reply(
                say("clarify", turn.language), "clarified", {"kind": "clarify", "choices": choices}
            )
        return Reply(say("unknown", turn.language), "unknown", {"kind": "unknown"})

    async def _answer_entry(self, turn: TurnInput, entry_id: str, memory: BotMemory) -> Reply:
        """Answers with a knowledge entry, or starts the flow the entry stands for."""
        entry = self.knowledge.get(entry_id) if self.knowledge is not None else None
        if entry is None:
            return Reply(say("unknown", turn.language), "unknown", {"kind": "unknown"})
        flow = flow_for_entry(entry.id, getattr(entry, "tags", ()))
        if flow is not None:
            memory.flow = start_state(flow, turn.text)
            return await self._flow_step(turn, memory, None)
        assert self.knowledge is not None
        variables: dict[str, object] = {}
        order: Order | None = None
        template = entry.answer.in_language(turn.language)
        if _TEMPLATE_ORDER.search(template) and turn.customer_ref:
            order = await self._latest_order(turn.customer_ref)
            if order is not None:
                variables = order_variables(order, turn.language, self.ctx.clock())
        text = self.knowledge.render_answer(entry, turn.language, variables)
        memory.answered.append(entry.id)
        payload = {"kind": "answer", "knowledge_id": entry.id}
        return Reply(text, "answered", payload, knowledge_id=entry.id, order=order)

    async def _latest_order(self, customer_ref: str) -> Order | None:
        try:
            orders = await self.business.recent_orders(customer_ref, limit=1)
        except BusinessError:
            return None
        return orders[0] if orders else None

    def _remedy(
        self, rules: BotRules, memory: BotMemory, intent: str, order: Order | None, turn: TurnInput
    ) -> str | None:
        remedy = rules.remedies.get(intent)
        if remedy is None or memory.remedy_offered:
            return None
        if intent == "delivery_late" and (order is None or not order.is_late(self.ctx.clock())):
            return None  # only for an order that really is late
        memory.remedy_offered = True
        key = "remedy_coupon" if remedy.kind == "coupon" else "remedy_refund"
        amount = remedy.amount_cents if remedy.kind == "coupon" else remedy.max_amount_cents
        return say(key, turn.language, amount=format_yuan(amount))

    # -- hand-over, drafts, sending -----------------------------------------------------------

    async def _hand_over(
        self, turn: TurnInput, decision: handover.Handover, rules: BotRules, memory: BotMemory
    ) -> None:
        conversation = turn.conversation
        memory.flow = None
        key = "handover_soothe" if decision.soothe else "handover"
        payload = {"kind": "handover", "reason": decision.reason}
        reply = Reply(say(key, turn.language), "handover", payload)
        await self._send(turn, reply, memory)
        emotion = turn.analysis.emotion.category
        simple = turn.analysis.intent.label in FLOW_FOR_INTENT and decision.reason in (
            handover.EXPLICIT_REQUEST,
            handover.CUSTOMER_CHOICE,
        )
        handed = await conv.hand_over(
            self.ctx,
            conversation.id,
            reason=decision.reason,
            queue=rules.queue,
            priority=decision.priority,
            simple_intent=simple,
            emotion=emotion if emotion in ("anger", "anxiety", "sadness") else None,
        )
        if self.cards is not None and self.card_facts is not None:
            try:
                facts = await self.card_facts(self, handed, decision.reason, memory, turn)
                await self.cards.create_on_handover(facts)
            except Exception:
                log.exception("hand-over card failed", extra={"conversation_id": conversation.id})

    async def _draft(self, turn: TurnInput, reply: Reply) -> None:
        draft = Draft(
            id=new_id(),
            conversation_id=turn.conversation.id,
            message_seq=turn.seq,
            intent=turn.analysis.intent.label,
            text=reply.text,
            payload=reply.payload or None,
            status="pending",
            created_at=self.ctx.clock(),
        )
        await self.store.add_draft(draft)
        event = DraftCreated(
            occurred_at=draft.created_at,
            conversation_id=draft.conversation_id,
            status=turn.conversation.status.value,
            draft_id=draft.id,
            intent=draft.intent,
            text=draft.text,
        )
        await self.bus.publish([event])

    async def _send(self, turn: TurnInput, reply: Reply, memory: BotMemory) -> None:
        """Posts the reply, then stores the turn and the bot's memory in one transaction."""
        await conv.post_bot_message(
            self.ctx,
            turn.conversation.id,
            reply.text,
            payload=reply.payload or None,
            client_id=f"bot:{turn.seq}",
        )
        row = turn.row | {
            "outcome": reply.outcome,
            "reply_text": reply.text,
            "knowledge_id": reply.knowledge_id,
        }
        await self.store.record_turn(row, memory.to_dict(), self.ctx.clock())
        event = BotTurnTaken(
            occurred_at=self.ctx.clock(),
            conversation_id=turn.conversation.id,
            status=turn.conversation.status.value,
            intent=turn.analysis.intent.label,
            outcome=reply.outcome,
            knowledge_id=reply.knowledge_id,
            language=turn.language,
        )
        await self.bus.publish([event])

    # -- helpers ----------------------------------------------------------------------------

    def _match(self, text: str, language: str, tags: Sequence[str]) -> Sequence[Any]:
        if self.knowledge is None:
            return []
        return self.knowledge.match(
            text, language=language, customer_tags=list(tags), now=self.ctx.clock(), top_k=3
        )

    async def _suggest(self, conversation: Conversation, language: str) -> list[dict[str, Any]]:
        if self.suggestions is None:
            return []
        try:
            found = await self.suggestions.suggest(
                conversation.id, conversation.customer_id, language, self.ctx.clock()
            )
        except Exception:
            log.exception("suggestions failed")
            return []
        return [
            {"id": s.id, "text": s.text, "knowledge_id": getattr(s, "knowledge_id", None)}
            for s in found
        ]

    async def _customer(self, customer_id: str) -> Any:
        async with self.ctx.uow(read_only=True) as uow:
            return await uow.customers.get(customer_id)

    async def contacts_since(self, customer_id: str, days: int = 7) -> int:
        since = self.ctx.clock() - timedelta(days=days)
        return await self.store.count_conversations(customer_id, since)


def _sep(language: Language) -> str:
    return "" if language == "zh" else " "


def _question(entry: Any, language: str) -> str:
    question = entry.question
    return str(question.in_language(language) if hasattr(question, "in_language") else question)


def _analysed(
    event: MessageCreated,
    conversation: Conversation,
    analysis: Analysis,
    category: str | None,
    language: str,
) -> MessageAnalysed:
    return MessageAnalysed(
        occurred_at=event.created_at,
        conversation_id=conversation.id,
        status=conversation.status.value,
        message_id=event.message_id,
        seq=event.seq,
        language=language,
        intent=analysis.intent.label,
        confidence=analysis.intent.confidence,
        is_oos=analysis.intent.is_oos,
        category=category,
        emotion_index=analysis.emotion.index,
        emotion_category=analysis.emotion.category,
        entities=[asdict(e) for e in analysis.entities],
    )
