"""Activation and password-reset links: one-time tokens, stored hashed, that set a password."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, update
from sqlmodel import Session, col, select

from app import audit
from app.auth import sessions
from app.auth.accounts import normalise_email
from app.auth.passwords import hash_password, password_problem
from app.auth.tokens import digest, new_secret
from app.errors import FieldErrors, NotFound
from app.mail import Outbox
from app.models import OneTimeToken, Organisation, User, utcnow
from app.models.base import id_of

ACTIVATE = "activate"
RESET = "reset"
LIFETIME = timedelta(hours=72)
# Enough for someone who keeps losing the mail; stops a script from filling their inbox.
MAX_RESETS_PER_HOUR = 5
ROUTE_OF = {ACTIVATE: "activate", RESET: "password_reset"}
TOKEN_MAX = 100
MISMATCH = "The two passwords are not the same. Type the same password in both boxes."

ACTIVATION_MAIL = """Hello {name},

An account has been made for you on KSB Portfolio, where you keep and review apprenticeship
evidence. To start, choose your password here:

{link}

The link works once, for {hours} hours. If it has run out, use "Forgot your password?" on the
sign-in page to get a new one.
"""

RESET_MAIL = """Hello {name},

Someone (we hope you) asked to reset the password of your KSB Portfolio account.
To choose a new password, open this link:

{link}

The link works once, for {hours} hours. If you did not ask for it, you can ignore this message:
your password stays as it is.
"""


class LinkNotUsable(NotFound):
    """Unknown, used or expired: the three are never told apart."""


@dataclass(frozen=True)
class Mailer:
    """Where links go, and how a (route name, raw token) pair becomes an address to open."""

    outbox: Outbox
    link: Callable[[str, str], str]


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _spend_open_tokens(session: Session, *, user_id: int, purpose: str | None = None) -> None:
    """Marks a user's unused links as used: only the newest link, or none, may work."""
    statement = update(OneTimeToken).where(
        col(OneTimeToken.user_id) == user_id, col(OneTimeToken.used_at).is_(None)
    )
    if purpose is not None:
        statement = statement.where(col(OneTimeToken.purpose) == purpose)
    session.execute(statement.values(used_at=utcnow()))


def cancel_open_links(session: Session, *, user_id: int) -> None:
    """Every unused link of a user stops working (disabling them): re-enabling must not revive
    a link mailed before."""
    _spend_open_tokens(session, user_id=user_id)


def issue_token(session: Session, *, user: User, purpose: str) -> str:
    """A new link token (256 random bits); returns the raw token, keeps only its hash."""
    assert user.id is not None and purpose in ROUTE_OF
    _spend_open_tokens(session, user_id=user.id, purpose=purpose)
    raw = new_secret()
    token = OneTimeToken(
        token_hash=digest(raw), user_id=user.id, purpose=purpose, expires_at=utcnow() + LIFETIME
    )
    session.add(token)
    session.flush()
    return raw


def _send(session: Session, *, user: User, purpose: str, mailer: Mailer) -> str:
    link = mailer.link(ROUTE_OF[purpose], issue_token(session, user=user, purpose=purpose))
    template, subject = (
        (ACTIVATION_MAIL, "Set up your KSB Portfolio account")
        if purpose == ACTIVATE
        else (RESET_MAIL, "Reset your KSB Portfolio password")
    )
    hours = int(LIFETIME.total_seconds() // 3600)
    body = template.format(name=user.name, link=link, hours=hours)
    mailer.outbox.send(to=user.email, subject=subject, body=body)
    return link


def send_activation(session: Session, *, user: User, mailer: Mailer) -> str:
    """Mails a new user their activation link; returns it, for the admin to see once."""
    return _send(session, user=user, purpose=ACTIVATE, mailer=mailer)


def _resets_last_hour(session: Session, *, user_id: int) -> int:
    since = utcnow() - timedelta(hours=1)
    return session.exec(
        select(func.count()).where(
            col(OneTimeToken.user_id) == user_id,
            col(OneTimeToken.purpose) == RESET,
            col(OneTimeToken.created_at) > since,
        )
    ).one()


def request_reset(session: Session, *, email: str, mailer: Mailer, client_addr: str) -> None:
    """Mails a reset link to an active account. The caller answers the same whatever happens."""
    email = normalise_email(email)
    user = session.exec(select(User).where(User.email == email)).first()
    sent = (
        user is not None
        and user.is_active
        and _resets_last_hour(session, user_id=id_of(user)) < MAX_RESETS_PER_HOUR
    )
    if sent and user is not None:
        _send(session, user=user, purpose=RESET, mailer=mailer)
    audit.record(
        session,
        action="auth.password_reset_requested",
        actor=None,
        target_type="user",
        target_id=user.id if user else None,
        client_addr=client_addr,
        data={"email": email, "sent": sent},
    )


def find_usable(session: Session, *, raw: str, purpose: str) -> tuple[OneTimeToken, User] | None:
    """The token and its user while the link still works; None otherwise."""
    if len(raw) > TOKEN_MAX:
        return None  # not one of ours: no need to ask the database
    found = session.exec(
        select(OneTimeToken, User)
        .join(User, col(User.id) == OneTimeToken.user_id)
        .where(OneTimeToken.token_hash == digest(raw), OneTimeToken.purpose == purpose)
    ).first()
    if found is None:
        return None
    token, user = found
    if token.used_at is not None or _aware(token.expires_at) <= utcnow() or not user.is_active:
        return None
    return found


def _spend(session: Session, *, token: OneTimeToken) -> None:
    """A conditional update: of two submissions racing with one link, only one succeeds."""
    statement = (
        update(OneTimeToken)
        .where(col(OneTimeToken.id) == token.id, col(OneTimeToken.used_at).is_(None))
        .values(used_at=utcnow())
    )
    spent = cast("CursorResult[Any]", session.execute(statement))
    if spent.rowcount != 1:
        raise LinkNotUsable("This link no longer works.")


def set_password(
    session: Session, *, raw: str, purpose: str, password: str, confirm: str, client_addr: str
) -> User:
    """Sets the password a link was sent for, spends the link and signs the user out elsewhere."""
    found = find_usable(session, raw=raw, purpose=purpose)
    if found is None:
        raise LinkNotUsable("This link no longer works.")
    token, user = found
    org = session.get(Organisation, user.organisation_id)
    if problem := password_problem(password, org_name=org.name if org else ""):
        raise FieldErrors.one("password", problem)
    if password != confirm:
        raise FieldErrors.one("confirm", MISMATCH)
    _spend(session, token=token)
    assert user.id is not None
    _spend_open_tokens(session, user_id=user.id)  # an earlier invitation must not work after
    user.password_hash = hash_password(password)
    session.add(user)
    sessions.end_user_sessions(session, user_id=user.id)
    audit.record(
        session,
        action="auth.user_activated" if purpose == ACTIVATE else "auth.password_reset",
        actor=user,
        target_type="user",
        target_id=user.id,
        client_addr=client_addr,
    )
    return user
