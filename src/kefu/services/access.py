"""Who may do what with a conversation: the one place that decides.

Verbs follow the zulip convention: `access_*` fetches and checks permission, `check_*` only
checks. Routes, the stream hub and every use case call these instead of re-stating rules.
A conversation an agent may not see answers "not found", never "forbidden", so nobody learns
that a conversation exists elsewhere.
"""

from __future__ import annotations

from kefu.domain.agent import Agent
from kefu.domain.conversation import Conversation
from kefu.domain.errors import NotFound, PermissionDenied
from kefu.services.context import ServiceContext


def can_see(agent: Agent, conversation: Conversation) -> bool:
    if agent.account_id != conversation.account_id:
        return False
    return (
        agent.sees_everything
        or conversation.assignee_id == agent.id
        or agent.can_see_queue(conversation.queue)
    )


def check_can_see(agent: Agent, conversation: Conversation) -> None:
    if not can_see(agent, conversation):
        raise NotFound(f"no conversation {conversation.id}")


def check_handles(agent: Agent, conversation: Conversation) -> None:
    """Acting on the conversation (resolve, transfer): its assignee, anyone while nobody has
    it, or a supervisor."""
    check_can_see(agent, conversation)
    if not agent.sees_everything and conversation.assignee_id not in (None, agent.id):
        raise PermissionDenied("this conversation is handled by another agent")


def check_is_assignee(agent: Agent, conversation: Conversation) -> None:
    """Changing what the team records about the conversation (its hand-over card, replies
    to the customer): only the agent who has it, or a supervisor."""
    check_can_see(agent, conversation)
    if not agent.sees_everything and conversation.assignee_id != agent.id:
        raise PermissionDenied("only the agent handling this conversation (or a supervisor) can")


def check_supervisor(agent: Agent) -> None:
    if not agent.sees_everything:
        raise PermissionDenied("this needs a supervisor or admin")


async def access_conversation(
    ctx: ServiceContext, agent: Agent, conversation_id: str
) -> Conversation:
    """The conversation, if `agent` may see it; otherwise `NotFound`."""
    async with ctx.uow(read_only=True) as uow:
        conversation = await uow.conversations.get(conversation_id)
    if conversation is None:
        raise NotFound(f"no conversation {conversation_id}")
    check_can_see(agent, conversation)
    return conversation


async def access_conversation_to_edit(
    ctx: ServiceContext, agent: Agent, conversation_id: str
) -> Conversation:
    conversation = await access_conversation(ctx, agent, conversation_id)
    check_is_assignee(agent, conversation)
    return conversation


async def access_customer_conversation(
    ctx: ServiceContext, token_conversation_id: str, conversation_id: str
) -> Conversation:
    """The customer's own conversation: the token must name it (`PermissionDenied` else)."""
    if token_conversation_id != conversation_id:
        raise PermissionDenied("this token belongs to another conversation")
    async with ctx.uow(read_only=True) as uow:
        conversation = await uow.conversations.get(conversation_id)
    if conversation is None:
        raise NotFound(f"no conversation {conversation_id}")
    return conversation
