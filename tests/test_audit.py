"""The audit log: secrets never recorded, CR/LF cannot forge lines."""

import logging

import pytest
from sqlmodel import Session, select

from app import audit
from app.models import Event


def test_control_characters_cannot_forge_log_lines(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    forged = "bob@example.org\r\n2026-01-01 auth.login actor=1"
    with caplog.at_level(logging.INFO, logger="portfolio.audit"):
        audit.record(
            session,
            action="auth.login_failed",
            actor=None,
            target_type="login",
            client_addr="10.0.0.1\n",
            data={"email": forged},
        )
        session.commit()
    stored = session.exec(select(Event)).one()
    assert "\n" not in stored.data["email"] and "\r" not in stored.data["email"]
    assert stored.client_addr == "10.0.0.1?"
    assert all("\n" not in r.getMessage() for r in caplog.records)


def test_secrets_are_never_recorded(session: Session) -> None:
    audit.record(
        session,
        action="auth.login",
        actor=None,
        target_type="user",
        data={"password": "hunter2", "token": "abc", "email": "a@b.org"},
    )
    session.commit()
    assert session.exec(select(Event.data)).one() == {"email": "a@b.org"}
