"""A provider with two employers (and another provider), apprentices at known stages, summaries
refreshed: the shared ground of the employer and provider dashboard tests."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from app.models import Apprenticeship, Event, Organisation, Standard, User
from app.progress.summaries import refresh_summaries
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_evidence,
    make_provider,
    make_standard,
    make_user,
    sign_off,
)
from tests.web_client import PASSWORD


@dataclass
class DashWorld:
    standard: Standard
    provider: Organisation
    employer: Organisation
    admin: User
    iqa: User
    tutor: User
    manager: User
    # Ours, by name: "Alice" on track (K1, S1 signed off), "Bob" behind (nothing signed off).
    apprenticeships: dict[str, Apprenticeship] = field(default_factory=dict)
    apprentices: dict[str, User] = field(default_factory=dict)
    other_employer: Organisation | None = None
    other_manager: User | None = None
    other_apprenticeship: Apprenticeship | None = None
    other_provider_admin: User | None = None
    other_provider_apprenticeship: Apprenticeship | None = None


def named_user(session: Session, org: Organisation, role: str, name: str) -> User:
    user = make_user(session, org, role, password=PASSWORD)
    user.name = name
    session.add(user)
    session.flush()
    return user


def add_apprentice(
    session: Session,
    world: DashWorld,
    name: str,
    *,
    employer: Organisation | None = None,
    start_days_ago: int = 365,
    end_in_days: int = 365,
) -> Apprenticeship:
    """An apprentice of the world's provider, half-way through by default."""
    employer = employer or world.employer
    apprentice = named_user(session, employer, "apprentice", name)
    today = date.today()
    apprenticeship = make_apprenticeship(
        session,
        standard=world.standard,
        provider=world.provider,
        employer=employer,
        apprentice=apprentice,
        tutor=world.tutor,
        start=today - timedelta(days=start_days_ago),
        planned_end=today + timedelta(days=end_in_days),
    )
    if employer is world.employer:
        world.apprenticeships[name] = apprenticeship
        world.apprentices[name] = apprentice
    return apprenticeship


def signoff_event(
    session: Session,
    apprenticeship: Apprenticeship,
    code: str,
    when: datetime,
    action: str = "ksb.signed_off",
) -> None:
    """The event the review service writes with a sign-off, at a chosen time."""
    session.add(
        Event(
            occurred_at=when,
            action=action,
            target_type="ksb",
            target_id=None,
            apprenticeship_id=apprenticeship.id,
            provider_id=apprenticeship.provider_id,
            data={"code": code},
        )
    )
    session.flush()


def on_track(session: Session, world: DashWorld, apprenticeship: Apprenticeship) -> None:
    """K1 and S1 signed off (50%, half-way through: green), K2 claimed and waiting."""
    make_evidence(
        session,
        apprenticeship=apprenticeship,
        state="accepted",
        claims={"K1": "confirmed", "S1": "confirmed"},
    )
    make_evidence(
        session, apprenticeship=apprenticeship, state="submitted", claims={"K2": "claimed"}
    )
    for code in ("K1", "S1"):
        sign_off(session, apprenticeship, code, world.tutor)
    base = datetime(2026, 1, 5, 10, tzinfo=UTC)
    signoff_event(session, apprenticeship, "K1", base)
    signoff_event(session, apprenticeship, "K2", base + timedelta(days=3))
    signoff_event(session, apprenticeship, "K2", base + timedelta(days=10), "ksb.signoff_revoked")
    signoff_event(session, apprenticeship, "S1", base + timedelta(days=10, hours=1))


def make_dash_world(session: Session) -> DashWorld:
    standard = make_standard(session)  # K1, K2, S1, B1; D1 = K1+S1, D2 = K2+B1
    provider = make_provider(session)
    employer = make_employer(session, provider)
    world = DashWorld(
        standard=standard,
        provider=provider,
        employer=employer,
        admin=named_user(session, provider, "admin", "Ada Admin"),
        iqa=named_user(session, provider, "iqa", "Ian Iqa"),
        tutor=named_user(session, provider, "tutor", "Tess Tutor"),
        manager=named_user(session, employer, "employer", "Mo Manager"),
    )
    on_track(session, world, add_apprentice(session, world, "Alice Able"))
    add_apprentice(session, world, "Bob Behind")
    world.other_employer = make_employer(session, provider)
    world.other_manager = named_user(session, world.other_employer, "employer", "Olga Other")
    world.other_apprenticeship = add_apprentice(
        session, world, "Oscar Elsewhere", employer=world.other_employer
    )
    other_provider = make_provider(session)
    world.other_provider_admin = named_user(session, other_provider, "admin", "Otto Admin")
    other_employer = make_employer(session, other_provider)
    other_tutor = named_user(session, other_provider, "tutor", "Tim Tutor")
    world.other_provider_apprenticeship = make_apprenticeship(
        session,
        standard=standard,
        provider=other_provider,
        employer=other_employer,
        apprentice=named_user(session, other_employer, "apprentice", "Pia Provider"),
        tutor=other_tutor,
        start=date.today() - timedelta(days=700),
        planned_end=date.today() + timedelta(days=30),
    )
    refresh(session)
    return world


def refresh(session: Session) -> None:
    """Factories write rows directly; the services would refresh summaries, so do it here."""
    from sqlmodel import col, select

    ids = [a for a in session.exec(select(col(Apprenticeship.id))) if a is not None]
    refresh_summaries(session, apprenticeship_ids=ids)
    session.commit()
