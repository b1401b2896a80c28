"""The planning page in headless Chromium: a supervisor forecasts next week, sees the agents
it needs beside those rostered, asks what the 65,000-an-hour peak takes, plays a what-if and
finds the automation threshold on the cost curve."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import PageFactory, log_in


def test_a_supervisor_plans_the_peak_and_finds_the_automation_threshold(
    new_page: PageFactory, artifacts: Path
) -> None:
    page = new_page()
    log_in(page, "/planning?lang=en", "lead@kefu.local")
    expect(page.locator("#nav [data-nav=planning]")).to_have_class("active")

    # The forecast of the demo series draws with its band and reports the backtest.
    chart = page.locator("#forecast-chart svg")
    expect(chart.locator("[data-series=band]")).to_have_count(1)
    expect(chart.locator("[data-series=forecast]")).to_have_count(1)
    wape = float(page.locator("#forecast-wape").get_attribute("data-wape") or "nan")
    assert 0 < wape < 0.25
    expect(page.locator("#forecast-summary")).to_contain_text("promo ×")
    staffing = page.locator("#staffing-chart svg")
    expect(staffing.locator("[data-series=need]")).to_have_count(1)
    expect(staffing.locator("[data-series=rostered]")).to_have_count(1)
    # Twelve rostered agents fall short at the evening peak.
    assert int(staffing.get_attribute("data-short-intervals") or "0") > 0

    # The brief's question, one click.
    page.click("#peak-run")
    people = page.locator("#peak-result [data-scenario=all_human] [data-agents]")
    bot = page.locator("#peak-result [data-scenario=with_bot] [data-agents]")
    expect(bot).to_be_visible()
    assert int(bot.get_attribute("data-agents") or "0") < int(
        people.get_attribute("data-agents") or "0"
    )
    expect(page.locator("#peak-result [data-check=simulation]")).to_contain_text("%")

    # What if the bot goes down for an hour? The simulation runs with a progress bar.
    page.click("#sim-run")
    expect(page.locator("#sim-result")).to_have_attribute("data-runs", "1")
    baseline = page.locator("#sim-result [data-figure=service_level] .big")
    expect(page.locator("#sim-progress")).to_have_attribute("value", "1")
    calm = float(baseline.inner_text().rstrip("%"))
    page.select_option("#sim-scenario", "outage")
    page.click("#sim-run")
    expect(page.locator("#sim-result")).to_have_attribute("data-runs", "2")
    outage = float(
        page.locator("#sim-result [data-figure=service_level] .big").inner_text().rstrip("%")
    )
    assert outage < calm

    # The forecast's first day as arrivals: the evening peak shows in the hourly bars.
    page.select_option("#sim-scenario", "baseline")
    page.check("#sim-from-forecast")
    page.click("#sim-run")
    expect(page.locator("#sim-result")).to_have_attribute("data-runs", "3")
    expect(page.locator("#sim-chart rect")).to_have_count(8)

    # The cost curve marks the threshold; protected groups stay with people.
    expect(page.locator("#cost-chart [data-series=threshold]")).to_have_count(1)
    threshold = float(
        page.locator("#cost-tiers [data-threshold]").get_attribute("data-threshold") or "nan"
    )
    assert 0.3 < threshold < 1
    expect(page.locator("#cost-tiers")).to_contain_text("the elderly")
    page.screenshot(path=str(artifacts / "planning-en.png"), full_page=True)

    # Chinese, redrawn in place.
    page.click("[data-lang-toggle]")
    expect(page.locator("#peak h2")).to_have_text("峰值需要多少人？")
    expect(page.locator("#cost-tiers")).to_contain_text("自动化阈值")
    page.screenshot(path=str(artifacts / "planning-zh.png"), full_page=True)


def test_planning_is_linked_from_the_admin_pages_and_closed_to_agents(
    new_page: PageFactory,
) -> None:
    admin = new_page()
    log_in(admin, "/admin?lang=en", "admin@kefu.local")
    admin.click(".admin__tabs a[href='/planning']")
    expect(admin.locator("#forecast-chart svg")).to_be_visible()

    agent = new_page()
    log_in(agent, "/planning?lang=en", "lina@kefu.local")
    expect(agent.locator("#denied")).to_have_text("Planning is for supervisors and admins")
    expect(agent.locator("#forecast")).to_be_hidden()
