"""Pure KSB coverage engine: per-KSB states, tallies, duty coverage and RAG progress."""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

KINDS: tuple[str, ...] = ("knowledge", "skill", "behaviour")

# Tolerances are inclusive: being exactly 10 points behind is still green.
_AMBER_GAP = 0.10
_RED_GAP = 0.25


class KsbState(StrEnum):
    NOT_STARTED = "not_started"
    CLAIMED = "claimed"
    EVIDENCED = "evidenced"
    SIGNED_OFF = "signed_off"


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


RAG_WORDS = {Rag.GREEN: "Green", Rag.AMBER: "Amber", Rag.RED: "Red"}  # as people read them


@dataclass(frozen=True)
class KsbFacts:
    """One KSB's claim counts for an apprenticeship, as aggregated in SQL."""

    code: str
    kind: str
    pending_claims: int
    confirmed_claims: int
    rejected_claims: int = 0
    signed_off: bool = False


@dataclass(frozen=True)
class KsbCoverage:
    code: str
    kind: str
    state: KsbState
    pending_claims: int
    confirmed_claims: int
    rejected_claims: int


@dataclass(frozen=True)
class Tally:
    total: int
    not_started: int
    claimed: int
    evidenced: int
    signed_off: int

    @property
    def evidenced_or_better(self) -> int:
        return self.evidenced + self.signed_off

    @property
    def share_signed_off(self) -> float:
        return self.signed_off / self.total if self.total else 0.0


@dataclass(frozen=True)
class DutyFacts:
    code: str
    text: str
    ksb_codes: tuple[str, ...]


@dataclass(frozen=True)
class DutyCoverage:
    code: str
    text: str
    ksb_codes: tuple[str, ...]
    tally: Tally
    covered: bool

    @property
    def fully_evidenced(self) -> bool:
        # An empty duty proves nothing, so it is never "fully evidenced".
        return self.tally.total > 0 and self.tally.evidenced_or_better == self.tally.total


@dataclass(frozen=True)
class Progress:
    expected: float
    actual: float
    rag: Rag
    reason: str


@dataclass(frozen=True)
class Coverage:
    ksbs: tuple[KsbCoverage, ...]
    by_kind: dict[str, Tally]
    overall: Tally
    duties: tuple[DutyCoverage, ...]
    progress: Progress


def ksb_state(facts: KsbFacts) -> KsbState:
    """Strongest state wins: sign-off, then a confirmed claim, then a pending one."""
    if facts.signed_off:
        return KsbState.SIGNED_OFF
    if facts.confirmed_claims > 0:
        return KsbState.EVIDENCED
    if facts.pending_claims > 0:
        return KsbState.CLAIMED
    # Rejected claims and claims on drafts leave the KSB untouched.
    return KsbState.NOT_STARTED


def tally(states: Iterable[KsbState]) -> Tally:
    counts = Counter(states)
    return Tally(
        total=sum(counts.values()),
        not_started=counts[KsbState.NOT_STARTED],
        claimed=counts[KsbState.CLAIMED],
        evidenced=counts[KsbState.EVIDENCED],
        signed_off=counts[KsbState.SIGNED_OFF],
    )


def _expected_share(start: date, planned_end: date, today: date) -> float:
    if today < start:
        return 0.0
    duration = (planned_end - start).days
    if duration <= 0:
        # A zero-length (or inverted) plan is fully "due" from its first day.
        return 1.0
    return min(1.0, (today - start).days / duration)


def _percent(share: float) -> int:
    # Round half up; the built-in round() would turn 12.5% into 12%.
    return int(share * 100 + 0.5)


def _ksbs(count: int) -> str:
    return f"{count} KSB" if count == 1 else f"{count} KSBs"


def _of_total(signed_off: int, total: int) -> str:
    noun = "KSB" if total == 1 else "KSBs"
    return f"{signed_off} of {total} {noun} signed off ({_percent(signed_off / total)}%)"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _rag_for_gap(gap: float) -> Rag:
    # Rounding stops float noise (0.4 - 0.3 = 0.10000000000000003) tipping green into amber.
    gap = round(gap, 9)
    if gap <= _AMBER_GAP:
        return Rag.GREEN
    return Rag.AMBER if gap <= _RED_GAP else Rag.RED


