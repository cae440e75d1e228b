"""A tutor refers an item back, the apprentice resubmits it, the tutor accepts it and signs a
KSB off in the grid (in place, by htmx), and the apprentice's coverage shows it: in Chromium."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session, select

from app.models import KsbClaim, id_of
from app.progress.summaries import refresh_summaries
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_evidence,
    make_provider,
    make_standard,
    make_user,
)
from tests.web_client import PASSWORD

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Setup:
    tutor_email: str
    apprentice_email: str
    apprenticeship_id: int
    item_id: int


@pytest.fixture
def setup(session: Session) -> Setup:
    standard = make_standard(session, ("K1", "K2", "S1", "B1"), {"D1": ("K1", "S1")})
    provider = make_provider(session)
    employer = make_employer(session, provider)
    tutor = make_user(session, provider, "tutor", password=PASSWORD)
    apprentice = make_user(session, employer, "apprentice", password=PASSWORD)
    apprenticeship = make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,
        apprentice=apprentice,
        tutor=tutor,
        start=date(2025, 9, 1),
        planned_end=date(2027, 9, 1),
    )
    item = make_evidence(
        session, apprenticeship=apprenticeship, state="submitted", claims={"K1": "claimed"}
    )
    item.title, item.reflection = "Fixed the payroll login fault", "I renewed the certificate."
    claim = session.exec(select(KsbClaim).where(KsbClaim.evidence_id == item.id)).one()
    claim.justification = "I explained the fault to the user."
    session.add_all([item, claim])
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
    session.commit()
    return Setup(tutor.email, apprentice.email, id_of(apprenticeship), id_of(item))


def signed_in(browser, live_server: str, email: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    return page


def signed_off_count(page) -> int:  # type: ignore[no-untyped-def]
    cells = page.locator("#coverage-kinds-table td[data-state=signed_off]").all_inner_texts()
    return sum(int(text) for text in cells)


def test_refer_resubmit_accept_and_sign_off(browser, live_server: str, setup: Setup) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    tutor = signed_in(browser, live_server, setup.tutor_email)
    tutor.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))

    # The tutor refers the item back from the queue, with feedback.
    tutor.goto("/review/queue")
    tutor.get_by_role("link", name="Fixed the payroll login fault").click()
    tutor.get_by_role("button", name="Refer back").click()
    assert "Write feedback" in tutor.locator("#feedback-error").inner_text()  # htmx, 422
    tutor.get_by_label("Feedback for the apprentice").fill("Please add the change log.")
    tutor.get_by_role("button", name="Refer back").click()
    tutor.wait_for_url(f"**/evidence/{setup.item_id}")
    assert tutor.locator("#item-state").inner_text() == "Referred back"

    # The apprentice reads the feedback, edits the item and submits it again.
    apprentice = signed_in(browser, live_server, setup.apprentice_email)
    apprentice.goto(f"/evidence/{setup.item_id}")
    assert "Please add the change log." in apprentice.locator("#feedback").inner_text()
    apprentice.get_by_role("button", name="Edit").click()
    reflection = apprentice.get_by_role("textbox", name="Reflective account")
    reflection.fill("I renewed the certificate. Change log: CHG-1042.")
    apprentice.get_by_role("button", name="Submit for review").click()
    apprentice.wait_for_url(f"**/evidence/{setup.item_id}")
    assert apprentice.locator("#item-state").inner_text() == "Waiting for review"

    # The tutor accepts it, then signs K1 off in the grid: the row changes in place.
    tutor.goto(f"/evidence/{setup.item_id}/review")
    assert "CHG-1042" in tutor.locator("main").inner_text()
    tutor.get_by_role("button", name="Accept").click()
    tutor.wait_for_url(f"**/evidence/{setup.item_id}")
    assert tutor.locator("#item-state").inner_text() == "Accepted"
    tutor.goto(f"/portfolio/{setup.apprenticeship_id}/signoffs")
    grid_url = tutor.url
    tutor.get_by_role("button", name="Sign off K1").click()
    row = tutor.locator("#ksb-K1")
    row.locator("text=Signed off by").wait_for()
    assert row.get_attribute("data-state") == "signed_off"
    assert tutor.url == grid_url  # updated in place, no page load

    # The apprentice's coverage shows the sign-off.
    apprentice.goto("/portfolio")
    assert signed_off_count(apprentice) == 1
    # The one refused form (422) is logged by Chromium as a failed load; nothing else may be.
    assert [e for e in errors if "status of 422" not in e] == []
