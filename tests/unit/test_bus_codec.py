from __future__ import annotations

from datetime import UTC, datetime

from kefu.domain import events as ev
from kefu.services import event_codec


def test_every_event_in_the_catalogue_survives_a_trip_through_json() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    sample = ev.MessageCreated(
        occurred_at=now,
        conversation_id="c1",
        status="bot",
        message_id="m1",
        seq=3,
        sender="customer",
        text="我的外卖到哪了",
        internal=False,
        author_id=None,
        client_id="k1",
        created_at=now,
    )
    event, origin = event_codec.decode(event_codec.encode(sample, origin="instance-a"))
    assert event == sample
    assert origin == "instance-a"
    assert set(ev.EVENT_TYPES) >= {
        "conversation.created",
        "message.created",
        "conversation.handed_over",
        "conversation.assigned",
        "conversation.resolved",
    }
