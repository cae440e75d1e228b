"""The cohort's KSB x apprentice grid: cells built here, so the template loop stays simple.

Each state has a colour AND a symbol, so the grid reads without colour (legend on the page).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from app.models import KIND_PREFIX, KsbKind
from app.progress.coverage import KsbFacts, KsbState, ksb_state

SYMBOLS: dict[KsbState, str] = {
    KsbState.SIGNED_OFF: "✓",
    KsbState.EVIDENCED: "E",
    KsbState.CLAIMED: "C",
    KsbState.NOT_STARTED: "·",
}
WORDS: dict[KsbState, str] = {
    KsbState.SIGNED_OFF: "signed off",
    KsbState.EVIDENCED: "evidenced",
    KsbState.CLAIMED: "claimed, awaiting review",
    KsbState.NOT_STARTED: "not started",
}
# KSB_KIND_RANK's order, for a code's first letter.
_KIND_ORDER = {KIND_PREFIX[kind]: rank for rank, kind in enumerate(KsbKind)}


@dataclass(frozen=True)
class Cell:
    state: str  # a KsbState value, or "none" when the KSB is not in this apprentice's standard
    symbol: str
    title: str
    href: str | None


@dataclass(frozen=True)
class HeatmapRow:
    apprenticeship_id: int
    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Heatmap:
    codes: tuple[str, ...]
    rows: tuple[HeatmapRow, ...]


_NONE = Cell("none", "", "not part of this standard", None)


def code_order(code: str) -> tuple[int, int, str]:
    """K before S before B, then by number: K2 before K10."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return (_KIND_ORDER.get(code[:1].upper(), 3), int(digits) if digits else 0, code)


def build(
    members: Sequence[tuple[int, str]],
    facts: Mapping[int, Sequence[KsbFacts]],
    link: Callable[[int, str], str],
) -> Heatmap:
    """One row per (apprenticeship id, name), one column per KSB code of any of their standards."""
    codes = tuple(
        sorted({f.code for owner, _ in members for f in facts.get(owner, ())}, key=code_order)
    )
    rows = []
    for owner, name in members:
        states = {f.code: ksb_state(f) for f in facts.get(owner, ())}
        cells = tuple(_cell(owner, code, states.get(code), link) for code in codes)
        rows.append(HeatmapRow(owner, name, cells))
    return Heatmap(codes, tuple(rows))


def _cell(owner: int, code: str, state: KsbState | None, link: Callable[[int, str], str]) -> Cell:
    if state is None:
        return _NONE
    return Cell(state.value, SYMBOLS[state], f"{code}: {WORDS[state]}", link(owner, code))


def link_maker(pattern: str) -> Callable[[int, str], str]:
    """Cell links from one URL built with placeholders: url_for once, not 19,500 times."""
    head, _, rest = pattern.partition("__A__")
    middle, _, tail = rest.partition("__C__")
    return lambda owner, code: f"{head}{owner}{middle}{code}{tail}"
