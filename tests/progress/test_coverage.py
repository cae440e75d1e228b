"""Unit tests for the pure KSB coverage engine."""

from datetime import date, timedelta

import pytest

from app.progress.coverage import (
    Coverage,
    DutyFacts,
    KsbFacts,
    KsbState,
    Rag,
    Tally,
    compute_coverage,
    ksb_state,
    progress,
    rating,
    slipping_dates,
    tally,
)

START = date(2025, 1, 1)
END = START + timedelta(days=100)  # 100-day plan: day N means N% of the time gone


def day(n: int) -> date:
    return START + timedelta(days=n)


def facts(code: str, kind: str = "knowledge", **counts: int | bool) -> KsbFacts:
    pending = int(counts.get("pending", 0))
    confirmed = int(counts.get("confirmed", 0))
    rejected = int(counts.get("rejected", 0))
    signed_off = bool(counts.get("signed_off", False))
    return KsbFacts(code, kind, pending, confirmed, rejected, signed_off)


# --- ksb_state ---------------------------------------------------------------


def test_ksb_without_claims_is_not_started() -> None:
    assert ksb_state(facts("K1")) is KsbState.NOT_STARTED


def test_rejected_claims_alone_leave_ksb_not_started() -> None:
    assert ksb_state(facts("K1", rejected=3)) is KsbState.NOT_STARTED


def test_pending_claim_makes_ksb_claimed() -> None:
    assert ksb_state(facts("K1", pending=1, rejected=2)) is KsbState.CLAIMED


def test_confirmed_claim_makes_ksb_evidenced_even_with_pending_ones() -> None:
    assert ksb_state(facts("K1", pending=2, confirmed=1)) is KsbState.EVIDENCED


def test_sign_off_wins_even_without_any_claims() -> None:
    assert ksb_state(facts("K1", rejected=1, signed_off=True)) is KsbState.SIGNED_OFF


# --- tally -------------------------------------------------------------------


def test_tally_counts_each_state_and_derived_figures() -> None:
    states = [KsbState.NOT_STARTED, KsbState.CLAIMED, KsbState.EVIDENCED]
    result = tally([*states, KsbState.SIGNED_OFF, KsbState.SIGNED_OFF])

    assert result == Tally(total=5, not_started=1, claimed=1, evidenced=1, signed_off=2)
    assert result.evidenced_or_better == 3
    assert result.share_signed_off == pytest.approx(0.4)


def test_empty_tally_has_zero_share_signed_off() -> None:
    result = tally([])

    assert result == Tally(total=0, not_started=0, claimed=0, evidenced=0, signed_off=0)
    assert result.share_signed_off == 0.0


# --- progress ----------------------------------------------------------------


def test_on_track_is_green_with_plain_reason() -> None:
    result = progress(start=START, planned_end=END, today=day(30), signed_off=12, total=39)

    assert result.rag is Rag.GREEN
    assert result.expected == pytest.approx(0.30)
    assert result.actual == pytest.approx(12 / 39)
    assert result.reason == (
        "On track: 12 of 39 KSBs signed off (31%) with 30% of the planned time gone."
    )


def test_exactly_ten_points_behind_is_still_green() -> None:
    result = progress(start=START, planned_end=END, today=day(40), signed_off=3, total=10)

    assert result.rag is Rag.GREEN


def test_between_ten_and_twenty_five_points_behind_is_amber() -> None:
    result = progress(start=START, planned_end=END, today=day(50), signed_off=3, total=10)

    assert result.rag is Rag.AMBER
    assert result.reason.startswith("Behind: 3 of 10 KSBs signed off (30%)")


def test_exactly_twenty_five_points_behind_is_amber_not_red() -> None:
    result = progress(start=START, planned_end=END, today=day(55), signed_off=3, total=10)

    assert result.rag is Rag.AMBER


def test_more_than_twenty_five_points_behind_is_red() -> None:
    result = progress(start=START, planned_end=END, today=day(60), signed_off=5, total=39)

    assert result.rag is Rag.RED
    assert result.reason == (
        "Behind: 5 of 39 KSBs signed off (13%) but 60% of the planned time has gone."
    )


