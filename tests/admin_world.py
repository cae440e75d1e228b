"""Two providers side by side, for the admin tests: everything of 'other' must stay out of reach."""

from dataclasses import dataclass
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Apprenticeship, Event, Organisation, Standard, User
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_provider,
    make_standard,
    make_user,
)
from tests.web_client import PASSWORD, sign_in


@dataclass
class World:
    provider: Organisation
    employer: Organisation
    admin: User
    tutor: User
    apprentice: User
    manager: User
    standard: Standard
    apprenticeship: Apprenticeship
    other_provider: Organisation
    other_employer: Organisation
    other_admin: User
    other_tutor: User
    other_apprentice: User
    other_apprenticeship: Apprenticeship


def _provider_with_people(
    session: Session, standard: Standard, name: str
) -> tuple[Organisation, Organisation, User, User, User, Apprenticeship]:
    provider = make_provider(session, f"{name} Training")
    employer = make_employer(session, provider, f"{name} Employer")
    admin = make_user(session, provider, "admin", password=PASSWORD)
    tutor = make_user(session, provider, "tutor", password=PASSWORD)
    apprentice = make_user(session, employer, "apprentice", password=PASSWORD)
    apprenticeship = make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,
        apprentice=apprentice,
        tutor=tutor,
        start=date(2026, 1, 5),
        planned_end=date(2027, 7, 30),
    )
    return provider, employer, admin, tutor, apprentice, apprenticeship


def make_world(session: Session) -> World:
    standard = make_standard(session)
    provider, employer, admin, tutor, apprentice, apprenticeship = _provider_with_people(
        session, standard, "Home"
    )
    manager = make_user(session, employer, "employer", password=PASSWORD)
    o_provider, o_employer, o_admin, o_tutor, o_apprentice, o_apprenticeship = (
        _provider_with_people(session, standard, "Other")
    )
    session.commit()
    return World(
        provider,
        employer,
        admin,
        tutor,
        apprentice,
        manager,
        standard,
        apprenticeship,
        o_provider,
        o_employer,
        o_admin,
        o_tutor,
        o_apprentice,
        o_apprenticeship,
    )


def signed_in(client: TestClient, user: User) -> TestClient:
    assert sign_in(client, user.email).status_code == 303
    return client


def actions(session: Session) -> list[str]:
    session.expire_all()
    return list(session.exec(select(Event.action)).all())


def events(session: Session, action: str) -> list[Event]:
    session.expire_all()
    return list(session.exec(select(Event).where(Event.action == action)).all())


def fresh(session: Session, row: object) -> None:
    """Re-read a row the app changed through its own session."""
    session.expire_all()
    session.refresh(row)
