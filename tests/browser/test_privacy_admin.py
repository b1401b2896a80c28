"""An admin exports one customer's data, erases it, and reads both in the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.request import Request, urlopen

from playwright.sync_api import expect

from tests.browser.conftest import PageFactory, log_in
from tests.e2e._kefu import KefuServer


def _customer(server: KefuServer, external_id: str) -> None:
    def post(path: str, body: dict[str, object], token: str | None = None) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = Request(server.base_url + path, json.dumps(body).encode(), headers)
        with urlopen(request, timeout=10) as response:
            data: dict[str, str] = json.loads(response.read())
        return data

    started = post(
        "/api/v1/public/conversations",
        {"external_id": external_id, "name": "隐私 测试", "phone": "13900001111"},
    )
    post(
        f"/api/v1/public/conversations/{started['conversation_id']}/messages",
        {"text": "请删除我的资料"},
        started["customer_token"],
    )


def test_an_admin_exports_and_erases_a_customer_from_the_admin_page(
    new_page: PageFactory, kefu: KefuServer, artifacts: Path
) -> None:
    _customer(kefu, "privacy-9001")
    admin = new_page()
    log_in(admin, "/admin?lang=en#privacy", "admin@kefu.local")
    admin.fill("#privacy-uid", "privacy-9001")
    admin.click("#privacy-export")
    result = admin.locator("#privacy-result")
    expect(result).to_contain_text("13900001111")
    expect(result).to_contain_text("请删除我的资料")
    admin.screenshot(path=artifacts / "admin-privacy-export.png")

    admin.click("#privacy-erase")
    with admin.expect_response("**/api/v1/admin/customers/privacy-9001") as erased:
        admin.click("#privacy-erase-confirm")
    assert erased.value.status == 200
    expect(result).to_contain_text("erased from 1 conversations")
    admin.click("#privacy-export")
    expect(admin.locator("#content .error")).to_contain_text("no customer")

    admin.click('[data-section="audit"]')
    expect(admin.locator('#audit [data-audit-action="customer.erased"]')).to_contain_text(
        "privacy-9001"
    )
    expect(admin.locator('#audit [data-audit-action="customer.exported"]').first).to_be_visible()
    admin.screenshot(path=artifacts / "admin-audit.png")
