"""An apprentice adds evidence in Chromium: a file, two claims, submitted; coverage goes up."""

from datetime import date

import pytest
from sqlmodel import Session

from tests.evidence import samples
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_provider,
    make_standard,
    make_user,
)
from tests.web_client import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def apprentice_email(session: Session) -> str:
    standard = make_standard(session, ("K1", "K2", "S1", "S2", "B1"), {"D1": ("K1", "S1")})
    provider = make_provider(session)
    employer = make_employer(session, provider)
    tutor = make_user(session, provider, "tutor")
    apprentice = make_user(session, employer, "apprentice", password=PASSWORD)
    make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,
        apprentice=apprentice,
        tutor=tutor,
        start=date(2025, 9, 1),
        planned_end=date(2027, 9, 1),
    )
    session.commit()
    return apprentice.email


def claimed_count(page) -> int:  # type: ignore[no-untyped-def]
    cells = page.locator("#coverage-kinds-table td[data-state=claimed]").all_inner_texts()
    return sum(int(text) for text in cells)


def test_an_apprentice_adds_and_submits_evidence_and_coverage_moves(  # type: ignore[no-untyped-def]
    page, apprentice_email: str
) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto("/login")
    page.get_by_label("Email").fill(apprentice_email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    # The login's session row commits only after its redirect has been sent (the shared session
    # dependency's scope), so the first /portfolio can race it; open the home afresh.
    page.goto("/portfolio")
    assert claimed_count(page) == 0

    page.get_by_role("button", name="Add evidence").click()
    page.get_by_label("Title").fill("Fixed the payroll login fault")
    page.get_by_label("Date it happened").fill("2026-03-02")
    page.get_by_label("Kind of evidence").select_option("document")
    reflection = page.get_by_role("textbox", name="Reflective account")
    reflection.fill("I traced the fault to an expired certificate.")
    page.set_input_files(
        "#files-input",
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}],
    )
    assert "plan.pdf" in page.locator("[data-file-list]").inner_text()
    page.get_by_label("Find a KSB").fill("K1")
    assert page.locator("#claim-S1").is_hidden()  # the search narrows the checklist
    page.locator("#claim-K1").check()
    page.get_by_label("How this evidence shows K1").fill("I explained the fault to the user.")
    page.get_by_label("Find a KSB").fill("")
    page.locator("#claim-S1").check()
    page.get_by_label("How this evidence shows S1").fill("I renewed the certificate myself.")
    page.get_by_role("button", name="Submit for review").click()

    page.wait_for_url("**/evidence/*")
    assert page.locator("#item-state").inner_text() == "Waiting for review"
    assert page.get_by_role("link", name="plan.pdf").is_visible()
    page.get_by_role("link", name="Your portfolio").click()
    page.wait_for_url("**/portfolio")
    assert claimed_count(page) == 2
    assert errors == []
