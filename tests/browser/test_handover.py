"""A customer asks for a human; an agent, in another browser, receives the conversation with
its hand-over card and replies; the customer sees the reply, and rates the chat at the end."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Page, Route, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import PageFactory, log_in
from tests.browser.test_chat import send, session_of
from tests.e2e._kefu import KefuServer


def test_a_customer_asks_for_a_human_and_an_agent_answers(
    new_page: PageFactory, artifacts: Path, fresh_kefu: KefuServer
) -> None:
    agent = new_page(server=fresh_kefu)
    log_in(agent, "/agent?lang=en", "lina@kefu.local")
    expect(agent.locator("#workspace")).to_be_visible()
    with agent.expect_response("**/api/v1/agent/me/presence"):
        agent.select_option("#presence", "online")

    customer = new_page(server=fresh_kefu)
    customer.goto("/chat?lang=en")
    send(customer, "My noodles are 40 minutes late <i>again</i>")
    expect(customer.locator(".msg--customer[data-seq]")).to_have_count(1)
    customer.click("#human")
    expect(customer.locator("#status")).to_have_text("An agent has joined")
    expect(customer.locator("#human")).to_be_hidden()
    conversation_id = session_of(customer)["conversation_id"]

    item = agent.locator(f'#list-mine [data-conversation="{conversation_id}"]')
    item.click()
    line = agent.locator('#transcript .line[data-sender="customer"] .line__text')
    expect(line.first).to_have_text("My noodles are 40 minutes late <i>again</i>")
    assert agent.locator("#transcript i").count() == 0
    # The reason is the customer's request, shown by its label (the code stays an attribute).
    reason = agent.locator('#tab-card [data-card="handover_reason"]')
    expect(reason).to_have_attribute("data-code", "customer_request")
    expect(reason).to_have_text("Customer asked for a person")
    agent.click('.tabs [data-tab="customer"]')
    expect(agent.locator("#tab-customer .kv").first).to_be_visible()
    agent.click('.tabs [data-tab="card"]')

    agent.fill("#reply", "Sorry! I am calling the rider now <b>right away</b>.")
    agent.click("#reply-send")
    reply = customer.locator(".msg--agent[data-seq] .msg__text")
    expect(reply).to_have_text("Sorry! I am calling the rider now <b>right away</b>.")
    assert customer.locator("#log b").count() == 0

    agent.locator('#composer input[value="note"]').check()
    agent.fill("#reply", "internal: rider phone unreachable")
    agent.click("#reply-send")
    expect(agent.locator("#transcript .line--internal")).to_have_count(1)
    agent.screenshot(path=artifacts / "agent.png")
    customer.screenshot(path=artifacts / "chat-with-agent.png")

    agent.click("#resolve")
    expect(customer.locator("#status")).to_have_text("This chat has ended")
    customer.click('.star[data-score="5"]')
    customer.click(".rating-form button[type=submit]")
    expect(customer.locator('[data-extra="rating"]')).to_have_text("Thank you for your feedback!")
    # The internal note never reached the customer.
    expect(customer.locator(".msg--agent[data-seq]")).to_have_count(1)
    customer.screenshot(path=artifacts / "chat-rated.png")


def _lead_online_and_a_customer_asking(
    new_page: PageFactory, server: KefuServer
) -> tuple[Page, Page]:
    """The supervisor online in one browser; in another, a customer whose first question
    the bot has stored."""
    agent = new_page(server=server)
    log_in(agent, "/agent?lang=en", "lead@kefu.local")
    with agent.expect_response("**/api/v1/agent/me/presence"):
        agent.select_option("#presence", "online")
    customer = new_page(locale="zh-CN", server=server)
    customer.goto("/chat")
    send(customer, "你们几点开始送餐？")
    expect(customer.locator(".msg--customer[data-seq]")).to_have_count(1)
    return agent, customer


def test_an_agent_gives_the_chat_back_to_the_bot(
    new_page: PageFactory, fresh_kefu: KefuServer
) -> None:
    agent, customer = _lead_online_and_a_customer_asking(new_page, fresh_kefu)
    customer.click("#human")
    conversation_id = session_of(customer)["conversation_id"]

    # Offered to the supervisor, or still waiting (which queue it joined is the bot's call);
    # a link opens the conversation straight away.
    expect(customer.locator("#status")).to_have_attribute(
        "data-status", re.compile("^(queued|assigned)$")
    )
    agent.goto(f"/agent?lang=en&c={conversation_id}")
    expect(agent.locator("#conv")).to_be_visible()
    # The take button appears once the conversation has loaded, unless the dispatcher already
    # gave it to the supervisor; the supervisor takes it whenever the button is there.
    deadline = time.monotonic() + 30
    while customer.locator("#status").get_attribute("data-status") != "assigned":
        assert time.monotonic() < deadline, "the supervisor could not take the chat"
        try:
            agent.locator("#take").wait_for(state="visible", timeout=2000)
            agent.click("#take")
        except PlaywrightTimeout:
            pass
    expect(customer.locator("#status")).to_have_text("人工客服已接入")
    agent.click("#transfer")
    agent.locator('#transfer-form input[value="bot"]').check()
    agent.fill("#transfer-note", "只是问营业时间")
    agent.click("#transfer-form button[type=submit]")
    expect(customer.locator("#status")).to_have_text("智能助手为您服务")
    expect(customer.locator("#human")).to_be_visible()
    expect(agent.locator(f'#list-mine [data-conversation="{conversation_id}"]')).to_have_count(0)


def test_a_supervisor_takes_a_waiting_customer(
    new_page: PageFactory, fresh_kefu: KefuServer
) -> None:
    customer = new_page(server=fresh_kefu)
    customer.goto("/chat?lang=en")
    send(customer, "Can someone call me about my refund?")
    expect(customer.locator(".msg--customer[data-seq]")).to_have_count(1)
    customer.click("#human")
    expect(customer.locator("#status")).to_contain_text("you are number")
    conversation_id = session_of(customer)["conversation_id"]

    lead = new_page(server=fresh_kefu)
    log_in(lead, "/agent?lang=en", "lead@kefu.local")
    lead.click(f'#list-queued [data-conversation="{conversation_id}"]')
    expect(lead.locator("#conv-badges [data-badge=status]")).to_have_text("Queued")
    lead.click("#take")
    expect(customer.locator("#status")).to_have_text("An agent has joined")
    expect(lead.locator(f'#list-mine [data-conversation="{conversation_id}"]')).to_be_visible()
    lead.fill("#reply", "Hello, this is Wang Fang.")
    lead.keyboard.press("Control+Enter")
    expect(customer.locator(".msg--agent[data-seq] .msg__text")).to_have_text(
        "Hello, this is Wang Fang."
    )


def test_a_late_answer_to_the_human_button_does_not_undo_the_agent_joining(
    new_page: PageFactory, fresh_kefu: KefuServer
) -> None:
    """The stream tells the customer an agent joined before the answer to their own button
    press (which still says "waiting") arrives: the page keeps the newer news."""
    _lead, customer = _lead_online_and_a_customer_asking(new_page, fresh_kefu)  # lead stays online

    def answer_late(route: Route) -> None:
        answer = route.fetch()  # the hand-over is stored; the dispatcher gives it to the lead
        time.sleep(3)  # meanwhile the stream tells the page an agent joined
        route.fulfill(response=answer)

    customer.route("**/handover", answer_late)
    with customer.expect_response("**/handover") as handover:
        customer.click("#human")
    assert handover.value.json()["status"] == "queued"
    customer.wait_for_function("() => !document.querySelector('#human').disabled")
    assert customer.locator("#status").get_attribute("data-status") == "assigned"
    expect(customer.locator("#status")).to_have_text("人工客服已接入")
