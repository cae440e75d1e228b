"""CSRF: state-changing requests need the same origin AND the session's token."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import UserSession
from tests.factories import make_provider, make_user
from tests.web_client import ORIGIN, PASSWORD, csrf_token, sign_in


@pytest.fixture
def signed_in(client: TestClient, session: Session) -> TestClient:
    user = make_user(session, make_provider(session), "tutor", password=PASSWORD)
    session.commit()
    sign_in(client, user.email)
    return client


def logout(client: TestClient, *, token: str | None, headers: dict[str, str]) -> int:
    data = {"csrf_token": token} if token is not None else {}
    return client.post("/logout", data=data, headers=headers, follow_redirects=False).status_code


def session_ended(session: Session) -> bool:
    session.expire_all()
    return session.exec(select(UserSession.ended_at)).one() is not None


def test_same_origin_with_token_is_accepted(signed_in: TestClient, session: Session) -> None:
    token = csrf_token(signed_in, "/caseload")
    assert logout(signed_in, token=token, headers={"Origin": ORIGIN}) == 303
    assert session_ended(session)


def test_cross_site_request_is_refused(signed_in: TestClient, session: Session) -> None:
    token = csrf_token(signed_in, "/caseload")
    assert logout(signed_in, token=token, headers={"Origin": "https://evil.example"}) == 403
    assert logout(signed_in, token=token, headers={"Sec-Fetch-Site": "cross-site"}) == 403
    assert not session_ended(session)


def test_missing_or_wrong_token_is_refused(signed_in: TestClient, session: Session) -> None:
    assert logout(signed_in, token=None, headers={"Origin": ORIGIN}) == 403
    assert logout(signed_in, token="forged", headers={"Origin": ORIGIN}) == 403
    assert not session_ended(session)


def test_token_in_the_htmx_header_is_accepted(signed_in: TestClient, session: Session) -> None:
    token = csrf_token(signed_in, "/caseload")
    headers = {"Origin": ORIGIN, "X-CSRF-Token": token, "HX-Request": "true"}
    response = signed_in.post("/logout", headers=headers, follow_redirects=False)
    assert response.headers.get("HX-Redirect") == "/login"
    assert session_ended(session)


def test_login_form_needs_its_token_too(client: TestClient, session: Session) -> None:
    user = make_user(session, make_provider(session), "tutor", password=PASSWORD)
    session.commit()
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_get_never_changes_state(signed_in: TestClient, session: Session) -> None:
    assert signed_in.get("/logout").status_code == 405
    assert not session_ended(session)
