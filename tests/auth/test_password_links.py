"""Activation and password-reset links: one-time, hashed, expiring, and setting a password."""

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from app.auth.password_pages import RedactLinkTokens
from app.auth.tokens import digest
from app.models import Event, OneTimeToken, User
from app.settings import Settings
from tests.factories import make_link_token, make_provider, make_user
from tests.html_page import alert_text, links_to, main_text, parse
from tests.mailbox import mails, only_link
from tests.web_client import PASSWORD, form_values, post, sign_in

NEW_PASSWORD = "another long passphrase"


@pytest.fixture
def invited(session: Session) -> User:
    """A user who has been invited and has not set a password yet."""
    user = make_user(session, make_provider(session, "Northfield Training"), "tutor")
    session.commit()
    return user


@pytest.fixture
def member(session: Session) -> User:
    """A user with a password."""
    user = make_user(session, make_provider(session), "tutor", password=PASSWORD)
    session.commit()
    return user


def link_token(
    session: Session,
    user: User,
    purpose: str = "activate",
    *,
    expires_in_hours: float = 72,
    used: bool = False,
) -> str:
    raw = make_link_token(session, user, purpose, expires_in_hours=expires_in_hours, used=used)
    session.commit()
    return raw


def set_password(
    client: TestClient, path: str, password: str = NEW_PASSWORD, confirm: str | None = None
) -> Response:
    data = {"password": password, "confirm": password if confirm is None else confirm}
    return post(client, path, data, token_from="/password/forgot")


def actions(session: Session) -> list[str]:
    session.expire_all()
    return list(session.exec(select(Event.action)).all())


# Activation


def test_activation_page_asks_the_invited_user_for_a_password(
    client: TestClient, session: Session, invited: User
) -> None:
    response = client.get(f"/activate/{link_token(session, invited)}")
    assert response.status_code == 200
    page = parse(response.text)
    assert page.find("input", name="password").attrs["type"] == "password"
    assert page.find("input", name="confirm").attrs["type"] == "password"
    assert invited.email in page.find("main").text


def test_activation_sets_the_password_and_the_user_can_sign_in(
    client: TestClient, session: Session, invited: User
) -> None:
    response = set_password(client, f"/activate/{link_token(session, invited)}")
    assert response.status_code == 200
    assert "Your account is ready" in main_text(response.text)
    assert sign_in(client, invited.email, NEW_PASSWORD).status_code == 303


def test_activation_is_audited(client: TestClient, session: Session, invited: User) -> None:
    set_password(client, f"/activate/{link_token(session, invited)}")
    assert "auth.user_activated" in actions(session)


def test_a_link_works_only_once(client: TestClient, session: Session, invited: User) -> None:
    path = f"/activate/{link_token(session, invited)}"
    set_password(client, path)
    again = set_password(client, path, "a third long passphrase")
    assert again.status_code == 404
    assert client.get(path).status_code == 404
    assert sign_in(client, invited.email, NEW_PASSWORD).status_code == 303


def test_an_expired_link_does_not_work(client: TestClient, session: Session, invited: User) -> None:
    path = f"/activate/{link_token(session, invited, expires_in_hours=-1)}"
    assert client.get(path).status_code == 404
    assert set_password(client, path).status_code == 404
    session.refresh(invited)
    assert invited.password_hash is None


def test_a_link_lasts_72_hours(client: TestClient, session: Session, invited: User) -> None:
    assert client.get(f"/activate/{link_token(session, invited, expires_in_hours=71.9)}").is_success


def test_unknown_used_and_expired_links_look_the_same(
    client: TestClient, session: Session, invited: User
) -> None:
    used = client.get(f"/activate/{link_token(session, invited, used=True)}")
    expired = client.get(f"/activate/{link_token(session, invited, expires_in_hours=-1)}")
    unknown = client.get("/activate/not-a-real-token-at-all-1234567890")
    assert used.status_code == expired.status_code == unknown.status_code == 404
    assert main_text(used.text) == main_text(expired.text) == main_text(unknown.text)
    assert links_to(parse(unknown.text), "/password/forgot")


def test_an_overlong_token_is_simply_unknown(client: TestClient) -> None:
    assert client.get("/activate/" + "x" * 5000).status_code == 404


def test_a_reset_link_does_not_open_the_activation_page(
    client: TestClient, session: Session, member: User
) -> None:
    raw = link_token(session, member, "reset")
    assert client.get(f"/activate/{raw}").status_code == 404
    assert client.get(f"/password/reset/{raw}").status_code == 200


def test_a_disabled_users_link_does_not_work(
    client: TestClient, session: Session, invited: User
) -> None:
    raw = link_token(session, invited)
    invited.is_active = False
    session.add(invited)
    session.commit()
    assert client.get(f"/activate/{raw}").status_code == 404


def test_tokens_are_random_and_stored_only_hashed(
    client: TestClient, session: Session, member: User, settings: Settings
) -> None:
    post(client, "/password/forgot", {"email": member.email}, token_from="/password/forgot")
    raw = only_link(settings, member.email).rsplit("/", 1)[1]
    assert len(raw) >= 22  # at least 128 bits in URL-safe base64
    stored = session.exec(select(OneTimeToken.token_hash)).all()
    assert stored == [digest(raw)]