def test_before_start_is_green_with_nothing_expected() -> None:
    result = progress(start=START, planned_end=END, today=day(-5), signed_off=0, total=39)

    assert result.rag is Rag.GREEN
    assert result.expected == 0.0
    assert result.reason == "Not started yet: the apprenticeship starts on 1 January 2025."


def test_past_planned_end_with_ksbs_outstanding_is_red() -> None:
    result = progress(start=START, planned_end=END, today=day(130), signed_off=35, total=39)

    assert result.rag is Rag.RED
    assert result.expected == pytest.approx(1.0)  # clamped, not 1.3
    assert result.reason == "Past the planned end date with 4 KSBs not signed off."


def test_past_planned_end_with_one_ksb_outstanding_uses_singular() -> None:
    result = progress(start=START, planned_end=END, today=day(101), signed_off=38, total=39)

    assert result.reason == "Past the planned end date with 1 KSB not signed off."


def test_all_signed_off_is_green_even_after_planned_end() -> None:
    result = progress(start=START, planned_end=END, today=day(130), signed_off=39, total=39)

    assert result.rag is Rag.GREEN
    assert result.actual == pytest.approx(1.0)
    assert result.reason == "Complete: 39 of 39 KSBs signed off (100%)."


def test_single_ksb_total_uses_singular() -> None:
    result = progress(start=START, planned_end=END, today=day(5), signed_off=0, total=1)

    assert "0 of 1 KSB signed off (0%)" in result.reason


def test_zero_length_plan_does_not_divide_by_zero() -> None:
    result = progress(start=START, planned_end=START, today=START, signed_off=1, total=4)

    assert result.expected == pytest.approx(1.0)
    assert result.actual == pytest.approx(0.25)
    assert result.rag is Rag.RED


def test_no_ksbs_is_green_without_dividing_by_zero() -> None:
    result = progress(start=START, planned_end=END, today=day(50), signed_off=0, total=0)

    assert result.rag is Rag.GREEN
    assert result.actual == 0.0
    assert result.reason == "No KSBs to sign off yet."


# --- compute_coverage --------------------------------------------------------


def cover(ksbs: list[KsbFacts], duties: list[DutyFacts] | None = None, today: int = 50) -> Coverage:
    return compute_coverage(
        ksbs=ksbs, duties=duties or [], start=START, planned_end=END, today=day(today)
    )


def test_coverage_keeps_input_order_and_states() -> None:
    result = cover(
        [facts("S2", "skill", pending=1), facts("K1", confirmed=1), facts("B1", "behaviour")]
    )

    assert [(k.code, k.state) for k in result.ksbs] == [
        ("S2", KsbState.CLAIMED),
        ("K1", KsbState.EVIDENCED),
        ("B1", KsbState.NOT_STARTED),
    ]


def test_coverage_copies_claim_counts_onto_each_ksb() -> None:
    (row,) = cover([facts("K1", pending=2, confirmed=3, rejected=4)]).ksbs

    assert (row.pending_claims, row.confirmed_claims, row.rejected_claims) == (2, 3, 4)


def test_by_kind_always_has_all_three_kinds() -> None:
    result = cover([facts("K1", signed_off=True), facts("K2", pending=1)])

    assert list(result.by_kind) == ["knowledge", "skill", "behaviour"]
    assert result.by_kind["knowledge"] == Tally(2, 0, 1, 0, 1)
    assert result.by_kind["skill"] == Tally(0, 0, 0, 0, 0)
    assert result.by_kind["behaviour"].total == 0


def test_overall_tally_and_progress_use_every_ksb() -> None:
    ksbs = [
        facts("K1", signed_off=True),
        facts("S1", "skill", confirmed=1),
        facts("B1", "behaviour"),
    ]
    result = cover(ksbs, today=40)

    assert result.overall == Tally(3, 1, 0, 1, 1)
    assert result.progress.actual == pytest.approx(1 / 3)
    assert result.progress.rag is Rag.GREEN


