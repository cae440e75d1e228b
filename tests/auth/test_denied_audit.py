"""Denied access (403 and 404 to a signed-in viewer) is written to the event log, within limits."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import denied
from app.main import create_app
from app.models import id_of, utcnow
from app.settings import Settings
from tests.admin_world import World, events, make_world, signed_in
from tests.factories import bearer, make_api_token
from tests.web_client import ORIGIN, post

DENIED = "auth.access_denied"


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def test_a_forbidden_page_is_recorded(client: TestClient, world: World, session: Session) -> None:
    signed_in(client, world.tutor)
    assert client.get("/admin/users").status_code == 403
    [event] = events(session, DENIED)
    assert (event.actor_id, event.target_type, event.client_addr) == (
        world.tutor.id,
        "route",
        "testclient",
    )
    assert event.provider_id == world.provider.id
    assert event.data == {"method": "GET", "path": "/admin/users", "status": 403}


def test_a_hidden_object_is_recorded(client: TestClient, world: World, session: Session) -> None:
    signed_in(client, world.admin)
    path = f"/admin/users/{world.other_tutor.id}"
    assert client.get(path).status_code == 404
    [event] = events(session, DENIED)
    assert event.data == {"method": "GET", "path": path, "status": 404}


def test_the_query_string_is_not_recorded(
    client: TestClient, world: World, session: Session
) -> None:
    signed_in(client, world.tutor)
    client.get("/admin/users", params={"role": "tutor", "q": "secret"})
    [event] = events(session, DENIED)
    assert event.data["path"] == "/admin/users"


def test_line_breaks_in_the_path_cannot_forge_log_lines(
    client: TestClient, world: World, session: Session
) -> None:
    signed_in(client, world.apprentice)
    path = f"/portfolio/{world.other_apprenticeship.id}/ksbs/K1%0D%0Aauth.login%20actor=1"
    assert client.get(path).status_code == 404
    [event] = events(session, DENIED)
    assert "\r" not in event.data["path"] and "\n" not in event.data["path"]
    assert event.data["path"].endswith("/ksbs/K1??auth.login actor=1")


def test_an_api_call_with_a_token_is_recorded(
    client: TestClient, world: World, session: Session
) -> None:
    raw = make_api_token(session, world.tutor)
    session.commit()
    path = f"/api/v1/apprenticeships/{world.other_apprenticeship.id}"
    assert client.get(path, headers=bearer(raw)).status_code == 404
    [event] = events(session, DENIED)
    assert (event.actor_id, event.data["path"]) == (world.tutor.id, path)


def test_a_download_is_recorded(client: TestClient, world: World, session: Session) -> None:
    signed_in(client, world.apprentice)
    assert client.get("/files/999999").status_code == 404
    [event] = events(session, DENIED)
    assert event.data["path"] == "/files/999999"


def test_the_event_outlives_the_requests_rollback(
    client: TestClient, world: World, session: Session
) -> None:
    signed_in(client, world.admin)
    path = f"/admin/users/{world.admin.id}"
    assert post(client, f"{path}/disable", {}, token_from=path).status_code == 403
    [event] = events(session, DENIED)
    assert event.data == {"method": "POST", "path": f"{path}/disable", "status": 403}


def test_allowed_requests_write_nothing(client: TestClient, world: World, session: Session) -> None:
    signed_in(client, world.admin)
    assert client.get("/admin/users").status_code == 200
    assert events(session, DENIED) == []


def test_anonymous_refusals_are_not_recorded(
    client: TestClient, world: World, session: Session
) -> None:
    response = client.post("/logout", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert events(session, DENIED) == []


def test_paths_that_match_no_route_are_not_recorded(
    client: TestClient, world: World, session: Session
) -> None:
    signed_in(client, world.tutor)
    assert client.get("/no/such/page").status_code == 404
    assert events(session, DENIED) == []


@pytest.fixture
def limited_app(settings: Settings) -> FastAPI:
    return create_app(settings.model_copy(update={"denied_audit_per_minute": 3}))


@pytest.fixture
def limited(limited_app: FastAPI, world: World) -> Iterator[TestClient]:
    with TestClient(limited_app, base_url=ORIGIN) as client:
        yield signed_in(client, world.tutor)


def test_a_flood_is_cut_at_the_limit_per_minute(limited: TestClient, session: Session) -> None:
    for _ in range(5):
        assert limited.get("/admin/users").status_code == 403
    assert len(events(session, DENIED)) == 3


def test_the_next_event_after_a_flood_counts_what_was_left_out(
    limited: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        limited.get("/admin/users")
    later = utcnow() + timedelta(seconds=61)
    monkeypatch.setattr(denied, "utcnow", lambda: later)
    limited.get("/admin/employers")
    recorded = sorted(events(session, DENIED), key=id_of)
    assert len(recorded) == 4
    assert recorded[-1].data["suppressed"] == 2
    assert "suppressed" not in recorded[0].data


def test_the_limit_is_per_user(limited_app: FastAPI, world: World, session: Session) -> None:
    for user in (world.tutor, world.apprentice):
        with TestClient(limited_app, base_url=ORIGIN) as client:
            signed_in(client, user)
            for _ in range(4):
                client.get("/admin/users")
    assert len(events(session, DENIED)) == 6
