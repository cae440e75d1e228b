"""The provider overview: histogram, at-risk list, tutor queues, status counts; admin and IQA."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import ApprenticeshipStatus
from tests.dashboards.world import DashWorld, refresh
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
