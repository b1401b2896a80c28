"""Knowledge packs: what every agent should know about a topic that is suddenly everywhere.

A pack is drafted when a burst is raised: the intent, a few sample messages as customers
wrote them, the current answer from the knowledge base and a suggested script. Supervisors
edit it; every edit is pushed to the team again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from importlib import resources
from typing import Any, Protocol

from kefu.domain.errors import InvalidInput

MAX_SAMPLES = 5
MAX_TEXT = 4000
STATUSES = ("active", "retired")

TOPIC_NAMES: dict[str, tuple[str, str]] = {
    "order_status": ("订单状态", "order status"),
    "delivery_late": ("配送超时", "late delivery"),
    "refund": ("退款", "refunds"),
    "cancel_order": ("取消订单", "cancelling orders"),
    "payment_failed": ("支付失败", "failed payments"),
    "coupon": ("优惠券", "coupons"),
    "invoice": ("发票", "invoices"),
    "change_address": ("修改地址", "changing the address"),
    "rider_contact": ("联系骑手", "contacting the rider"),
    "food_quality": ("餐品质量", "food quality"),
    "account": ("账号登录", "account and login"),
    "human_agent": ("转人工", "asking for an agent"),
    "complaint": ("投诉", "complaints"),
}

# The demo knowledge base has no intent field; this is how its entries answer the intents.
DEMO_KNOWLEDGE_FOR_INTENT: dict[str, str] = {
    "order_status": "kb-order-status",
    "delivery_late": "kb-late",
    "refund": "kb-refund-how",
    "cancel_order": "kb-cancel",
    "payment_failed": "kb-payment-failed",
    "coupon": "kb-coupon",
    "invoice": "kb-invoice",
    "change_address": "kb-address",
    "rider_contact": "kb-rider",
    "food_quality": "kb-food-quality",
    "account": "kb-account-login",
    "human_agent": "kb-human",
    "complaint": "kb-complaint",
}


@dataclass(frozen=True, slots=True)
class Answer:
    knowledge_id: str | None
    text: str


class AnswerSource(Protocol):
    """Where a pack's "current answer" comes from (the knowledge base)."""

    async def answer_for(self, intent: str, samples: Sequence[str] = ()) -> Answer | None: ...


class DemoAnswers:
    """Answers from the language engine's demo knowledge, when no knowledge base runs."""

    def __init__(self) -> None:
        raw = resources.files("kefu.nlu.demo").joinpath("demo_knowledge.json").read_text("utf-8")
        self._entries = {e["id"]: e for e in json.loads(raw)}

    async def answer_for(self, intent: str, samples: Sequence[str] = ()) -> Answer | None:
        entry = self._entries.get(DEMO_KNOWLEDGE_FOR_INTENT.get(intent, ""))
        if entry is None:
            return None
        return Answer(entry["id"], entry["answer"])


@dataclass(frozen=True, slots=True)
class KnowledgePack:
    id: str
    key: str  # the burst key: "intent:payment_failed" or "category:payments"
    intent: str | None
    category: str | None
    title: str
    samples: list[str]
    answer: str
    knowledge_id: str | None
    script: str
    status: str
    created_at: datetime
    updated_at: datetime
    updated_by: str | None = None
    burst: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
        return data


def topic_of(key: str) -> tuple[str | None, str | None]:
    kind, _, value = key.partition(":")
    return (value, None) if kind == "intent" else (None, value)


def draft_pack(
    *,
    pack_id: str,
    key: str,
    samples: list[str],
    answer: Answer | None,
    burst: dict[str, Any],
    now: datetime,
) -> KnowledgePack:
    intent, category = topic_of(key)
    topic = intent or category or key
    zh, en = TOPIC_NAMES.get(topic, (topic, topic.replace("_", " ")))
    answer_text = answer.text if answer else ""
    return KnowledgePack(
        id=pack_id,
        key=key,
        intent=intent,
        category=category,
        title=f"{zh}咨询激增 · Surge in {en}",
        samples=samples[-MAX_SAMPLES:],
        answer=answer_text,
        knowledge_id=answer.knowledge_id if answer else None,
        script=suggested_script(zh, en, answer_text),
        status="active",
        created_at=now,
        updated_at=now,
        burst=burst,
    )


