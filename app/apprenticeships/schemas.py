"""Request and response shapes for apprenticeships (the JSON API and the admin form)."""

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from app.apprenticeships.queries import ApprenticeshipRow
from app.models import Apprenticeship, ApprenticeshipStatus


class ApprenticeshipSummaryOut(BaseModel):
    """One line of a list: who, where, on which standard, and how it stands."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    apprentice_name: str
    apprentice_email: str
    employer_name: str
    tutor_name: str | None
    standard_reference: str
    standard_version: str
    standard_title: str
    start_date: date
    planned_end_date: date
    status: ApprenticeshipStatus


class ApprenticeshipPage(BaseModel):
    """A page of a list; next_offset is null on the last page."""

    items: list[ApprenticeshipSummaryOut]
    limit: int
    offset: int
    next_offset: int | None

    @classmethod
    def from_rows(
        cls, rows: Sequence[ApprenticeshipRow], *, limit: int, offset: int
    ) -> "ApprenticeshipPage":
        """rows holds up to limit + 1: one more than shown tells that another page follows."""
        items = [ApprenticeshipSummaryOut.model_validate(row) for row in rows[:limit]]
        more = len(rows) > limit
        return cls(
            items=items, limit=limit, offset=offset, next_offset=offset + limit if more else None
        )


class ApprenticeshipOut(BaseModel):
    """One apprenticeship, with the ids that the rest of the API takes."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    apprentice_id: int
    standard_id: int
    provider_id: int
    employer_id: int
    tutor_id: int | None
    start_date: date
    planned_end_date: date
    status: ApprenticeshipStatus


# --- The admin's apprenticeship form (apprenticeships/pages.py) ---
class ApprenticeshipForm(BaseModel):
    """What an admin chose or typed, kept as text so that a refused form comes back unchanged.

    Only these fields exist: a provider, owner or other id sent with the form is never read.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    apprentice_id: str = ""
    standard_id: str = ""
    employer_id: str = ""
    tutor_id: str = ""
    start_date: str = ""
    planned_end_date: str = ""
    status: str = ApprenticeshipStatus.ACTIVE.value

    @classmethod
    def of(cls, apprenticeship: Apprenticeship) -> "ApprenticeshipForm":
        return cls(
            apprentice_id=str(apprenticeship.apprentice_id),
            standard_id=str(apprenticeship.standard_id),
            employer_id=str(apprenticeship.employer_id),
            tutor_id=str(apprenticeship.tutor_id or ""),
            start_date=apprenticeship.start_date.isoformat(),
            planned_end_date=apprenticeship.planned_end_date.isoformat(),
            status=apprenticeship.status.value,
        )
