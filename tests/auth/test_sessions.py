"""Sessions: idle and absolute limits, secure cookies over https, seeing and ending sessions."""

import json
import logging
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.models import Event, User, UserSession, utcnow
from tests.factories import bearer, make_provider, make_user
from tests.html_page import parse
from tests.web_client import PASSWORD, csrf_token, form_values, post, sign_in


@pytest.fixture
def user(session: Session) -> User:
    user = make_user(session, make_provider(session), "tutor", password=PASSWORD)
    session.commit()
    return user


def age_sessions(session: Session, **moments: timedelta) -> None:
    values = {column: utcnow() - delta for column, delta in moments.items()}
    session.execute(update(UserSession).values(**values))
    session.commit()


def is_signed_in(client: TestClient) -> bool:
    return client.get("/caseload", follow_redirects=False).status_code == 200


def test_idle_session_expires_after_thirty_minutes(
    client: TestClient, session: Session, user: User
) -> None:
    sign_in(client, user.email)
    age_sessions(session, last_seen_at=timedelta(minutes=29))
    assert is_signed_in(client)
    age_sessions(session, last_seen_at=timedelta(minutes=31))
    assert not is_signed_in(client)


def test_session_ends_after_twelve_hours_even_when_active(
    client: TestClient, session: Session, user: User
) -> None:
    sign_in(client, user.email)
    age_sessions(session, created_at=timedelta(hours=12, minutes=1), last_seen_at=timedelta(0))
    assert not is_signed_in(client)


def test_activity_keeps_the_session_alive(client: TestClient, session: Session, user: User) -> None:
    sign_in(client, user.email)
    age_sessions(session, last_seen_at=timedelta(minutes=20))
    assert is_signed_in(client)  # touches last_seen_at
    session.expire_all()
    seen = session.exec(select(UserSession.last_seen_at)).one()
    assert utcnow() - (seen if seen.tzinfo else seen.replace(tzinfo=utcnow().tzinfo)) < timedelta(
        minutes=1
    )


def test_disabled_user_is_signed_out(client: TestClient, session: Session, user: User) -> None:
    sign_in(client, user.email)
    session.execute(update(User).values(is_active=False))
    session.commit()
    assert not is_signed_in(client)


def test_cookie_is_secure_with_host_prefix_over_https(app: FastAPI, user: User) -> None:
    with TestClient(app, base_url="https://portfolio.example") as client:
        client.get("/login")
        token = form_values(client.get("/login").text)["csrf_token"]
        response = client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": token},
            headers={"Origin": "https://portfolio.example"},
            follow_redirects=False,
        )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-portfolio_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_user_sees_and_ends_another_session(app: FastAPI, session: Session, user: User) -> None:
    with (
        TestClient(app, base_url="http://127.0.0.1:8000") as laptop,
        TestClient(app, base_url="http://127.0.0.1:8000") as phone,
    ):
        sign_in(laptop, user.email)
        sign_in(phone, user.email)
        page = laptop.get("/account/sessions")
        assert page.text.count("End session") == 1 and "This browser" in page.text
        other = session.exec(select(UserSession.id).order_by(col(UserSession.id).desc())).first()
        token = csrf_token(laptop, "/account/sessions")
        laptop.post(
            f"/account/sessions/{other}/end",
            data={"csrf_token": token},
            headers={"Origin": "http://127.0.0.1:8000"},
        )
        assert not is_signed_in(phone)
        assert is_signed_in(laptop)


def test_authenticated_pages_are_never_cached(client: TestClient, user: User) -> None:
    sign_in(client, user.email)
    assert client.get("/caseload").headers["Cache-Control"] == "no-store"


def test_session_id_and_api_token_are_never_logged_or_audited(
    client: TestClient, session: Session, user: User, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        sign_in(client, user.email)
        raw_session = client.cookies["portfolio_session"]
        created = post(
            client, "/account/tokens", {"name": "Spreadsheet"}, token_from="/account/tokens"
        )
        raw_token = parse(created.text).find(id="new-token").text
        assert client.get("/api/v1/me", headers=bearer(raw_token)).status_code == 200
        post(client, "/logout", {})
    assert raw_token.startswith("kp_") and len(raw_session) >= 22
    assert "auth.logout" in caplog.text  # the audit log was captured at all
    logged = [caplog.text] + [record.getMessage() for record in caplog.records]
    assert not [line for line in logged if raw_session in line or raw_token in line]
    session.commit()  # a fresh snapshot: SQLite keeps a reader on its first one
    events = session.exec(select(Event)).all()
    assert {"auth.login", "auth.token_created", "auth.logout"} <= {e.action for e in events}
    data = [json.dumps(event.data) for event in events]
    assert not [row for row in data if raw_session in row or raw_token in row]
