"""Sign-in throttling: failed attempts per account and per client address, over one hour.

No permanent lockout: once the oldest counted failure is an hour old, attempts are evaluated
again. Unknown emails are counted exactly like known ones, so the answers cannot tell them apart.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from app.auth.tokens import digest
from app.models import LoginAttempt, utcnow

WINDOW = timedelta(hours=1)
PER_ACCOUNT = 100
PER_ADDRESS = 300


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds


def email_key(email: str) -> str:
    return digest(email.strip().lower())


def _oldest_and_count(
    session: Session, condition: ColumnElement[bool], since: datetime
) -> tuple[datetime | None, int]:
    row = session.exec(
        select(func.min(LoginAttempt.attempted_at), func.count()).where(
            condition, col(LoginAttempt.attempted_at) > since
        )
    ).one()
    return row[0], row[1]


def check(session: Session, *, email: str, client_addr: str) -> Verdict:
    now = utcnow()
    since = now - WINDOW
    limits = (
        (col(LoginAttempt.email_hash) == email_key(email), PER_ACCOUNT),
        (col(LoginAttempt.client_addr) == client_addr, PER_ADDRESS),
    )
    for condition, limit in limits:
        oldest, count = _oldest_and_count(session, condition, since)
        if count >= limit and oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
            wait = (oldest + WINDOW - now).total_seconds()
            return Verdict(False, max(1, math.ceil(wait)))
    return Verdict(True)


def record_failure(session: Session, *, email: str, client_addr: str) -> None:
    session.add(LoginAttempt(email_hash=email_key(email), client_addr=client_addr[:64]))
