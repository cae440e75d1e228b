"""The caseload: one row per apprenticeship from apprenticeship_summary, rated, sorted, filtered.

One statement reads the whole caseload (a tutor's is tens of rows); RAG is worked out in Python
by the coverage engine, so filtering and sorting on it happen here too, over plain rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal, get_args

from sqlalchemy import Select, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.auth.policy import caseload_scope, per_viewer
from app.models import Apprenticeship, ApprenticeshipSummary, Organisation, User
from app.progress.charts import BarChart, stacked_bars
from app.progress.coverage import Progress, Rag, Tally, progress
from app.progress.summaries import SUMMARY_TALLY
from app.review.timing import as_utc, waited

Apprentice = aliased(User)
Employer = aliased(Organisation)
SortKey = Literal["name", "employer", "coverage", "awaiting", "activity", "rag"]
SORTS: tuple[str, ...] = get_args(SortKey)
RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


@dataclass(frozen=True)
class Filters:
    q: str = ""  # part of the apprentice's name
    employer_id: int | None = None
    rag: Rag | None = None
    awaiting: bool = False  # only those with evidence waiting for review
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class CaseloadRow:
    apprenticeship_id: int
    apprentice_name: str
    employer_id: int
    employer_name: str
    status: str
    tally: Tally
    awaiting: int
    oldest_awaiting_since: datetime | None
    oldest_waited: str
    referred: int
    last_activity_at: datetime | None
    progress: Progress
    bar: BarChart


@per_viewer
def _statement(viewer: User) -> Select[*tuple[Any, ...]]:
    summary = ApprenticeshipSummary
    zero = 0
    return (
        sa_select(
            col(Apprenticeship.id),
            col(Apprentice.name),
            col(Employer.id),
            col(Employer.name),
            col(Apprenticeship.status),
            col(Apprenticeship.start_date),
            col(Apprenticeship.planned_end_date),
            func.coalesce(col(summary.items_awaiting_review), zero),
            col(summary.oldest_awaiting_since),
            func.coalesce(col(summary.items_referred), zero),
            col(summary.last_activity_at),
            *SUMMARY_TALLY,
        )
        .join(Apprentice, col(Apprentice.id) == Apprenticeship.apprentice_id)
        .join(Employer, col(Employer.id) == Apprenticeship.employer_id)
        # A summary is written with every change; one not written yet reads as zeros.
        .outerjoin(summary, col(summary.apprenticeship_id) == Apprenticeship.id)
        .where(caseload_scope(viewer))
        .order_by(col(Apprentice.name), col(Apprenticeship.id))
    )


def caseload_rows(
    session: Session, *, viewer: User, today: date, now: datetime
) -> list[CaseloadRow]:
    """Every apprenticeship of the viewer's caseload, in one statement."""
    return [_row(raw, today, now) for raw in session.execute(_statement(viewer))]


def _row(raw: Sequence[Any], today: date, now: datetime) -> CaseloadRow:
    (
        apprenticeship_id,
        name,
        employer_id,
        employer_name,
        status,
        start,
        end,
        awaiting,
        oldest,
        referred,
        last_activity,
        *counts,
    ) = raw
    tally = Tally(*map(int, counts))
    pace, bar = _pace_and_bar(name, start, end, today, tally)
    return CaseloadRow(
        apprenticeship_id,
        name,
        employer_id,
        employer_name,
        str(status),
        tally,
        int(awaiting),
        oldest,
        waited(oldest, now) if awaiting else "",
        int(referred),
        last_activity,
        pace,
        bar,
    )


@lru_cache(maxsize=4096)
def _pace_and_bar(
    name: str, start: date, end: date, today: date, tally: Tally
) -> tuple[Progress, BarChart]:
    """Pure, and the same on every view of a caseload until something is signed off or a day
    passes: worked out once (a tutor opens their caseload many times a day)."""
    pace = progress(
        start=start, planned_end=end, today=today, signed_off=tally.signed_off, total=tally.total
    )
    return pace, stacked_bars([("", name, tally)], label_width=0, plot_width=120)


def _matches(row: CaseloadRow, filters: Filters) -> bool:
    if filters.q and filters.q.casefold() not in row.apprentice_name.casefold():
        return False
    if filters.employer_id is not None and row.employer_id != filters.employer_id:
        return False
    if filters.rag is not None and row.progress.rag != filters.rag:
        return False
    return not (filters.awaiting and row.awaiting == 0)


_FAR_PAST = datetime(1970, 1, 1).astimezone()


def _key(row: CaseloadRow, sort: str) -> tuple[Any, ...]:
    name = row.apprentice_name.casefold()
    match sort:
        case "employer":
            return (row.employer_name.casefold(), name)
        case "coverage":
            share = row.tally.share_signed_off
            evidenced = row.tally.evidenced_or_better / row.tally.total if row.tally.total else 0
            return (share, evidenced, name)
        case "awaiting":
            oldest = as_utc(row.oldest_awaiting_since) if row.oldest_awaiting_since else None
            # More waiting first counts as "more"; among equals, the longer wait is more.
            return (row.awaiting, -(oldest.timestamp()) if oldest else 0.0, name)
        case "activity":
            return (as_utc(row.last_activity_at) if row.last_activity_at else _FAR_PAST, name)
        case "rag":
            return (RAG_ORDER[row.progress.rag], -row.progress.expected + row.progress.actual, name)
    return (name,)


def select_rows(rows: list[CaseloadRow], filters: Filters) -> list[CaseloadRow]:
    """The rows that pass the filters, in the order asked for."""
    kept = [row for row in rows if _matches(row, filters)]
    return sorted(kept, key=lambda row: _key(row, filters.sort), reverse=filters.descending)


def employers(rows: list[CaseloadRow]) -> list[tuple[int, str]]:
    """The employers on the caseload, for the filter: read from the rows, no extra statement."""
    return sorted({(row.employer_id, row.employer_name) for row in rows}, key=lambda e: e[1])
