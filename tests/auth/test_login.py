"""Signing in and out through the pages, as a browser does."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.models import Event, LoginAttempt, UserSession
from tests.factories import make_employer, make_provider, make_user
from tests.web_client import PASSWORD, post, sign_in


@pytest.fixture
def tutor_email(session: Session) -> str:
    provider = make_provider(session)
    user = make_user(session, provider, "tutor", password=PASSWORD)
    session.commit()
    return user.email


def test_login_page_has_a_form_that_works_without_javascript(client: TestClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert 'method="post"' in response.text and 'name="csrf_token"' in response.text


def test_tutor_lands_on_their_caseload(client: TestClient, tutor_email: str) -> None:
    response = sign_in(client, tutor_email)
    assert response.status_code == 303
    assert response.headers["Location"] == "/caseload"
    assert client.get("/caseload").status_code == 200


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("apprentice", "/portfolio"),
        ("employer", "/dashboard"),
        ("iqa", "/provider"),
        ("admin", "/provider"),
    ],
)
def test_each_role_lands_on_its_home(
    client: TestClient, session: Session, role: str, home: str
) -> None:
    provider = make_provider(session)
    org = make_employer(session, provider) if role in ("apprentice", "employer") else provider
    user = make_user(session, org, role, password=PASSWORD)
    session.commit()
    assert sign_in(client, user.email).headers["Location"] == home


def test_session_cookie_is_http_only_and_same_site(client: TestClient, tutor_email: str) -> None:
    cookie = sign_in(client, tutor_email).headers["set-cookie"]
    assert "portfolio_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


def test_session_id_is_random_and_stored_only_hashed(
    client: TestClient, tutor_email: str, session: Session
) -> None:
    sign_in(client, tutor_email)
    raw = client.cookies["portfolio_session"]
    assert len(raw) >= 22  # at least 128 bits in URL-safe base64
    stored = session.exec(select(UserSession.id_hash)).all()
    assert raw not in stored and len(stored) == 1


def test_each_login_gets_a_new_session_id(client: TestClient, tutor_email: str) -> None:
    sign_in(client, tutor_email)
    first = client.cookies["portfolio_session"]
    sign_in(client, tutor_email)
    assert client.cookies["portfolio_session"] != first


def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: TestClient, tutor_email: str
) -> None:
    wrong = sign_in(client, tutor_email, "not the password at all")
    unknown = sign_in(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match" in wrong.text and "do not match" in unknown.text


def test_failed_login_keeps_the_email_typed(client: TestClient, tutor_email: str) -> None:
    response = sign_in(client, tutor_email, "wrong password here")
    assert f'value="{tutor_email}"' in response.text


def test_failures_are_recorded_and_audited(
    client: TestClient, tutor_email: str, session: Session
) -> None:
    sign_in(client, tutor_email, "wrong password here")
    assert session.exec(select(func.count()).select_from(LoginAttempt)).one() == 1
    actions = session.exec(select(Event.action)).all()
    assert "auth.login_failed" in actions


def test_logout_ends_the_session_on_the_server(
    client: TestClient, tutor_email: str, session: Session
) -> None:
    sign_in(client, tutor_email)
    raw = client.cookies["portfolio_session"]
    response = post(client, "/logout", {})
    assert response.status_code == 303
    client.cookies.set("portfolio_session", raw)  # replaying the old cookie must not work
    assert client.get("/caseload", follow_redirects=False).status_code == 303
    assert session.exec(select(UserSession.ended_at)).one() is not None


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client: TestClient) -> None:
    response = client.get("/caseload", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=%2Fcaseload"


def test_next_is_followed_only_within_the_site(client: TestClient, tutor_email: str) -> None:
    ok = post(
        client,
        "/login",
        {"email": tutor_email, "password": PASSWORD, "next": "/caseload"},
        token_from="/login",
    )
    assert ok.headers["Location"] == "/caseload"
    evil = post(
        client,
        "/login",
        {"email": tutor_email, "password": PASSWORD, "next": "//evil.example/"},
        token_from="/login",
    )
    assert evil.headers["Location"] == "/caseload"


def test_weaker_hash_is_upgraded_on_login(client: TestClient, session: Session) -> None:
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    weak = PasswordHash((Argon2Hasher(memory_cost=8 * 1024, time_cost=1),)).hash(PASSWORD)
    user = make_user(session, make_provider(session), "tutor")
    user.password_hash = weak
    session.commit()
    assert sign_in(client, user.email).status_code == 303
    session.refresh(user)
    assert user.password_hash != weak
    assert user.password_hash and "m=19456,t=2,p=1" in user.password_hash
