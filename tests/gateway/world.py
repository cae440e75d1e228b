"""Two providers with every role, for the gateway, IQA and notification tests.

Provider A: tutor (owns the apprenticeship), colleague (another tutor), iqa, admin, employer
manager, apprentice. Provider B: the same roles, with an apprenticeship of its own.
"""

from dataclasses import dataclass
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Apprenticeship, EvidenceItem, Organisation, Standard, User
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_evidence,
    make_provider,
    make_standard,
    make_user,
)
from tests.web_client import PASSWORD, sign_in

# Started long enough ago that time on programme holds; a recent start is made per test.
LONG_AGO = date(2024, 1, 8)
END = date(2027, 12, 20)
KSBS = ("K1", "K2", "S1", "B1")


@dataclass
class Tenant:
    provider: Organisation
    employer: Organisation
    tutor: User
    colleague: User
    iqa: User
    admin: User
    manager: User
    apprentice: User
    apprenticeship: Apprenticeship
    evidence: EvidenceItem  # submitted, claims K1 and S1

    def by_role(self, role: str) -> User:
        return {
            "tutor": self.tutor,
            "colleague": self.colleague,
            "iqa": self.iqa,
            "admin": self.admin,
            "employer": self.manager,
            "apprentice": self.apprentice,
        }[role]


@dataclass
class World:
    a: Tenant
    b: Tenant


def _tenant(session: Session, standard: Standard, label: str, start: date) -> Tenant:
    provider = make_provider(session, f"{label} Training")
    employer = make_employer(session, provider, f"{label} Employer")

    def person(org: Organisation, role: str, name: str) -> User:
        user = make_user(session, org, role, password=PASSWORD)
        user.name = f"{label} {name}"
        session.add(user)
        return user

    tutor, colleague = person(provider, "tutor", "Tutor"), person(provider, "tutor", "Colleague")
    iqa, admin = person(provider, "iqa", "Iqa"), person(provider, "admin", "Admin")
    manager, apprentice = (
        person(employer, "employer", "Manager"),
        person(employer, "apprentice", "Apprentice"),
    )
    apprenticeship = make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,
        apprentice=apprentice,
        tutor=tutor,
        start=start,
        planned_end=END,
    )
    item = make_evidence(
        session,
        apprenticeship=apprenticeship,
        state="submitted",
        claims={"K1": "claimed", "S1": "claimed"},
    )
    session.flush()
    return Tenant(
        provider, employer, tutor, colleague, iqa, admin, manager, apprentice, apprenticeship, item
    )


def make_world(session: Session, *, start: date = LONG_AGO) -> World:
    standard = make_standard(session, KSBS, {"D1": ("K1", "S1"), "D2": ("K2", "B1")})
    world = World(
        _tenant(session, standard, "Alpha", start), _tenant(session, standard, "Bravo", start)
    )
    session.commit()
    return world


def signed_in(client: TestClient, user: User) -> TestClient:
    client.cookies.clear()
    assert sign_in(client, user.email).status_code == 303
    return client
