"""Checking what the apprentice typed: every problem found at once, each beside its own field."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.errors import FieldErrors
from app.evidence.schemas import JUSTIFICATION_MAX, REFLECTION_MAX, TITLE_MAX, EvidenceForm
from app.models import Apprenticeship, EvidenceKind
from app.models.base import id_of
from app.standards.queries import ksbs_by_code

# Above this many claims one item is probably claiming more than it shows.
OVERCLAIM_AT = 6


@dataclass(frozen=True)
class Checked:
    title: str
    occurred_on: date
    kind: EvidenceKind
    reflection: str
    claims: dict[int, str]  # KSB id -> justification, in the order claimed


def overclaim_warning(count: int) -> str | None:
    if count <= OVERCLAIM_AT:
        return None
    return (
        f"You are claiming {count} KSBs for this one piece of evidence. Over-claiming weakens "
        f"a portfolio: keep to the KSBs it shows clearly (usually {OVERCLAIM_AT} or fewer)."
    )


def _date(raw: str, today: date) -> tuple[date | None, str]:
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return None, "Enter the date it happened, like 2026-03-14."
    if day > today:
        return None, "The date it happened cannot be in the future."
    return day, ""


def _kind(raw: str) -> EvidenceKind | None:
    try:
        return EvidenceKind(raw)
    except ValueError:
        return None


def _field_problems(form: EvidenceForm, today: date) -> tuple[date | None, dict[str, str]]:
    title = form.title.strip()
    occurred_on, date_problem = _date(form.occurred_on, today)
    problems = {
        "title": "Give your evidence a title." if not title else "",
        "occurred_on": date_problem,
        "kind": "" if _kind(form.kind) else "Choose what kind of evidence this is.",
        "reflection": (
            f"Keep the reflective account under {REFLECTION_MAX:,} characters."
            if len(form.reflection) > REFLECTION_MAX
            else ""
        ),
    }
    if len(title) > TITLE_MAX:
        problems["title"] = f"Keep the title under {TITLE_MAX} characters."
    return occurred_on, problems


def _claim_problems(
    session: Session, apprenticeship: Apprenticeship, form: EvidenceForm, submitting: bool
) -> tuple[dict[int, str], dict[str, str]]:
    known = ksbs_by_code(session, standard_id=apprenticeship.standard_id, codes=list(form.claims))
    problems: dict[str, str] = {}
    unknown = [code for code in form.claims if code not in known]
    if unknown:
        problems["claims"] = f"Not part of your standard: {', '.join(unknown)}."
    elif submitting and not form.claims:
        problems["claims"] = "Claim at least one KSB before you submit."
    for code, justification in form.claims.items():
        if len(justification) > JUSTIFICATION_MAX:
            problems[f"justification-{code}"] = f"Keep this under {JUSTIFICATION_MAX:,} characters."
        elif submitting and not justification.strip():
            problems[f"justification-{code}"] = f"Say briefly how this evidence shows {code}."
    claims = {
        id_of(known[code]): text.strip() for code, text in form.claims.items() if code in known
    }
    return claims, problems


def check_form(
    session: Session,
    *,
    apprenticeship: Apprenticeship,
    form: EvidenceForm,
    submitting: bool,
    today: date,
    file_problems: list[str],
    file_count: int,
    max_files: int | None,
) -> Checked:
    """Every field checked, and every problem collected, before anything changes."""
    occurred_on, problems = _field_problems(form, today)
    claims, claim_problems = _claim_problems(session, apprenticeship, form, submitting)
    problems |= claim_problems
    if max_files is not None and file_count > max_files:
        file_problems = [*file_problems, f"An item can hold up to {max_files} files."]
    if file_problems:
        problems["files"] = " ".join(file_problems)
    if errors := {field: text for field, text in problems.items() if text}:
        raise FieldErrors(errors)
    kind = _kind(form.kind)
    assert occurred_on is not None and kind is not None
    return Checked(form.title.strip(), occurred_on, kind, form.reflection, claims)
