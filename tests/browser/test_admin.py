"""Admin pages: users and roles, retention, hand-over rules, queues; the shared navigation
leads to the wall-board; an agent is kept out."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import PageFactory, log_in


def test_an_admin_adds_a_user_and_sets_retention(new_page: PageFactory, artifacts: Path) -> None:
    admin = new_page()
    log_in(admin, "/admin?lang=en#users", "admin@kefu.local")
    expect(admin.locator('#users [data-user="lina@kefu.local"]')).to_be_visible()
    admin.fill("#user-email", "mei@kefu.local")
    admin.fill("#user-name", "美 Mei <script>")
    admin.fill("#user-password", "a-long-password")
    admin.fill("#user-skills", "refunds, orders")
    admin.click("#user-form button[type=submit]")
    row = admin.locator('#users [data-user="mei@kefu.local"]')
    expect(row).to_contain_text("美 Mei <script>")
    admin.screenshot(path=artifacts / "admin-users.png")

    admin.click('[data-section="retention"]')
    admin.fill("#retention-transcript", "90")
    with admin.expect_response("**/api/v1/admin/settings/retention") as saved:
        admin.click("#retention-form button[type=submit]")
    assert saved.value.status == 200
    admin.reload()
    expect(admin.locator("#retention-transcript")).to_have_value("90")
    admin.screenshot(path=artifacts / "admin-retention.png")

    # The new colleague can log in to the workspace.
    mei = new_page()
    log_in(mei, "/agent?lang=en", "mei@kefu.local", "a-long-password")
    expect(mei.locator("#workspace")).to_be_visible()


def test_rules_and_queues_pages_show_the_settings(new_page: PageFactory, artifacts: Path) -> None:
    admin = new_page()
    log_in(admin, "/admin?lang=en#rules", "lead@kefu.local")
    repeat = admin.locator('#content input[name="repeat_limit"]')
    expect(repeat).to_be_visible()
    repeat.fill("4")
    with admin.expect_response("**/api/v1/admin/bot/rules") as saved:
        admin.click("#content form button[type=submit]")
    assert saved.value.status == 200, saved.value.text()
    admin.reload()
    expect(admin.locator('#content input[name="repeat_limit"]')).to_have_value("4")
    admin.screenshot(path=artifacts / "admin-rules.png")

    admin.click('[data-section="queues"]')
    orders = admin.locator('[data-queue="orders"]')
    expect(orders).to_be_visible()
    orders.locator("input").first.fill("orders, refunds")
    with admin.expect_response("**/api/v1/admin/queues/orders") as put:
        orders.locator("button[type=submit]").click()
    assert put.value.status == 200, put.value.text()
    admin.screenshot(path=artifacts / "admin-queues.png")

    admin.click('.kefu-nav a[data-nav="board"]')
    admin.wait_for_url("**/board")


def test_an_agent_cannot_use_the_admin_pages(new_page: PageFactory) -> None:
    page = new_page()
    log_in(page, "/admin?lang=en", "wei@kefu.local")
    expect(page.locator("#content")).to_have_text("This needs a supervisor or admin account")
