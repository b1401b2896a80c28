"""Use cases of the hand-over card: create it at hand-over, read it, let agents edit it, and
carry it along every transfer."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from kefu.assist.card import CardFacts, HandoverCard, apply_edit, build_card, rebuild, with_owner
from kefu.assist.events import HandoverCardUpdated
from kefu.assist.ports import AssistStore
from kefu.domain.agent import Agent
from kefu.domain.business import BusinessError, BusinessSystem, Order
from kefu.domain.conversation import Conversation
from kefu.domain.errors import Conflict, NotFound
from kefu.domain.events import (
    ConversationAssigned,
    ConversationHandedOver,
    ConversationTransferred,
)
from kefu.routing.sla import SlaPolicy
from kefu.services import access
from kefu.services import conversations as conv
from kefu.services.context import ServiceContext
from kefu.services.ports import EventBus

log = logging.getLogger(__name__)

#: Writers racing on one card (the bot and an event handler) retry this often.
MAX_ATTEMPTS = 5
BOT_AUTHOR = "bot"
SYSTEM_AUTHOR = "system"


class CardService:
    """`sla_due` tells when a human must have answered a conversation (None: unknown)."""

    def __init__(
        self,
        store: AssistStore,
        ctx: ServiceContext,
        bus: EventBus,
        business: BusinessSystem | None = None,
        sla_due: Callable[[Conversation], datetime | None] | None = None,
    ) -> None:
        self.store = store
        self.ctx = ctx
        self.bus = bus
        self.business = business
        self.sla_due = sla_due or (lambda _c: None)

    # --- for the bot -------------------------------------------------------------------

    async def create_on_handover(self, facts: CardFacts) -> HandoverCard:
        """The bot calls this when it hands a conversation over. Idempotent per
        conversation: a later hand-over refreshes the card and keeps what agents wrote."""
        conversation = await conv.get_conversation(self.ctx, facts.conversation_id)
        if facts.assignee_id is None and conversation.assignee_id is not None:
            # Auto-assignment may have been faster than the bot.
            facts = _with(facts, assignee_id=conversation.assignee_id)
        fresh = build_card(facts)
        for _ in range(MAX_ATTEMPTS):
            existing = await self.store.get_card(facts.conversation_id)
            if existing is None:
                if await self.store.insert_card(
                    fresh, account_id=conversation.account_id, author=BOT_AUTHOR, action="created"
                ):
                    await self._announce(conversation, fresh, "created", BOT_AUTHOR, [])
                    return fresh
                continue
            updated = rebuild(existing, fresh)
            changed = _changed(existing, updated)
            if await self.store.update_card(
                updated,
                expected_version=existing.version,
                author=BOT_AUTHOR,
                action="rebuilt",
                changes=changed,
            ):
                await self._announce(conversation, updated, "rebuilt", BOT_AUTHOR, list(changed))
                return updated
        raise Conflict("the hand-over card kept changing; try again")

    async def facts_for(
        self,
        conversation_id: str,
        *,
        reason: str | None = None,
        promises: Sequence[str] = (),
        orders: Sequence[Order] | None = None,
    ) -> CardFacts:
        """Everything kefu itself knows about a conversation, as card facts: the bot may
        call this and add what only it knows (promises, orders it already fetched)."""
        conversation = await conv.get_conversation(self.ctx, conversation_id)
        now = self.ctx.clock()
        async with self.ctx.uow(read_only=True) as uow:
            customer = await uow.customers.get(conversation.customer_id)
        turns = await self.store.bot_turns(conversation_id)
        if orders is None:
            orders = await self._orders(customer.external_id if customer else None)
        contacts = await self.store.contacts_since(
            conversation.customer_id, now - timedelta(days=7)
        )
        return CardFacts(
            conversation_id=conversation.id,
            channel=conversation.channel,
            language=conversation.language,
            reason=reason or conversation.handover_reason or "unknown",
            now=now,
            priority=conversation.priority,
            queue=conversation.queue,
            assignee_id=conversation.assignee_id,
            turns=turns,
            customer_id=conversation.customer_id,
            customer_name=customer.name if customer else None,
            customer_tags=list(customer.tags) if customer else [],
            orders=list(orders),
            promises=list(promises),
            contacts_7d=contacts,
            sla_due=self.sla_due(conversation),
        )

    async def for_bot(
        self, _bot: Any, conversation: Conversation, reason: str, memory: Any, _turn: Any
    ) -> CardFacts:
        """`kefu.bot`'s card factory: the facts kefu knows plus the bot's promises."""
        return await self.facts_for(
            conversation.id, reason=reason, promises=list(getattr(memory, "promises", []) or [])
        )

    async def _orders(self, external_id: str | None) -> list[Order]:
        if self.business is None or external_id is None:
            return []
        try:
            return await self.business.recent_orders(external_id, limit=5)
        except BusinessError as exc:
            log.info("orders unavailable for the hand-over card: %s", exc.message)
            return []

    # --- for agents ----------------------------------------------------------------------

    async def ensure(self, conversation_id: str) -> HandoverCard:
        """The card, made from what kefu knows if nobody built one yet (a conversation taken
        straight from the bot, or one handed over before the bot wrote cards)."""
        card = await self.store.get_card(conversation_id)
        if card is not None:
            return card
        return await self.create_on_handover(await self.facts_for(conversation_id))

    async def get(self, agent: Agent, conversation_id: str) -> HandoverCard:
        conv.check_can_see(agent, await conv.get_conversation(self.ctx, conversation_id))
        return await self.ensure(conversation_id)

    async def edit(
        self,
        agent: Agent,
        conversation_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
    ) -> HandoverCard:
        """An agent's edit, refused with a conflict when someone changed the card since the
        agent read it (`expected_version`)."""
        conversation = await access.access_conversation_to_edit(self.ctx, agent, conversation_id)
        card = await self.ensure(conversation_id)
        if card.version != expected_version:
            raise _stale(card)
        updated, diff = apply_edit(card, changes, self.ctx.clock())
        if not diff:
            return card
        if not await self.store.update_card(
            updated, expected_version=card.version, author=agent.id, action="edited", changes=diff
        ):
            latest = await self.store.get_card(conversation_id)
            raise _stale(latest or card)
        await self._announce(conversation, updated, "edited", agent.id, list(diff))
        return updated

    async def history(self, agent: Agent, conversation_id: str) -> list[dict[str, Any]]:
        conv.check_can_see(agent, await conv.get_conversation(self.ctx, conversation_id))
        return await self.store.card_edits(conversation_id)

    # --- the card travels with the conversation -----------------------------------------

    async def on_assigned(self, event: ConversationAssigned) -> None:
        await self._move_to(event.conversation_id, event.agent_id)

    async def on_transferred(self, event: ConversationTransferred) -> None:
        await self._move_to(event.conversation_id, event.to_agent_id)

    async def on_handed_over(self, event: ConversationHandedOver) -> None:
        # The bot normally builds the card itself; this covers hand-overs it did not make
        # (the customer's button, the API) and never overwrites the bot's card.
        if await self.store.get_card(event.conversation_id) is not None:
            return
        with contextlib.suppress(Conflict, NotFound):
            await self.create_on_handover(
                await self.facts_for(event.conversation_id, reason=event.reason)
            )

    async def _move_to(self, conversation_id: str, owner: str | None) -> None:
        for _ in range(MAX_ATTEMPTS):
            card = await self.store.get_card(conversation_id)
            if card is None or card.owner == owner:
                return
            moved = with_owner(card, owner, self.ctx.clock())
            if await self.store.update_card(
                moved,
                expected_version=card.version,
                author=SYSTEM_AUTHOR,
                action="owner_changed",
                changes={"owner": (card.owner, owner)},
            ):
                conversation = await conv.get_conversation(self.ctx, conversation_id)
                await self._announce(conversation, moved, "owner_changed", SYSTEM_AUTHOR, ["owner"])
                return
        log.warning("could not move the hand-over card of %s to %s", conversation_id, owner)

    async def _announce(
        self,
        conversation: Conversation,
        card: HandoverCard,
        action: str,
        author: str,
        changed: list[str],
    ) -> None:
        await self.bus.publish(
            [
                HandoverCardUpdated(
                    occurred_at=card.updated_at,
                    conversation_id=conversation.id,
                    status=conversation.status.value,
                    version=card.version,
                    action=action,
                    author=author,
                    changed=sorted(changed),
                )
            ]
        )


def sla_due_by(policy: SlaPolicy) -> Callable[[Conversation], datetime | None]:
    """The next service-level deadline of a waiting or served conversation: the first reply
    until an agent answered, the resolution after."""

    def due(conversation: Conversation) -> datetime | None:
        started = conversation.queued_at
        if started is None:
            return None
        if conversation.first_response_at is None:
            return policy.first_response_due(started)
        return started + timedelta(seconds=policy.resolution_s)

    return due


def _stale(card: HandoverCard) -> Conflict:
    return Conflict(
        f"the card was changed by someone else (now version {card.version}); "
        "reload it and apply your edit again"
    )


def _changed(before: HandoverCard, after: HandoverCard) -> dict[str, tuple[Any, Any]]:
    skip = {"version", "updated_at", "edited_fields"}
    return {
        name: (getattr(before, name), getattr(after, name))
        for name in HandoverCard.__dataclass_fields__
        if name not in skip and getattr(before, name) != getattr(after, name)
    }


def _with(facts: CardFacts, **changes: Any) -> CardFacts:
    return replace(facts, **changes)
