"""Signing in and out: throttled, timing-safe, audited, with a fresh session id each time."""

from dataclasses import dataclass

from sqlmodel import Session, select

from app import audit
from app.auth import sessions, throttle
from app.auth.accounts import normalise_email
from app.auth.passwords import verify_password
from app.models import User, UserSession

WRONG = "That email and password do not match an active account."


@dataclass(frozen=True)
class LoginResult:
    user: User | None = None
    session_id: str | None = None  # the raw id for the cookie; never stored or logged
    error: str | None = None
    retry_after: int = 0


def log_in(
    session: Session, *, email: str, password: str, client_addr: str, user_agent: str | None
) -> LoginResult:
    """Failures are recorded, not raised, so that the caller's commit keeps the count."""
    email = normalise_email(email)
    verdict = throttle.check(session, email=email, client_addr=client_addr)
    if not verdict.allowed:
        audit.record(
            session,
            action="auth.login_throttled",
            actor=None,
            target_type="login",
            client_addr=client_addr,
            data={"email": email},
        )
        return LoginResult(
            error="Too many failed attempts. Please try again later.",
            retry_after=verdict.retry_after,
        )
    user = session.exec(select(User).where(User.email == email)).first()
    usable = user is not None and user.is_active
    valid, new_hash = verify_password(password, user.password_hash if usable and user else None)
    if not (valid and user):
        throttle.record_failure(session, email=email, client_addr=client_addr)
        audit.record(
            session,
            action="auth.login_failed",
            actor=None,
            target_type="user",
            target_id=user.id if user else None,
            client_addr=client_addr,
            data={"email": email},
        )
        return LoginResult(error=WRONG)
    if new_hash:
        user.password_hash = new_hash  # stronger parameters than when it was stored
        session.add(user)
    raw, _row = sessions.start_session(
        session, user=user, client_addr=client_addr, user_agent=user_agent
    )
    audit.record(
        session,
        action="auth.login",
        actor=user,
        target_type="user",
        target_id=user.id,
        client_addr=client_addr,
    )
    return LoginResult(user=user, session_id=raw)


def log_out(session: Session, *, user: User, row: UserSession, client_addr: str) -> None:
    sessions.end_session(session, row=row)
    audit.record(
        session,
        action="auth.logout",
        actor=user,
        target_type="user",
        target_id=user.id,
        client_addr=client_addr,
    )
