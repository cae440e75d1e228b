"""Pure rules of the caseload and queue: waiting times in words, filters and sorting."""

from datetime import UTC, date, datetime, timedelta

from app.progress.charts import stacked_bars
from app.progress.coverage import Tally, progress
from app.review.caseload_queries import CaseloadRow, Filters, employers, select_rows
from app.review.timing import waited

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_waits_are_told_in_hours_then_days() -> None:
    assert waited(NOW - timedelta(minutes=20), NOW) == "under an hour"
    assert waited(NOW - timedelta(hours=1), NOW) == "1 hour"
    assert waited(NOW - timedelta(hours=30), NOW) == "1 day"
    assert waited((NOW - timedelta(days=12)).replace(tzinfo=None), NOW) == "12 days"


def row(name: str, employer: str, signed_off: int, awaiting: int = 0) -> CaseloadRow:
    tally = Tally(10, 10 - signed_off, 0, 0, signed_off)
    pace = progress(
        start=date(2025, 1, 1),
        planned_end=date(2027, 1, 1),
        today=date(2026, 1, 1),
        signed_off=signed_off,
        total=10,
    )
    return CaseloadRow(
        len(name),
        name,
        len(employer),
        employer,
        "active",
        tally,
        awaiting,
        NOW if awaiting else None,
        "",
        0,
        None,
        pace,
        stacked_bars([("", name, tally)]),
    )


ROWS = [row("Cy", "Beta", 6), row("ann", "Alpha", 1, awaiting=2), row("Bo", "Alpha", 3)]


def names(rows: list[CaseloadRow]) -> list[str]:
    return [r.apprentice_name for r in rows]


def test_names_sort_without_regard_to_case() -> None:
    assert names(select_rows(ROWS, Filters())) == ["ann", "Bo", "Cy"]


def test_the_worst_progress_comes_first_by_rating() -> None:
    assert names(select_rows(ROWS, Filters(sort="rag")))[0] == "ann"


def test_coverage_sorts_by_share_signed_off() -> None:
    assert names(select_rows(ROWS, Filters(sort="coverage", descending=True))) == [
        "Cy",
        "Bo",
        "ann",
    ]


def test_filters_combine() -> None:
    assert names(select_rows(ROWS, Filters(employer_id=len("Alpha"), awaiting=True))) == ["ann"]


def test_the_employer_filter_offers_each_employer_once() -> None:
    assert employers(ROWS) == [(5, "Alpha"), (4, "Beta")]
