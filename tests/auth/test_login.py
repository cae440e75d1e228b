"""Signing in and out through the pages, as a browser does."""

import json
import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session, func, select

from app.auth.tokens import digest
from app.models import Event, LoginAttempt, User, UserSession
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


PER_RESPONSE = {"date", "x-request-id"}


def _comparable(response: Response, email: str, csrf: str) -> tuple[int, dict[str, str], str]:
    """Status, headers and body, with the typed email, the form's CSRF token and its one-time
    token (new on every page) blanked out, and without the headers every response has its own
    of (Date, X-Request-Id)."""
    headers = {k: v for k, v in response.headers.items() if k.lower() not in PER_RESPONSE}
    body = response.text.replace(email, "EMAIL").replace(csrf, "CSRF")
    body = re.sub(r'name="form_token" value="[^"]*"', 'name="form_token" value=""', body)
    return response.status_code, headers, body


def test_wrong_password_and_unknown_email_get_identical_responses(
    client: TestClient, tutor_email: str
) -> None:
    # An unknown address of the same length, so that even Content-Length cannot tell them apart.
    local, domain = tutor_email.split("@")
    unknown_email = f"{'z' * len(local)}@{domain}"
    wrong = sign_in(client, tutor_email, "not the password at all")
    unknown = sign_in(client, unknown_email, "not the password at all")
    csrf = client.cookies["portfolio_csrf"]
    assert _comparable(wrong, tutor_email, csrf) == _comparable(unknown, unknown_email, csrf)


@pytest.fixture
def argon2_verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every Argon2 verification (the slow part of a login) by the hash it checked."""
    checked: list[str] = []
    original = Argon2Hasher.verify

    def counting(self: Argon2Hasher, password: str | bytes, hash: str | bytes) -> bool:
        checked.append(hash if isinstance(hash, str) else hash.decode())
        return original(self, password, hash)

    monkeypatch.setattr(Argon2Hasher, "verify", counting)
    return checked


def test_unknown_email_still_verifies_a_password_hash(
    client: TestClient, tutor_email: str, argon2_verifications: list[str]
) -> None:
    sign_in(client, tutor_email, "not the password at all")
    assert len(argon2_verifications) == 1
    sign_in(client, "nobody@example.org", "not the password at all")
    assert len(argon2_verifications) == 2  # the same Argon2 work as for a real account
    assert argon2_verifications[1].startswith("$argon2id$")


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


def test_logout_is_audited_without_the_session_id(
    client: TestClient, tutor_email: str, session: Session
) -> None:
    sign_in(client, tutor_email)
    raw = client.cookies["portfolio_session"]
    post(client, "/logout", {})
    session.commit()  # a fresh snapshot: SQLite keeps a reader on its first one
    user = session.exec(select(User).where(User.email == tutor_email)).one()
    event = session.exec(select(Event).where(Event.action == "auth.logout")).one()
    assert (event.actor_id, event.target_type, event.target_id) == (user.id, "user", user.id)
    assert event.client_addr == "testclient"
    data = json.dumps(event.data)
    assert raw not in data and digest(raw) not in data
    assert not [key for key in event.data if "session" in key.lower()]


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
