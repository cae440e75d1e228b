"""Pure chart geometry: stacked horizontal bars of KSB states, laid out for inline SVG."""

from collections.abc import Sequence
from dataclasses import dataclass

from app.progress.coverage import Tally

# Strongest first, so that the good news reads from the left.
STATES: tuple[str, ...] = ("signed_off", "evidenced", "claimed", "not_started")
STATE_LABELS = {
    "signed_off": "signed off",
    "evidenced": "evidenced",
    "claimed": "claimed, awaiting review",
    "not_started": "not started",
}
# A count is written inside its segment only when the segment is wide enough to hold it.
MIN_LABEL_WIDTH = 18.0


@dataclass(frozen=True)
class Segment:
    state: str
    count: int
    x: float
    width: float

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    @property
    def show_count(self) -> bool:
        return self.count > 0 and self.width >= MIN_LABEL_WIDTH


@dataclass(frozen=True)
class Bar:
    label: str
    title: str
    total: int
    y: float
    segments: tuple[Segment, ...]
    description: str  # the bar in words

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT / 2


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    bars: tuple[Bar, ...]
    bar_height: float
    plot_x: float


BAR_HEIGHT = 22.0
GAP = 10.0
LABEL_WIDTH = 70.0
PLOT_WIDTH = 400.0


def _segments(tally: Tally, *, x0: float, width: float) -> tuple[Segment, ...]:
    """Each state's share of the bar; edges come from running totals so widths add up exactly."""
    if tally.total == 0:
        return ()
    segments, running = [], 0
    for state in STATES:
        count = getattr(tally, state)
        start = x0 + width * running / tally.total
        running += count
        end = x0 + width * running / tally.total
        if count:
            segments.append(Segment(state, count, round(start, 2), round(end - start, 2)))
    return tuple(segments)


def stacked_bars(
    rows: Sequence[tuple[str, str, Tally]],
    *,
    label_width: float = LABEL_WIDTH,
    plot_width: float = PLOT_WIDTH,
) -> BarChart:
    """One full-width bar per (label, title, tally) row: each bar shows shares of its own total."""
    bars = tuple(
        Bar(
            label=label,
            title=title,
            total=tally.total,
            y=GAP + index * (BAR_HEIGHT + GAP),
            segments=_segments(tally, x0=label_width, width=plot_width),
            description=describe(tally),
        )
        for index, (label, title, tally) in enumerate(rows)
    )
    height = GAP + len(bars) * (BAR_HEIGHT + GAP)
    return BarChart(label_width + plot_width, height, bars, BAR_HEIGHT, label_width)


def describe(tally: Tally) -> str:
    """The bar in words, for the SVG's <title> and screen readers."""
    parts = [f"{getattr(tally, state)} {STATE_LABELS[state]}" for state in STATES]
    return f"{tally.total} in all: " + ", ".join(parts)


# --- Histogram: vertical bars of counts per bin (provider overview) ---
HIST_HEIGHT = 160.0
HIST_BAR_WIDTH = 36.0
HIST_BASE = 20.0  # room under the plot for the bin labels


@dataclass(frozen=True)
class Column:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Histogram:
    width: float
    height: float
    base_y: float
    columns: tuple[Column, ...]


def histogram(bins: Sequence[tuple[str, int]], *, plot_height: float = HIST_HEIGHT) -> Histogram:
    """One column per (label, count) bin, heights scaled to the fullest bin."""
    peak = max((count for _, count in bins), default=0)
    columns = []
    for index, (label, count) in enumerate(bins):
        height = round(plot_height * count / peak, 2) if peak else 0.0
        x = GAP + index * (HIST_BAR_WIDTH + GAP / 2)
        columns.append(Column(label, count, x, GAP + plot_height - height, HIST_BAR_WIDTH, height))
    width = GAP * 2 + len(bins) * (HIST_BAR_WIDTH + GAP / 2)
    return Histogram(width, GAP + plot_height + HIST_BASE, GAP + plot_height, tuple(columns))


# --- Step line: a running count over time (signed-off KSBs of one apprentice) ---
@dataclass(frozen=True)
class StepLine:
    width: float
    height: float
    points: str  # the polyline's "x,y x,y ..." list
    max_value: int
    plot_x: float
    plot_bottom: float
    first_label: str
    last_label: str


TREND_WIDTH = 420.0
TREND_HEIGHT = 160.0
TREND_LEFT = 30.0


def step_line(
    days: Sequence[int], values: Sequence[int], *, span: int, ceiling: int, labels: tuple[str, str]
) -> StepLine:
    """Points of a step chart: days since the first date on x, the running value on y.

    A step holds its value until the next change, so each change adds a horizontal then a
    vertical segment; the line runs on to `span` days (today)."""
    top, bottom = GAP, GAP + TREND_HEIGHT
    ceiling = max(ceiling, 1)
    span = max(span, 1)

    def xy(day: int, value: int) -> str:
        x = TREND_LEFT + TREND_WIDTH * day / span
        y = bottom - (bottom - top) * value / ceiling
        return f"{round(x, 2)},{round(y, 2)}"

    points, previous = [xy(0, 0)], 0
    for day, value in zip(days, values, strict=True):
        points += [xy(day, previous), xy(day, value)]
        previous = value
    points.append(xy(span, previous))
    width = TREND_LEFT + TREND_WIDTH + GAP
    return StepLine(
        width, bottom + HIST_BASE, " ".join(points), ceiling, TREND_LEFT, bottom, *labels
    )


# --- Paired rate bars: two percentages per row (IQA sampling: sample and disagreement rates) ---
RATE_BAR_HEIGHT = 14.0
RATE_LABEL_WIDTH = 120.0
RATE_VALUE_WIDTH = 50.0  # room right of the plot for the percentage in words


@dataclass(frozen=True)
class RateBar:
    series: str  # which of the pair: its name, also the CSS hook
    rate: float | None  # 0..1; None when there is nothing to take a share of
    y: float
    width: float

    @property
    def words(self) -> str:
        return "no data" if self.rate is None else f"{round(self.rate * 100)}%"

    @property
    def text_y(self) -> float:
        return self.y + RATE_BAR_HEIGHT / 2


@dataclass(frozen=True)
class RateGroup:
    label: str
    y: float
    bars: tuple[RateBar, ...]

    @property
    def text_y(self) -> float:
        return self.y + RATE_BAR_HEIGHT


@dataclass(frozen=True)
class RateChart:
    width: float
    height: float
    plot_x: float
    plot_width: float
    bar_height: float
    groups: tuple[RateGroup, ...]


def paired_rate_bars(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    series: tuple[str, str],
    plot_width: float = PLOT_WIDTH,
) -> RateChart:
    """Per (label, first rate, second rate) row two bars, each as long as its share of 100%."""
    step = 2 * RATE_BAR_HEIGHT + GAP
    groups = []
    for index, (label, *rates) in enumerate(rows):
        y = GAP + index * step
        bars = tuple(
            RateBar(
                name, rate, y + i * RATE_BAR_HEIGHT, round(plot_width * min(rate or 0.0, 1.0), 2)
            )
            for i, (name, rate) in enumerate(zip(series, rates, strict=True))
        )
        groups.append(RateGroup(label, y, bars))
    width = RATE_LABEL_WIDTH + plot_width + RATE_VALUE_WIDTH
    height = GAP + len(groups) * step
    return RateChart(width, height, RATE_LABEL_WIDTH, plot_width, RATE_BAR_HEIGHT, tuple(groups))
