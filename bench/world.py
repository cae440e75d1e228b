"""The fixed part of bench data: providers, their staff and employers, and the standard."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert, select
from sqlmodel import Session, col

from app.auth.passwords import hash_password
from app.demo import DEMO_FILE, import_seed_standards
from app.models import Ksb, Organisation, Standard, User, id_of
from bench.people import Layout, Shape, layout, manager_email, staff_email

RETURNING_SLICE = 1000


@dataclass(frozen=True)
class Provider:
    number: int  # counted from 1, as in the e-mail addresses
    id: int
    layout: Layout
    first: int  # global index of its first apprenticeship
    tutor_ids: tuple[int, ...]
    employer_ids: tuple[int, ...]


@dataclass(frozen=True)
class World:
    providers: tuple[Provider, ...]
    standard_id: int
    ksbs: tuple[tuple[int, str], ...]  # (id, code) of ST0949's KSBs
    password_hash: str
    templates: tuple[dict[str, Any], ...]  # evidence texts from the demo plan

    def place(self, index: int) -> tuple[Provider, int]:
        """The provider of the index-th apprenticeship and its index within that provider."""
        for provider in self.providers:
            if index < provider.first + provider.layout.size:
                return provider, index - provider.first
        raise IndexError(index)


def table_of(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def insert_ids(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Bulk insert (executemany), returning the new ids in the order of the rows."""
    table = table_of(model)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    # Slices: SQLAlchemy re-reads the rows returned so far for every page of a big executemany.
    for start in range(0, len(rows), RETURNING_SLICE):
        ids += session.scalars(statement, rows[start : start + RETURNING_SLICE])
    return ids


def seed_world(session: Session, shape: Shape, password: str) -> World:
    import_seed_standards(session)
    standard = session.scalars(select(Standard).where(col(Standard.reference) == "ST0949")).one()
    ksbs = session.execute(
        select(col(Ksb.id), col(Ksb.code)).where(col(Ksb.standard_id) == standard.id)
    ).all()
    # One hash for everyone: Argon2 is slow on purpose, 10,000 of them would take minutes.
    password_hash = hash_password(password)
    providers, first = [], 0
    for number, size in enumerate(shape.provider_sizes(), start=1):
        plan = layout(size, shape)
        providers.append(_seed_provider(session, number, plan, first, password_hash))
        first += size
    templates = tuple(json.loads(DEMO_FILE.read_text())["evidence"])
    return World(
        tuple(providers), id_of(standard), tuple(map(tuple, ksbs)), password_hash, templates
    )


def _seed_provider(
    session: Session, number: int, plan: Layout, first: int, password_hash: str
) -> Provider:
    org = insert_ids(
        session,
        Organisation,
        [{"name": f"Bench Provider {number}", "kind": "provider", "provider_id": None}],
    )[0]
    staff: list[tuple[str, int | None, str]] = [
        ("admin", None, "Provider Admin"),
        ("iqa", None, "Quality Assurer"),
    ]
    staff += [("tutor", t, f"Tutor {t}") for t in range(1, plan.tutors + 1)]
    user_ids = insert_ids(
        session,
        User,
        [
            {
                "email": staff_email(role, number, n),
                "name": f"{name} (provider {number})",
                "role": role,
                "organisation_id": org,
                "password_hash": password_hash,
            }
            for role, n, name in staff
        ],
    )
    employers = insert_ids(
        session,
        Organisation,
        [
            {"name": f"Bench Employer {e}", "kind": "employer", "provider_id": org}
            for e in range(1, plan.employers + 1)
        ],
    )
    insert_ids(
        session,
        User,
        [
            {
                "email": manager_email(number, e),
                "name": f"Manager {e} (provider {number})",
                "role": "employer",
                "organisation_id": employer_id,
                "password_hash": password_hash,
            }
            for e, employer_id in enumerate(employers, start=1)
        ],
    )
    return Provider(number, org, plan, first, tuple(user_ids[2:]), tuple(employers))
