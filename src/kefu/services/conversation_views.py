"""What agents and customers are shown of conversations: an agent's lists and queue
counts, the customers' names in them, and a customer's own status and place in the queue.
Read only.
"""

from __future__ import annotations

from dataclasses import dataclass

from kefu.domain.agent import Agent
from kefu.domain.conversation import Conversation, Status
from kefu.domain.errors import InvalidInput
from kefu.privacy.policy import shown_name
from kefu.routing.dispatch import estimated_wait_s
from kefu.services.access import can_see
from kefu.services.context import ServiceContext
from kefu.services.conversations import load_conversation


async def queue_position(ctx: ServiceContext, conversation: Conversation) -> int | None:
    if conversation.status != Status.QUEUED:
        return None
    async with ctx.uow(read_only=True) as uow:
        return await uow.conversations.queue_position(conversation)


async def list_for_agent(
    ctx: ServiceContext, agent: Agent, *, scope: str, limit: int = 100
) -> list[Conversation]:
    """`mine`: assigned to me; `queued`: waiting in queues I may see; `open`: every open
    conversation I may see (supervisors see all queues)."""
    async with ctx.uow(read_only=True) as uow:
        repo = uow.conversations
        if scope == "mine":
            return await repo.list(
                agent.account_id, statuses=[Status.ASSIGNED], assignee_id=agent.id, limit=limit
            )
        queues = None if agent.sees_everything else sorted(agent.visible_queues())
        if scope == "queued":
            return await repo.list(
                agent.account_id, statuses=[Status.QUEUED], queues=queues, limit=limit
            )
        if scope == "open":
            found = await repo.list(
                agent.account_id,
                statuses=[Status.BOT, Status.QUEUED, Status.ASSIGNED],
                queues=queues,
                limit=limit,
            )
            return [c for c in found if can_see(agent, c)]
        raise InvalidInput(f"scope must be mine, queued or open, got {scope!r}")


async def customer_names(
    ctx: ServiceContext, conversations: list[Conversation], *, viewer: Agent
) -> dict[str, str | None]:
    """The name of each conversation's customer as `viewer` is shown it (None when
    unknown), keyed by conversation id: in full where the viewer handles the conversation,
    masked elsewhere (`kefu.privacy.policy.shown_name`); phones stay out of lists."""
    async with ctx.uow(read_only=True) as uow:
        found = await uow.customers.get_many(list({c.customer_id for c in conversations}))
    by_id = {c.id: c.name for c in found}
    return {
        c.id: shown_name(by_id.get(c.customer_id), handling=c.assignee_id == viewer.id)
        for c in conversations
    }


async def queue_counts(ctx: ServiceContext, agent: Agent) -> dict[str, int]:
    async with ctx.uow(read_only=True) as uow:
        counts = await uow.conversations.count_by_queue(agent.account_id)
    visible = {q: counts.get(q, 0) for q in agent.visible_queues()}
    if agent.sees_everything:
        visible.update(counts)
    return dict(sorted(visible.items()))


@dataclass(frozen=True, slots=True)
class CustomerView:
    """What a customer is shown about their conversation: the same over HTTP and the stream."""

    conversation: Conversation
    queue: str | None
    queue_position: int | None
    estimated_wait_s: float | None
    offer: str | None

    def status_fields(self) -> dict[str, object]:
        return {
            "status": self.conversation.status.value,
            "handover_reason": self.conversation.handover_reason,
            "queue": self.queue,
            "queue_position": self.queue_position,
            "estimated_wait_s": self.estimated_wait_s,
            "offer": self.offer,
            # Grows with every change of status: a client keeps the newest of what the stream
            # and its own requests told it, whichever arrived last.
            "updated_at": self.conversation.updated_at.isoformat(),
        }


async def customer_view(
    ctx: ServiceContext, conversation_id: str, *, loaded: Conversation | None = None
) -> CustomerView:
    """What the customer is told about their conversation, read in one transaction (or in
    none, for a conversation just `loaded` that is not waiting)."""
    conversation = loaded
    if conversation is not None and conversation.status is not Status.QUEUED:
        return CustomerView(conversation, None, None, None, None)
    async with ctx.uow(read_only=True) as uow:
        if conversation is None:
            conversation = await load_conversation(uow, conversation_id)
        if conversation.status is not Status.QUEUED:
            return CustomerView(conversation, None, None, None, None)
        position = await uow.conversations.queue_position(conversation)
        wait = await estimated_wait_s(uow, conversation, position) if position else None
    return CustomerView(
        conversation=conversation,
        queue=conversation.queue,
        queue_position=position,
        estimated_wait_s=wait,
        offer=conversation.overflow_offer,
    )
