"""Unit tests for the benchmark's statistics: percentiles, summaries and the timing loop."""

import pytest

from bench.harness import Timed, percentile, summarise


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([7.0], 50) == 7.0


def test_median_of_an_odd_count_is_the_middle_value() -> None:
    assert percentile([1.0, 2.0, 9.0], 50) == 2.0


def test_percentile_interpolates_between_the_nearest_ranks() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)


def test_p99_of_one_to_a_hundred_follows_the_inclusive_definition() -> None:
    assert percentile([float(n) for n in range(1, 101)], 99) == pytest.approx(99.01)


def test_p0_and_p100_are_the_smallest_and_largest() -> None:
    values = [5.0, 3.0, 8.0]
    assert (percentile(values, 0), percentile(values, 100)) == (3.0, 8.0)


def test_percentile_does_not_need_sorted_input() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 25) == percentile([1.0, 2.0, 3.0, 4.0], 25)


def test_percentile_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


@pytest.mark.parametrize("q", [-1, 100.5])
def test_percentile_outside_zero_to_a_hundred_is_refused(q: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], q)


def test_summary_reports_latencies_in_milliseconds() -> None:
    stats = summarise([0.010, 0.020, 0.030], errors=0, seconds=1.0)
    assert (stats.p50_ms, stats.requests) == (pytest.approx(20.0), 3)


def test_summary_rate_is_requests_per_second_of_wall_time() -> None:
    stats = summarise([0.1] * 30, errors=0, seconds=2.0)
    assert stats.rps == pytest.approx(15.0)


def test_summary_keeps_the_error_count() -> None:
    assert summarise([0.1, 0.1], errors=2, seconds=1.0).errors == 2


def test_summary_of_a_run_that_took_no_time_is_refused() -> None:
    with pytest.raises(ValueError):
        summarise([0.1], errors=0, seconds=0)


class FakeClock:
    """Each timed action appears to take run_s: readings alternate between start and end."""

    def __init__(self, run_s: float) -> None:
        self.run_s, self.now, self.reads = run_s, 0.0, 0

    def __call__(self) -> float:
        self.reads += 1
        if self.reads % 2 == 0:
            self.now += self.run_s
        return self.now


def test_timing_loop_runs_at_least_the_minimum() -> None:
    runs: list[int] = []
    Timed(lambda: runs.append(1), clock=FakeClock(1.0)).slice(budget_s=0.0, min_runs=5)
    assert len(runs) == 5


def test_timing_loop_stops_once_the_budget_is_spent() -> None:
    runs: list[int] = []
    Timed(lambda: runs.append(1), clock=FakeClock(0.25)).slice(budget_s=1.0)
    assert len(runs) == 4


def test_timing_loop_stops_at_the_run_cap() -> None:
    runs: list[int] = []
    Timed(lambda: runs.append(1), clock=FakeClock(0)).slice(budget_s=10.0, max_runs=3)
    assert len(runs) == 3


def test_timing_loop_reports_the_median_in_milliseconds() -> None:
    timed = Timed(lambda: None, clock=FakeClock(0.002)).slice(budget_s=0, min_runs=3)
    assert timed.median_ms == 2.0


def test_the_median_is_over_every_slice() -> None:
    clock = FakeClock(0.001)
    timed = Timed(lambda: None, clock=clock).slice(budget_s=0, min_runs=3)
    clock.run_s = 0.010
    timed.slice(budget_s=0, min_runs=2)
    # 1, 1, 1, 10, 10 ms: the median of all five runs, not of either slice alone
    assert (len(timed.times), timed.median_ms) == (5, 1.0)
    timed.slice(budget_s=0, min_runs=2)
    assert timed.median_ms == pytest.approx(10.0)
