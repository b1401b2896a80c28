"""The review queue over HTTP, on SQLite and PostgreSQL: transcripts in, an accepted
proposal out, and the bot answering it on the next customer message."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from kefu.bootstrap import Container
from kefu.learning.model import ProposalKind
from tests.bot.conftest import bot_client, chat
from tests.factories import create_agent, login
from tests.learning.conftest import proposal
from tests.learning.test_mining import LOCKER

__all__ = ["bot_client", "chat"]  # the bot's chat fixtures, used below

QUESTION = "拼单有人不付钱怎么办啊"


def test_an_accepted_proposal_is_what_the_bot_answers_next(
    bot_client: TestClient, chat: Any, database_url: str
) -> None:
    client = bot_client
    create_agent(database_url, "lead@kefu.test", role="supervisor")
    create_agent(database_url, "lina@kefu.test")
    lead, lina = login(client, "lead@kefu.test"), login(client, "lina@kefu.test")
    url = "/api/v1/admin/learning"
    imported = client.post(f"{url}/transcripts", content=LOCKER.encode(), headers=lead.auth)
    assert imported.status_code == 200, imported.text
    assert imported.json()["new_proposals"] >= 1
    assert client.get(f"{url}/proposals", headers=lina.auth).status_code == 403
    listed = client.get(f"{url}/proposals", params={"status": "pending"}, headers=lead.auth)
    proposal = next(
        p for p in listed.json()["proposals"] if QUESTION in (p["question"], *p["phrasings"])
    )
    assert proposal["kind_label"] == {"zh": "新知识条目", "en": "New knowledge entry"}

    answer = "拼单里有人 15 分钟内没付款会被自动移出，订单照常下单。"
    accepted = client.post(
        f"{url}/proposals/{proposal['id']}/accept",
        json={"answer": answer, "question_en": "Someone in my group order won't pay"},
        headers=lead.auth,
    )
    assert accepted.status_code == 200, accepted.text
    entry_id = accepted.json()["result_entry_id"]
    again = client.post(
        f"{url}/proposals/{proposal['id']}/reject", json={"reason": "x"}, headers=lead.auth
    )
    assert again.status_code == 409

    reply = chat(customer={"external_id": "stu-learn"}).reply(QUESTION)
    assert "自动移出" in reply["text"], reply
    history = client.get(f"/api/v1/admin/knowledge/{entry_id}/history", headers=lead.auth).json()
    assert history["versions"][0]["author"] == "lead@kefu.test"


def test_bad_uploads_get_a_message(client: TestClient, database_url: str) -> None:
    create_agent(database_url, "lead@kefu.test", role="supervisor")
    lead = login(client, "lead@kefu.test")
    url = "/api/v1/admin/learning/transcripts"
    for body in (b"", b"a,b\n1,2\n", b"\xff\xfe\x00"):
        response = client.post(url, content=body, headers=lead.auth)
        assert response.status_code == 422 or response.status_code == 400, response.text
        assert response.json()["error"]["message"]


def test_the_queue_shows_what_a_proposal_would_take_before_a_supervisor_accepts_it(
    bot_client: TestClient, database_url: str
) -> None:
    """A mined entry worded like other entries' questions is flagged, with the questions it
    would take; accepting it needs an explicit confirm. A distinct one is safe."""
    from kefu.knowledge.demo import heldout_questions

    client = bot_client
    create_agent(database_url, "lead@kefu.test", role="supervisor")
    lead = login(client, "lead@kefu.test")
    url = "/api/v1/admin/learning"
    assert client.post(f"{url}/transcripts", content=LOCKER.encode(), headers=lead.auth)
    heldout = heldout_questions()
    borrowed = tuple(q for e in ("vip-join", "service-hours", "refund-how") for q in heldout[e])
    thief = proposal(
        "p-thief",
        ProposalKind.NEW_ENTRY,
        "我想问一下",
        borrowed,
        answer="您好，这个问题我们会尽快处理。",
        support=9,
    )
    container: Container = client.app.state.container  # type: ignore[attr-defined]
    assert client.portal is not None and container.learning is not None
    client.portal.call(container.learning.actions.store.add_proposals, [thief])

    listed = client.get(f"{url}/proposals", params={"status": "pending"}, headers=lead.auth)
    by_id = {p["id"]: p for p in listed.json()["proposals"]}
    assert by_id["p-thief"]["precheck"]["status"] == "checking"
    assert by_id["p-thief"]["precheck"]["status_label"] == {"zh": "预检中…", "en": "Checking…"}

    checked = client.get(f"{url}/proposals/p-thief/precheck", headers=lead.auth).json()
    assert checked["verdict"] == "risky", checked
    assert checked["verdict_label"]["zh"].startswith("有风险")
    assert {s["source"] for s in checked["sources"]} >= {"heldout", "en_calib"}
    assert checked["steals"] >= 1 and checked["questions"] >= 170
    took = checked["taken"][0]
    assert took["question"] in borrowed or took["source"] != "heldout"
    assert took["after"]["entry_id"] == checked["entry_id"]
    assert took["before"]["decision_label"]["en"] and took["source_label"]["zh"]
    # Each taking is blamed on the wording that matched it: the borrowed paraphrases.
    assert checked["culprits"] and set(checked["culprits"]) <= {*borrowed, "我想问一下"}
    stolen_from = {t["before"]["entry_id"] for t in checked["taken"]}
    assert stolen_from & {"vip-join", "service-hours", "refund-how"}, checked["taken"]

    refused = client.post(f"{url}/proposals/p-thief/accept", json={}, headers=lead.auth)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "proposal_risky"
    listed = client.get(f"{url}/proposals", params={"status": "pending"}, headers=lead.auth)
    by_id = {p["id"]: p for p in listed.json()["proposals"]}
    assert by_id["p-thief"]["precheck"]["verdict"] == "risky"  # kept, no second replay

    locker = next(p for p in by_id.values() if QUESTION in (p["question"], *p["phrasings"]))
    safe = client.get(f"{url}/proposals/{locker['id']}/precheck", headers=lead.auth).json()
    assert safe["verdict"] == "safe" and safe["steals"] == 0, safe["taken"]
    assert safe["seconds"] < 10

    confirmed = client.post(
        f"{url}/proposals/p-thief/accept", json={"confirm_risky": True}, headers=lead.auth
    )
    assert confirmed.status_code == 200, confirmed.text


def test_a_new_entry_on_trial_answers_only_its_arm_and_insight_counts_both(
    bot_client: TestClient, chat: Any, database_url: str
) -> None:
    """Accepted as a trial for half of the customers: a customer in the "with" arm gets the
    new answer, one in the control gets what the bot said before; both are exposed; once
    the supervisor keeps it, the control customer gets it too."""
    client = bot_client
    container: Container = client.app.state.container  # type: ignore[attr-defined]
    create_agent(database_url, "lead@kefu.test", role="supervisor")
    lead = login(client, "lead@kefu.test")
    url = "/api/v1/admin/learning"
    assert client.post(f"{url}/transcripts", content=LOCKER.encode(), headers=lead.auth)
    listed = client.get(f"{url}/proposals", params={"status": "pending"}, headers=lead.auth)
    found = next(
        p for p in listed.json()["proposals"] if QUESTION in (p["question"], *p["phrasings"])
    )
    answer = "拼单里有人 15 分钟内没付款会被自动移出，订单照常下单。"
    too_much = client.post(
        f"{url}/proposals/{found['id']}/accept",
        json={"answer": answer, "trial_share": 1.5},
        headers=lead.auth,
    )
    assert too_much.status_code == 422
    accepted = client.post(
        f"{url}/proposals/{found['id']}/accept",
        json={"answer": answer, "question_en": "Someone won't pay", "trial_share": 0.5},
        headers=lead.auth,
    )
    assert accepted.status_code == 200, accepted.text
    entry_id = accepted.json()["result_entry_id"]
    entry = container.knowledge.get(entry_id)
    assert entry is not None and entry.trial is not None

    replies: dict[str, tuple[Any, dict[str, Any]]] = {}
    for i in range(16):
        c = chat(customer={"external_id": f"trial-{i}"})
        customer_id = container.insight.tracker.customer_of(c.id)
        assert customer_id is not None
        variant = entry.trial.variant(customer_id)
        if variant not in replies:
            replies[variant] = (c, c.reply(QUESTION))
        if len(replies) == 2:
            break
    with_it, without_it = replies["with"][1], replies["without"][1]
    assert "自动移出" in with_it["text"] and with_it["payload"]["knowledge_id"] == entry_id
    assert "自动移出" not in without_it["text"]
    assert without_it["payload"]["knowledge_id"] != entry_id

    trials = client.get(f"{url}/trials", headers=lead.auth).json()["trials"]
    assert [t["entry_id"] for t in trials] == [entry_id]
    assert trials[0]["verdict_label"]["en"].startswith("Too early")
    results = client.get(
        f"/api/v1/insight/experiments/{entry.trial.experiment_id}", headers=lead.auth
    ).json()
    assert results["units"] == 2, results
    assert results["experiment"]["variants"] == ["without", "with"]

    ended = client.post(f"{url}/trials/{entry_id}/end", json={"keep": True}, headers=lead.auth)
    assert ended.status_code == 200, ended.text
    control = (chat(customer={"external_id": f"after-{i}"}) for i in range(16))
    later = next(
        c
        for c in control
        if entry.trial.variant(container.insight.tracker.customer_of(c.id) or "") == "without"
    )
    again = later.reply(QUESTION)
    assert "自动移出" in again["text"], again
    assert client.get(f"{url}/trials", headers=lead.auth).json()["trials"] == []
    assert (
        client.post(
            f"{url}/trials/{entry_id}/end", json={"keep": True}, headers=lead.auth
        ).status_code
        == 409
    )
