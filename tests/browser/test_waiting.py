"""While no agent is free the customer sees their place in the queue, and when the queue
overflows they can book a call back instead of waiting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.e2e._kefu import DEMO_PASSWORD, KefuServer


@pytest.fixture
def busy_kefu(tmp_path: Path) -> Iterator[KefuServer]:
    """A server of its own, whose general queue offers a call back once anyone waits."""
    server = KefuServer(
        name="busy", database=f"sqlite:///{tmp_path / 'kefu.db'}", workdir=tmp_path, demo=True
    )
    server.start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=10) as http:
            login = http.post(
                "/api/v1/agent/login",
                json={"email": "admin@kefu.local", "password": DEMO_PASSWORD},
            )
            rule = {
                "overflow": [{"action": "offer_callback", "max_waiting": 0, "simple_only": False}]
            }
            put = http.put(
                "/api/v1/admin/queues/general",
                json=rule,
                headers={"Authorization": f"Bearer {login.json()['token']}"},
            )
            assert put.status_code == 200, put.text
            # Someone is already waiting.
            first = http.post("/api/v1/public/conversations", json={"name": "first"}).json()
            handed = http.post(
                f"/api/v1/public/conversations/{first['conversation_id']}/handover",
                headers={"Authorization": f"Bearer {first['customer_token']}"},
            )
            assert handed.json()["status"] == "queued", handed.text
        yield server
    finally:
        server.close()


def test_a_waiting_customer_sees_the_queue_and_books_a_call_back(
    new_page: PageFactory, artifacts: Path, busy_kefu: KefuServer
) -> None:
    page = new_page()
    page.goto(f"{busy_kefu.base_url}/chat?lang=en")
    page.fill("#input", "I need a person")
    page.press("#input", "Enter")
    expect(page.locator(".msg--customer[data-seq]")).to_have_count(1)
    page.click("#human")
    expect(page.locator("#status")).to_contain_text("you are number 2 in the queue")
    form = page.locator(".callback-form")
    expect(form).to_be_visible()
    form.locator('input[name="phone"]').fill("13800009999")
    form.locator('input[name="preferred_time"]').fill("after 6 pm")
    form.locator("button[type=submit]").click()
    expect(page.locator('[data-extra="callback-booked"]')).to_have_text(
        "Call back booked — an agent will call you soon"
    )
    expect(page.locator(".callback-form")).to_have_count(0)
    page.screenshot(path=artifacts / "chat-callback.png")
