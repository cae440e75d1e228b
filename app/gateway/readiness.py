"""Gateway readiness as a pure function: the facts of one apprenticeship in, ready and blockers out.

Imports nothing from the app, so it is tested without a database and reused by page and API.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

MIN_MONTHS = 12
# The checklist besides sign-offs, in the order it is shown; values match GatewayRequirement.
REQUIREMENTS: tuple[str, ...] = (
    "employer_declaration",
    "english",
    "maths",
    "time_on_programme",
)
LABELS = {
    "employer_declaration": "Employer's gateway declaration",
    "english": "English evidence",
    "maths": "Maths evidence",
    "time_on_programme": f"At least {MIN_MONTHS} months on programme",
}
MISSING = {
    "employer_declaration": "No employer declaration",
    "english": "No English evidence",
    "maths": "No maths evidence",
    "time_on_programme": "Time on programme not confirmed by a tutor",
}


@dataclass(frozen=True)
class GatewayFacts:
    unsigned_codes: Sequence[str]  # KSBs of the standard not signed off, in the standard's order
    ticked: Collection[str]  # requirements a tutor has ticked
    start_date: date
    today: date


@dataclass(frozen=True)
class Readiness:
    ready: bool
    blockers: tuple[str, ...]
    months_on_programme: int


def full_months_between(start: date, end: date) -> int:
    """Whole calendar months from start to end: 5 Jan to 4 Feb is 0, to 5 Feb is 1."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def _ksb_blocker(codes: Sequence[str]) -> str | None:
    if not codes:
        return None
    noun = "KSB" if len(codes) == 1 else "KSBs"
    return f"{len(codes)} {noun} not signed off: {', '.join(codes)}"


def readiness(facts: GatewayFacts) -> Readiness:
    """Ready when every KSB is signed off and every requirement holds; each gap is a blocker."""
    months = full_months_between(facts.start_date, facts.today)
    blockers = [_ksb_blocker(facts.unsigned_codes)]
    blockers += [MISSING[r] for r in REQUIREMENTS if r not in facts.ticked]
    # Time is checked by the calendar as well as ticked: a tick cannot make up missing months.
    if months < MIN_MONTHS:
        unit = "month" if months == 1 else "months"
        blockers.append(f"On programme {months} {unit} of the required {MIN_MONTHS}")
    found = tuple(b for b in blockers if b)
    return Readiness(ready=not found, blockers=found, months_on_programme=months)
