"""Knowledge cards for the agent: the knowledge base's best entries for a customer message,
answered in the conversation's language, with policy entries picked out.

`KnowledgeSource` is the port; `kefu.knowledge`'s service fits it (`match`, `render_answer`),
and tests pass a small fake. Entries are read through the attributes of
`kefu.knowledge.model.KnowledgeEntry` (id, question, answer, category, tags, intent).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kefu.domain.business import Order, format_yuan

POLICY_TAG = "policy"
#: Category ids or labels that mark a policy entry (rules, terms) rather than an answer.
POLICY_CATEGORY_WORDS = ("policy", "policies", "rules", "规则", "政策")


class KnowledgeSource(Protocol):
    """`match` and `render_answer` may be plain or `async` methods."""

    def match(
        self,
        text: str,
        *,
        language: str,
        channel: str | None,
        customer_tags: Sequence[str],
        now: datetime,
        top_k: int,
    ) -> Any: ...

    def render_answer(self, entry: Any, language: str, variables: Mapping[str, object]) -> Any: ...


@dataclass(frozen=True, slots=True)
class KnowledgeCard:
    entry_id: str
    question: str
    answer: str
    score: float
    category: tuple[str, ...]
    tags: tuple[str, ...]
    intent: str | None

    @property
    def is_policy(self) -> bool:
        if POLICY_TAG in self.tags:
            return True
        return any(word in part.lower() for part in self.category for word in POLICY_CATEGORY_WORDS)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": f"kb:{self.entry_id}",
            "entry_id": self.entry_id,
            "question": self.question,
            "answer": self.answer,
            "text": self.answer,
            "score": round(self.score, 4),
            "category": list(self.category),
            "tags": list(self.tags),
            "intent": self.intent,
        }


def order_variables(order: Order | None, language: str, now: datetime) -> dict[str, object]:
    """Template variables (`{order.eta}` …) from the order the card is about."""
    if order is None:
        return {}
    return {
        "order.id": order.order_id,
        "order.eta": order.eta,
        "order.status": order.status.value,
        "order.restaurant": order.restaurant.name.in_language("en" if language == "en" else "zh"),
        "order.total": format_yuan(order.total_cents),
        "order.rider": order.rider.name if order.rider else None,
        "order.rider_phone": order.rider.phone if order.rider else None,
        "order.minutes_late": order.minutes_late(now) if order.is_late(now) else None,
    }


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _text_in(value: Any, language: str) -> str:
    if hasattr(value, "in_language"):
        return str(value.in_language(language))
    return str(value or "")


def _category(entry: Any, language: str) -> tuple[str, ...]:
    parts = []
    for node in getattr(entry, "category", ()) or ():
        label = node.label(language) if hasattr(node, "label") else str(node)
        parts.append(f"{getattr(node, 'id', label)}:{label}" if hasattr(node, "id") else label)
    return tuple(parts)


async def find_cards(
    source: KnowledgeSource | None,
    text: str,
    *,
    language: str,
    channel: str | None,
    customer_tags: Sequence[str],
    now: datetime,
    variables: Mapping[str, object],
    top_k: int = 8,
) -> list[KnowledgeCard]:
    """The best entries for `text`, best first; nothing when there is no knowledge base."""
    if source is None or not text.strip():
        return []
    hits = await _maybe_await(
        source.match(
            text,
            language=language,
            channel=channel,
            customer_tags=list(customer_tags),
            now=now,
            top_k=top_k,
        )
    )
    cards = []
    for hit in hits or ():
        entry = getattr(hit, "entry", None)
        if entry is None:
            continue
        answer = await _maybe_await(source.render_answer(entry, language, variables))
        cards.append(
            KnowledgeCard(
                entry_id=str(entry.id),
                question=_text_in(getattr(entry, "question", ""), language),
                answer=str(answer),
                score=float(getattr(hit, "score", 0.0)),
                category=_category(entry, language),
                tags=tuple(getattr(entry, "tags", ()) or ()),
                intent=getattr(entry, "intent", None),
            )
        )
    return cards


def policy_for(cards: Sequence[KnowledgeCard], intent: str | None) -> KnowledgeCard | None:
    """The policy entry that goes with this question: a matched policy entry, preferring one
    written for the same intent."""
    policies = [c for c in cards if c.is_policy]
    if not policies:
        return None
    same = [c for c in policies if intent and c.intent == intent]
    return (same or policies)[0]
