"""The whole hand-over journey with the real demo knowledge base and business system:
the customer never repeats themselves, and the agent starts with the whole story."""

from __future__ import annotations

from typing import Any

from kefu.assist.card import CARD_FIELDS
from tests.factories import create_agent, login


def test_the_agent_gets_a_full_card_and_assist_for_a_late_order(
    chat: Any, database_url: str
) -> None:
    conversation = chat(external_id="stu-1001", language="zh")
    status_reply = conversation.reply("我的外卖到哪了")
    assert "已超时" in status_reply["text"]  # the demo's late order, with its real ETA
    conversation.send("转人工")
    public = conversation.status()
    assert (public["status"], public["handover_reason"]) == ("queued", "explicit_request")

    client = conversation.session.client
    create_agent(database_url, "mei@kefu.test")
    mei = login(client, "mei@kefu.test")
    mei.take(conversation.id)
    conversation.send("都一个多小时了，我很着急")

    card = mei.call("GET", f"/conversations/{conversation.id}/card").json()
    assert set(CARD_FIELDS) <= set(card)
    missing = [f for f in CARD_FIELDS if card[f] in (None, "", [])]
    assert missing in ([], ["promises"]), missing  # nothing was promised before hand-over
    assert card["owner"] == mei.agent_id
    assert card["related_order"]
    assert card["handover_reason"] == "explicit_request"
    assert card["bot_attempts"] >= 1

    assist = mei.call("GET", f"/conversations/{conversation.id}/assist").json()
    assert assist["knowledge_cards"], assist
    assert assist["soothing"] is not None  # "我很着急": anxious
    suggestion = assist["soothing"]
    sent = mei.reply(conversation.id, suggestion["text"])
    assert sent.status_code == 201
    used = mei.call(
        "POST",
        f"/conversations/{conversation.id}/assist/used",
        json={"suggestion_id": suggestion["id"], "kind": suggestion["kind"], "edited": False},
    )
    assert used.status_code == 201, used.text
    usage = mei.call("GET", f"/conversations/{conversation.id}/assist/used").json()["used"]
    assert [u["suggestion_id"] for u in usage] == [suggestion["id"]]
    # The bot kept quiet all along once the person took over.
    assert conversation.bot_messages()[-1]["payload"]["kind"] == "handover"
