"""The caseload page: the tutor's apprentices with coverage, waiting items, activity and RAG."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Standard, utcnow
from tests.factories import make_apprenticeship, make_evidence, make_user, sign_off
from tests.html_page import Node, parse
from tests.review.conftest import END, START, World, refresh
from tests.statements import statements_run, thread_trips
from tests.web_client import sign_in


@pytest.fixture
def tutor(client: TestClient, world: World) -> TestClient:
    sign_in(client, world.tutor.email)
    return client


def rows(html: str) -> list[Node]:
    return [row for row in parse(html).find_all("tr") if "data-apprenticeship" in row.attrs]


def names(html: str) -> list[str]:
    return [row.find("a").text for row in rows(html)]


def busy(session: Session, world: World) -> None:
    """Alex: one item waiting five days, K1 signed off. Bea: nothing yet."""
    item = make_evidence(
        session, apprenticeship=world.apprenticeship, state="submitted", claims={"K2": "claimed"}
    )
    item.submitted_at = utcnow() - timedelta(days=5, minutes=1)
    session.add(item)
    make_evidence(
        session, apprenticeship=world.apprenticeship, state="accepted", claims={"S1": "confirmed"}
    )
    sign_off(session, world.apprenticeship, "K1", world.tutor)
    refresh(session, world)


def test_the_caseload_lists_the_tutors_apprentices_only(tutor: TestClient, world: World) -> None:
    assert names(tutor.get("/caseload").text) == ["Alex Apprentice", "Bea Learner"]


def test_the_tutors_menu_links_to_the_caseload_and_the_queue(
    tutor: TestClient, world: World
) -> None:
    menu = parse(tutor.get("/caseload").text).find("nav", aria_label="Main")
    texts = [a.text for a in menu.find_all("a")]
    assert texts.index("Caseload") < texts.index("Review queue")


def test_a_rating_is_a_badge_beside_its_reason(tutor: TestClient, world: World) -> None:
    row = rows(tutor.get("/caseload").text)[0]
    rag = row.attrs["data-rag"]
    assert row.find("span", class_=f"badge rag rag-{rag}").text in ("Green", "Amber", "Red")


def test_a_row_shows_coverage_waiting_items_and_progress(
    tutor: TestClient, session: Session, world: World
) -> None:
    busy(session, world)
    row = rows(tutor.get("/caseload").text)[0]
    coverage = row.find("td", data_total="6")
    assert (coverage.attrs["data-signed-off"], coverage.attrs["data-evidenced"]) == ("1", "1")
    assert "1 of 6 signed off, 1 more evidenced" in coverage.text
    assert "1 (oldest waiting 5 days)" in row.find("td", data_awaiting="1").text
    assert row.find("svg", class_="mini-bar").attrs["aria-label"].startswith("6 in all")
    assert row.attrs["data-rag"] in ("green", "amber", "red")
    assert "signed off" in row.find("span", class_="rag-reason").text


def test_the_caseload_filters_by_items_awaiting_review(
    tutor: TestClient, session: Session, world: World
) -> None:
    busy(session, world)
    assert names(tutor.get("/caseload?awaiting=1").text) == ["Alex Apprentice"]


def test_the_caseload_filters_by_employer_and_name(tutor: TestClient, world: World) -> None:
    employer = world.second_apprenticeship.employer_id
    assert names(tutor.get(f"/caseload?employer={employer}").text) == ["Bea Learner"]
    assert names(tutor.get("/caseload?q=alex").text) == ["Alex Apprentice"]


def test_the_caseload_filters_by_rating(tutor: TestClient, world: World) -> None:
    page = tutor.get("/caseload").text
    rating = rows(page)[0].attrs["data-rag"]
    assert "Alex Apprentice" in names(tutor.get(f"/caseload?rag={rating}").text)


def test_the_caseload_sorts_by_coverage_either_way(
    tutor: TestClient, session: Session, world: World
) -> None:
    busy(session, world)
    assert names(tutor.get("/caseload?sort=coverage&order=desc").text)[0] == "Alex Apprentice"
    assert names(tutor.get("/caseload?sort=coverage&order=asc").text)[0] == "Bea Learner"


def test_a_sort_link_keeps_the_filters_and_turns_the_order(tutor: TestClient) -> None:
    page = parse(tutor.get("/caseload?sort=name&q=a").text)
    link = page.find("th", data_sort="name").find("a")
    assert "order=desc" in link.attrs["href"] and "q=a" in link.attrs["href"]
    assert link.attrs["hx-push-url"] == "true"


def test_htmx_gets_the_table_alone(tutor: TestClient) -> None:
    headers = {"HX-Request": "true", "HX-Target": "caseload-results"}
    response = tutor.get("/caseload?sort=employer", headers=headers)
    assert "<html" not in response.text and response.headers["Vary"] == "HX-Request, HX-Target"
    assert parse(response.text).has("table", id="caseload-table")


def test_the_page_runs_the_same_statements_for_a_bigger_caseload(
    app: FastAPI, tutor: TestClient, session: Session, world: World
) -> None:
    tutor.get("/caseload")  # warm up: the session's own bookkeeping writes happen once
    with statements_run(app.state.engine) as small:
        tutor.get("/caseload")
    standard = session.get_one(Standard, world.apprenticeship.standard_id)
    for _ in range(5):
        apprentice = make_user(session, world.employer, "apprentice")
        make_apprenticeship(
            session,
            standard=standard,
            provider=world.provider,
            employer=world.employer,
            apprentice=apprentice,
            tutor=world.tutor,
            start=START,
            planned_end=END,
        )
    session.commit()
    with statements_run(app.state.engine) as large:
        assert len(rows(tutor.get("/caseload").text)) == 7
    assert len(large) == len(small)


def test_a_page_goes_to_the_thread_pool_three_times(tutor: TestClient) -> None:
    """Opening the session with who is asking, the page itself, the commit: no more."""
    tutor.get("/caseload")
    with thread_trips() as trips:
        assert tutor.get("/caseload").status_code == 200
    assert len(trips) == 3, trips


def test_iqa_sees_every_caseload_of_the_provider(client: TestClient, world: World) -> None:
    sign_in(client, world.iqa.email)
    assert names(client.get("/caseload").text) == ["Alex Apprentice", "Bea Learner", "Cal Other"]


@pytest.mark.parametrize("who", ["apprentice", "employer_user"])
def test_apprentices_and_employers_have_no_caseload(
    client: TestClient, world: World, who: str
) -> None:
    sign_in(client, getattr(world, who).email)
    assert client.get("/caseload").status_code == 403
    assert client.get("/review/queue").status_code == 403


def test_signing_in_as_a_tutor_opens_the_caseload(client: TestClient, world: World) -> None:
    sign_in(client, world.tutor.email)
    response = client.get("/", follow_redirects=False)
    assert response.headers["Location"].endswith("/caseload")
