"""The employer's cohort: one row per apprenticeship from apprenticeship_summary, filtered.

A fixed number of statements whatever the cohort holds: one for the rows (summary counts, so no
claim is scanned), two for per-duty coverage of the rows left after filtering.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.auth.policy import apprenticeship_scope
from app.models import Apprenticeship, ApprenticeshipStatus, ApprenticeshipSummary, User
from app.progress.charts import BarChart, stacked_bars
from app.progress.coverage import (
    DutyCoverage,
    Progress,
    Rag,
    Tally,
    compute_coverage,
    progress,
)
from app.progress.queries import duty_facts, ksb_facts
from app.progress.summaries import SUMMARY_TALLY

Apprentice = aliased(User)


@dataclass(frozen=True)
class Filters:
    q: str = ""  # part of the apprentice's name
    rag: Rag | None = None
    status: ApprenticeshipStatus | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.rag or self.status)

    def params(self) -> dict[str, str]:
        """The filters as a query string's fields, for links that keep them (CSV, heatmap)."""
        values = {
            "q": self.q,
            "rag": self.rag.value if self.rag else "",
            "status": self.status.value if self.status else "",
        }
        return {key: value for key, value in values.items() if value}


def parse_filters(q: str, rag: str, status: str) -> Filters:
    """Unknown values are ignored, as an empty filter would be (a bookmark never breaks)."""
    return Filters(
        q=q.strip()[:100],
        rag=Rag(rag) if rag in set(Rag) else None,
        status=ApprenticeshipStatus(status) if status in set(ApprenticeshipStatus) else None,
    )


@dataclass(frozen=True)
class CohortRow:
    apprenticeship_id: int
    standard_id: int
    apprentice_name: str
    status: str
    start_date: date
    planned_end_date: date
    tally: Tally
    progress: Progress
    last_activity_at: datetime | None
    bar: BarChart


def _statement(viewer: User, filters: Filters) -> Select[*tuple[Any, ...]]:
    summary = ApprenticeshipSummary
    statement: Select[*tuple[Any, ...]] = (
        sa_select(
            col(Apprenticeship.id),
            col(Apprenticeship.standard_id),
            col(Apprentice.name),
            col(Apprenticeship.status),
            col(Apprenticeship.start_date),
            col(Apprenticeship.planned_end_date),
            *SUMMARY_TALLY,
            col(summary.last_activity_at),
        )
        .join(Apprentice, col(Apprentice.id) == Apprenticeship.apprentice_id)
        # A summary is written with every change; one not written yet reads as zeros.
        .outerjoin(summary, col(summary.apprenticeship_id) == Apprenticeship.id)
        .where(apprenticeship_scope(viewer))
        .order_by(col(Apprentice.name), col(Apprenticeship.id))
    )
    if filters.status is not None:
        statement = statement.where(col(Apprenticeship.status) == filters.status)
    if filters.q:
        # autoescape: a % or _ typed in the search box is matched literally.
        name = func.lower(col(Apprentice.name))
        statement = statement.where(name.contains(filters.q.lower(), autoescape=True))
    return statement


def _row(raw: Sequence[Any], today: date) -> CohortRow:
    apprenticeship_id, standard_id, name, status, start, end, *counts, last_activity = raw
    tally = Tally(*map(int, counts))
    pace = progress(
        start=start, planned_end=end, today=today, signed_off=tally.signed_off, total=tally.total
    )
    bar = stacked_bars([("", name, tally)], label_width=0, plot_width=160)
    return CohortRow(
        apprenticeship_id,
        standard_id,
        name,
        str(status),
        start,
        end,
        tally,
        pace,
        last_activity,
        bar,
    )


def cohort_rows(
    session: Session, *, viewer: User, filters: Filters, today: date
) -> list[CohortRow]:
    """The viewer's apprenticeships, filtered; RAG is worked out here, so it filters here too."""
    rows = [_row(raw, today) for raw in session.execute(_statement(viewer, filters))]
    if filters.rag is not None:
        rows = [row for row in rows if row.progress.rag == filters.rag]
    return rows


def cohort_duties(
    session: Session, *, rows: Sequence[CohortRow], today: date
) -> dict[int, tuple[DutyCoverage, ...]]:
    """Each row's duties with their coverage, in two statements (issued even for no rows, so
    the page's statement count never depends on what the filters leave)."""
    facts = ksb_facts(session, [row.apprenticeship_id for row in rows])
    duties = duty_facts(session, {row.standard_id for row in rows})
    return {
        row.apprenticeship_id: compute_coverage(
            ksbs=facts.get(row.apprenticeship_id, ()),
            duties=duties.get(row.standard_id, ()),
            start=row.start_date,
            planned_end=row.planned_end_date,
            today=today,
        ).duties
        for row in rows
    }
