"""The portfolio home: coverage charts with tables, what is missing, items waiting, progress."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Apprenticeship, ReviewDecision, User
from app.models.base import id_of
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_evidence,
    make_provider,
    make_standard,
    make_user,
    sign_off,
)
from tests.html_page import Node, parse
from tests.web_client import PASSWORD, sign_in


@dataclass(frozen=True)
class Portfolio:
    apprentice: User
    tutor: User
    apprenticeship: Apprenticeship


@pytest.fixture
def portfolio(session: Session) -> Portfolio:
    """K1 signed off, S1 evidenced, K2 claimed (waiting), B1 claimed only on a referred item."""
    standard = make_standard(session)  # K1, K2, S1, B1; D1 = K1+S1, D2 = K2+B1
    provider = make_provider(session)
    employer = make_employer(session, provider)
    tutor = make_user(session, provider, "tutor", password=PASSWORD)
    apprentice = make_user(session, employer, "apprentice", password=PASSWORD)
    today = date.today()
    apprenticeship = make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,
        apprentice=apprentice,
        tutor=tutor,
        start=today - timedelta(days=365),
        planned_end=today + timedelta(days=365),
    )
    make_evidence(
        session,
        apprenticeship=apprenticeship,
        state="accepted",
        claims={"K1": "confirmed", "S1": "confirmed"},
    )
    make_evidence(
        session, apprenticeship=apprenticeship, state="submitted", claims={"K2": "claimed"}
    )
    referred = make_evidence(
        session, apprenticeship=apprenticeship, state="referred", claims={"B1": "claimed"}
    )
    session.add(
        ReviewDecision(
            evidence_id=id_of(referred),
            reviewer_id=id_of(tutor),
            outcome="referred",
            feedback="Add what you did yourself.",
        )
    )
    sign_off(session, apprenticeship, "K1", tutor)
    session.commit()
    return Portfolio(apprentice, tutor, apprenticeship)


def home(client: TestClient, portfolio: Portfolio) -> Node:
    sign_in(client, portfolio.apprentice.email)
    response = client.get("/portfolio")
    assert response.status_code == 200
    return parse(response.text)


def row_counts(table: Node, key: str, value: str) -> dict[str, str]:
    row = table.find("tr", **{key: value})
    return {
        cell.attrs["data-state"]: cell.text
        for cell in row.find_all("td")
        if "data-state" in cell.attrs
    }


def test_coverage_by_kind_is_a_chart_with_a_title_and_a_table(
    client: TestClient, portfolio: Portfolio
) -> None:
    page = home(client, portfolio)
    chart = page.find("svg", id="chart-kinds")
    assert chart.attrs["role"] == "img" and chart.find("title").text
    table = page.find("table", id="coverage-kinds-table")
    assert row_counts(table, "data_kind", "K") == {
        "signed_off": "1",
        "evidenced": "0",
        "claimed": "1",
        "not_started": "0",
    }
    assert row_counts(table, "data_kind", "S") == {
        "signed_off": "0",
        "evidenced": "1",
        "claimed": "0",
        "not_started": "0",
    }


def test_the_chart_draws_what_the_table_says(client: TestClient, portfolio: Portfolio) -> None:
    page = home(client, portfolio)
    bar = page.find("g", data_bar="K")
    drawn = {rect.attrs["data-state"]: rect.attrs["data-count"] for rect in bar.find_all("rect")}
    assert drawn == {"signed_off": "1", "claimed": "1"}


def test_coverage_by_duty_has_its_table(client: TestClient, portfolio: Portfolio) -> None:
    page = home(client, portfolio)
    assert page.find("svg", id="chart-duties").find("title").text
    table = page.find("table", id="coverage-duties-table")
    assert row_counts(table, "data_duty", "D1") == {
        "signed_off": "1",
        "evidenced": "1",
        "claimed": "0",
        "not_started": "0",
    }
    assert "Not yet" in table.find("tr", data_duty="D1").text


def test_what_is_missing_is_listed_with_links_to_each_ksb(
    client: TestClient, portfolio: Portfolio
) -> None:
    page = home(client, portfolio)
    not_started = [li.attrs["data-ksb"] for li in page.find(id="not-started").find_all("li")]
    unconfirmed = [li.attrs["data-ksb"] for li in page.find(id="unconfirmed").find_all("li")]
    assert (not_started, unconfirmed) == (["B1"], ["K2"])
    assert (
        page.find(id="not-started")
        .find("a")
        .attrs["href"]
        .endswith(f"/portfolio/{portfolio.apprenticeship.id}/ksbs/B1")
    )


def test_referred_items_show_their_feedback(client: TestClient, portfolio: Portfolio) -> None:
    section = home(client, portfolio).find(id="open-items")
    states = [li.find("span").text for li in section.find_all("li")]
    assert states == ["Referred back", "Waiting for review"]
    assert "Add what you did yourself." in section.text


def test_progress_says_expected_against_actual_and_why(
    client: TestClient, portfolio: Portfolio
) -> None:
    progress = home(client, portfolio).find(id="progress")
    assert progress.find("dd", data_expected="").text.startswith("50%")
    assert "1 of 4" in progress.find("dd", data_actual="").text
    assert "Behind: 1 of 4 KSBs signed off (25%)" in progress.find("p").text


def test_the_tutor_sees_the_same_page_by_its_id(client: TestClient, portfolio: Portfolio) -> None:
    sign_in(client, portfolio.tutor.email)
    page = parse(client.get(f"/portfolio/{portfolio.apprenticeship.id}").text)
    assert page.find("h1").text == "Test apprentice's portfolio"
    assert not page.find_all("a", href=f"/portfolio/{portfolio.apprenticeship.id}/evidence/new")


def link_texts(page: Node) -> dict[str, str]:
    return {a.text: a.attrs["href"] for a in page.find("p", class_="actions").find_all("a")}


def test_the_apprentice_is_linked_to_gateway_readiness_not_sign_offs(
    client: TestClient, portfolio: Portfolio
) -> None:
    links = link_texts(home(client, portfolio))
    url = f"/portfolio/{portfolio.apprenticeship.id}"
    assert links["Gateway readiness"] == f"{url}/gateway"
    assert "Sign-offs" not in links


def test_the_tutor_is_linked_to_sign_offs_and_gateway_readiness(
    client: TestClient, portfolio: Portfolio
) -> None:
    sign_in(client, portfolio.tutor.email)
    page = parse(client.get(f"/portfolio/{portfolio.apprenticeship.id}").text)
    url = f"/portfolio/{portfolio.apprenticeship.id}"
    assert link_texts(page)["Sign-offs"] == f"{url}/signoffs"
    assert link_texts(page)["Gateway readiness"] == f"{url}/gateway"


def test_an_apprentice_without_an_apprenticeship_is_told_so(
    client: TestClient, session: Session
) -> None:
    apprentice = make_user(
        session, make_employer(session, make_provider(session)), "apprentice", password=PASSWORD
    )
    session.commit()
    sign_in(client, apprentice.email)
    assert "not on an apprenticeship yet" in client.get("/portfolio").text
