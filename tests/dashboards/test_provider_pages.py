"""The provider overview: histogram, at-risk list, tutor queues, status counts; admin and IQA."""

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.dashboards.provider import at_risk
from app.models import ApprenticeshipStatus
from tests.dashboards.world import DashWorld, add_apprentice, refresh
from tests.factories import sign_off
from tests.html_page import Node, parse
from tests.web_client import sign_in


def overview(client: TestClient, email: str) -> Node:
    sign_in(client, email)
    response = client.get("/provider")
    assert response.status_code == 200
    return parse(response.text)


def table_counts(page: Node, table_id: str, key: str) -> dict[str, str]:
    rows = page.find("table", id=table_id).find("tbody").find_all("tr")
    return {tr.attrs[key]: tr.find("td").text for tr in rows}


def test_the_histogram_counts_apprenticeships_by_share_signed_off(
    client: TestClient, world: DashWorld
) -> None:
    counts = table_counts(overview(client, world.admin.email), "coverage-table", "data-bin")
    assert counts["0-9%"] == "2"  # Bob and Oscar: nothing signed off
    assert counts["50-59%"] == "1"  # Alice: 2 of 4
    assert sum(int(n) for n in counts.values()) == 3


def test_the_histogram_is_an_svg_with_a_title(client: TestClient, world: DashWorld) -> None:
    svg = overview(client, world.admin.email).find("svg", id="chart-coverage")
    assert svg.find("title").text == "Apprenticeships by share of KSBs signed off"
    assert len(svg.find_all("g", class_="column")) == 10


def test_the_at_risk_list_gives_reasons(client: TestClient, world: DashWorld) -> None:
    table = overview(client, world.iqa.email).find("table", id="at-risk-table")
    rows = table.find("tbody").find_all("tr")
    names = {tr.find("th").text for tr in rows}
    assert names == {"Bob Behind", "Oscar Elsewhere"}
    assert all(tr.attrs["data-rag"] == "red" for tr in rows)
    assert rows[0].find(data_reason="").text.startswith("Behind: 0 of 4 KSBs signed off")


def test_the_review_queue_shows_size_and_oldest_wait_per_tutor(
    client: TestClient, world: DashWorld
) -> None:
    page = overview(client, world.admin.email)
    row = page.find("tr", data_tutor=str(world.tutor.id))
    assert row.find("th").text == "Tess Tutor"
    assert row.find(data_awaiting="").text == "1"  # Alice's submitted item
    assert row.find(data_oldest="").text != "Nothing waiting"


def test_apprenticeships_are_counted_by_status(
    client: TestClient, world: DashWorld, session: Session
) -> None:
    bob = world.apprenticeships["Bob Behind"]
    bob.status = ApprenticeshipStatus.BREAK_IN_LEARNING
    session.add(bob)
    refresh(session)
    counts = table_counts(overview(client, world.admin.email), "status-table", "data-status")
    assert counts == {
        "active": "2",
        "break_in_learning": "1",
        "withdrawn": "0",
        "gateway": "0",
        "completed": "0",
    }


def test_another_providers_admin_never_sees_ours(client: TestClient, world: DashWorld) -> None:
    assert world.other_provider_admin is not None
    page = overview(client, world.other_provider_admin.email)
    text = page.find("main").text
    for name in ("Alice Able", "Bob Behind", "Oscar Elsewhere", "Tess Tutor"):
        assert name not in text
    assert "Pia Provider" in text


def test_tutors_employers_and_apprentices_may_not_open_it(
    client: TestClient, world: DashWorld
) -> None:
    apprentice = world.apprentices["Alice Able"]
    for email in (world.tutor.email, world.manager.email, apprentice.email):
        client.cookies.clear()
        sign_in(client, email)
        assert client.get("/provider").status_code == 403


def slipping_world(session: Session, world: DashWorld) -> None:
    """Dan red longest, Bob and Oscar red since day 183 of 730, Cara only amber."""
    add_apprentice(session, world, "Dan Deep", start_days_ago=600, end_in_days=100)
    cara = add_apprentice(session, world, "Cara Coming")
    sign_off(session, cara, "K1", world.tutor)  # a quarter done, half the time gone: amber
    refresh(session)


def test_at_risk_lists_red_then_amber_each_longest_behind_first(
    client: TestClient, world: DashWorld, session: Session
) -> None:
    slipping_world(session, world)
    rows = overview(client, world.admin.email).find("table", id="at-risk-table").find("tbody")
    listed = [
        (tr.find("th").text, tr.attrs["data-rag"], tr.find(data_since="").text)
        for tr in rows.find_all("tr")
    ]
    today = date.today()

    def long_date(day: date) -> str:
        return day.strftime("%d %b %Y")

    assert listed == [
        ("Dan Deep", "red", long_date(today - timedelta(days=600 - 176))),
        ("Bob Behind", "red", long_date(today - timedelta(days=365 - 183))),
        ("Oscar Elsewhere", "red", long_date(today - timedelta(days=365 - 183))),
        ("Cara Coming", "amber", long_date(today - timedelta(days=365 - 256))),
    ]
    dan = world.apprenticeships["Dan Deep"]
    assert rows.find("a").attrs["href"] == f"/portfolio/{dan.id}"


def test_at_risk_counts_all_but_shows_the_first_few(world: DashWorld, session: Session) -> None:
    slipping_world(session, world)
    shown, total = at_risk(session, viewer=world.admin, today=date.today(), limit=2)
    assert [row.apprentice_name for row in shown] == ["Dan Deep", "Bob Behind"]
    assert total == 4


def test_withdrawn_and_not_yet_started_apprenticeships_are_not_at_risk(
    world: DashWorld, session: Session
) -> None:
    bob = world.apprenticeships["Bob Behind"]
    bob.status = ApprenticeshipStatus.WITHDRAWN
    session.add(bob)
    add_apprentice(session, world, "Fay Future", start_days_ago=-30)
    refresh(session)
    shown, total = at_risk(session, viewer=world.admin, today=date.today())
    assert [row.apprentice_name for row in shown] == ["Oscar Elsewhere"]
    assert total == 1
