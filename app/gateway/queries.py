"""Reading one apprenticeship's gateway facts: unsigned KSBs, ticked requirements, evidence."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.gateway.readiness import LABELS, REQUIREMENTS, GatewayFacts, Readiness, readiness
from app.models import (
    KSB_KIND_RANK,
    Apprenticeship,
    EvidenceItem,
    EvidenceState,
    GatewayCheck,
    Ksb,
    KsbSignoff,
    User,
    id_of,
)


@dataclass(frozen=True)
class TickRow:
    requirement: str
    evidence_id: int
    evidence_title: str
    ticked_by: str
    ticked_at: datetime


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str
    tick: TickRow | None


@dataclass(frozen=True)
class EvidenceOption:
    id: int
    title: str
    occurred_on: date


@dataclass(frozen=True)
class GatewayView:
    apprenticeship: Apprenticeship
    readiness: Readiness
    requirements: tuple[Requirement, ...]
    evidence: tuple[EvidenceOption, ...]  # what a tick may attach: submitted or decided items

    @property
    def in_gateway(self) -> bool:
        return self.apprenticeship.status == "gateway"


def unsigned_codes(session: Session, *, apprenticeship: Apprenticeship) -> list[str]:
    statement = (
        sa_select(col(Ksb.code))
        .outerjoin(
            KsbSignoff,
            (col(KsbSignoff.ksb_id) == Ksb.id)
            & (col(KsbSignoff.apprenticeship_id) == apprenticeship.id),
        )
        .where(col(Ksb.standard_id) == apprenticeship.standard_id, col(KsbSignoff.id).is_(None))
        .order_by(KSB_KIND_RANK, col(Ksb.position))
    )
    return list(session.execute(statement).scalars())


def ticks(session: Session, *, apprenticeship_id: int) -> dict[str, TickRow]:
    statement = (
        sa_select(
            col(GatewayCheck.requirement),
            col(GatewayCheck.evidence_id),
            col(EvidenceItem.title),
            col(User.name),
            col(GatewayCheck.ticked_at),
        )
        .join(EvidenceItem, col(EvidenceItem.id) == GatewayCheck.evidence_id)
        .join(User, col(User.id) == GatewayCheck.ticked_by_id)
        .where(col(GatewayCheck.apprenticeship_id) == apprenticeship_id)
    )
    return {str(row[0]): TickRow(str(row[0]), *row[1:]) for row in session.execute(statement)}


def evidence_options(session: Session, *, apprenticeship_id: int) -> list[EvidenceOption]:
    """Items a tutor can see (never drafts), newest first."""
    statement = (
        sa_select(col(EvidenceItem.id), col(EvidenceItem.title), col(EvidenceItem.occurred_on))
        .where(col(EvidenceItem.apprenticeship_id) == apprenticeship_id)
        .where(col(EvidenceItem.state) != EvidenceState.DRAFT)
        .order_by(col(EvidenceItem.occurred_on).desc(), col(EvidenceItem.id).desc())
    )
    return [EvidenceOption(*row) for row in session.execute(statement)]


def gateway_facts(session: Session, *, apprenticeship: Apprenticeship, today: date) -> GatewayFacts:
    ticked = ticks(session, apprenticeship_id=id_of(apprenticeship))
    return GatewayFacts(
        unsigned_codes=unsigned_codes(session, apprenticeship=apprenticeship),
        ticked=frozenset(ticked),
        start_date=apprenticeship.start_date,
        today=today,
    )


def gateway_view(session: Session, *, apprenticeship: Apprenticeship, today: date) -> GatewayView:
    """Everything the gateway page and API show, in three statements."""
    apprenticeship_id = id_of(apprenticeship)
    ticked = ticks(session, apprenticeship_id=apprenticeship_id)
    facts = GatewayFacts(
        unsigned_codes=unsigned_codes(session, apprenticeship=apprenticeship),
        ticked=frozenset(ticked),
        start_date=apprenticeship.start_date,
        today=today,
    )
    return GatewayView(
        apprenticeship=apprenticeship,
        readiness=readiness(facts),
        requirements=tuple(Requirement(r, LABELS[r], ticked.get(r)) for r in REQUIREMENTS),
        evidence=tuple(evidence_options(session, apprenticeship_id=apprenticeship_id)),
    )
