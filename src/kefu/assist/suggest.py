"""Agent assist for one customer message: what to read, what to say, what to offer.

Pure: the service gathers the knowledge cards, similar past replies and packs, and this
module decides what the agent is shown. Every suggestion carries a stable `id` (`kb:<entry>`,
`reply:<hash>`, `soothe:<emotion>`, `remedy:<intent>`, `policy:<entry>`, `pack:<id>`) and the
exact `text` to insert, so using one is a single action in the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kefu.assist.knowledge import KnowledgeCard, policy_for
from kefu.assist.packs import PackNotice
from kefu.assist.replies import ReplyHit
from kefu.assist.scripts import RemedyRule, soothing_script, suggest_remedy
from kefu.assist.turns import is_negative

KNOWLEDGE_CARDS = 3
SUGGESTED_REPLIES = 5
#: Knowledge answers below this score are shown as cards but not proposed as replies.
REPLY_FROM_KNOWLEDGE_MIN_SCORE = 0.3

SUGGESTION_KINDS = ("knowledge", "reply", "soothing", "remedy", "policy", "pack", "canned")


@dataclass(frozen=True, slots=True)
class MessageReading:
    """What the language engine made of the customer message."""

    seq: int
    text: str
    language: str
    intent: str | None
    confidence: float
    emotion_index: int
    emotion_category: str
    entities: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "text": self.text,
            "language": self.language,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "emotion_index": self.emotion_index,
            "emotion_category": self.emotion_category,
            "entities": list(self.entities),
        }


def compose_assist(
    reading: MessageReading,
    *,
    language: str,
    cards: Sequence[KnowledgeCard],
    past_replies: Sequence[ReplyHit],
    packs: Sequence[PackNotice],
    remedies: Sequence[RemedyRule],
    refundable_cents: int | None = None,
) -> dict[str, Any]:
    answers = [c for c in cards if not c.is_policy]
    top = answers[:KNOWLEDGE_CARDS]
    suggested: list[dict[str, Any]] = []
    seen: set[str] = set()
    for card in top:
        if card.score >= REPLY_FROM_KNOWLEDGE_MIN_SCORE and card.answer not in seen:
            seen.add(card.answer)
            suggested.append(
                {
                    "id": f"kb:{card.entry_id}",
                    "kind": "knowledge",
                    "source": card.entry_id,
                    "text": card.answer,
                    "score": round(card.score, 4),
                }
            )
    for hit in past_replies:
        if hit.reply_text not in seen:
            seen.add(hit.reply_text)
            suggested.append(
                {
                    "id": hit.id,
                    "kind": "reply",
                    "source": "team",
                    "text": hit.reply_text,
                    "score": hit.similarity,
                    "uses": hit.uses,
                }
            )
    suggested.sort(key=lambda s: -float(s["score"]))

    upset = is_negative(reading.emotion_category, reading.emotion_index)
    soothing = None
    if upset:
        key, text = soothing_script(reading.emotion_category, language)
        soothing = {"id": f"soothe:{key}", "kind": "soothing", "emotion": key, "text": text}

    remedy = suggest_remedy(
        remedies, reading.intent, upset=upset, language=language, refundable_cents=refundable_cents
    )
    policy = policy_for(cards, reading.intent)
    return {
        "message": reading.to_json(),
        "negative_emotion": upset,
        "knowledge_cards": [c.to_json() for c in top],
        "suggested_replies": suggested[:SUGGESTED_REPLIES],
        "policy": (
            {
                "id": f"policy:{policy.entry_id}",
                "kind": "policy",
                "entry_id": policy.entry_id,
                "title": policy.question,
                "text": policy.answer,
            }
            if policy
            else None
        ),
        "soothing": soothing,
        "remedy": (
            {
                "id": f"remedy:{remedy.intent}",
                "kind": "remedy",
                "intent": remedy.intent,
                "remedy": remedy.kind,
                "amount_cents": remedy.amount_cents,
                "max_cents": remedy.max_cents,
                "text": remedy.text,
            }
            if remedy
            else None
        ),
        "knowledge_packs": [p.to_json() for p in packs],
    }
