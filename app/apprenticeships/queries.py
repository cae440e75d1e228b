"""Reading apprenticeships, always through the viewer's scope from auth/policy.py."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.auth.policy import apprenticeship_scope
from app.models import Apprenticeship, Organisation, Standard, User, id_of

Apprentice = aliased(User)
Tutor = aliased(User)
Employer = aliased(Organisation)


@dataclass(frozen=True)
class ApprenticeshipRow:
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
    status: str


def list_visible(
    session: Session, *, viewer: User, limit: int = 200, offset: int = 0
) -> list[ApprenticeshipRow]:
    """One statement, whatever the number of rows."""
    # SQLModel's typed select stops at four columns; SQLAlchemy's takes any number.
    statement = (
        sa_select(
            col(Apprenticeship.id),
            col(Apprentice.name),
            col(Apprentice.email),
            col(Employer.name),
            col(Tutor.name),
            col(Standard.reference),
            col(Standard.version),
            col(Standard.title),
            col(Apprenticeship.start_date),
            col(Apprenticeship.planned_end_date),
            col(Apprenticeship.status),
        )
        .join(Apprentice, col(Apprentice.id) == Apprenticeship.apprentice_id)
        .join(Employer, col(Employer.id) == Apprenticeship.employer_id)
        .join(Standard, col(Standard.id) == Apprenticeship.standard_id)
        .outerjoin(Tutor, col(Tutor.id) == Apprenticeship.tutor_id)
        .where(apprenticeship_scope(viewer))
        .order_by(col(Apprentice.name), col(Apprenticeship.id))
        .limit(limit)
        .offset(offset)
    )
    return [ApprenticeshipRow(*row) for row in session.execute(statement).all()]


def get_visible(session: Session, *, viewer: User, apprenticeship_id: int) -> Apprenticeship | None:
    return session.exec(
        select(Apprenticeship).where(
            col(Apprenticeship.id) == apprenticeship_id, apprenticeship_scope(viewer)
        )
    ).first()


@dataclass(frozen=True)
class Heading:
    """Whose portfolio this is and on which standard: the top of every portfolio page."""

    apprenticeship_id: int
    apprentice_id: int
    apprentice_name: str
    standard_id: int
    standard_reference: str
    standard_version: str
    standard_title: str
    start_date: date
    planned_end_date: date
    status: str


def heading(session: Session, *, apprenticeship: Apprenticeship) -> Heading:
    statement = (
        sa_select(
            col(User.name), col(Standard.reference), col(Standard.version), col(Standard.title)
        )
        .select_from(Apprenticeship)
        .join(User, col(User.id) == Apprenticeship.apprentice_id)
        .join(Standard, col(Standard.id) == Apprenticeship.standard_id)
        .where(col(Apprenticeship.id) == apprenticeship.id)
    )
    name, reference, version, title = session.execute(statement).one()
    return Heading(
        id_of(apprenticeship),
        apprenticeship.apprentice_id,
        name,
        apprenticeship.standard_id,
        reference,
        version,
        title,
        apprenticeship.start_date,
        apprenticeship.planned_end_date,
        str(apprenticeship.status),
    )
