"""The insight page in headless Chromium: a supervisor opens a heat-map, drills into a cell
to the conversations behind it and exports them, with phones and names masked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory, log_in
from tests.e2e._kefu import KefuServer


def a_customer_gives_up_in_the_menu(server: KefuServer) -> str:
    started = httpx.post(
        f"{server.base_url}/api/v1/public/conversations",
        json={"name": "李小龙", "phone": "13900001234", "entry_point": "order_page"},
    ).json()
    conversation, auth = (
        started["conversation_id"],
        {"Authorization": f"Bearer {started['customer_token']}"},
    )
    for action, node, level in (("open", "root", 0), ("click", "orders", 1), ("exit", "orders", 1)):
        response = httpx.post(
            f"{server.base_url}/api/v1/public/conversations/{conversation}/journey",
            json={"action": action, "node": node, "level": level},
            headers=auth,
        )
        assert response.status_code == 201, response.text
    httpx.post(f"{server.base_url}/api/v1/public/conversations/{conversation}/close", headers=auth)
    return str(conversation)


def test_a_supervisor_opens_a_heatmap_drills_into_a_cell_and_exports_it(
    new_page: PageFactory, kefu: KefuServer, tmp_path: Path
) -> None:
    conversation = a_customer_gives_up_in_the_menu(kefu)
    page = new_page(locale="zh-CN")
    log_in(page, "/insight", "lead@kefu.local")
    expect(page.locator("[data-indicator=menu_abandonment_rate]")).to_be_visible()
    expect(page.locator(".kefu-nav [data-nav=insight]")).to_have_class("active")

    now = datetime.now(ZoneInfo("Asia/Shanghai"))  # reports read local days and hours
    page.select_option("#heatmap-name", "hour_weekday")
    cell = page.locator(f"#heatmap td[data-cell='{now.weekday()}:{now.hour}']")
    expect(cell).not_to_have_text("")
    cell.click()
    drilled = page.locator("#drill-table")
    expect(drilled).to_contain_text(conversation)
    expect(drilled).to_contain_text("139****1234")
    expect(drilled).not_to_contain_text("13900001234")
    expect(drilled).to_contain_text("李*")

    with page.expect_download() as csv_download:
        page.click("#drill-export [data-export=csv]")
    saved = tmp_path / "drill.csv"
    csv_download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert conversation in text and "139****1234" in text
    assert "13900001234" not in text and "李小龙" not in text

    with page.expect_download() as xlsx_download:
        page.click("#heatmap-export [data-export=xlsx]")
    assert xlsx_download.value.suggested_filename == "insight-heatmap-hour_weekday.xlsx"

    # the same page in English: labels, not codes
    page.click(".kefu-nav [data-lang-toggle]")
    expect(page.locator("[data-indicator=menu_abandonment_rate]")).to_contain_text(
        "Menu abandonment"
    )
