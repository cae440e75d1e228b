"""A tutor takes an apprentice to gateway in Chromium: blockers in words, a refused move, each
requirement ticked with its evidence and one unticked again, all in place by htmx, then the
move itself."""

import pytest
from sqlmodel import Session

from app.gateway.readiness import LABELS, REQUIREMENTS
from tests.browser.test_review import signed_in
from tests.factories import sign_off
from tests.gateway.world import KSBS, World, make_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(session: Session) -> World:
    world = make_world(session)
    for code in KSBS:
        sign_off(session, world.a.apprenticeship, code, world.a.tutor)
    session.commit()
    return world


def status(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("#gateway-status").get_attribute("data-ready"))


def ticked(page, requirement: str) -> str:  # type: ignore[no-untyped-def]
    row = page.locator(f"#gateway-checklist tr[data-requirement={requirement}]")
    return str(row.get_attribute("data-ticked"))


def test_a_tutor_takes_an_apprentice_to_gateway(browser, live_server: str, world: World) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page = signed_in(browser, live_server, world.a.tutor.email)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"/portfolio/{world.a.apprenticeship.id}/gateway")
    assert status(page) == "no"
    blockers = page.locator("#gateway-blockers li").all_inner_texts()
    assert len(blockers) == len(REQUIREMENTS)  # every KSB is signed off: only the ticks miss
    # Everything below swaps the checklist in place: a full load would lose this marker.
    page.evaluate("window.stillHere = true")

    page.get_by_role("button", name="Move to gateway").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "gateway" in alert.inner_text().lower()
    assert status(page) == "no"

    title = world.a.evidence.title
    for requirement in REQUIREMENTS:
        page.get_by_label(f"Evidence for: {LABELS[requirement]}").select_option(index=1)
        page.locator(f"tr[data-requirement={requirement}]").get_by_role(
            "button", name="Tick"
        ).click()
        page.locator(f"tr[data-requirement={requirement}][data-ticked=yes]").wait_for()
        row = page.locator(f"tr[data-requirement={requirement}]")
        assert title in row.inner_text()
    assert status(page) == "yes"

    untick = page.locator("tr[data-requirement=maths]").get_by_role("button", name="Untick")
    untick.click()
    page.locator("tr[data-requirement=maths][data-ticked=no]").wait_for()
    assert status(page) == "no"
    assert page.locator("#gateway-blockers li").all_inner_texts() == ["No maths evidence"]
    page.get_by_label(f"Evidence for: {LABELS['maths']}").select_option(index=1)
    page.locator("tr[data-requirement=maths]").get_by_role("button", name="Tick").click()
    page.locator("tr[data-requirement=maths][data-ticked=yes]").wait_for()

    page.get_by_role("button", name="Move to gateway").click()
    page.locator("#gateway-status[data-ready=gateway]").wait_for()
    assert page.get_by_role("button", name="Move to gateway").count() == 0
    assert page.get_by_role("button", name="Untick").count() == 0
    assert page.evaluate("window.stillHere") is True
    page.reload()
    assert status(page) == "gateway" and ticked(page, "english") == "yes"
    # Chromium logs the refused move's 409 as a failed load; nothing else may fail.
    assert errors == [
        "Failed to load resource: the server responded with a status of 409 (Conflict)"
    ]
