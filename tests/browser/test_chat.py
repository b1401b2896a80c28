"""The customer's chat: text stays text, a dropped connection loses and repeats nothing, it
fits a phone, and the one-tag widget opens it on any site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, PageFactory
from tests.e2e._kefu import KefuServer

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><b>bold</b>'


def session_of(page: Any) -> dict[str, str]:
    page.wait_for_function("() => sessionStorage.getItem('kefu.chat.session') !== null")
    return dict(page.evaluate("() => JSON.parse(sessionStorage.getItem('kefu.chat.session'))"))


def send(page: Any, text: str) -> None:
    page.fill("#input", text)
    page.press("#input", "Enter")


def test_a_message_containing_html_shows_as_text(new_page: PageFactory, artifacts: Path) -> None:
    page = new_page()
    page.goto("/chat?lang=en")
    send(page, HOSTILE)
    mine = page.locator(".msg--customer[data-seq] .msg__text")
    expect(mine).to_have_text(HOSTILE)
    assert page.locator("#log b, #log img, #log script").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    page.screenshot(path=artifacts / "chat.png")


def test_a_dropped_connection_loses_and_repeats_nothing(
    new_page: PageFactory, kefu: KefuServer
) -> None:
    page = new_page()
    page.goto("/chat?lang=en")
    send(page, "first")
    expect(page.locator(".msg--customer[data-seq]")).to_have_count(1)
    session = session_of(page)
    page.evaluate("() => window.kefuChat.dropConnection()")
    # While the page is offline, two messages arrive from elsewhere (another tab, say).
    request = page.context.request
    for n in (2, 3):
        response = request.post(
            f"/api/v1/public/conversations/{session['conversation_id']}/messages",
            data={"text": f"while away {n}", "client_id": f"away-{n}"},
            headers={"Authorization": f"Bearer {session['customer_token']}"},
        )
        assert response.status == 201, response.text()
    expect(page.locator(".msg--customer[data-seq]")).to_have_count(3)
    send(page, "after")
    expect(page.locator(".msg--customer[data-seq]")).to_have_count(4)

    texts = page.locator(".msg--customer[data-seq] .msg__text").all_inner_texts()
    assert texts == ["first", "while away 2", "while away 3", "after"]
    seqs = [
        int(s)
        for s in page.locator(".msg[data-seq]").evaluate_all("els => els.map(e => e.dataset.seq)")
    ]
    assert seqs == sorted(set(seqs))
    assert page.locator(".msg--pending, .msg--failed").count() == 0


def test_the_chat_fits_a_phone(new_page: PageFactory, artifacts: Path) -> None:
    page = new_page(viewport=PHONE, locale="zh-CN")
    page.goto("/chat")
    expect(page.locator("#human")).to_have_text("转人工")
    send(page, "手机上也能聊天吗？")
    expect(page.locator(".msg--customer[data-seq]")).to_have_count(1)
    box = page.locator("#send").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=artifacts / "chat-phone.png")
    page.click("#lang")
    expect(page.locator("#human")).to_have_text("Talk to a human")
    expect(page.locator("#input")).to_have_attribute("placeholder", "Type your question…")


def test_one_script_tag_adds_the_widget_to_any_page(
    new_page: PageFactory, kefu: KefuServer, artifacts: Path
) -> None:
    page = new_page()
    page.goto("/healthz")  # any page of another site would do
    page.set_content(
        "<h1>Campus Eats</h1>"
        f'<script src="{kefu.base_url}/widget.js" data-lang="en" data-entry="order_page"></script>'
    )
    button = page.locator("#kefu-widget-button")
    expect(button).to_have_text("Chat with us")
    button.click()
    chat = page.frame_locator("#kefu-widget-frame")
    chat.locator("#input").fill("hello from the widget")
    chat.locator("#input").press("Enter")
    expect(chat.locator(".msg--customer[data-seq] .msg__text")).to_have_text(
        "hello from the widget"
    )
    page.screenshot(path=artifacts / "widget.png")
    chat.locator("#close-embed").click()
    expect(page.locator("#kefu-widget-frame")).to_be_hidden()


def test_suggested_questions_and_the_menu_lead_to_answers(new_page: PageFactory) -> None:
    page = new_page()
    page.goto("/chat?lang=en")
    send(page, "hi")
    # The bot's answer to "hi" (not the welcome drawn before it, whose chips the customer's
    # message disables) offers questions to ask.
    answer = page.locator(".msg--customer[data-seq] ~ .msg--bot[data-seq]")
    chip = answer.locator(".chip.suggestion:enabled").first
    expect(chip).to_be_visible(timeout=30_000)
    question = chip.inner_text()
    offered_in = chip.locator("xpath=ancestor::div[@data-seq]").get_attribute("data-seq")
    chip.click()
    # The question goes out as the customer's message, and the bot answers it.
    expect(page.locator(".msg--customer[data-seq] .msg__text").last).to_have_text(question)
    expect(page.locator(".msg[data-seq]").last).to_have_attribute("data-sender", "bot")
    expect(page.locator(f'.msg[data-seq="{offered_in}"] .chip').first).to_be_disabled()

    page.click("#menu-btn")
    category = page.locator("#menu .chip.choice").first
    expect(category).to_be_visible()
    with page.expect_response("**/journey") as step:
        category.click()
    assert step.value.status == 201, step.value.text()
    expect(page.locator("#menu .chat-menu__path")).not_to_have_text("Common questions")
    entry = page.locator("#menu .chip.choice").first
    label = entry.inner_text()
    entry.click()
    expect(page.locator("#menu .chat-menu__question")).to_have_text(label)
    expect(page.locator("#menu .chat-menu__answer")).not_to_be_empty()
    page.click("#menu [data-menu-back]")
    expect(page.locator("#menu .chat-menu__question")).to_have_count(0)
