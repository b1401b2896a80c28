"""An agent sees people and labels, never codes: after a hand-over the lists name the
customer, and the hand-over reason, intent, status and emotion show in Chinese or English,
with no snake_case code (`customer_request`, `delivery_late`…) anywhere on the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PageFactory, log_in
from tests.browser.test_chat import send, session_of
from tests.e2e._kefu import KefuServer

# A code value as the server stores it: lower-case words joined by underscores.
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def codes_on(page: Any) -> list[str]:
    """The snake_case codes in the visible text of the page, tab by tab of the side panel."""
    found: list[str] = []
    for tab in ("card", "customer", "assist", "canned"):
        page.click(f'.tabs [data-tab="{tab}"]')
        expect(page.locator(f"#tab-{tab}")).to_be_visible()
        found += CODE.findall(page.inner_text("body"))
    page.click('.tabs [data-tab="card"]')
    return found


REASON_CODE = re.compile(r"^(customer_request|negative_emotion)$")
REASON_LABEL = re.compile(r"顾客要求人工|顾客情绪激动")


def test_after_a_hand_over_the_agent_sees_the_customer_s_name_and_labels_not_codes(
    new_page: PageFactory, artifacts: Path, fresh_kefu: KefuServer
) -> None:
    agent = new_page(server=fresh_kefu, locale="zh-CN")
    log_in(agent, "/agent", "lina@kefu.local")
    expect(agent.locator("#workspace")).to_be_visible()
    with agent.expect_response("**/api/v1/agent/me/presence"):
        agent.select_option("#presence", "online")

    customer = new_page(server=fresh_kefu, locale="zh-CN")
    customer.goto("/chat?name=王小明&entry=order_page")
    send(customer, "我的外卖超时一个小时了还没到，太气人了！")
    expect(customer.locator(".msg--customer[data-seq]")).to_have_count(1)
    customer.click("#human")
    expect(customer.locator("#status")).to_have_text("人工客服已接入")
    conversation_id = session_of(customer)["conversation_id"]

    # The list names the customer, not a piece of the conversation id.
    item = agent.locator(f'#list-mine [data-conversation="{conversation_id}"]')
    expect(item.locator(".conv-item__title")).to_contain_text("王小明")
    expect(item).not_to_contain_text(f"#{conversation_id[-6:]}")
    # An angry customer with a late order may be handed over by the bot before the button.
    expect(item.locator(".conv-item__sub")).to_contain_text(REASON_LABEL)
    expect(item.locator(".conv-item__sub")).to_contain_text("订单页")
    expect(item.locator("[data-badge=status]")).to_have_text("服务中")
    item.click()

    # The header names the customer as the list does: in full, Lina handles the conversation
    # (anyone else looking at it sees 王**).
    expect(agent.locator("#conv-title")).to_contain_text("王小明")
    expect(agent.locator("#conv-title")).not_to_contain_text(conversation_id[-6:])
    reason = agent.locator('#tab-card [data-card="handover_reason"]')
    expect(reason).to_have_attribute("data-code", REASON_CODE)
    expect(reason).to_have_text(REASON_LABEL)
    # The intent the bot recognised is chosen among labelled intents.
    intent = agent.locator('#tab-card select[name="intent"] option:checked')
    expect(intent).not_to_have_text(CODE)
    assert codes_on(agent) == []
    agent.screenshot(path=artifacts / "agent-labels-zh.png")

    # The same in English.
    agent.click("#nav [data-lang-toggle]")
    expect(reason).to_have_text(re.compile("Customer asked for a person|Customer is upset"))
    expect(item.locator("[data-badge=status]")).to_have_text("Assigned")
    expect(item.locator(".conv-item__sub")).to_contain_text("Order page")
    assert codes_on(agent) == []
    agent.screenshot(path=artifacts / "agent-labels-en.png")
