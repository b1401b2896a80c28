"""Transcripts of closed conversations, written the way customers and agents talk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from kefu.quality.model import Transcript, Turn

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def transcript(
    lines: Sequence[tuple[str, str, int | None]],
    *,
    conversation_id: str = "c-1",
    status: str = "resolved",
    gap_s: float = 20.0,
    agent_id: str | None = "agent-1",
    customer_external_id: str | None = "stu-1",
) -> Transcript:
    """`lines` are (sender, text, emotion index of a customer line or None)."""
    turns = tuple(
        Turn(
            seq=i + 1,
            sender=sender,
            text=text,
            at=T0 + timedelta(seconds=gap_s * i),
            author_id=agent_id if sender == "agent" else None,
            emotion_index=emotion,
        )
        for i, (sender, text, emotion) in enumerate(lines)
    )
    return Transcript(
        conversation_id=conversation_id,
        account_id="default",
        customer_id="cust-1",
        customer_external_id=customer_external_id,
        channel="web_widget",
        language="zh",
        queue="general",
        status=status,
        created_at=T0,
        closed_at=T0 + timedelta(seconds=gap_s * len(lines)),
        agent_id=agent_id,
        turns=turns,
    )


def late_delivery(first_reply: str, second_reply: str = "骑手预计10分钟内送到") -> Transcript:
    """An angry customer whose dinner is an hour late; only the agent's replies vary."""
    return transcript(
        [
            ("customer", "我的外卖一个小时了还没到，太过分了", 1),
            ("agent", first_reply, None),
            ("customer", "那到底什么时候能到", 2),
            ("agent", second_reply, None),
            ("customer", "好吧", 3),
        ]
    )
