"""Brute force: 100 failures per account per hour, a per-address limit, no permanent lockout."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session

from app.auth import throttle
from app.models import LoginAttempt, utcnow
from tests.factories import make_provider, make_user
from tests.web_client import PASSWORD, sign_in


def fail_many(
    session: Session,
    *,
    count: int,
    email: str = "",
    addr: str = "testclient",
    age: timedelta = timedelta(minutes=5),
) -> None:
    when = utcnow() - age
    rows = [
        {
            "email_hash": throttle.email_key(email or f"other{i}@x.org"),
            "client_addr": addr,
            "attempted_at": when,
        }
        for i in range(count)
    ]
    session.execute(insert(LoginAttempt), rows)
    session.commit()


@pytest.fixture
def email(session: Session) -> str:
    user = make_user(session, make_provider(session), "tutor", password=PASSWORD)
    session.commit()
    return user.email


def test_hundred_failures_lock_the_account_for_the_hour(
    client: TestClient, session: Session, email: str
) -> None:
    fail_many(session, count=throttle.PER_ACCOUNT, email=email, addr="192.0.2.9")
    response = sign_in(client, email)  # even the right password is not evaluated now
    assert response.status_code == 429
    assert 3000 < int(response.headers["Retry-After"]) <= 3300


def test_ninety_nine_failures_still_allow_the_right_password(
    client: TestClient, session: Session, email: str
) -> None:
    fail_many(session, count=throttle.PER_ACCOUNT - 1, email=email, addr="192.0.2.9")
    assert sign_in(client, email).status_code == 303


def test_old_failures_no_longer_count(client: TestClient, session: Session, email: str) -> None:
    fail_many(
        session,
        count=throttle.PER_ACCOUNT,
        email=email,
        addr="192.0.2.9",
        age=timedelta(minutes=61),
    )
    assert sign_in(client, email).status_code == 303


def test_one_address_trying_many_accounts_is_slowed(
    client: TestClient, session: Session, email: str
) -> None:
    fail_many(session, count=throttle.PER_ADDRESS)  # spread over many other emails
    assert sign_in(client, email).status_code == 429


def test_unknown_accounts_are_throttled_like_known_ones(
    client: TestClient, session: Session
) -> None:
    ghost = "nobody@example.org"
    fail_many(session, count=throttle.PER_ACCOUNT, email=ghost, addr="192.0.2.9")
    assert sign_in(client, ghost).status_code == 429
