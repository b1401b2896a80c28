"""Sending what the bot decided: the reply with its turn record, a hand-over with its card,
a knowledge gap. Every bot message's payload carries `decision`, `knowledge_id`, `flow` and
`confidence`: the contract benchmarks replay against."""

from __future__ import annotations

import logging
from typing import Any

from kefu.bot.events import BotTurnTaken, KnowledgeGap
from kefu.bot.flows import FLOW_FOR_INTENT
from kefu.bot.handover import CUSTOMER_CHOICE, EXPLICIT_REQUEST, Handover
from kefu.bot.memory import BotMemory
from kefu.bot.model import TurnPlan, TurnWrite
from kefu.bot.ports import BotStore, Conversations, HandoverCards, Suggestions, TurnPoster
from kefu.bot.records import Reply, TurnContext, mask
from kefu.bot.texts import reason_text, say
from kefu.bot.trials import Exposure
from kefu.domain.clock import Clock
from kefu.domain.events import DomainEvent, TrialExposed
from kefu.knowledge.ports import Shown
from kefu.services.ports import EventBus

log = logging.getLogger(__name__)


class Sender:
    def __init__(
        self,
        store: BotStore,
        conversations: Conversations,
        bus: EventBus,
        clock: Clock,
        cards: HandoverCards | None,
        joined: TurnPoster | None = None,
        suggestions: Suggestions | None = None,
    ) -> None:
        self.store = store
        self.conversations = conversations
        self.bus = bus
        self.clock = clock
        self.cards = cards
        #: Writes a turn in one transaction; without it (fakes) the reply, the turn record
        #: and the events are stored one after the other.
        self.joined = joined
        self.suggestions = suggestions

    async def greet(
        self, conversation_id: str, text: str, payload: dict[str, Any], shown: Shown | None
    ) -> int:
        """Posts the greeting with the impression of the suggestions under it."""
        if self.joined is not None:
            write = TurnWrite(None, None, self.clock(), shown=shown)
            return await self.joined.post_bot_turn(
                conversation_id, text, payload=payload, client_id="bot:greeting", turn=write
            )
        seq = await self.conversations.post_bot_message(
            conversation_id, text, payload=payload, client_id="bot:greeting"
        )
        await self._log(shown)
        return seq

    async def _log(self, shown: Shown | None) -> None:
        if shown is not None and self.suggestions is not None:
            await self.suggestions.log(shown)

    async def hand_over(
        self, ctx: TurnContext, plan: TurnPlan, decision: Handover, memory: BotMemory
    ) -> None:
        conversation = ctx.conversation
        language = ctx.turn.language
        memory.flow = None
        key = "handover_soothe" if decision.soothe else "handover"
        payload = {
            "kind": "handover",
            "reason": decision.reason,
            "reason_text": reason_text(decision.reason, language),
        }
        handover_plan = TurnPlan("handover", memory, confidence=plan.confidence)
        await self.send(ctx, handover_plan, Reply(say(key, language), "handover", payload), memory)
        intent = ctx.turn.analysis.intent.label
        emotion = ctx.turn.analysis.emotion.category
        simple = intent in FLOW_FOR_INTENT and decision.reason in (
            EXPLICIT_REQUEST,
            CUSTOMER_CHOICE,
        )
        handed = await self.conversations.hand_over(
            conversation.id,
            reason=decision.reason,
            queue=ctx.rules.queue,
            priority=decision.priority,
            simple_intent=simple,
            emotion=emotion if emotion in ("anger", "anxiety", "sadness") else None,
        )
        if self.cards is not None:
            try:
                facts = await self.cards.facts_for(
                    handed.id, reason=decision.reason, promises=list(memory.promises)
                )
                await self.cards.create_on_handover(facts)
            except Exception:
                log.exception("hand-over card failed", extra={"conversation_id": conversation.id})

    async def gap(self, ctx: TurnContext, plan: TurnPlan, decision: str) -> None:
        top = ctx.turn.hits[0] if ctx.turn.hits else None
        event = KnowledgeGap(
            occurred_at=self.clock(),
            conversation_id=ctx.conversation.id,
            status=ctx.conversation.status.value,
            text=mask(ctx.turn.text)[:500],
            language=ctx.turn.language,
            decision=decision,
            intent=ctx.turn.analysis.intent.label,
            best_entry_id=top.entry_id if top else None,
            best_score=round(top.score, 4) if top else 0.0,
        )
        await self._with_reply(ctx, event)

    async def exposed(self, ctx: TurnContext, exposure: Exposure) -> None:
        """Records that this customer met a knowledge entry on trial (in either arm)."""
        event = TrialExposed(
            occurred_at=self.clock(),
            conversation_id=ctx.conversation.id,
            status=ctx.conversation.status.value,
            customer_id=ctx.conversation.customer_id,
            experiment_id=exposure.experiment_id,
            entry_id=exposure.entry_id,
            variant=exposure.variant,
        )
        await self._with_reply(ctx, event)

    async def _with_reply(self, ctx: TurnContext, event: DomainEvent) -> None:
        """Commits `event` with the turn's reply; published at once without a unit of work
        that joins the bot's records (fakes)."""
        if self.joined is not None:
            ctx.pending.append(event)
        else:
            await self.bus.publish([event])

    async def send(self, ctx: TurnContext, plan: TurnPlan, reply: Reply, memory: BotMemory) -> int:
        """Posts the reply with the turn record, the bot's memory and the turn's events:
        one transaction when the unit of work can join the bot's records."""
        decision = "drafted" if reply.outcome == "drafted" else plan.decision
        if reply.outcome == "unknown" and decision == "flow":
            decision = "unknown"  # the flow could not finish (a refusal, the system down)
        flow = plan.flow if decision == "flow" else None
        reply.payload |= {
            "decision": decision,
            "knowledge_id": reply.knowledge_id,
            "flow": FLOW_FOR_INTENT.get(flow, flow) if flow else None,
            "confidence": round(plan.confidence, 4),
        }
        row = ctx.row | {
            "outcome": reply.outcome,
            "reply_text": reply.text,
            "knowledge_id": reply.knowledge_id,
        }
        event = BotTurnTaken(
            occurred_at=self.clock(),
            conversation_id=ctx.conversation.id,
            status=ctx.conversation.status.value,
            intent=ctx.turn.analysis.intent.label,
            outcome=reply.outcome,
            knowledge_id=reply.knowledge_id,
            language=ctx.turn.language,
        )
        client_id = f"bot:{ctx.event.seq}"
        if self.joined is not None:
            pending, ctx.pending[:] = tuple(ctx.pending), []
            write = TurnWrite(
                row, memory.to_dict(), self.clock(), pending, (event,), shown=reply.shown
            )
            return await self.joined.post_bot_turn(
                ctx.conversation.id,
                reply.text,
                payload=reply.payload,
                client_id=client_id,
                turn=write,
            )
        seq = await self.conversations.post_bot_message(
            ctx.conversation.id, reply.text, payload=reply.payload, client_id=client_id
        )
        await self.store.record_turn(row, memory.to_dict(), self.clock())
        await self.bus.publish([event])
        await self._log(reply.shown)
        return seq
