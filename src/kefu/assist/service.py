"""Use cases of agent assist: suggestions for a customer message, recording which one was
used, learning from the team's replies, and the team's canned responses."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from kefu.assist.canned import CannedResponse, check_shortcut, check_texts
from kefu.assist.card import related_order
from kefu.assist.cards import CardService
from kefu.assist.events import AssistUsed
from kefu.assist.knowledge import KnowledgeSource, find_cards, order_variables
from kefu.assist.packs import NoPacks, PackSource
from kefu.assist.ports import AssistStore
from kefu.assist.replies import MAX_PAIRS, ReplyIndex
from kefu.assist.scripts import DEFAULT_REMEDIES, RemedyRule
from kefu.assist.suggest import SUGGESTION_KINDS, MessageReading, compose_assist
from kefu.assist.turns import BotTurn
from kefu.domain.agent import Agent
from kefu.domain.business import BusinessError, BusinessSystem, Order
from kefu.domain.conversation import Conversation
from kefu.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.domain.events import MessageCreated
from kefu.domain.ids import new_id
from kefu.nlu.engine import NluEngine
from kefu.services import conversations as conv
from kefu.services.context import ServiceContext
from kefu.services.ports import EventBus

log = logging.getLogger(__name__)

MAX_SUGGESTION_ID = 128


@functools.cache
def shared_engine() -> NluEngine:
    """The built-in language engine, loaded once per process on first use."""
    return NluEngine.load_default()


class AssistService:
    """`knowledge` and `nlu` are looked up on every call, so a knowledge base or engine the
    container gains after start-up is used at once. `packs` may be replaced by live ops."""

    def __init__(
        self,
        store: AssistStore,
        ctx: ServiceContext,
        bus: EventBus,
        cards: CardService,
        *,
        knowledge: Callable[[], KnowledgeSource | None] = lambda: None,
        nlu: Callable[[], NluEngine | None] = lambda: None,
        business: BusinessSystem | None = None,
        packs: PackSource | None = None,
        remedies: Sequence[RemedyRule] = DEFAULT_REMEDIES,
        max_pairs: int = MAX_PAIRS,
    ) -> None:
        self.store = store
        self.ctx = ctx
        self.bus = bus
        self.cards = cards
        self.knowledge = knowledge
        self.nlu = nlu
        self.business = business
        self.packs: PackSource = packs or NoPacks()
        self.remedies = tuple(remedies)
        self._max_pairs = max_pairs
        self._indexes: dict[str, ReplyIndex] = {}
        self._loading: dict[str, asyncio.Lock] = {}

    # --- suggestions -----------------------------------------------------------------

    async def suggest(self, agent: Agent, conversation_id: str, seq: int | None) -> dict[str, Any]:
        conversation = await conv.get_conversation(self.ctx, conversation_id)
        conv.check_can_see(agent, conversation)
        found = await self.store.customer_message(conversation_id, seq)
        if found is None:
            where = f"at seq {seq}" if seq is not None else "yet"
            raise NotFound(f"no customer message {where} in conversation {conversation_id}")
        message_seq, text = found
        turns = await self.store.bot_turns(conversation_id)
        reading = await self._read(message_seq, text, turns)
        language = "en" if conversation.language == "en" else "zh"
        async with self.ctx.uow(read_only=True) as uow:
            customer = await uow.customers.get(conversation.customer_id)
        tags = list(customer.tags) if customer else []
        card = await self.store.get_card(conversation_id)
        order = await self._order(
            reading,
            card.related_order if card else None,
            customer.external_id if customer else None,
        )
        cards = await find_cards(
            self.knowledge(),
            text,
            language=language,
            channel=conversation.channel,
            customer_tags=tags,
            now=self.ctx.clock(),
            variables=order_variables(order, language, self.ctx.clock()),
        )
        index = await self._index(conversation.account_id)
        packs = await self.packs.active_packs(
            account_id=conversation.account_id,
            language=language,
            intent=reading.intent,
            now=self.ctx.clock(),
        )
        result = compose_assist(
            reading,
            language=language,
            cards=cards,
            past_replies=index.search(text),
            packs=packs,
            remedies=self.remedies,
            refundable_cents=order.refundable_cents if order else None,
        )
        return {"conversation_id": conversation_id, "language": language, **result}

    async def _read(self, seq: int, text: str, turns: Sequence[BotTurn]) -> MessageReading:
        """The bot's reading of the message when it made one; else the language engine's."""
        turn = next((t for t in turns if t.message_seq == seq), None)
        if turn is not None:
            return MessageReading(
                seq=seq,
                text=text,
                language=turn.language,
                intent=None if turn.is_oos else turn.intent,
                confidence=turn.confidence,
                emotion_index=turn.emotion_index,
                emotion_category=turn.emotion_category,
                entities=tuple(dict(e) for e in turn.entities),
            )
        engine = self.nlu()
        if engine is None:
            engine = await asyncio.to_thread(shared_engine)
        analysis = engine.analyse(text)
        return MessageReading(
            seq=seq,
            text=text,
            language=analysis.language,
            intent=None if analysis.intent.is_oos else analysis.intent.label,
            confidence=analysis.intent.confidence,
            emotion_index=analysis.emotion.index,
            emotion_category=analysis.emotion.category,
            entities=tuple(
                {"label": e.label, "text": e.text, "value": e.value} for e in analysis.entities
            ),
        )

    async def _order(
        self, reading: MessageReading, card_order: str | None, external_id: str | None
    ) -> Order | None:
        """The order the message is about: the one it names, else the card's, else the
        customer's latest order still under way (as the card picks it)."""
        if self.business is None:
            return None
        named = [str(e["value"]) for e in reading.entities if e.get("label") == "order_id"]
        order_id = named[-1] if named else card_order
        try:
            if order_id is not None:
                return await self.business.get_order(order_id)
            if external_id is None:
                return None
            orders = await self.business.recent_orders(external_id, limit=5)
        except BusinessError:
            return None
        picked = related_order((), orders, reading.intent or "order_status")
        return next((o for o in orders if o.order_id == picked), None)

    # --- learning from the team's replies ------------------------------------------------

    async def _index(self, account_id: str) -> ReplyIndex:
        index = self._indexes.get(account_id)
        if index is not None:
            return index
        lock = self._loading.setdefault(account_id, asyncio.Lock())
        async with lock:
            index = self._indexes.get(account_id)
            if index is None:
                index = ReplyIndex(max_pairs=self._max_pairs)
                for pair in await self.store.recent_reply_pairs(account_id, self._max_pairs):
                    index.add(pair)
                self._indexes[account_id] = index
        return index

    async def on_team_reply(self, event: MessageCreated) -> None:
        """An agent's reply to the customer joins the index of past replies (for every
        instance, since each one receives the event)."""
        conversation = await conv.get_conversation(self.ctx, event.conversation_id)
        index = self._indexes.get(conversation.account_id)
        if index is None:
            return  # built from the database, this reply included, on first use
        pair = await self.store.reply_pair(event.conversation_id, event.seq, event.text)
        if pair is not None:
            index.add(pair)

    # --- usage -------------------------------------------------------------------------

    async def record_used(
        self,
        agent: Agent,
        conversation_id: str,
        *,
        suggestion_id: str,
        kind: str,
        edited: bool,
        message_seq: int | None = None,
    ) -> dict[str, Any]:
        conversation = await conv.get_conversation(self.ctx, conversation_id)
        conv.check_can_see(agent, conversation)
        suggestion_id = suggestion_id.strip()
        if not 0 < len(suggestion_id) <= MAX_SUGGESTION_ID:
            raise InvalidInput(f"suggestion_id must be 1 to {MAX_SUGGESTION_ID} characters")
        if kind not in SUGGESTION_KINDS:
            raise InvalidInput(f"kind must be one of {', '.join(SUGGESTION_KINDS)}")
        if message_seq is not None and not 0 < message_seq <= conversation.last_seq:
            raise InvalidInput(f"no message {message_seq} in this conversation")
        now = self.ctx.clock()
        usage = {
            "id": new_id(),
            "account_id": conversation.account_id,
            "conversation_id": conversation_id,
            "agent_id": agent.id,
            "suggestion_id": suggestion_id,
            "kind": kind,
            "edited": edited,
            "message_seq": message_seq,
            "created_at": now,
        }
        await self.store.add_usage(usage)
        await self.bus.publish([_used_event(conversation, usage)])
        return {**usage, "created_at": now.isoformat()}

    async def usage(self, agent: Agent, conversation_id: str) -> list[dict[str, Any]]:
        conv.check_can_see(agent, await conv.get_conversation(self.ctx, conversation_id))
        rows = await self.store.usage(conversation_id)
        return [{**r, "created_at": r["created_at"].isoformat()} for r in rows]

    # --- canned responses --------------------------------------------------------------

    async def list_canned(self, agent: Agent) -> list[CannedResponse]:
        return await self.store.list_canned(agent.account_id)

    async def add_canned(
        self, agent: Agent, *, shortcut: str, text_zh: str, text_en: str
    ) -> CannedResponse:
        zh, en = check_texts(text_zh, text_en)
        now = self.ctx.clock()
        canned = CannedResponse(
            id=new_id(),
            account_id=agent.account_id,
            shortcut=check_shortcut(shortcut),
            text_zh=zh,
            text_en=en,
            created_by=agent.id,
            created_at=now,
            updated_at=now,
        )
        if not await self.store.add_canned(canned):
            raise Conflict(f"the shortcut {canned.shortcut!r} is already taken")
        return canned

    async def update_canned(
        self, agent: Agent, canned_id: str, *, shortcut: str, text_zh: str, text_en: str
    ) -> CannedResponse:
        current = await self._own_canned(agent, canned_id)
        zh, en = check_texts(text_zh, text_en)
        updated = CannedResponse(
            id=current.id,
            account_id=current.account_id,
            shortcut=check_shortcut(shortcut),
            text_zh=zh,
            text_en=en,
            created_by=current.created_by,
            created_at=current.created_at,
            updated_at=self.ctx.clock(),
        )
        outcome = await self.store.update_canned(updated)
        if outcome is None:
            raise NotFound(f"no canned response {canned_id}")
        if not outcome:
            raise Conflict(f"the shortcut {updated.shortcut!r} is already taken")
        return updated

    async def delete_canned(self, agent: Agent, canned_id: str) -> None:
        await self._own_canned(agent, canned_id)
        if not await self.store.delete_canned(agent.account_id, canned_id):
            raise NotFound(f"no canned response {canned_id}")

    async def _own_canned(self, agent: Agent, canned_id: str) -> CannedResponse:
        """Anyone on the team uses canned responses; their author or a supervisor changes them."""
        current = await self.store.get_canned(agent.account_id, canned_id)
        if current is None:
            raise NotFound(f"no canned response {canned_id}")
        if current.created_by != agent.id and not agent.sees_everything:
            raise PermissionDenied("only its author or a supervisor may change a canned response")
        return current


def _used_event(conversation: Conversation, usage: dict[str, Any]) -> AssistUsed:
    return AssistUsed(
        occurred_at=usage["created_at"],
        conversation_id=conversation.id,
        status=conversation.status.value,
        usage_id=usage["id"],
        agent_id=usage["agent_id"],
        suggestion_id=usage["suggestion_id"],
        kind=usage["kind"],
        edited=usage["edited"],
        message_seq=usage["message_seq"],
    )
