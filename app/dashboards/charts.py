"""Pure chart geometry: stacked horizontal bars of KSB states, laid out for inline SVG."""

from collections.abc import Sequence
from dataclasses import dataclass

from app.dashboards.coverage import Tally

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
