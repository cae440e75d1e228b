"""The employer's heatmap, CSV export and one apprentice's progress page."""

import csv
import io

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.dashboards.world import DashWorld, add_apprentice, refresh
from tests.html_page import Node, parse
from tests.web_client import sign_in


def heatmap(client: TestClient, world: DashWorld, query: str = "") -> Node:
    sign_in(client, world.manager.email)
    response = client.get("/dashboard/heatmap" + query)
    assert response.status_code == 200
    return parse(response.text)


def test_the_heatmap_has_a_column_per_ksb_and_a_row_per_own_apprentice(
    client: TestClient, world: DashWorld
) -> None:
    table = heatmap(client, world).find("table", id="heatmap")
    headings = [th.text for th in table.find("thead").find_all("th")]
    assert headings == ["Apprentice", "K1", "K2", "S1", "B1"]
    names = [tr.find("th").text for tr in table.find("tbody").find_all("tr")]
    assert names == ["Alice Able", "Bob Behind"]


def test_heatmap_cells_tell_states_apart_by_symbol_and_words(
    client: TestClient, world: DashWorld
) -> None:
    alice = world.apprenticeships["Alice Able"]
    row = heatmap(client, world).find("tr", data_apprenticeship=str(alice.id))
    cells = [
        (td.attrs["data-state"], td.text, td.find("a").attrs["aria-label"])
        for td in row.find_all("td")
    ]
    assert cells == [
        ("signed_off", "✓", "K1: signed off"),
        ("claimed", "C", "K2: claimed, awaiting review"),
        ("signed_off", "✓", "S1: signed off"),
        ("not_started", "·", "B1: not started"),
    ]


def test_the_heatmap_legend_explains_every_symbol(client: TestClient, world: DashWorld) -> None:
    legend = heatmap(client, world).find("ul", id="heatmap-legend").text
    for words in ("✓ Signed off", "E Evidenced", "C Claimed, awaiting review", "· Not started"):
        assert words in legend


def test_a_heatmap_cell_links_to_that_apprentices_evidence_for_the_ksb(
    client: TestClient, world: DashWorld
) -> None:
    alice = world.apprenticeships["Alice Able"]
    row = heatmap(client, world).find("tr", data_apprenticeship=str(alice.id))
    href = row.find("td", data_state="claimed").find("a").attrs["href"]
    assert href == f"/portfolio/{alice.id}/ksbs/K2"
    response = client.get(href)
    assert response.status_code == 200
    assert "K2" in parse(response.text).find("h1").text


def test_the_heatmap_takes_the_same_filters(client: TestClient, world: DashWorld) -> None:
    rows = heatmap(client, world, "?rag=red").find("tbody").find_all("tr")
    assert [tr.find("th").text for tr in rows] == ["Bob Behind"]


def test_the_heatmap_answers_htmx_with_the_grid_only(client: TestClient, world: DashWorld) -> None:
    sign_in(client, world.manager.email)
    headers = {"HX-Request": "true", "HX-Target": "heatmap-results"}
    page = parse(client.get("/dashboard/heatmap?q=bob", headers=headers).text)
    assert not page.has("html")
    assert [tr.find("th").text for tr in page.find("tbody").find_all("tr")] == ["Bob Behind"]


def test_the_heatmap_shows_no_other_employers_apprentice(
    client: TestClient, world: DashWorld
) -> None:
    assert "Oscar Elsewhere" not in heatmap(client, world).find("main").text


def export(client: TestClient, world: DashWorld, query: str = "") -> list[list[str]]:
    sign_in(client, world.manager.email)
    response = client.get("/dashboard/cohort.csv" + query)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.reader(io.StringIO(response.text)))


def test_the_csv_holds_the_cohort_table(client: TestClient, world: DashWorld) -> None:
    header, *rows = export(client, world)
    assert header[:4] == ["Apprentice", "Status", "KSBs", "Signed off"]
    alice = dict(zip(header, rows[0], strict=True))
    assert alice["Apprentice"] == "Alice Able"
    assert (alice["Signed off"], alice["Claimed"], alice["Rating"]) == ("2", "1", "Green")
    assert alice["Duties fully evidenced"] == "1 of 2"
    assert [row[0] for row in rows] == ["Alice Able", "Bob Behind"]


def test_the_csv_keeps_the_filters(client: TestClient, world: DashWorld) -> None:
    _, *rows = export(client, world, "?rag=red")
    assert [row[0] for row in rows] == ["Bob Behind"]


def test_the_csv_defuses_spreadsheet_formulas(
    client: TestClient, world: DashWorld, session: Session
) -> None:
    add_apprentice(session, world, '=HYPERLINK("http://evil.example","x")')
    refresh(session)
    names = [row[0] for row in export(client, world)[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in names


def test_tutors_may_not_export_the_cohort(client: TestClient, world: DashWorld) -> None:
    sign_in(client, world.tutor.email)
    assert client.get("/dashboard/cohort.csv").status_code == 403
    assert client.get("/dashboard/heatmap").status_code == 403


def progress_page(client: TestClient, world: DashWorld, name: str = "Alice Able") -> Node:
    sign_in(client, world.manager.email)
    response = client.get(f"/dashboard/apprentices/{world.apprenticeships[name].id}")
    assert response.status_code == 200
    return parse(response.text)


def test_the_trend_replays_sign_offs_and_revocations_by_day(
    client: TestClient, world: DashWorld
) -> None:
    table = progress_page(client, world).find("table", id="trend-table")
    rows = [
        (tr.attrs["data-day"], tr.find(data_change="").text, tr.find(data_total="").text)
        for tr in table.find("tbody").find_all("tr")
    ]
    assert rows == [("2026-01-05", "+1", "1"), ("2026-01-08", "+1", "2"), ("2026-01-15", "+0", "2")]


def test_the_trend_chart_is_an_svg_with_a_title(client: TestClient, world: DashWorld) -> None:
    svg = progress_page(client, world).find("svg", id="chart-trend")
    assert svg.find("title").text == "KSBs signed off over time"
    assert svg.has("polyline", class_="step-line")


def test_no_sign_offs_yet_says_so(client: TestClient, world: DashWorld) -> None:
    page = progress_page(client, world, "Bob Behind")
    assert page.find(id="trend-empty").text == "No KSB has been signed off yet."


def test_the_progress_page_lists_which_duties_are_fully_evidenced(
    client: TestClient, world: DashWorld
) -> None:
    table = progress_page(client, world).find("table", id="duties-table")
    done = {
        tr.attrs["data-duty"]: tr.find(data_done="").text
        for tr in table.find_all("tr", data_duty="D1") + table.find_all("tr", data_duty="D2")
    }
    assert done == {"D1": "Yes", "D2": "Not yet"}


def test_another_employers_apprentice_progress_is_not_found(
    client: TestClient, world: DashWorld
) -> None:
    sign_in(client, world.manager.email)
    assert world.other_apprenticeship is not None
    assert client.get(f"/dashboard/apprentices/{world.other_apprenticeship.id}").status_code == 404