def rating(
    *, start: date, planned_end: date, today: date, signed_off: int, total: int
) -> tuple[float, float, Rag]:
    """Expected share, actual share and RAG without the words: cheap enough for a whole cohort."""
    expected = _expected_share(start, planned_end, today)
    if today < start:
        return expected, (signed_off / total if total else 0.0), Rag.GREEN
    if total == 0:
        return expected, 0.0, Rag.GREEN
    if signed_off >= total:
        return expected, 1.0, Rag.GREEN
    actual = signed_off / total
    if today > planned_end:
        return expected, actual, Rag.RED
    return expected, actual, _rag_for_gap(expected - actual)


def slipping_dates(
    *, start: date, planned_end: date, signed_off: int, total: int
) -> tuple[date | None, date | None]:
    """The first day this pace is rated amber or worse and the first day red; None: never.

    With nothing more signed off a rating only worsens as days pass (and every unfinished plan
    is red after its planned end), so each day is found by bisecting rating() itself: the one
    rule, not a second copy of it. Stored beside the summary, they make "who is behind today"
    an indexed range instead of rating every apprenticeship.
    """
    if total == 0 or signed_off >= total:
        return None, None

    def first(worse: Callable[[Rag], bool]) -> date:
        low, high = start, planned_end + timedelta(days=1)  # `high` is always red
        while low < high:
            middle = low + (high - low) // 2
            rag = rating(
                start=start,
                planned_end=planned_end,
                today=middle,
                signed_off=signed_off,
                total=total,
            )[2]
            low, high = (low, middle) if worse(rag) else (middle + timedelta(days=1), high)
        return low

    return first(lambda rag: rag is not Rag.GREEN), first(lambda rag: rag is Rag.RED)


def _reason(
    start: date,
    planned_end: date,
    today: date,
    signed_off: int,
    total: int,
    expected: float,
    rag: Rag,
) -> str:
    if today < start:
        return f"Not started yet: the apprenticeship starts on {_long_date(start)}."
    if total == 0:
        return "No KSBs to sign off yet."
    if signed_off >= total:
        return f"Complete: {_of_total(total, total)}."
    if today > planned_end:
        return f"Past the planned end date with {_ksbs(total - signed_off)} not signed off."
    time_gone = _percent(expected)
    if rag is Rag.GREEN:
        return (
            f"On track: {_of_total(signed_off, total)} with {time_gone}% of the planned time gone."
        )
    return f"Behind: {_of_total(signed_off, total)} but {time_gone}% of the planned time has gone."


def progress(
    *, start: date, planned_end: date, today: date, signed_off: int, total: int
) -> Progress:
    """Compare signed-off share with elapsed planned time and rate it green, amber or red."""
    expected, actual, rag = rating(
        start=start, planned_end=planned_end, today=today, signed_off=signed_off, total=total
    )
    reason = _reason(start, planned_end, today, signed_off, total, expected, rag)
    return Progress(expected, actual, rag, reason)


def _duty_coverage(duty: DutyFacts, states: dict[str, KsbState]) -> DutyCoverage:
    # Codes missing from the standard are dropped (and duplicates collapsed) so totals add up.
    codes = tuple(code for code in dict.fromkeys(duty.ksb_codes) if code in states)
    duty_tally = tally(states[code] for code in codes)
    covered = duty_tally.total > 0 and duty_tally.signed_off == duty_tally.total
    return DutyCoverage(duty.code, duty.text, codes, duty_tally, covered)


def _ksb_coverage(facts: KsbFacts) -> KsbCoverage:
    return KsbCoverage(
        code=facts.code,
        kind=facts.kind,
        state=ksb_state(facts),
        pending_claims=facts.pending_claims,
        confirmed_claims=facts.confirmed_claims,
        rejected_claims=facts.rejected_claims,
    )


def compute_coverage(
    *,
    ksbs: Sequence[KsbFacts],
    duties: Sequence[DutyFacts],
    start: date,
    planned_end: date,
    today: date,
) -> Coverage:
    """Roll one apprenticeship's KSB facts up into states, tallies, duties and progress."""
    rows = tuple(_ksb_coverage(facts) for facts in ksbs)
    by_kind = {kind: tally(row.state for row in rows if row.kind == kind) for kind in KINDS}
    overall = tally(row.state for row in rows)
    states = {row.code: row.state for row in rows}
    duty_rows = tuple(_duty_coverage(duty, states) for duty in duties)
    pace = progress(
        start=start,
        planned_end=planned_end,
        today=today,
        signed_off=overall.signed_off,
        total=overall.total,
    )
    return Coverage(rows, by_kind, overall, duty_rows, pace)
