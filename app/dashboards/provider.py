"""The provider overview's figures, read from apprenticeship_summary: no claim is scanned.

Five statements whatever the provider holds (10,000 apprenticeships read one small row each):
coverage bins, status counts and tutor queues are grouped in SQL; the at-risk list needs RAG,
which the coverage engine works out from each active apprenticeship's slim row.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.auth.policy import apprenticeship_scope
from app.dashboards.coverage import Progress, Rag, progress, rating
from app.models import Apprenticeship, ApprenticeshipStatus, ApprenticeshipSummary, User
from app.review.timing import waited, waited_seconds

Apprentice = aliased(User)
Tutor = aliased(User)
BINS = 10  # 0-9%, 10-19%, ... 90-100% of KSBs signed off
AT_RISK_LIMIT = 50
_RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


@dataclass(frozen=True)
class AtRisk:
    apprenticeship_id: int
    apprentice_name: str
    tutor_name: str | None
    progress: Progress


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
    summary = ApprenticeshipSummary
    total, signed = col(summary.ksb_total), col(summary.signed_off)
    # Integer floor division in both databases; a complete portfolio joins the top bin.
    # No summary yet (outer join, NULL total) falls to the else: nothing signed off.
    share = case((signed >= total, BINS - 1), else_=signed * BINS // total)
    bucket = case((total > 0, share), else_=0).label("bucket")
    statement = (
        sa_select(bucket, func.count())
        .select_from(Apprenticeship)
        .outerjoin(summary, col(summary.apprenticeship_id) == Apprenticeship.id)
        .where(apprenticeship_scope(viewer))
        .group_by("bucket")
    )
    counts = {int(bucket): int(count) for bucket, count in session.execute(statement)}
    return tuple((bin_label(i), counts.get(i, 0)) for i in range(BINS))


def status_counts(session: Session, *, viewer: User) -> tuple[tuple[str, int], ...]:
    statement = (
        sa_select(col(Apprenticeship.status), func.count())
        .where(apprenticeship_scope(viewer))
        .group_by(col(Apprenticeship.status))
    )
    counts = {str(status): int(count) for status, count in session.execute(statement)}
    return tuple((status.value, counts.get(status.value, 0)) for status in ApprenticeshipStatus)


def tutor_queues(session: Session, *, viewer: User, now: datetime) -> tuple[TutorQueue, ...]:
    """Per tutor: evidence waiting for review and how long the oldest item has waited."""
    summary = ApprenticeshipSummary
    statement = (
        sa_select(
            col(Tutor.id),
            col(Tutor.name),
            func.count(),
            func.coalesce(func.sum(col(summary.items_awaiting_review)), 0),
            func.min(col(summary.oldest_awaiting_since)),
        )
        .select_from(Apprenticeship)
        .outerjoin(Tutor, col(Tutor.id) == Apprenticeship.tutor_id)
        .outerjoin(summary, col(summary.apprenticeship_id) == Apprenticeship.id)
        .where(apprenticeship_scope(viewer))
        .group_by(col(Tutor.id), col(Tutor.name))
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
        for tutor_id, name, count, awaiting, oldest in session.execute(statement)
    ]
    # Longest queue first, then the longest wait.
    queues.sort(key=lambda q: (-q.awaiting, -(q.oldest_seconds or 0), q.tutor_name.casefold()))
    return tuple(queues)


def at_risk(
    session: Session, *, viewer: User, today: date, limit: int = AT_RISK_LIMIT
) -> tuple[tuple[AtRisk, ...], int]:
    """Active apprenticeships rated red or amber, furthest behind first, with how many in all.

    Every active apprenticeship is rated from a slim row (no names, no words); names and
    reasons are fetched and written for the shown few only.
    """
    summary = ApprenticeshipSummary
    statement = (
        sa_select(
            col(Apprenticeship.id), col(Apprenticeship.start_date),
            col(Apprenticeship.planned_end_date),
            func.coalesce(col(summary.ksb_total), 0), func.coalesce(col(summary.signed_off), 0),
        )
        .outerjoin(summary, col(summary.apprenticeship_id) == Apprenticeship.id)
        .where(apprenticeship_scope(viewer))
        .where(col(Apprenticeship.status) == ApprenticeshipStatus.ACTIVE)
    )  # fmt: skip
    behind = []
    for apprenticeship_id, start, end, total, signed_off in session.execute(statement):
        expected, actual, rag = rating(start=start, planned_end=end, today=today,
                                       signed_off=int(signed_off), total=int(total))  # fmt: skip
        if rag is not Rag.GREEN:
            behind.append((_RAG_ORDER[rag], actual - expected, apprenticeship_id, start, end,
                           int(signed_off), int(total)))  # fmt: skip
    behind.sort(key=lambda row: row[:2])
    shown = behind[:limit]
    names = _names(session, [row[2] for row in shown])
    rows = []
    for _, _, apprenticeship_id, start, end, signed_off, total in shown:
        pace = progress(start=start, planned_end=end, today=today, signed_off=signed_off,
                        total=total)  # fmt: skip
        apprentice, tutor = names[apprenticeship_id]
        rows.append(AtRisk(apprenticeship_id, apprentice, tutor, pace))
    # Ties in how far behind are shown by name, as before.
    rows.sort(key=lambda r: (_RAG_ORDER[r.progress.rag], r.progress.actual - r.progress.expected,
                             r.apprentice_name.casefold()))  # fmt: skip
    return tuple(rows), len(behind)


def _names(session: Session, ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """Apprentice and tutor names of a few apprenticeships (one statement, even for none)."""
    statement = (
        sa_select(col(Apprenticeship.id), col(Apprentice.name), col(Tutor.name))
        .join(Apprentice, col(Apprentice.id) == Apprenticeship.apprentice_id)
        .outerjoin(Tutor, col(Tutor.id) == Apprenticeship.tutor_id)
        .where(col(Apprenticeship.id).in_(ids))
    )
    return {row[0]: (row[1], row[2]) for row in session.execute(statement)}


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
