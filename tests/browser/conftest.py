"""Browser tests: headless Debian Chromium driven by Playwright against a real `kefu serve
--demo` process. Screenshots of every page go to $KEFU_TEST_ARTIFACTS (default
test-artifacts/)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e._kefu import DEMO_PASSWORD, KefuServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1360, "height": 860}
# Waiting for something a person would see: generous, because CI machines are shared.
SEE_MS = 15_000
expect.set_options(timeout=SEE_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    server: KefuServer | None = getattr(item.session, "_kefu_browser_server", None)
    if report.failed and server is not None:
        report.sections.append(("kefu server log", server.log_tail()))
    return report


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = Path(os.environ.get("KEFU_TEST_ARTIFACTS", "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def kefu(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KefuServer]:
    """One demo server (SQLite) for the browser tests; each test makes its own chats."""
    workdir = tmp_path_factory.mktemp("browser-server")
    server = KefuServer(
        name="browser",
        database=f"sqlite:///{workdir / 'kefu.db'}",
        workdir=workdir,
        demo=True,
        extra_env={"KEFU_BOT_ENABLED": "true"},  # the journeys go through the bot
    )
    request.session._kefu_browser_server = server  # type: ignore[attr-defined]
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Per test on purpose: Playwright's sync API keeps an event loop running in this thread
    while it is started, which would break later tests that call asyncio.run()."""
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian chromium at /usr/bin/chromium (apt install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def fresh_kefu(tmp_path: Path) -> Iterator[KefuServer]:
    """A server of its own for journeys that depend on who is online and how busy they are
    (the shared server's team carries earlier tests' work)."""
    server = KefuServer(
        name="fresh",
        database=f"sqlite:///{tmp_path / 'kefu.db'}",
        workdir=tmp_path,
        demo=True,
        extra_env={"KEFU_BOT_ENABLED": "true"},
    )
    server.start()
    try:
        yield server
    finally:
        server.close()


PageFactory = Callable[..., Any]


@pytest.fixture
def new_page(browser: Any, kefu: KefuServer) -> Iterator[PageFactory]:
    """`new_page(viewport=PHONE, locale="en-GB", server=None)`: a page in its own browser
    context (its own storage, like another person's browser), on the shared server unless
    another is given. JavaScript errors fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(
        viewport: dict[str, int] | None = None,
        locale: str = "en-GB",
        server: KefuServer | None = None,
    ) -> Any:
        context = browser.new_context(
            viewport=viewport or DESKTOP, locale=locale, base_url=(server or kefu).base_url
        )
        context.set_default_timeout(SEE_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors in the page: {errors}"


def log_in(page: Any, path: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(path)
    page.fill("#login-email", email)
    page.fill("#login-password", password)
    page.click("#login-form button[type=submit]")
