"""The review queue in a real browser: a supervisor accepts a proposal mined from past chats,
and the bot answers the next customer who asks it."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect

from kefu.knowledge.demo import heldout_questions
from kefu.learning.model import Proposal, ProposalKind
from tests.browser.conftest import PageFactory, log_in
from tests.e2e._kefu import DEMO_PASSWORD, KefuServer
from tests.learning.conftest import proposal
from tests.learning.test_mining import LOCKER

ANSWER = "拼单里有人 15 分钟内没付款会被自动移出，订单照常下单。"


def bot_messages(http: httpx.Client, url: str, auth: dict[str, str], after: int) -> list[str]:
    """The bot's messages after `after`, once it has said something."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = http.get(url, params={"after": after}, headers=auth).json()["messages"]
        replies = [m["text"] for m in found if m["sender"] == "bot"]
        if replies:
            return replies
        time.sleep(0.2)
    raise AssertionError("the bot said nothing")


def bot_reply(http: httpx.Client, text: str) -> str:
    started = http.post(
        "/api/v1/public/conversations", json={"customer": {"external_id": "stu-group-order"}}
    ).json()
    auth = {"Authorization": f"Bearer {started['customer_token']}"}
    url = f"/api/v1/public/conversations/{started['conversation_id']}/messages"
    bot_messages(http, url, auth, 0)  # the greeting
    sent = http.post(url, json={"text": text, "client_id": "q1"}, headers=auth).json()
    return bot_messages(http, url, auth, sent["seq"])[0]


def test_a_supervisor_accepts_a_mined_answer_and_the_bot_uses_it(
    new_page: PageFactory, kefu: KefuServer, artifacts: Path
) -> None:
    with httpx.Client(base_url=kefu.base_url, timeout=60) as http:
        login = http.post(
            "/api/v1/agent/login", json={"email": "lead@kefu.local", "password": DEMO_PASSWORD}
        ).json()
        headers = {"Authorization": f"Bearer {login['token']}"}
        mined = http.post(
            "/api/v1/admin/learning/transcripts", content=LOCKER.encode(), headers=headers
        )
        assert mined.status_code == 200, mined.text

        page = new_page()
        log_in(page, "/learning?lang=zh", "lead@kefu.local")
        card = page.locator("[data-proposal]", has_text="拼单").first
        expect(card).to_be_visible()
        expect(card).to_contain_text("新知识条目")
        card.locator('textarea[name="answer"]').fill(ANSWER)
        card.locator('input[name="question_en"]').fill("Someone in my group order won't pay")
        # The pre-check replays the frozen questions first (the first one in a server also
        # prepares them): a mined entry about group orders takes nothing from other answers.
        expect(card.locator('[data-precheck="safe"]')).to_be_visible(timeout=180_000)
        page.screenshot(path=artifacts / "learning-queue.png")
        with page.expect_response("**/accept", timeout=120_000) as accepted:
            card.locator('[data-action="accept"]').click()
        assert accepted.value.status == 200, accepted.value.text()
        expect(page.locator("[data-proposal]", has_text="拼单有人不付钱")).to_have_count(0)

        assert "自动移出" in bot_reply(http, "拼单有人不付钱怎么办啊")


def _queue(database: str, proposals: list[Any]) -> None:
    """Puts proposals straight into the server's review queue (in a thread of its own:
    this thread runs Playwright's event loop)."""
    from kefu.adapters.db.engine import create_engine
    from kefu.adapters.db.learning_store import SqlLearningStore

    async def put() -> None:
        engine = create_engine(database)
        try:
            await SqlLearningStore(engine).add_proposals(proposals)
        finally:
            await engine.dispose()

    worker = threading.Thread(target=asyncio.run, args=(put(),))
    worker.start()
    worker.join()


