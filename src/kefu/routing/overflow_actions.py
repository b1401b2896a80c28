"""Overflow at hand-over: when a queue is closed, too long or too slow, offer another way.

The decision is `kefu.routing.overflow` (pure); this module measures the queue as the
newcomer finds it and applies the decision to the conversation.
"""

from __future__ import annotations

from datetime import datetime

from kefu.domain.conversation import Conversation
from kefu.routing import (
    OverflowAction,
    OverflowDecision,
    QueueConfig,
    QueueStats,
    WaitingItem,
    decide_for_queue,
    decide_outside_hours,
)
from kefu.routing.dispatch import team, wait_s
from kefu.services.context import ServiceContext

BUSY_REPLY = {
    "zh": "现在咨询的人比较多，人工客服需要等待较长时间。"
    "您的问题我可以先帮您处理，请再描述一下您遇到的情况。",
    "en": "Our agents are very busy right now and the wait is long. I can help with this "
    "question myself — please tell me a little more.",
}


async def queue_stats(
    ctx: ServiceContext, config: QueueConfig, account_id: str, language: str
) -> QueueStats:
    """How many wait in the queue now, and how long the next one would wait."""
    async with ctx.uow(read_only=True) as uow:
        waiting = (await uow.conversations.count_by_queue(account_id)).get(config.name, 0)
        agents = await team(uow, account_id)
    wait = wait_s(waiting + 1, config, agents, language)
    return QueueStats(config.name, waiting, wait)


def decide(
    config: QueueConfig,
    stats: QueueStats,
    conversation: Conversation,
    tags: list[str],
    *,
    simple_intent: bool,
    now: datetime,
) -> OverflowDecision:
    closed = decide_outside_hours(config, now)
    if closed is not None:
        return closed
    item = WaitingItem(
        conversation_id=conversation.id,
        queue=config.name,
        queued_at=now,
        channel=conversation.channel,
        language=conversation.language,
        tags=frozenset(tags),
        simple_intent=simple_intent,
    )
    return decide_for_queue(stats, item, config)


def apply(conversation: Conversation, decision: OverflowDecision, now: datetime) -> None:
    conversation.overflow(
        action=decision.action.value,
        reason=decision.reason,
        to_queue=decision.target_queue if decision.action is OverflowAction.SPILL_OVER else None,
        opens_at=decision.opens_at,
        now=now,
    )
