"""The employer dashboard: their apprentices only, progress in words, filters kept in the URL."""

from fastapi.testclient import TestClient

from tests.dashboards.world import DashWorld
from tests.html_page import Node, parse
from tests.web_client import sign_in


def dashboard(client: TestClient, world: DashWorld, query: str = "") -> Node:
    sign_in(client, world.manager.email)
    response = client.get("/dashboard" + query)
    assert response.status_code == 200
    return parse(response.text)


def row_ids(page: Node) -> set[int]:
    return {
        int(tr.attrs["data-apprenticeship"])
        for tr in page.find_all("tr")
        if "data-apprenticeship" in tr.attrs
    }


def test_the_employer_sees_their_own_apprentices_only(client: TestClient, world: DashWorld) -> None:
    page = dashboard(client, world)
    assert row_ids(page) == {a.id for a in world.apprenticeships.values()}
    assert "Oscar Elsewhere" not in page.find("table", id="cohort-table").text


def test_a_row_shows_coverage_progress_rating_activity_and_end(
    client: TestClient, world: DashWorld
) -> None:
    alice = world.apprenticeships["Alice Able"]
    row = dashboard(client, world).find("tr", data_apprenticeship=str(alice.id))
    assert row.find(data_coverage="").text == "2 signed off, 0 evidenced, 1 claimed of 4"
    assert row.find("svg").find("title").text == "Alice Able: KSB coverage"
    assert row.find(data_progress="").text == "50% expected, 50% actual"
    assert row.attrs["data-rag"] == "green"
    assert row.find(data_reason="").text.startswith("On track: 2 of 4 KSBs signed off")
    assert row.find(data_activity="").text != "None yet"
    assert row.find(data_end="").text == alice.planned_end_date.strftime("%d %b %Y")


def test_a_behind_apprentice_is_red_with_the_reason_in_words(
    client: TestClient, world: DashWorld
) -> None:
    bob = world.apprenticeships["Bob Behind"]
    row = dashboard(client, world).find("tr", data_apprenticeship=str(bob.id))
    assert row.attrs["data-rag"] == "red"
    assert row.find("span", class_="badge rag rag-red").text == "Red"
    assert row.find(data_reason="").text.startswith("Behind: 0 of 4 KSBs signed off")
    assert row.find(data_activity="").text == "None yet"


def test_duty_coverage_names_the_fully_evidenced_duties(
    client: TestClient, world: DashWorld
) -> None:
    alice = world.apprenticeships["Alice Able"]
    row = dashboard(client, world).find("tr", data_apprenticeship=str(alice.id))
    assert row.find(data_duties="").text == "1 of 2: D1"


def test_a_bookmarked_rating_filter_renders_the_filtered_page(
    client: TestClient, world: DashWorld
) -> None:
    page = dashboard(client, world, "?rag=red")
    assert page.has("html")
    assert row_ids(page) == {world.apprenticeships["Bob Behind"].id}
    assert (
        page.find("select", id="filter-rag").find("option", value="red").attrs.get("selected")
        is not None
    )


def test_the_name_search_matches_part_of_a_name_in_any_case(
    client: TestClient, world: DashWorld
) -> None:
    page = dashboard(client, world, "?q=ALI")
    assert row_ids(page) == {world.apprenticeships["Alice Able"].id}
    assert page.find("input", id="filter-q").attrs["value"] == "ALI"


def test_the_status_filter_keeps_only_that_status(client: TestClient, world: DashWorld) -> None:
    page = dashboard(client, world, "?status=withdrawn")
    assert row_ids(page) == set()
    assert page.find(id="no-rows").text == "No apprentices match these filters."


def test_unknown_filter_values_are_ignored(client: TestClient, world: DashWorld) -> None:
    page = dashboard(client, world, "?rag=purple&status=nope")
    assert row_ids(page) == {a.id for a in world.apprenticeships.values()}


def test_htmx_gets_only_the_table_fragment(client: TestClient, world: DashWorld) -> None:
    sign_in(client, world.manager.email)
    headers = {"HX-Request": "true", "HX-Target": "cohort-results"}
    response = client.get("/dashboard?rag=green", headers=headers)
    page = parse(response.text)
    assert not page.has("html")
    assert row_ids(page) == {world.apprenticeships["Alice Able"].id}
    assert response.headers["Vary"] == "HX-Request, HX-Target"


def test_the_filter_form_updates_the_table_with_htmx_and_pushes_the_url(
    client: TestClient, world: DashWorld
) -> None:
    form = dashboard(client, world).find("form", role="search")
    assert form.attrs["hx-get"] == form.attrs["action"]
    assert form.attrs["hx-target"] == "#cohort-results"
    assert form.attrs["hx-push-url"] == "true"


def test_the_csv_and_heatmap_links_keep_the_filters(client: TestClient, world: DashWorld) -> None:
    page = dashboard(client, world, "?rag=red&q=bo")
    assert (
        page.find("a", id="csv-link").attrs["href"].endswith("/dashboard/cohort.csv?q=bo&rag=red")
    )
    assert (
        page.find("a", id="heatmap-link").attrs["href"].endswith("/dashboard/heatmap?q=bo&rag=red")
    )


def test_names_link_to_the_read_only_portfolio(client: TestClient, world: DashWorld) -> None:
    alice = world.apprenticeships["Alice Able"]
    row = dashboard(client, world).find("tr", data_apprenticeship=str(alice.id))
    href = row.find("th").find("a").attrs["href"]
    assert href.endswith(f"/portfolio/{alice.id}")
    assert client.get(href).status_code == 200


def test_another_employers_portfolio_is_not_found(client: TestClient, world: DashWorld) -> None:
    sign_in(client, world.manager.email)
    assert world.other_apprenticeship is not None
    assert client.get(f"/portfolio/{world.other_apprenticeship.id}").status_code == 404


def test_tutors_and_apprentices_may_not_open_the_employer_dashboard(
    client: TestClient, world: DashWorld
) -> None:
    sign_in(client, world.tutor.email)
    assert client.get("/dashboard").status_code == 403
    client.cookies.clear()
    sign_in(client, world.apprentices["Alice Able"].email)
    assert client.get("/dashboard").status_code == 403