# Password rules


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 8 characters"),
        ("password123", "most common passwords"),
        ("we love northfield training", "organisation's name"),
    ],
)
def test_password_rules_are_shown_beside_the_form(
    client: TestClient, session: Session, invited: User, password: str, reason: str
) -> None:
    response = set_password(client, f"/activate/{link_token(session, invited)}", password)
    assert response.status_code == 422
    assert reason in alert_text(response.text)


def test_a_refused_password_is_not_typed_back_into_the_form(
    client: TestClient, session: Session, invited: User
) -> None:
    response = set_password(client, f"/activate/{link_token(session, invited)}", "password123")
    values = form_values(response.text)
    assert values["password"] == "" and values["confirm"] == ""
    assert "password123" not in response.text


def test_the_two_passwords_must_match(client: TestClient, session: Session, invited: User) -> None:
    path = f"/activate/{link_token(session, invited)}"
    response = set_password(client, path, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert response.status_code == 422
    assert "not the same" in alert_text(response.text)


def test_a_refused_password_leaves_the_link_usable(
    client: TestClient, session: Session, invited: User
) -> None:
    path = f"/activate/{link_token(session, invited)}"
    set_password(client, path, "short")
    assert set_password(client, path).status_code == 200


def test_64_character_passwords_are_accepted(
    client: TestClient, session: Session, invited: User
) -> None:
    long = "correct horse battery staple " * 3  # 87 characters
    assert (
        set_password(client, f"/activate/{link_token(session, invited)}", long).status_code == 200
    )
    assert sign_in(client, invited.email, long).status_code == 303


# Forgotten password


def test_login_page_links_to_the_forgotten_password_page(client: TestClient) -> None:
    [link] = links_to(parse(client.get("/login").text), "/password/forgot")
    assert "Forgot your password?" in link.text


def forgot(client: TestClient, email: str) -> Response:
    return post(client, "/password/forgot", {"email": email}, token_from="/password/forgot")


def test_forgot_password_answers_the_same_for_unknown_emails(
    client: TestClient, member: User
) -> None:
    known = forgot(client, member.email)
    unknown = forgot(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert main_text(known.text) == main_text(unknown.text)


def test_forgot_password_mails_a_link_only_to_real_accounts(
    client: TestClient, member: User, settings: Settings
) -> None:
    forgot(client, "nobody@example.org")
    assert mails(settings) == []
    forgot(client, member.email.upper())
    assert [m["To"] for m in mails(settings)] == [member.email]


def test_the_mailed_link_resets_the_password(
    client: TestClient, member: User, settings: Settings, session: Session
) -> None:
    forgot(client, member.email)
    assert set_password(client, only_link(settings, member.email)).status_code == 200
    assert sign_in(client, member.email, NEW_PASSWORD).status_code == 303
    assert sign_in(client, member.email, PASSWORD).status_code == 401
    assert {"auth.password_reset_requested", "auth.password_reset"} <= set(actions(session))


def test_a_new_reset_link_replaces_the_previous_one(
    client: TestClient, member: User, session: Session
) -> None:
    first = link_token(session, member, "reset")
    forgot(client, member.email)
    assert client.get(f"/password/reset/{first}").status_code == 404


def test_reset_mails_stop_after_five_an_hour(
    client: TestClient, member: User, settings: Settings
) -> None:
    answers = {main_text(forgot(client, member.email).text) for _ in range(7)}
    assert len(answers) == 1
    assert len(mails(settings)) == 5


def test_disabled_accounts_get_no_reset_mail(
    client: TestClient, member: User, session: Session, settings: Settings
) -> None:
    member.is_active = False
    session.add(member)
    session.commit()
    forgot(client, member.email)
    assert mails(settings) == []


def test_an_empty_email_is_asked_for_again(client: TestClient) -> None:
    response = forgot(client, "  ")
    assert response.status_code == 422
    assert "Enter the email" in alert_text(response.text)


def test_forgot_password_form_needs_its_csrf_token(client: TestClient, member: User) -> None:
    client.get("/password/forgot")
    response = client.post(
        "/password/forgot",
        data={"email": member.email},
        headers={"Origin": "http://127.0.0.1:8000"},
        follow_redirects=False,
    )
    assert response.status_code == 403


# Sessions and secrets


def test_setting_a_password_signs_the_user_out_everywhere(
    app: FastAPI, client: TestClient, session: Session, member: User
) -> None:
    sign_in(client, member.email)
    assert client.get("/caseload", follow_redirects=False).status_code == 200
    with TestClient(app, base_url="http://127.0.0.1:8000") as other:
        set_password(other, f"/password/reset/{link_token(session, member, 'reset')}")
    assert client.get("/caseload", follow_redirects=False).status_code == 303


def test_the_link_token_is_never_logged(
    client: TestClient, member: User, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        forgot(client, member.email)
    raw = only_link(settings, member.email).rsplit("/", 1)[1]
    assert "outbox" in caplog.text
    assert raw not in caplog.text


def test_access_log_lines_hide_link_tokens() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/password/reset/SECRET123?x=1", "1.1", 200),
        None,
    )
    RedactLinkTokens().filter(record)
    assert "SECRET123" not in record.getMessage()
    assert "/password/reset/[redacted]" in record.getMessage()
