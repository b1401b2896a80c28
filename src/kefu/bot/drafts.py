"""Drafts: replies the bot wrote for intents a person approves first (the third tier).

Scoped to the account, listed only for conversations the agent may see, and decided only by
agents who may act on the conversation (`check_may_decide`: its assignee, anyone who sees it
while nobody has it, or a supervisor/admin of the account). One function each, so that a
central `access_conversation` can replace them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kefu.bot.events import DraftCreated
from kefu.bot.model import Draft
from kefu.bot.ports import Conversations, DraftStore
from kefu.domain.agent import Agent
from kefu.domain.clock import Clock
from kefu.domain.conversation import Conversation
from kefu.domain.errors import Conflict, NotFound, PermissionDenied
from kefu.domain.ids import new_id
from kefu.services.conversations import can_see, check_can_see
from kefu.services.ports import EventBus


def may_see(agent: Agent, conversation: Conversation) -> bool:
    return can_see(agent, conversation)


def check_may_decide(agent: Agent, conversation: Conversation) -> None:
    """404 for an agent who may not see the conversation, 403 for one who sees it but
    another agent handles it."""
    check_can_see(agent, conversation)
    if not agent.sees_everything and conversation.assignee_id not in (None, agent.id):
        raise PermissionDenied("this conversation is handled by another agent")


@dataclass(frozen=True, slots=True)
class Decided:
    draft: Draft
    status: str
    text: str


class DraftActions:
    def __init__(
        self, store: DraftStore, conversations: Conversations, bus: EventBus, clock: Clock
    ) -> None:
        self.store = store
        self.conversations = conversations
        self.bus = bus
        self.clock = clock

    async def create(
        self,
        conversation: Conversation,
        seq: int,
        intent: str,
        text: str,
        payload: dict[str, Any] | None,
    ) -> Draft:
        draft = Draft(
            id=new_id(),
            account_id=conversation.account_id,
            conversation_id=conversation.id,
            message_seq=seq,
            intent=intent,
            text=text,
            payload=payload or None,
            status="pending",
            created_at=self.clock(),
        )
        await self.store.add_draft(draft)
        event = DraftCreated(
            occurred_at=draft.created_at,
            conversation_id=draft.conversation_id,
            status=conversation.status.value,
            draft_id=draft.id,
            intent=draft.intent,
            text=draft.text,
        )
        await self.bus.publish([event])
        return draft

    async def list_for(self, agent: Agent) -> list[Draft]:
        drafts = await self.store.list_drafts(agent.account_id)
        visible = []
        seen: dict[str, bool] = {}
        for draft in drafts:
            if draft.conversation_id not in seen:
                try:
                    conversation = await self.conversations.get(draft.conversation_id)
                except NotFound:
                    seen[draft.conversation_id] = False
                else:
                    seen[draft.conversation_id] = may_see(agent, conversation)
            if seen[draft.conversation_id]:
                visible.append(draft)
        return visible

    async def approve(self, agent: Agent, draft_id: str, edited: str | None) -> Decided:
        """Sends the draft to the customer, as written or as edited."""
        draft = await self._access(agent, draft_id)
        status = "edited" if edited else "approved"
        final = edited or draft.text
        if not await self.store.decide_draft(draft_id, status, agent.id, final, self.clock()):
            raise Conflict("this draft was already decided by someone else")
        await self.conversations.post_bot_message(
            draft.conversation_id, final, payload=draft.payload, client_id=f"draft:{draft.id}"
        )
        return Decided(draft, status, final)

    async def reject(self, agent: Agent, draft_id: str) -> Decided:
        """Drops the draft and hands the conversation to a person."""
        draft = await self._access(agent, draft_id)
        if not await self.store.decide_draft(draft_id, "rejected", agent.id, None, self.clock()):
            raise Conflict("this draft was already decided by someone else")
        await self.conversations.hand_over(draft.conversation_id, reason="draft_rejected")
        return Decided(draft, "rejected", draft.text)

    async def _access(self, agent: Agent, draft_id: str) -> Draft:
        draft = await self.store.get_draft(draft_id)
        if draft is None or draft.account_id != agent.account_id:
            raise NotFound(f"no draft {draft_id}")
        try:
            conversation = await self.conversations.get(draft.conversation_id)
        except NotFound as exc:
            raise NotFound(f"no draft {draft_id}") from exc
        try:
            check_may_decide(agent, conversation)
        except NotFound as exc:
            raise NotFound(f"no draft {draft_id}") from exc
        return draft
