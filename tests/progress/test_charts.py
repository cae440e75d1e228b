"""Chart geometry: bars stack each state's share, in order, and always add up to the full width."""

import itertools

import pytest

from app.progress.charts import BAR_HEIGHT, GAP, STATES, describe, stacked_bars
from app.progress.coverage import Tally


def tally(signed_off: int = 0, evidenced: int = 0, claimed: int = 0, not_started: int = 0) -> Tally:
    total = signed_off + evidenced + claimed + not_started
    return Tally(total, not_started, claimed, evidenced, signed_off)


def test_segments_are_in_state_order_from_the_left() -> None:
    chart = stacked_bars([("K", "Knowledge", tally(1, 1, 1, 1))], label_width=0, plot_width=400)
    assert [s.state for s in chart.bars[0].segments] == list(STATES)
    assert [s.x for s in chart.bars[0].segments] == [0, 100, 200, 300]


def test_widths_are_shares_of_the_bar() -> None:
    chart = stacked_bars([("K", "Knowledge", tally(signed_off=1, not_started=3))], plot_width=400)
    assert [s.width for s in chart.bars[0].segments] == [100, 300]


@pytest.mark.parametrize("counts", [(1, 1, 1, 0), (2, 0, 5, 4), (1, 0, 0, 2), (3, 3, 3, 3)])
def test_segments_fill_the_bar_exactly(counts: tuple[int, int, int, int]) -> None:
    chart = stacked_bars([("S", "Skills", tally(*counts))], label_width=70, plot_width=400)
    segments = chart.bars[0].segments
    assert segments[0].x == 70
    assert segments[-1].x + segments[-1].width == pytest.approx(470, abs=0.02)
    for left, right in itertools.pairwise(segments):
        assert left.x + left.width == pytest.approx(right.x, abs=0.02)


def test_states_with_no_ksbs_get_no_segment() -> None:
    chart = stacked_bars([("B", "Behaviours", tally(claimed=2))])
    assert [s.state for s in chart.bars[0].segments] == ["claimed"]


def test_an_empty_row_has_no_segments() -> None:
    chart = stacked_bars([("D9", "Duty with no KSBs", tally())])
    assert chart.bars[0].segments == () and chart.bars[0].total == 0


def test_bars_are_stacked_down_the_chart() -> None:
    rows = [(str(i), str(i), tally(not_started=1)) for i in range(3)]
    chart = stacked_bars(rows)
    step = BAR_HEIGHT + GAP
    assert [bar.y for bar in chart.bars] == [GAP, GAP + step, GAP + 2 * step]
    assert chart.height == GAP + 3 * (BAR_HEIGHT + GAP)


def test_counts_are_written_only_where_they_fit() -> None:
    chart = stacked_bars([("K", "K", tally(signed_off=1, not_started=99))], plot_width=400)
    narrow, wide = chart.bars[0].segments
    assert not narrow.show_count and wide.show_count


def test_description_names_every_state_in_words() -> None:
    assert describe(tally(1, 2, 3, 4)) == (
        "10 in all: 1 signed off, 2 evidenced, 3 claimed, awaiting review, 4 not started"
    )
