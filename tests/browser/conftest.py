"""Browser fixtures: the app served by uvicorn on a free port, driven by Debian's Chromium."""

import os
import shutil
from collections.abc import Iterator

import pytest

from app.main import create_app
from app.settings import Settings
from tests.live_server import live_server as serve

CHROMIUM = os.environ.get("PORTFOLIO_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("PORTFOLIO_REQUIRE_BROWSER") == "1"
# No network here: keep Chromium from reaching out, and never download a browser.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing_browser_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not shutil.which(CHROMIUM):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    reason = _missing_browser_reason()
    if reason and REQUIRE_BROWSER:
        pytest.fail(f"{reason} (PORTFOLIO_REQUIRE_BROWSER=1)", pytrace=False)
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The app on a real socket in a background thread, for the browser to talk to."""
    with serve(create_app(settings)) as origin:
        yield origin


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    context = browser.new_context(base_url=live_server)  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()
