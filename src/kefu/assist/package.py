"""The hand-over package: everything an agent needs to start without asking the customer to
repeat themselves — the card, the transcript, who the customer is, their orders, what the
bot understood, answered and failed, and how the customer's mood moved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kefu.assist.cards import CardService
from kefu.assist.turns import BotTurn, trajectory_of
from kefu.domain.agent import Agent
from kefu.domain.business import BusinessSystem
from kefu.privacy.policy import mask_phone, shown_name, shown_profile
from kefu.services import conversations as conv
from kefu.services.customers import customer_context


def understanding(turns: Sequence[BotTurn]) -> list[dict[str, Any]]:
    return [
        {
            "seq": t.message_seq,
            "text": t.text,
            "intent": t.intent,
            "confidence": round(t.confidence, 4),
            "is_oos": t.is_oos,
            "category": t.category,
            "entities": [dict(e) for e in t.entities],
            "emotion_index": t.emotion_index,
            "emotion_category": t.emotion_category,
        }
        for t in turns
    ]


def emotion_trajectory(turns: Sequence[BotTurn]) -> dict[str, Any]:
    trajectory = trajectory_of(turns)
    return {
        "series": list(trajectory.series),
        "categories": [t.emotion_category for t in turns],
        "smoothed": list(trajectory.smoothed),
        "trend": trajectory.trend,
        "slope": trajectory.slope,
        "peak": (
            {
                "seq": turns[trajectory.peak].message_seq,
                "index": trajectory.series[trajectory.peak],
                "category": trajectory.peak_category,
            }
            if trajectory.peak is not None
            else None
        ),
        "current": trajectory.current,
    }


def bot_record(turns: Sequence[BotTurn]) -> dict[str, list[dict[str, Any]]]:
    """What the bot answered (and with which knowledge entry) and where it failed."""
    answered, failed = [], []
    for t in turns:
        item = {
            "seq": t.message_seq,
            "question": t.text,
            "intent": t.intent,
            "outcome": t.outcome,
            "knowledge_id": t.knowledge_id,
            "reply": t.reply_text,
        }
        if t.failed:
            failed.append(item)
        elif t.replied:
            answered.append(item)
    return {"answered": answered, "failed": failed}


async def handover_package(
    cards: CardService,
    business: BusinessSystem,
    agent: Agent,
    conversation_id: str,
    *,
    to_json: Callable[[Any], Any],
) -> dict[str, Any]:
    """`to_json` turns the business system's profile and orders into JSON (the web layer's
    wire format)."""
    conversation = await conv.get_conversation(cards.ctx, conversation_id)
    conv.check_can_see(agent, conversation)
    card = await cards.ensure(conversation_id)
    turns = await cards.store.bot_turns(conversation_id)
    messages = await conv.list_messages(cards.ctx, conversation_id, include_internal=True)
    context = await customer_context(cards.ctx, business, agent, conversation_id)
    customer = context.customer
    return {
        "conversation_id": conversation_id,
        "status": conversation.status.value,
        "summary": card.summary,
        "card": card.to_json(),
        "transcript": [
            {
                "seq": m.seq,
                "sender": m.sender.value,
                "text": m.text,
                "internal": m.internal,
                "author_id": m.author_id,
                "payload": m.payload,
                "created_at": m.created_at.isoformat(),
            }
            for m in messages
        ],
        "customer": {
            "id": customer.id,
            "external_id": customer.external_id,
            "name": shown_name(customer.name, handling=context.handling),
            "phone": mask_phone(customer.phone),
            "language": customer.language,
            "tags": list(customer.tags),
            "business_profile": shown_profile(
                to_json(context.business_profile) if context.business_profile else None,
                handling=context.handling,
            ),
        },
        "recent_orders": [to_json(order) for order in context.orders],
        "business_error": context.business_error,
        "understanding": understanding(turns),
        "emotion": emotion_trajectory(turns),
        "bot": bot_record(turns),
    }
