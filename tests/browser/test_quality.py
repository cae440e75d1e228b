"""Quality staff sample a tutor's decision in Chromium: from the list to the decision, a refused
sample that keeps what was chosen, the recorded sample, and the tutor's rates on the chart."""

import pytest
from sqlmodel import Session

from tests.browser.test_review import signed_in
from tests.factories import make_decision
from tests.gateway.world import World, make_world

pytestmark = pytest.mark.browser
RATES = ("sample_rate", "disagreement_rate")


@pytest.fixture
def world(session: Session) -> World:
    world = make_world(session)
    make_decision(session, world.a.evidence, world.a.tutor, "referred", "Say what you changed.")
    session.commit()
    return world


def test_iqa_samples_a_decision(browser, live_server: str, world: World) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page = signed_in(browser, live_server, world.a.iqa.email)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.get_by_role("link", name="Quality sampling").click()
    rows = page.locator("#decision-list tbody tr")
    assert rows.count() == 1  # provider B's decisions are not theirs to sample
    assert "Not sampled" in rows.first.inner_text()

    page.get_by_role("link", name=world.a.evidence.title).click()
    assert page.locator("#feedback").inner_text() == "Say what you changed."
    page.get_by_role("radio", name="Disagree").check()
    page.get_by_role("button", name="Record sample").click()
    assert "Say why you disagree" in page.get_by_role("alert").inner_text()
    assert page.locator("#comment").get_attribute("aria-invalid") == "true"
    assert page.get_by_role("radio", name="Disagree").is_checked()  # what was chosen is kept

    page.get_by_label("Comment (needed if you disagree)").fill("The feedback does not say why.")
    page.get_by_role("button", name="Record sample").click()
    sample = page.locator("#sample")
    assert sample.get_attribute("data-verdict") == "disagree"
    assert "The feedback does not say why." in sample.inner_text()

    page.goto("/iqa/decisions")
    assert "Disagreed" in page.locator("#decision-list tbody tr").first.inner_text()
    page.goto("/iqa/sampling")
    tutor_row = page.locator(f"#sampling-table tr[data-tutor='{world.a.tutor.id}']")
    rates = [tutor_row.locator(f"td[data-col={col}]").inner_text() for col in RATES]
    assert rates == ["100%", "100%"]  # their one decision, sampled and disagreed with
    assert world.a.tutor.name in (page.locator("#sampling-chart desc").text_content() or "")
    # Chromium logs the refused sample's 422 as a failed load; nothing else may fail.
    assert errors == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