def test_duty_is_covered_only_when_all_its_ksbs_are_signed_off() -> None:
    ksbs = [
        facts("K1", signed_off=True),
        facts("S1", "skill", signed_off=True),
        facts("B1", "behaviour"),
    ]
    duties = [DutyFacts("D1", "Build", ("K1", "S1")), DutyFacts("D2", "Run", ("K1", "B1"))]

    done, partial = cover(ksbs, duties).duties

    assert done.covered is True
    assert partial.covered is False
    assert partial.tally.signed_off == 1


def test_duty_reports_ksbs_evidenced_or_better() -> None:
    ksbs = [
        facts("K1", signed_off=True),
        facts("S1", "skill", confirmed=1),
        facts("B1", "behaviour", pending=1),
    ]
    (duty,) = cover(ksbs, [DutyFacts("D1", "Build", ("K1", "S1", "B1"))]).duties

    assert duty.tally.evidenced_or_better == 2
    assert duty.fully_evidenced is False


def test_duty_with_everything_evidenced_is_fully_evidenced_but_not_covered() -> None:
    ksbs = [facts("K1", signed_off=True), facts("S1", "skill", confirmed=2)]
    (duty,) = cover(ksbs, [DutyFacts("D1", "Build", ("K1", "S1"))]).duties

    assert duty.fully_evidenced is True
    assert duty.covered is False


def test_duty_ignores_ksb_codes_not_in_the_standard() -> None:
    (duty,) = cover(
        [facts("K1", signed_off=True)], [DutyFacts("D1", "Build", ("K1", "K99"))]
    ).duties

    assert duty.ksb_codes == ("K1",)
    assert duty.tally.total == 1
    assert duty.covered is True


def test_duty_with_no_known_ksbs_is_neither_covered_nor_evidenced() -> None:
    (duty,) = cover([facts("K1", signed_off=True)], [DutyFacts("D1", "Ghost", ("K99",))]).duties

    assert duty.tally.total == 0
    assert duty.covered is False
    assert duty.fully_evidenced is False


def test_coverage_with_no_ksbs_is_empty_and_green() -> None:
    result = cover([], [DutyFacts("D1", "Build", ("K1",))])

    assert result.ksbs == ()
    assert result.overall.total == 0
    assert result.progress.rag is Rag.GREEN


# --- the days a pace turns amber and red ----------------------------------------------------


@pytest.mark.parametrize("days", [1, 2, 7, 30, 365, 730, 1096])
@pytest.mark.parametrize(("signed_off", "total"), [(0, 1), (0, 39), (3, 39), (19, 39), (38, 39)])
def test_slipping_dates_agree_with_the_rating_on_every_day(
    days: int, signed_off: int, total: int
) -> None:
    start = date(2026, 1, 31)
    end = start + timedelta(days=days)
    behind_on, red_on = slipping_dates(
        start=start, planned_end=end, signed_off=signed_off, total=total
    )
    assert behind_on is not None and red_on is not None and behind_on <= red_on
    for offset in range(-3, days + 4):
        today = start + timedelta(days=offset)
        _, _, rag = rating(
            start=start, planned_end=end, today=today, signed_off=signed_off, total=total
        )
        assert (rag is not Rag.GREEN) == (today >= behind_on), today
        assert (rag is Rag.RED) == (today >= red_on), today


def test_slipping_dates_of_two_years_at_a_quarter_done() -> None:
    start, end = date(2026, 1, 1), date(2028, 1, 1)  # 730 days
    behind_on, red_on = slipping_dates(start=start, planned_end=end, signed_off=1, total=4)
    # Amber once more than 35% of the time has gone (day 256), red past 50% (day 366).
    assert behind_on == start + timedelta(days=256)
    assert red_on == start + timedelta(days=366)


@pytest.mark.parametrize(("signed_off", "total"), [(0, 0), (4, 4), (5, 4)])
def test_complete_or_empty_plans_never_slip(signed_off: int, total: int) -> None:
    start, end = date(2026, 1, 1), date(2027, 1, 1)
    assert slipping_dates(start=start, planned_end=end, signed_off=signed_off, total=total) == (
        None,
        None,
    )
