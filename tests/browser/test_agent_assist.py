"""The agent is told of a new assignment, inserts an assist suggestion or a canned response
with one click, and the customer receives it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import PageFactory, log_in
from tests.browser.test_chat import send, session_of
from tests.e2e._kefu import KefuServer


def test_an_agent_is_notified_and_answers_with_one_click_suggestions(
    new_page: PageFactory, artifacts: Path, fresh_kefu: KefuServer
) -> None:
    agent = new_page(server=fresh_kefu)
    log_in(agent, "/agent?lang=en", "emma@kefu.local")
    expect(agent.locator("#workspace")).to_be_visible()
    token = agent.evaluate("() => localStorage.getItem('kefu.agent.token')")
    canned = agent.context.request.post(
        "/api/v1/agent/canned",
        data={
            "shortcut": "rider",
            "text_zh": "我马上联系骑手。",
            "text_en": "I am calling the rider.",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert canned.status == 201, canned.text()
    with agent.expect_response("**/api/v1/agent/me/presence"):
        agent.select_option("#presence", "online")

    customer = new_page(server=fresh_kefu)
    customer.goto("/chat?lang=en&uid=stu-1001")
    send(customer, "My food is cold and very late, this is terrible!")
    expect(customer.locator(".msg--bot[data-seq]")).not_to_have_count(0)
    customer.click("#human")
    conversation_id = session_of(customer)["conversation_id"]

    notice = agent.locator(f'.toast[data-conversation="{conversation_id}"]')
    expect(notice).to_have_text("New conversation assigned")
    agent.click(f'#list-mine [data-conversation="{conversation_id}"]')
    agent.click('.tabs [data-tab="assist"]')
    suggestion = agent.locator("#tab-assist .card-item").first
    expect(suggestion).to_be_visible()
    text = suggestion.locator(".card-item__text").inner_text()
    suggestion.locator("button").click()
    expect(agent.locator("#reply")).to_have_value(text)
    with agent.expect_response("**/assist/used") as used:
        agent.click("#reply-send")
    assert used.value.status == 201, used.value.text()
    expect(customer.locator(".msg--agent[data-seq] .msg__text")).to_have_text(text)
    agent.screenshot(path=artifacts / "agent-assist.png")

    agent.click('.tabs [data-tab="canned"]')
    agent.fill("#tab-canned input[type=search]", "rider")
    agent.locator("#tab-canned .card-item button").first.click()
    expect(agent.locator("#reply")).to_have_value("I am calling the rider.")
    agent.click("#reply-send")
    expect(customer.locator(".msg--agent[data-seq] .msg__text").last).to_have_text(
        "I am calling the rider."
    )

    agent.click('.tabs [data-tab="card"]')
    next_step = agent.locator('#tab-card textarea[name="next_step"]')
    next_step.fill("Refund the delivery fee if the rider is over 45 minutes late")
    with agent.expect_response("**/card") as saved:
        agent.click("#tab-card button[type=submit]")
    assert saved.value.status == 200, saved.value.text()
    agent.click("#resolve")
    expect(customer.locator("#status")).to_have_text("This chat has ended")
