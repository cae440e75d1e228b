"""Reading one KSB of an apprenticeship: its duties, its sign-off, the evidence claiming it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.auth.policy import evidence_scope
from app.models import (
    Apprenticeship,
    Duty,
    DutyKsb,
    EvidenceItem,
    EvidenceState,
    Ksb,
    KsbClaim,
    KsbSignoff,
    User,
)


@dataclass(frozen=True)
class KsbItemRow:
    id: int
    title: str
    occurred_on: date
    state: EvidenceState
    claim_state: str
    justification: str


def ksb_by_code(session: Session, *, standard_id: int, code: str) -> Ksb | None:
    statement = select(Ksb).where(Ksb.standard_id == standard_id, Ksb.code == code.upper())
    return session.exec(statement).first()


def ksbs_by_code(session: Session, *, standard_id: int, codes: Sequence[str]) -> dict[str, Ksb]:
    if not codes:
        return {}
    statement = select(Ksb).where(Ksb.standard_id == standard_id, col(Ksb.code).in_(codes))
    return {ksb.code: ksb for ksb in session.exec(statement)}


def ksb_duties(session: Session, *, ksb_id: int) -> list[Duty]:
    statement = (
        select(Duty)
        .join(DutyKsb, col(DutyKsb.duty_id) == Duty.id)
        .where(DutyKsb.ksb_id == ksb_id)
        .order_by(col(Duty.position))
    )
    return list(session.exec(statement).all())


def ksb_signoff(session: Session, *, apprenticeship_id: int, ksb_id: int) -> KsbSignoff | None:
    statement = select(KsbSignoff).where(
        KsbSignoff.apprenticeship_id == apprenticeship_id, KsbSignoff.ksb_id == ksb_id
    )
    return session.exec(statement).first()


def items_claiming(
    session: Session, *, viewer: User, apprenticeship_id: int, ksb_id: int
) -> list[KsbItemRow]:
    statement = (
        sa_select(
            col(EvidenceItem.id), col(EvidenceItem.title), col(EvidenceItem.occurred_on),
            col(EvidenceItem.state), col(KsbClaim.state), col(KsbClaim.justification),
        )
        .join(KsbClaim, col(KsbClaim.evidence_id) == EvidenceItem.id)
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .where(col(EvidenceItem.apprenticeship_id) == apprenticeship_id, evidence_scope(viewer))
        .where(col(KsbClaim.ksb_id) == ksb_id)
        .order_by(col(EvidenceItem.occurred_on).desc(), col(EvidenceItem.id).desc())
    )  # fmt: skip
    return [
        KsbItemRow(item_id, title, occurred_on, state, str(claim_state), justification)
        for item_id, title, occurred_on, state, claim_state, justification in session.execute(
            statement
        )
    ]
