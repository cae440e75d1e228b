"""What the employer pages show, shaped from cohort rows: words, CSV rows, one apprentice."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from app.apprenticeships.queries import heading
from app.dashboards.cohort import CohortRow
from app.dashboards.trend import replay, signoff_events, trend
from app.models import Apprenticeship, id_of
from app.progress.charts import STATE_LABELS, STATES, stacked_bars
from app.progress.coverage import RAG_WORDS, DutyCoverage
from app.progress.queries import apprenticeship_coverage

STATUS_WORDS = {
    "active": "Active",
    "break_in_learning": "Break in learning",
    "withdrawn": "Withdrawn",
    "gateway": "At gateway",
    "completed": "Completed",
}
CSV_HEADER = (
    "Apprentice",
    "Status",
    "KSBs",
    "Signed off",
    "Evidenced",
    "Claimed",
    "Not started",
    "Expected signed off (%)",
    "Actual signed off (%)",
    "Rating",
    "Reason",
    "Duties fully evidenced",
    "Last activity",
    "Planned end date",
)


def duties_done(duties: Sequence[DutyCoverage]) -> list[str]:
    return [duty.code for duty in duties if duty.fully_evidenced]


def _percent(share: float) -> int:
    return int(share * 100 + 0.5)


def csv_rows(
    rows: Iterable[CohortRow], duties: Mapping[int, Sequence[DutyCoverage]]
) -> Iterable[list[object]]:
    for row in rows:
        own = duties.get(row.apprenticeship_id, ())
        yield [
            row.apprentice_name,
            STATUS_WORDS.get(row.status, row.status),
            row.tally.total,
            row.tally.signed_off,
            row.tally.evidenced,
            row.tally.claimed,
            row.tally.not_started,
            _percent(row.progress.expected),
            _percent(row.progress.actual),
            RAG_WORDS[row.progress.rag],
            row.progress.reason,
            f"{len(duties_done(own))} of {len(own)}",
            row.last_activity_at.date().isoformat() if row.last_activity_at else "",
            row.planned_end_date.isoformat(),
        ]


def apprentice_context(
    session: Session, *, apprenticeship: Apprenticeship, today: date
) -> dict[str, Any]:
    """Trend of sign-offs from the event log, and each duty's coverage."""
    coverage = apprenticeship_coverage(session, apprenticeship=apprenticeship, today=today)
    events = signoff_events(session, apprenticeship_id=id_of(apprenticeship))
    duty_rows = [(duty.code, duty.text, duty.tally) for duty in coverage.duties]
    return {
        "heading": heading(session, apprenticeship=apprenticeship),
        "coverage": coverage,
        "trend": trend(
            replay(events),
            start=apprenticeship.start_date,
            today=today,
            ksb_total=coverage.overall.total,
        ),
        "duty_chart": stacked_bars(duty_rows, label_width=50),
        "rag_word": RAG_WORDS[coverage.progress.rag],
        "status_words": STATUS_WORDS,
        "states": STATES,
        "state_labels": STATE_LABELS,
    }
