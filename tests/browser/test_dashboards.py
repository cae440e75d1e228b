"""An employer filters the dashboard in Chromium: htmx swaps the table, the URL keeps the filter,
and a heatmap cell opens that apprentice's evidence for the KSB."""

import pytest
from sqlmodel import Session

from tests.dashboards.world import DashWorld, make_dash_world
from tests.web_client import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def world(session: Session) -> DashWorld:
    return make_dash_world(session)


def sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def row_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("#cohort-table tbody th > a:first-child").all_inner_texts()


def test_an_employer_filters_by_rating_without_a_reload(  # type: ignore[no-untyped-def]
    page, world: DashWorld
) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    sign_in(page, world.manager.email)
    page.goto("/dashboard")
    assert row_names(page) == ["Alice Able", "Bob Behind"]
    page.evaluate("window.__same_page = true")  # survives only if the page is not reloaded

    with page.expect_response(lambda r: "/dashboard?" in r.url):
        page.get_by_label("Rating").select_option("red")
    page.wait_for_function("document.querySelectorAll('#cohort-table tbody tr').length === 1")
    assert row_names(page) == ["Bob Behind"]
    assert "rag=red" in page.url
    assert page.evaluate("window.__same_page") is True

    page.reload()  # the bookmark: a full GET of the pushed URL renders the filtered page
    assert row_names(page) == ["Bob Behind"]
    assert page.get_by_label("Rating").input_value() == "red"
    assert errors == []


def test_a_heatmap_cell_opens_the_evidence_for_that_ksb(  # type: ignore[no-untyped-def]
    page, world: DashWorld
) -> None:
    alice = world.apprenticeships["Alice Able"]
    sign_in(page, world.manager.email)
    page.goto("/dashboard")
    page.get_by_role("link", name="See every KSB (heatmap)").click()
    page.wait_for_url("**/dashboard/heatmap")
    page.locator(
        f'tr[data-apprenticeship="{alice.id}"] a[aria-label="K2: claimed, awaiting review"]'
    ).click()
    page.wait_for_url(f"**/portfolio/{alice.id}/ksbs/K2")
    assert "K2" in page.locator("h1").inner_text()


def test_at_risk_reasons_stay_readable_on_a_phone(  # type: ignore[no-untyped-def]
    page, world: DashWorld
) -> None:
    """At 360 px the table scrolls sideways rather than squeezing each reason into a column of
    single words."""
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, world.admin.email)
    page.goto("/provider")
    reason = page.locator("#at-risk-table td[data-reason]").first
    box = reason.bounding_box()
    assert box is not None and box["width"] >= 250 and box["height"] < 150
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The caption's words sit on screen, not centred across the scrolled width.
    words_right = page.evaluate("""() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector('#at-risk-table caption'));
        return Math.max(...[...range.getClientRects()].map(r => r.right));
    }""")
    assert words_right <= 360
