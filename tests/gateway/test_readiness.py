"""Gateway readiness is pure: facts in, ready and blockers in words out (no database)."""

from datetime import date

import pytest

from app.gateway.readiness import REQUIREMENTS, GatewayFacts, full_months_between, readiness

START = date(2025, 1, 5)
A_YEAR_ON = date(2026, 1, 5)


def facts(
    unsigned: tuple[str, ...] = (), ticked: tuple[str, ...] = REQUIREMENTS, today: date = A_YEAR_ON
) -> GatewayFacts:
    return GatewayFacts(unsigned_codes=unsigned, ticked=ticked, start_date=START, today=today)


def test_everything_holding_is_ready_with_no_blockers() -> None:
    found = readiness(facts())
    assert (found.ready, found.blockers) == (True, ())


def test_unsigned_ksbs_are_named_with_their_count() -> None:
    found = readiness(facts(unsigned=("K4", "S2", "B1")))
    assert not found.ready
    assert found.blockers == ("3 KSBs not signed off: K4, S2, B1",)


def test_one_unsigned_ksb_is_singular() -> None:
    assert readiness(facts(unsigned=("K1",))).blockers == ("1 KSB not signed off: K1",)


@pytest.mark.parametrize(
    ("missing", "words"),
    [
        ("employer_declaration", "No employer declaration"),
        ("english", "No English evidence"),
        ("maths", "No maths evidence"),
        ("time_on_programme", "Time on programme not confirmed by a tutor"),
    ],
)
def test_each_unticked_requirement_is_a_blocker(missing: str, words: str) -> None:
    ticked = tuple(r for r in REQUIREMENTS if r != missing)
    assert readiness(facts(ticked=ticked)).blockers == (words,)


def test_too_little_time_blocks_even_when_ticked() -> None:
    found = readiness(facts(today=date(2025, 8, 10)))
    assert found.blockers == ("On programme 7 months of the required 12",)
    assert found.months_on_programme == 7


def test_every_blocker_is_listed_at_once() -> None:
    found = readiness(facts(unsigned=("K1", "K2"), ticked=(), today=date(2025, 3, 1)))
    assert found.blockers == (
        "2 KSBs not signed off: K1, K2",
        "No employer declaration",
        "No English evidence",
        "No maths evidence",
        "Time on programme not confirmed by a tutor",
        "On programme 1 month of the required 12",
    )


@pytest.mark.parametrize(
    ("end", "months"),
    [
        (date(2025, 1, 5), 0),
        (date(2025, 2, 4), 0),
        (date(2025, 2, 5), 1),
        (date(2026, 1, 4), 11),
        (date(2026, 1, 5), 12),
        (date(2024, 12, 1), 0),  # before the start: never negative
    ],
)
def test_full_months_count_whole_calendar_months(end: date, months: int) -> None:
    assert full_months_between(START, end) == months


def test_twelve_months_to_the_day_is_enough() -> None:
    assert readiness(facts(today=date(2026, 1, 5))).ready
    assert not readiness(facts(today=date(2026, 1, 4))).ready
