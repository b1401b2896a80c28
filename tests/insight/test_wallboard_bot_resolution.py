"""The wall-board's bot resolution: a customer who reads the bot's answer and leaves is the
bot's resolution (it showed 0.0 % when every such customer counted as abandoned)."""

from __future__ import annotations

from datetime import timedelta

from kefu.bot.events import BotTurnTaken
from kefu.ops.projections import BoardProjection
from tests.insight.streams import T0, Conversation


def test_reading_the_answer_and_leaving_counts_as_bot_resolution() -> None:
    board = BoardProjection()
    answered = Conversation("A", "ca", T0).created().ask(5, "order_status").left(90)
    unanswered = Conversation("U", "cu", T0).created().ask(5, "weather").left(90)
    turn = BotTurnTaken(occurred_at=T0 + timedelta(seconds=6), conversation_id="A", status="bot",
                        intent="order_status", outcome="answered", knowledge_id="order-where",
                        language="zh")  # fmt: skip
    chit_chat = BotTurnTaken(occurred_at=T0 + timedelta(seconds=6), conversation_id="U",
                             status="bot", intent="greeting", outcome="answered",
                             knowledge_id=None, language="zh")  # fmt: skip
    for event in [*answered.events[:-1], turn, *unanswered.events[:-1], chit_chat,
                  answered.events[-1], unanswered.events[-1]]:  # fmt: skip
        board.apply(event)
    window = board.snapshot(T0 + timedelta(minutes=2))["windows"]["5m"]
    assert window["closed"] == 2
    assert window["bot_resolution_rate"] == 0.5  # A only: U's bot said hello, answered nothing
    assert window["self_service_rate"] == 1.0
