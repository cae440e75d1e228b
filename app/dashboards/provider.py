"""The provider overview's figures, read from apprenticeship_summary: no claim is scanned.

Every question is one statement on a covering index of the summaries, whatever the provider
holds: coverage bins, status counts and tutor queues are grouped there, and the at-risk list is
an indexed range over the days each pace slips (worked out by the coverage engine whenever a
summary is refreshed), so only the shown few are rated and named.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, case, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.auth.policy import summary_scope
from app.models import Apprenticeship, ApprenticeshipStatus, ApprenticeshipSummary, User
from app.progress.coverage import Progress, Rag, progress
from app.review.timing import waited, waited_seconds

Apprentice = aliased(User)
Tutor = aliased(User)
Summary = ApprenticeshipSummary
BINS = 10  # 0-9%, 10-19%, ... 90-100% of KSBs signed off
AT_RISK_LIMIT = 50
_RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


@dataclass(frozen=True)
class AtRisk:
    apprenticeship_id: int
    apprentice_name: str
    tutor_name: str | None
    progress: Progress
    since: date  # the first day it was rated this colour


@dataclass(frozen=True)
class TutorQueue:
    tutor_id: int | None
    tutor_name: str
    apprenticeships: int
    awaiting: int
    oldest_waited: str
    oldest_seconds: int | None


@dataclass(frozen=True)
class Overview:
    total: int
    bins: tuple[tuple[str, int], ...]
    by_status: tuple[tuple[str, int], ...]
    at_risk: tuple[AtRisk, ...]
    at_risk_total: int
    queues: tuple[TutorQueue, ...]


def bin_label(index: int) -> str:
    low = index * 100 // BINS
    return f"{low}-{low + 100 // BINS - (0 if index == BINS - 1 else 1)}%"


def coverage_bins(session: Session, *, viewer: User) -> tuple[tuple[str, int], ...]:
    """How many apprenticeships have signed off each tenth of their KSBs."""
    total, signed = col(Summary.ksb_total), col(Summary.signed_off)
    # Integer floor division in both databases; a complete portfolio joins the top bin.
    share = case((signed >= total, BINS - 1), else_=signed * BINS // total)
    bucket = case((total > 0, share), else_=0).label("bucket")
    statement = sa_select(bucket, func.count()).where(summary_scope(viewer)).group_by("bucket")
    counts = {int(bucket): int(count) for bucket, count in session.execute(statement)}
    return tuple((bin_label(i), counts.get(i, 0)) for i in range(BINS))


def status_counts(session: Session, *, viewer: User) -> tuple[tuple[str, int], ...]:
    status = col(Summary.status)
    statement = sa_select(status, func.count()).where(summary_scope(viewer)).group_by(status)
    counts = {str(status): int(count) for status, count in session.execute(statement)}
    return tuple((status.value, counts.get(status.value, 0)) for status in ApprenticeshipStatus)


def tutor_queues(session: Session, *, viewer: User, now: datetime) -> tuple[TutorQueue, ...]:
    """Per tutor: evidence waiting for review and how long the oldest item has waited."""
    grouped = (
        sa_select(
            col(Summary.tutor_id).label("tutor_id"),
            func.count().label("apprenticeships"),
            func.sum(col(Summary.items_awaiting_review)).label("awaiting"),
            func.min(col(Summary.oldest_awaiting_since)).label("oldest"),
        )
        .where(summary_scope(viewer))
        .group_by(col(Summary.tutor_id))
        .subquery()
    )
    # Grouped on the index first, then the (few hundred) tutors named.
    statement = sa_select(grouped, col(Tutor.name)).outerjoin(
        Tutor, col(Tutor.id) == grouped.c.tutor_id
    )
    queues = [
        TutorQueue(
            tutor_id,
            name or "No tutor assigned",
            int(count),
            int(awaiting),
            waited(oldest, now) if awaiting else "",
            waited_seconds(oldest, now) if awaiting else None,
        )
        for tutor_id, count, awaiting, oldest, name in session.execute(statement)
    ]
    # Longest queue first, then the longest wait.
    queues.sort(key=lambda q: (-q.awaiting, -(q.oldest_seconds or 0), q.tutor_name.casefold()))
    return tuple(queues)


def at_risk(
    session: Session, *, viewer: User, today: date, limit: int = AT_RISK_LIMIT
) -> tuple[tuple[AtRisk, ...], int]:
    """Active apprenticeships rated red or amber today, with how many in all: red first, then
    amber, each longest behind first.

    Each summary holds the days its pace turns amber and red, so "behind today" is an indexed
    range: the count, the reds and then the ambers are read in order and only the shown are rated.
    """
    active = and_(summary_scope(viewer), col(Summary.status) == ApprenticeshipStatus.ACTIVE)
    behind, red, key = col(Summary.behind_on), col(Summary.red_on), col(Summary.apprenticeship_id)
    total = session.execute(sa_select(func.count()).where(active, behind <= today)).scalar_one()
    reds = sa_select(key).where(active, red <= today).order_by(red, key)
    shown = list(session.scalars(reds.limit(limit)))
    if len(shown) < limit:
        ambers = sa_select(key).where(active, behind <= today, red > today).order_by(behind, key)
        shown += session.scalars(ambers.limit(limit - len(shown)))
    rows = [_rated(row, today) for row in _details(session, shown)]
    # Ties in how long behind are shown by name.
    rows.sort(key=lambda r: (_RAG_ORDER[r.progress.rag], r.since, r.apprentice_name.casefold()))
    return tuple(rows), int(total)


def _details(session: Session, ids: list[int]) -> Sequence[Row[Any]]:
    """Names, dates and sign-off counts of the few shown (one statement, even for none)."""
    a = Apprenticeship
    statement = (
        sa_select(
            col(a.id),
            col(Apprentice.name),
            col(Tutor.name),
            col(a.start_date),
            col(a.planned_end_date),
            col(Summary.signed_off),
            col(Summary.ksb_total),
            col(Summary.behind_on),
            col(Summary.red_on),
        )
        .join(Summary, col(Summary.apprenticeship_id) == a.id)
        .join(Apprentice, col(Apprentice.id) == a.apprentice_id)
        .outerjoin(Tutor, col(Tutor.id) == a.tutor_id)
        .where(col(a.id).in_(ids))
    )
    return session.execute(statement).all()


def _rated(row: Sequence[Any], today: date) -> AtRisk:
    apprenticeship_id, apprentice, tutor, start, end, signed_off, total, behind_on, red_on = row
    pace = progress(start=start, planned_end=end, today=today, signed_off=signed_off, total=total)
    return AtRisk(
        apprenticeship_id,
        apprentice,
        tutor,
        pace,
        since=red_on if pace.rag is Rag.RED else behind_on,
    )


def overview(session: Session, *, viewer: User, today: date, now: datetime) -> Overview:
    bins = coverage_bins(session, viewer=viewer)
    risky, risky_total = at_risk(session, viewer=viewer, today=today)
    return Overview(
        total=sum(count for _, count in bins),
        bins=bins,
        by_status=status_counts(session, viewer=viewer),
        at_risk=risky,
        at_risk_total=risky_total,
        queues=tutor_queues(session, viewer=viewer, now=now),
    )
