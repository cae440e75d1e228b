"""The page shell in a real Chromium: htmx loads from the app itself, the CSP holds."""

import pytest

from app.web.templating import HTMX_VERSION

pytestmark = pytest.mark.browser


def test_home_page_runs_vendored_htmx_without_csp_errors(page) -> None:  # type: ignore[no-untyped-def]
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "KSB Portfolio"
    assert page.evaluate("window.htmx && window.htmx.version") == HTMX_VERSION
    assert console_errors == []