def suggested_script(zh: str, en: str, answer: str) -> str:
    """An opening that tells the customer we know about the problem, then the answer."""
    lines = [
        f"您好，我们已经注意到不少同学遇到{zh}的问题，技术同事正在处理，给您带来不便非常抱歉。",
        f"Hello, we know many customers are having trouble with {en} right now and our team "
        "is on it — sorry for the trouble.",
    ]
    if answer:
        lines.append(answer)
    return "\n".join(lines)


EDITABLE = ("title", "answer", "script", "samples", "status")


def edit_pack(pack: KnowledgePack, patch: dict[str, Any], by: str, now: datetime) -> KnowledgePack:
    """A supervisor's edit: only the editable fields, each checked."""
    unknown = sorted(set(patch) - set(EDITABLE))
    if unknown:
        raise InvalidInput(f"cannot edit {', '.join(unknown)}; editable: {', '.join(EDITABLE)}")
    changes: dict[str, Any] = {}
    for name in ("title", "answer", "script"):
        if name in patch:
            value = patch[name]
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise InvalidInput(f"{name} must be text of at most {MAX_TEXT} characters")
            if name == "title" and not value.strip():
                raise InvalidInput("title must not be empty")
            changes[name] = value
    if "samples" in patch:
        samples = patch["samples"]
        if not isinstance(samples, list) or not all(
            isinstance(s, str) and 0 < len(s) <= MAX_TEXT for s in samples
        ):
            raise InvalidInput("samples must be a list of texts")
        changes["samples"] = samples[:20]
    if "status" in patch:
        if patch["status"] not in STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(STATUSES)}")
        changes["status"] = patch["status"]
    return replace(pack, **changes, updated_at=now, updated_by=by)


def pack_from_dict(data: dict[str, Any]) -> KnowledgePack:
    return KnowledgePack(
        id=data["id"],
        key=data["key"],
        intent=data.get("intent"),
        category=data.get("category"),
        title=data["title"],
        samples=list(data.get("samples") or []),
        answer=data.get("answer") or "",
        knowledge_id=data.get("knowledge_id"),
        script=data.get("script") or "",
        status=data.get("status", "active"),
        created_at=data["created_at"],
        updated_at=data["updated_at"],
        updated_by=data.get("updated_by"),
        burst=dict(data.get("burst") or {}),
    )


class KnowledgeAnswers:
    """Answers from the knowledge base (`kefu.knowledge.service.KnowledgeService`, read through
    its `all()`): the enabled entry tagged with the intent, else the demo knowledge."""

    def __init__(self, knowledge: Any, fallback: AnswerSource | None = None) -> None:
        self.knowledge = knowledge
        self.fallback = fallback or DemoAnswers()

    async def answer_for(self, intent: str, samples: Sequence[str] = ()) -> Answer | None:
        """The entry the customers' own words match best among those for the intent (an intent
        may have several entries), else the first one for it."""
        tagged = [
            e
            for e in self.knowledge.all()
            if getattr(e, "intent", None) == intent and getattr(e, "enabled", True)
        ]
        votes: dict[str, int] = {}
        if hasattr(self.knowledge, "match"):
            for text in samples:
                for hit in self.knowledge.match(text, top_k=3):
                    if hit.entry.intent == intent:
                        votes[hit.entry.id] = votes.get(hit.entry.id, 0) + 1
                        break
        if votes:
            best = max(sorted(votes), key=lambda entry_id: votes[entry_id])
            tagged = [e for e in tagged if e.id == best] or tagged
        if tagged:
            answer = tagged[0].answer
            return Answer(tagged[0].id, f"{answer.zh}\n{answer.en}".strip())
        return await self.fallback.answer_for(intent, samples)
