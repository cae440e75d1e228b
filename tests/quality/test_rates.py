"""Sampling rates and their chart are pure: counts in, shares and geometry out."""

from app.progress.charts import paired_rate_bars
from app.quality.rates import TutorSampling, percent


def test_sample_rate_is_sampled_over_decisions() -> None:
    assert TutorSampling(1, "T", decisions=8, sampled=2, disagreed=1).sample_rate == 0.25


def test_disagreement_rate_is_over_sampled_decisions_only() -> None:
    assert TutorSampling(1, "T", decisions=8, sampled=2, disagreed=1).disagreement_rate == 0.5


def test_rates_without_a_base_are_none() -> None:
    row = TutorSampling(1, "T", decisions=0, sampled=0, disagreed=0)
    assert (row.sample_rate, row.disagreement_rate) == (None, None)


def test_percent_in_words() -> None:
    assert [percent(v) for v in (None, 0.0, 1 / 3, 1.0)] == ["no data", "0%", "33%", "100%"]


def test_bars_are_as_long_as_their_share() -> None:
    chart = paired_rate_bars([("Ann", 0.5, 0.25)], series=("a", "b"), plot_width=400)
    assert [bar.width for bar in chart.groups[0].bars] == [200, 100]


def test_a_missing_rate_draws_no_bar_and_says_so() -> None:
    chart = paired_rate_bars([("Ann", None, 1.0)], series=("a", "b"), plot_width=400)
    first, second = chart.groups[0].bars
    assert (first.width, first.words, second.width, second.words) == (0, "no data", 400, "100%")


def test_groups_stack_downwards_and_fit_the_height() -> None:
    chart = paired_rate_bars([("A", 0.1, 0.1), ("B", 0.2, 0.2)], series=("a", "b"))
    ys = [bar.y for group in chart.groups for bar in group.bars]
    assert ys == sorted(ys)
    assert ys[-1] + chart.bar_height <= chart.height
