"""A world for review tests: a tutor's caseload, a colleague, quality staff and a neighbour."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session, select

from app.models import Apprenticeship, ApprenticeshipSummary, Event, Organisation, User, id_of
from app.progress.summaries import refresh_summaries
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_provider,
    make_standard,
    make_user,
)
from tests.web_client import PASSWORD

START, END = date(2025, 9, 1), date(2027, 9, 1)
KSBS = ("K1", "K2", "K3", "S1", "S2", "B1")
DUTIES = {"D1": ("K1", "S1"), "D2": ("K2", "K3", "B1"), "D3": ("S2",)}


@dataclass(frozen=True)
class World:
    provider: Organisation
    employer: Organisation
    tutor: User
    apprentice: User
    apprenticeship: Apprenticeship
    second_apprentice: User  # also on the tutor's caseload, at another employer
    second_apprenticeship: Apprenticeship
    colleague: User  # a tutor at the same provider, with a caseload of their own
    colleague_apprenticeship: Apprenticeship
    iqa: User
    admin: User
    employer_user: User
    outsider_tutor: User  # another provider


def _apprenticeship(
    session: Session,
    standard: object,
    provider: Organisation,
    employer: Organisation,
    apprentice: User,
    tutor: User,
) -> Apprenticeship:
    return make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,  # type: ignore[arg-type]
        apprentice=apprentice,
        tutor=tutor,
        start=START,
        planned_end=END,
    )


@pytest.fixture
def world(session: Session) -> World:
    standard = make_standard(session, KSBS, DUTIES)
    provider, other_provider = make_provider(session), make_provider(session)
    employer = make_employer(session, provider, f"Acme {provider.id}")
    employer_b = make_employer(session, provider, f"Brightwater {provider.id}")
    tutor = make_user(session, provider, "tutor", password=PASSWORD)
    colleague = make_user(session, provider, "tutor", password=PASSWORD)
    apprentice = make_user(session, employer, "apprentice", password=PASSWORD)
    second = make_user(session, employer_b, "apprentice", password=PASSWORD)
    third = make_user(session, employer, "apprentice", password=PASSWORD)
    apprentice.name, second.name, third.name = "Alex Apprentice", "Bea Learner", "Cal Other"
    built = World(
        provider=provider,
        employer=employer,
        tutor=tutor,
        apprentice=apprentice,
        apprenticeship=_apprenticeship(session, standard, provider, employer, apprentice, tutor),
        second_apprentice=second,
        second_apprenticeship=_apprenticeship(
            session, standard, provider, employer_b, second, tutor
        ),
        colleague=colleague,
        colleague_apprenticeship=_apprenticeship(
            session, standard, provider, employer, third, colleague
        ),
        iqa=make_user(session, provider, "iqa", password=PASSWORD),
        admin=make_user(session, provider, "admin", password=PASSWORD),
        employer_user=make_user(session, employer, "employer", password=PASSWORD),
        outsider_tutor=make_user(session, other_provider, "tutor", password=PASSWORD),
    )
    session.add_all([apprentice, second, third])
    refresh(session, built)
    return built


def refresh(session: Session, world: World) -> None:
    """Summaries as the app keeps them, after factories wrote rows straight to the tables."""
    ids = [
        id_of(a)
        for a in (world.apprenticeship, world.second_apprenticeship, world.colleague_apprenticeship)
    ]
    refresh_summaries(session, apprenticeship_ids=ids)
    session.commit()


def fresh(session: Session) -> None:
    """See what the app committed since: a new snapshot, nothing cached."""
    session.rollback()
    session.expire_all()


def events(session: Session, action: str) -> list[Event]:
    fresh(session)
    return list(session.exec(select(Event).where(Event.action == action)).all())


def summary_of(session: Session, apprenticeship: Apprenticeship) -> ApprenticeshipSummary:
    fresh(session)
    statement = select(ApprenticeshipSummary).where(
        ApprenticeshipSummary.apprenticeship_id == apprenticeship.id
    )
    return session.exec(statement).one()
