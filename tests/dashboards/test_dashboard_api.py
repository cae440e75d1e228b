"""The dashboards as JSON: same figures, filters and boundaries as the pages."""

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import id_of
from tests.dashboards.world import DashWorld
from tests.factories import bearer, make_api_token


def get(client: TestClient, session: Session, user_id: int, path: str):  # type: ignore[no-untyped-def]
    from app.models import User

    user = session.get(User, user_id)
    assert user is not None
    token = make_api_token(session, user)
    session.commit()
    return client.get(path, headers=bearer(token))


def test_the_employer_json_lists_own_apprentices_with_progress(
    client: TestClient, session: Session, world: DashWorld
) -> None:
    response = get(client, session, id_of(world.manager), "/api/v1/dashboards/employer")
    assert response.status_code == 200
    body = response.json()
    names = [row["apprentice_name"] for row in body["apprentices"]]
    assert names == ["Alice Able", "Bob Behind"]
    alice = body["apprentices"][0]
    assert alice["coverage"]["signed_off"] == 2
    assert alice["progress"]["rag"] == "green"
    assert alice["duties"] == [
        {"code": "D1", "fully_evidenced": True},
        {"code": "D2", "fully_evidenced": False},
    ]


def test_the_employer_json_takes_the_filters(
    client: TestClient, session: Session, world: DashWorld
) -> None:
    path = "/api/v1/dashboards/employer?rag=red"
    body = get(client, session, id_of(world.manager), path).json()
    assert body["filters"] == {"rag": "red"}
    assert [row["apprentice_name"] for row in body["apprentices"]] == ["Bob Behind"]


def test_the_heatmap_json_gives_each_ksb_state(
    client: TestClient, session: Session, world: DashWorld
) -> None:
    body = get(client, session, id_of(world.manager), "/api/v1/dashboards/employer/heatmap").json()
    assert body["codes"] == ["K1", "K2", "S1", "B1"]
    assert body["rows"][0]["states"] == {
        "K1": "signed_off",
        "K2": "claimed",
        "S1": "signed_off",
        "B1": "not_started",
    }
    assert "Oscar Elsewhere" not in {row["apprentice_name"] for row in body["rows"]}


def test_the_provider_json_has_histogram_risk_queues_and_statuses(
    client: TestClient, session: Session, world: DashWorld
) -> None:
    response = get(client, session, id_of(world.iqa), "/api/v1/dashboards/provider")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3
    assert sum(b["count"] for b in body["coverage_histogram"]) == 3
    assert body["by_status"]["active"] == 3
    assert {r["apprentice_name"] for r in body["at_risk"]} == {"Bob Behind", "Oscar Elsewhere"}
    red_since = (date.today() - timedelta(days=365 - 183)).isoformat()  # day 183 of 730
    assert {r["since"] for r in body["at_risk"]} == {red_since}
    queue = next(q for q in body["review_queues"] if q["tutor_id"] == world.tutor.id)
    assert queue["awaiting_review"] == 1


def test_the_employer_json_is_forbidden_to_a_tutor(
    client: TestClient, session: Session, world: DashWorld
) -> None:
    response = get(client, session, id_of(world.tutor), "/api/v1/dashboards/employer")
    assert response.status_code == 403


def test_the_provider_json_is_forbidden_to_an_employer(
    client: TestClient, session: Session, world: DashWorld
) -> None:
    response = get(client, session, id_of(world.manager), "/api/v1/dashboards/provider")
    assert response.status_code == 403


def test_another_providers_admin_gets_only_their_own_figures(
    client: TestClient, session: Session, world: DashWorld
) -> None:
    assert world.other_provider_admin is not None
    path = "/api/v1/dashboards/provider"
    body = get(client, session, id_of(world.other_provider_admin), path).json()
    assert body["total"] == 1
    assert [r["apprentice_name"] for r in body["at_risk"]] == ["Pia Provider"]
