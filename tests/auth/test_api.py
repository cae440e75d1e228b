"""The API's front door: who is asking (token or cookie), CSRF, errors, /me and OpenAPI."""

import base64
import secrets
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from app.auth.deps import CurrentViewer
from app.main import create_app
from app.models import ApiToken, User, UserSession, utcnow
from app.settings import Settings
from tests.factories import bearer, make_api_token, make_employer, make_provider, make_user
from tests.web_client import ORIGIN, PASSWORD, csrf_token, sign_in


@pytest.fixture
def user(session: Session) -> User:
    user = make_user(session, make_employer(session, make_provider(session)), "employer")
    session.commit()
    return user


@pytest.fixture
def raw(session: Session, user: User) -> str:
    raw = make_api_token(session, user)
    session.commit()
    return raw


def test_me_describes_the_tokens_owner(client: TestClient, user: User, raw: str) -> None:
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": "employer",
        "organisation_id": user.organisation_id,
    }


def test_anonymous_call_gets_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    "header",
    [
        "Basic " + base64.b64encode(b"user:pass").decode(),
        "Token {raw}",
        "{raw}",
        "Bearer",
        "Bearer kp_not-a-real-token",
    ],
)
def test_a_wrong_authorization_is_refused(client: TestClient, raw: str, header: str) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header.format(raw=raw)})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_scheme_is_case_insensitive(client: TestClient, raw: str) -> None:
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {raw}"}).status_code == 200


@pytest.fixture
def tutor(session: Session) -> User:
    tutor = make_user(session, make_provider(session), "tutor", password=PASSWORD)
    session.commit()
    return tutor


def test_browser_session_reads_the_api(client: TestClient, tutor: User) -> None:
    sign_in(client, tutor.email)
    assert client.get("/api/v1/me").json()["email"] == tutor.email


def test_a_bad_authorization_header_does_not_fall_back_to_the_cookie(
    client: TestClient, tutor: User
) -> None:
    sign_in(client, tutor.email)
    response = client.get("/api/v1/me", headers={"Authorization": "Basic eDp5"})
    assert response.status_code == 401


# A state-changing API route, added for these tests only: the real ones come with evidence.
@pytest.fixture
def probe(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)

    @app.post("/api/v1/probe", name="probe")
    def _probe(viewer: CurrentViewer) -> dict[str, str]:
        return {"email": viewer.user.email}

    with TestClient(app, base_url=ORIGIN) as client:
        yield client


def test_token_post_needs_no_csrf_token(probe: TestClient, raw: str) -> None:
    headers = {**bearer(raw), "Origin": "https://elsewhere.example"}
    assert probe.post("/api/v1/probe", headers=headers).status_code == 200


def test_cookie_post_to_the_api_without_csrf_token_is_refused(
    probe: TestClient, tutor: User
) -> None:
    sign_in(probe, tutor.email)
    assert probe.post("/api/v1/probe", headers={"Origin": ORIGIN}).status_code == 403


def test_cookie_post_to_the_api_with_csrf_token_is_accepted(probe: TestClient, tutor: User) -> None:
    sign_in(probe, tutor.email)
    headers = {"Origin": ORIGIN, "X-CSRF-Token": csrf_token(probe, "/caseload")}
    assert probe.post("/api/v1/probe", headers=headers).status_code == 200


def test_anonymous_post_to_the_api_is_401_not_a_csrf_403(probe: TestClient) -> None:
    response = probe.post("/api/v1/probe", headers={"Origin": ORIGIN})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


# A write request must not wait on its own write lock to record when a credential was last used.
def test_token_post_after_a_minute_idle_succeeds(
    probe: TestClient, session: Session, raw: str
) -> None:
    session.execute(update(ApiToken).values(last_used_at=utcnow() - timedelta(minutes=5)))
    session.commit()
    assert probe.post("/api/v1/probe", headers=bearer(raw)).status_code == 200


def test_cookie_post_after_a_minute_idle_succeeds(
    probe: TestClient, session: Session, tutor: User
) -> None:
    sign_in(probe, tutor.email)
    headers = {"Origin": ORIGIN, "X-CSRF-Token": csrf_token(probe, "/caseload")}
    session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
    session.commit()
    assert probe.post("/api/v1/probe", headers=headers).status_code == 200


# The OpenAPI document
def test_openapi_lists_schemas_and_error_responses_in_dev(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    detail = document["paths"]["/api/v1/apprenticeships/{apprenticeship_id}"]["get"]
    assert {"200", "401", "404"} <= set(detail["responses"])
    assert {"401"} <= set(document["paths"]["/api/v1/me"]["get"]["responses"])
    schemas = set(document["components"]["schemas"])
    assert {"ApprenticeshipOut", "ApprenticeshipPage", "StandardDetailOut", "ErrorOut"} <= schemas
    assert document["components"]["securitySchemes"]["PersonalAccessToken"]["scheme"] == "bearer"


def test_openapi_is_not_served_in_prod(settings: Settings) -> None:
    prod = Settings(
        database_url=settings.database_url,
        data_dir=settings.data_dir,
        env="prod",
        secret_key=secrets.token_urlsafe(48),
    )
    app: FastAPI = create_app(prod)
    with TestClient(app, base_url=ORIGIN) as client:
        assert client.get("/api/v1/openapi.json").status_code == 404
        assert client.get("/docs").status_code == 404
