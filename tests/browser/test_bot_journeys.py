"""Journeys through the bot: a known customer asks where the order is and gets the ETA card;
an admin adds a knowledge entry and the bot answers with it at once."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, PageFactory, log_in
from tests.browser.test_chat import send

HAMSTER_EN = "Can I bring my pet hamster into the North Canteen?"
HAMSTER_ANSWER_EN = "Small pets in a closed carrier are welcome in the North Canteen on Fridays."


def test_a_customer_asks_about_an_order_and_gets_the_eta_card(
    new_page: PageFactory, artifacts: Path
) -> None:
    page = new_page(viewport=PHONE)
    page.goto("/chat?lang=en&uid=stu-1001&name=Zhang%20Wei")
    send(page, "Where is my order?")
    card = page.locator(".msg--bot .order-card").first
    expect(card).to_be_visible()
    expect(card.locator(".order-card__eta")).not_to_be_empty()
    expect(card.locator(".order-card__head")).to_contain_text("#")
    page.screenshot(path=artifacts / "chat-order-eta.png")


def test_an_admin_adds_a_knowledge_entry_and_the_bot_answers_with_it_at_once(
    new_page: PageFactory, artifacts: Path
) -> None:
    admin = new_page()
    log_in(admin, "/admin?lang=en#knowledge", "admin@kefu.local")
    expect(admin.locator("#kb-list li").first).to_be_visible()
    admin.click("#kb-new")
    admin.fill("#kb-id", "pets-canteen")
    admin.fill("#kb-question-zh", "可以带宠物仓鼠进北区食堂吗？")
    admin.fill("#kb-question-en", HAMSTER_EN)
    admin.fill("#kb-answer-zh", "周五可以带装在封闭笼子里的小宠物进北区食堂。")
    admin.fill("#kb-answer-en", HAMSTER_ANSWER_EN)
    admin.fill("#kb-phrasings", "hamster in the canteen\n仓鼠 食堂")
    admin.select_option("#kb-category-pick", index=1)
    with admin.expect_response("**/api/v1/admin/knowledge") as created:
        admin.click("#kb-save")
    assert created.value.status == 201, created.value.text()
    expect(admin.locator('#kb-list [data-entry="pets-canteen"]')).to_be_visible()
    admin.screenshot(path=artifacts / "admin-knowledge.png")

    # Export, and the exported file imports back.
    with admin.expect_download() as download:
        admin.click("#kb-export")
    exported = artifacts / "knowledge-export.yaml"
    download.value.save_as(exported)
    assert "pets-canteen" in exported.read_text(encoding="utf-8")
    with admin.expect_response("**/api/v1/admin/knowledge/import?format=yaml") as imported:
        admin.set_input_files("#kb-import", str(exported))
    assert imported.value.status == 200, imported.value.text()

    customer = new_page()
    customer.goto("/chat?lang=en")
    send(customer, HAMSTER_EN)
    expect(customer.locator(".msg--bot .msg__text", has_text=HAMSTER_ANSWER_EN)).to_be_visible()
