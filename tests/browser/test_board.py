"""The supervisor's wall-board in headless Chromium: live numbers that match what a
simulated morning of traffic (`kefu simulate`) did."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.e2e._kefu import DEMO_PASSWORD, KefuServer


def board_now(server: KefuServer, token: str) -> dict[str, Any]:
    response = httpx.get(
        f"{server.base_url}/api/v1/ops/board", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_wall_board_shows_live_numbers_that_match_the_simulated_traffic(
    new_page: PageFactory, kefu: KefuServer, artifacts: Path
) -> None:
    login = httpx.post(
        f"{kefu.base_url}/api/v1/agent/login",
        json={"email": "lead@kefu.local", "password": DEMO_PASSWORD},
    )
    token = login.json()["token"]
    before = board_now(kefu, token)["windows"]["today"]

    page = new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page.goto("/board")
    page.fill("#login input[name=email]", "lead@kefu.local")
    page.fill("#login input[name=password]", DEMO_PASSWORD)
    page.click("#login button[type=submit]")
    expect(page.locator("#connection")).to_have_text("实时")
    expect(page.locator("#tiles [data-testid=active] .value")).to_have_text(
        str(board_now(kefu, token)["now"]["active"])
    )

    simulated = subprocess.run(
        [sys.executable, "-m", "kefu", "simulate", "--url", kefu.base_url, "--duration", "6",
         "--rate", "1.5", "--agents", "2", "--seed", "3"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    summary = json.loads(simulated.stdout)
    assert summary["customers"] > 0 and summary["errors"] == 0

    after = board_now(kefu, token)["windows"]["today"]
    created = after["conversations_created"] - before["conversations_created"]
    customer_messages = after["messages_by_sender"]["customer"] - before["messages_by_sender"].get(
        "customer", 0
    )
    assert created == summary["customers"]
    assert customer_messages == summary["customer_messages"]
    assert (
        after["messages_by_sender"].get("agent", 0) - before["messages_by_sender"].get("agent", 0)
        == summary["agent_replies"]
    )

    # The page follows live: today's new conversations, and the English toggle.
    page.select_option("#window", "today")
    expect(page.locator("[data-testid=rate-conversations_created] .value")).to_have_text(
        str(after["conversations_created"])
    )
    assert page.locator("#charts figure").count() == 4
    page.click("#lang")
    expect(page.locator("#connection")).to_have_text("live")
    expect(page.locator("[data-testid=rate-conversations_created] .label")).to_have_text(
        "New conversations"
    )
    page.screenshot(path=artifacts / "board.png", full_page=True)
