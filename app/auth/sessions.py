"""Server-side login sessions: create, look up (idle and absolute limits), end."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from app.auth.tokens import digest, new_secret
from app.models import User, UserSession, id_of, utcnow
from app.settings import Settings

COOKIE = "portfolio_session"
SECURE_COOKIE = "__Host-portfolio_session"
# last_seen_at is written at most this often, so that reading pages stays read-only.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limits":
        return cls(
            timedelta(minutes=settings.session_idle_minutes),
            timedelta(hours=settings.session_absolute_hours),
        )


def cookie_name(request: Request) -> str:
    return SECURE_COOKIE if request.url.scheme == "https" else COOKIE


def session_cookie(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request))


def start_session(
    session: Session, *, user: User, client_addr: str | None, user_agent: str | None
) -> tuple[str, UserSession]:
    """A new session with a new random id (never reused across logins)."""
    raw = new_secret()
    row = UserSession(
        id_hash=digest(raw),
        user_id=id_of(user),
        csrf_token=new_secret(),
        client_addr=client_addr,
        user_agent=(user_agent or "")[:300],
    )
    session.add(row)
    session.flush()
    return raw, row


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def is_live(row: UserSession, *, limits: Limits, now: datetime) -> bool:
    return (
        row.ended_at is None
        and now - _aware(row.last_seen_at) < limits.idle
        and now - _aware(row.created_at) < limits.absolute
    )


# Every request runs it: built once, with the hash as its parameter.
_BY_HASH = (
    select(UserSession, User)
    .join(User, col(User.id) == UserSession.user_id)
    .where(col(UserSession.id_hash) == bindparam("id_hash"))
)


def find_session(session: Session, *, raw: str, limits: Limits) -> tuple[UserSession, User] | None:
    found = session.exec(_BY_HASH, params={"id_hash": digest(raw)}).first()
    if (
        found is None
        or not found[1].is_active
        or not is_live(found[0], limits=limits, now=utcnow())
    ):
        return None
    return found


def needs_touch(row: UserSession) -> bool:
    return utcnow() - _aware(row.last_seen_at) > TOUCH_EVERY


def touch(session: Session, *, session_id: int) -> None:
    session.execute(
        update(UserSession).where(col(UserSession.id) == session_id).values(last_seen_at=utcnow())
    )


def end_session(session: Session, *, row: UserSession) -> None:
    row.ended_at = utcnow()
    session.add(row)


def end_user_sessions(session: Session, *, user_id: int) -> None:
    """Ends every live session of a user (disabling, password change)."""
    session.execute(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.ended_at).is_(None))
        .values(ended_at=utcnow())
    )


def live_sessions(session: Session, *, user_id: int, limits: Limits) -> list[UserSession]:
    rows = session.exec(
        select(UserSession)
        .where(UserSession.user_id == user_id, col(UserSession.ended_at).is_(None))
        .order_by(col(UserSession.last_seen_at).desc())
    ).all()
    return [row for row in rows if is_live(row, limits=limits, now=utcnow())]