def test_a_supervisor_sees_which_questions_a_risky_proposal_would_take_and_must_confirm(
    new_page: PageFactory, kefu: KefuServer, artifacts: Path
) -> None:
    heldout = heldout_questions()
    borrowed = tuple(q for e in ("vip-join", "service-hours", "refund-how") for q in heldout[e])

    def mined(
        pid: str, question: str, phrasings: tuple[str, ...], entry_id: str | None = None
    ) -> Proposal:
        kind = ProposalKind.PHRASING if entry_id else ProposalKind.NEW_ENTRY
        return proposal(
            pid, kind, question, phrasings, entry_id, "您好，这个问题我们会尽快处理。", 50
        )

    _queue(
        kefu.database,
        [
            mined("p-browser-risky", "我想问一下", borrowed),
            mined("p-browser-safe", "拼单里别人一直不付钱会怎样", ("拼单别人不付款怎么办",)),
            # Refund wordings for the refund entry: merged into the membership entry instead,
            # they would take the refund questions.
            mined(
                "p-browser-wording",
                heldout["refund-how"][0],
                tuple(heldout["refund-how"]),
                entry_id="refund-how",
            ),
        ],
    )
    page = new_page()
    log_in(page, "/learning?lang=zh", "lead@kefu.local")
    risky = page.locator('[data-proposal="p-browser-risky"]')
    verdict = risky.locator('[data-precheck="risky"]')
    # The first pre-check of a server also prepares the frozen questions.
    expect(verdict).to_be_visible(timeout=180_000)
    expect(verdict).to_contain_text("有风险")
    expect(verdict).to_contain_text("抢走")
    expect(verdict.locator("[data-culprits]")).to_contain_text("原因在于这些问法")
    taken = verdict.locator("[data-taken]")
    assert taken.count() >= 1
    assert any(
        t in borrowed
        for t in (taken.nth(i).get_attribute("data-taken") for i in range(taken.count()))
    )
    expect(page.locator('[data-proposal="p-browser-safe"] [data-precheck="safe"]')).to_be_visible(
        timeout=60_000
    )
    page.screenshot(path=artifacts / "learning-precheck.png")

    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    risky.locator('[data-action="accept"]').click()
    expect(risky).to_be_visible()
    assert asked and "抢走" in asked[0]
    with httpx.Client(base_url=kefu.base_url, timeout=60) as http:
        login = http.post(
            "/api/v1/agent/login", json={"email": "lead@kefu.local", "password": DEMO_PASSWORD}
        ).json()
        headers = {"Authorization": f"Bearer {login['token']}"}
        pending = http.get(
            "/api/v1/admin/learning/proposals", params={"status": "pending"}, headers=headers
        ).json()["proposals"]
    assert "p-browser-risky" in {p["id"] for p in pending}

    # Safe as mined; merged into the wrong entry the server refuses and the page asks.
    wording = page.locator('[data-proposal="p-browser-wording"]')
    expect(wording.locator('[data-precheck="safe"]')).to_be_visible(timeout=60_000)
    wording.locator('input[name="merge_to"]').fill("vip-join")
    with page.expect_response("**/merge", timeout=60_000) as merged:
        wording.locator('[data-action="merge"]').click()
    assert merged.value.status == 409
    expect(page.locator("#queue-error")).to_contain_text("有风险")
    assert len(asked) == 2 and "抢走" in asked[1]
    expect(wording).to_be_visible()


def test_a_supervisor_tries_a_new_entry_on_half_of_customers_then_keeps_it(
    new_page: PageFactory, kefu: KefuServer, artifacts: Path
) -> None:
    question = "宠物可以带进店里吗"
    answer = "店里欢迎小型宠物，请全程牵好绳。"
    _queue(
        kefu.database,
        [
            proposal(
                "p-browser-trial",
                ProposalKind.NEW_ENTRY,
                question,
                ("能带狗进店吗", "店里让不让带猫"),
                answer=answer,
            )
        ],
    )
    page = new_page()
    log_in(page, "/learning?lang=zh", "lead@kefu.local")
    card = page.locator('[data-proposal="p-browser-trial"]')
    expect(card).to_be_visible()
    card.locator('select[name="trial_share"]').select_option("0.5")
    with page.expect_response("**/accept", timeout=180_000) as accepted:
        card.locator('[data-action="accept"]').click()
    assert accepted.value.status == 200, accepted.value.text()
    assert accepted.value.request.post_data_json["trial_share"] == 0.5

    trial = page.locator("[data-trial]", has_text=question)
    expect(trial).to_be_visible()
    expect(trial).to_contain_text("50% 的顾客")
    expect(trial.locator("[data-arm]")).to_have_count(2)
    expect(trial.locator('[data-arm="without"]')).to_contain_text("没有新条目")
    expect(trial.locator("[data-verdict]")).to_contain_text("样本还不够")
    page.screenshot(path=artifacts / "learning-trial.png")

    with page.expect_response("**/end") as ended:
        trial.locator('[data-action="keep"]').click()
    assert ended.value.status == 200, ended.value.text()
    expect(page.locator("[data-trial]")).to_have_count(0)
    expect(page.locator("#trials")).to_contain_text("没有试用中的条目")
    with httpx.Client(base_url=kefu.base_url, timeout=60) as http:
        assert "牵好绳" in bot_reply(http, question)
