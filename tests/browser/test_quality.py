"""The quality page for supervisors and agents, and the NPS survey page, in headless
Chromium against a real `kefu serve --demo`."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, PageFactory, log_in
from tests.e2e._kefu import DEMO_PASSWORD, KefuServer


def _login(server: KefuServer, email: str) -> dict[str, str]:
    answer = httpx.post(
        f"{server.base_url}/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD}
    )
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _served_and_resolved(server: KefuServer, reply: str, external_id: str) -> str:
    """A customer asks for a person, Lina answers with `reply` and resolves the chat."""
    base = server.base_url
    started = httpx.post(
        f"{base}/api/v1/public/conversations", json={"external_id": external_id, "language": "zh"}
    ).json()
    cid, auth = started["conversation_id"], {"Authorization": f"Bearer {started['customer_token']}"}
    public = f"{base}/api/v1/public/conversations/{cid}"
    httpx.post(f"{public}/messages", json={"text": "一个小时了外卖还没到，太过分了"}, headers=auth)
    httpx.post(f"{public}/handover", headers=auth)
    lina = _login(server, "lina@kefu.local")
    agent = f"{base}/api/v1/agent/conversations/{cid}"
    assert httpx.post(f"{agent}/take", headers=lina).status_code == 200
    sent = httpx.post(
        f"{agent}/messages", json={"text": reply, "client_id": f"r-{cid}"}, headers=lina
    )
    assert sent.status_code == 201, sent.text
    assert httpx.post(f"{agent}/resolve", headers=lina).status_code == 200
    boss = _login(server, "lead@kefu.local")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:  # scored off the request path, a moment later
        if httpx.get(f"{base}/api/v1/quality/reviews/{cid}", headers=boss).status_code == 200:
            return str(cid)
        time.sleep(0.2)
    raise AssertionError("the conversation was never scored")


def test_a_supervisor_sees_scorecards_outcome_analyses_and_a_review_with_highlights(
    new_page: PageFactory, fresh_kefu: KefuServer, artifacts: Path
) -> None:
    stiff = _served_and_resolved(fresh_kefu, "按规定无法加急，请等待", "stu-1001")
    page = new_page(server=fresh_kefu, locale="en-GB")
    log_in(page, "/quality", "lead@kefu.local")
    expect(page.locator('[data-tile="coefficient"]')).to_be_visible()
    expect(page.locator("#scorecards table tbody tr")).to_have_count(1)  # Lina, today

    page.click('[data-tab="review"]')
    page.click(f'tr[data-row="{stiff}"]')
    cost = page.locator('#review-detail li[data-reason="stiff_policy"]')
    expect(cost).to_contain_text("Stiff policy explanation")
    expect(cost).to_contain_text("按规定无法加急")
    page.screenshot(path=artifacts / "quality-review.png", full_page=True)

    page.click("[data-lang-toggle]")  # everything on the page, codes included, in Chinese
    expect(page.locator('[data-tab="review"]')).to_have_text("会话质检")
    page.click(f'tr[data-row="{stiff}"]')
    expect(cost).to_contain_text("政策解释生硬")

    page.click('[data-tab="outcomes"]')
    page.click("#load-demo")
    effect = page.locator('[data-effect="renewal_per_10s_faster_first_response"]')
    expect(effect).to_contain_text("个百分点")
    expect(page.locator("#outcomes svg.q-chart")).to_have_count(4)
    page.screenshot(path=artifacts / "quality-outcomes.png", full_page=True)

    page.click('[data-tab="csat"]')
    expect(page.locator('[data-tile="csat-average"] strong')).not_to_have_text("—")
    page.click('[data-tab="nps"]')
    expect(page.locator('[data-tile="nps-score"]')).to_be_visible()


def test_an_agent_sees_only_their_own_scorecard(
    new_page: PageFactory, kefu: KefuServer, artifacts: Path
) -> None:
    _served_and_resolved(kefu, "非常抱歉让您久等了，我理解您着急的心情", "stu-1002")
    page = new_page(locale="zh-CN")
    log_in(page, "/quality", "lina@kefu.local")
    expect(page.locator("#scorecards h2")).to_have_text("我的质检成绩单")
    expect(page.locator("#scorecards table tbody tr").first).to_be_visible()
    assert page.locator('[data-tab="review"]').count() == 0  # supervisors only
    page.screenshot(path=artifacts / "quality-agent.png")


def _survey_token(server: KefuServer, conversation_id: str) -> str:
    path = server.database.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        row: Any = db.execute(
            "SELECT token FROM quality_nps_jobs WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()
    assert row is not None, "no survey was scheduled"
    return str(row[0])


def test_a_customer_answers_the_nps_survey_on_a_phone(
    new_page: PageFactory, kefu: KefuServer, artifacts: Path
) -> None:
    cid = _served_and_resolved(kefu, "非常抱歉，已为您催促骑手", "stu-1003")
    token = _survey_token(kefu, cid)
    page = new_page(viewport=PHONE, locale="en-GB")
    page.goto(f"/survey/{token}")
    expect(page.locator("#survey-form h1")).to_contain_text("推荐")  # the survey's language
    page.click("#survey-lang")
    expect(page.locator("#survey-form h1")).to_contain_text("recommend")
    page.click('.scale button[data-score="9"]')
    page.fill("#survey-comment", "Quick and kind")
    page.screenshot(path=artifacts / "survey.png")
    page.click("#survey-form button[type=submit]")
    expect(page.locator("#survey-result")).to_contain_text("Thank you")
    page.reload()
    expect(page.locator("#survey-result")).to_contain_text("answered already")
    page.goto("/survey/not-a-real-token")
    expect(page.locator("#survey-result")).to_contain_text("not valid")


def test_a_customer_gives_a_bot_answer_a_thumbs_down_then_up(
    new_page: PageFactory, fresh_kefu: KefuServer
) -> None:
    page = new_page(server=fresh_kefu, locale="zh-CN")
    page.goto("/chat?lang=zh")
    page.fill("#input", "我的外卖到哪了")
    page.press("#input", "Enter")
    first = page.locator(".msg--bot[data-seq] .msg__thumbs").first
    thumbs = page.locator(f'[data-thumbs="{first.get_attribute("data-thumbs")}"]')
    thumbs.locator('[data-helpful="false"]').click()
    expect(thumbs.locator('[data-helpful="false"]')).to_have_attribute("aria-pressed", "true")
    thumbs.locator('[data-helpful="true"]').click()
    expect(thumbs.locator('[data-helpful="true"]')).to_have_attribute("aria-pressed", "true")
    assert thumbs.locator('[data-helpful="true"]').get_attribute("aria-label") == "有帮助"
    report = httpx.get(
        f"{fresh_kefu.base_url}/api/v1/quality/csat", headers=_login(fresh_kefu, "lead@kefu.local")
    ).json()
    assert report["bot_answers"] == {"votes": 1, "helpful": 1, "helpful_rate": 1.0}
