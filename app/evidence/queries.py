"""Reading evidence, always through the viewer's scope (auth/policy.py); a fixed few statements."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, exists, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.auth.policy import apprenticeship_scope, evidence_scope
from app.models import (
    KSB_KIND_RANK,
    Apprenticeship,
    Event,
    EvidenceFile,
    EvidenceItem,
    EvidenceKind,
    EvidenceState,
    Ksb,
    KsbClaim,
    KsbSignoff,
    ReviewDecision,
    User,
)


@dataclass(frozen=True)
class Filters:
    state: EvidenceState | None = None
    kind: EvidenceKind | None = None
    ksb: str | None = None  # a KSB code: items that claim it
    newest_first: bool = True


@dataclass(frozen=True)
class ItemRow:
    id: int
    title: str
    occurred_on: date
    kind: EvidenceKind
    state: EvidenceState
    version: int
    updated_at: datetime
    file_count: int
    ksb_codes: list[str]


@dataclass(frozen=True)
class ClaimRow:
    ksb_code: str
    ksb_kind: str
    ksb_text: str
    justification: str
    state: str


@dataclass(frozen=True)
class DecisionRow:
    outcome: str
    feedback: str
    decided_at: datetime
    reviewer_name: str


@dataclass(frozen=True)
class HistoryRow:
    action: str
    actor_name: str | None
    occurred_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class OpenItemRow:
    """An item waiting for the tutor, or referred back to the apprentice with feedback."""

    id: int
    title: str
    state: EvidenceState
    submitted_at: datetime | None
    feedback: str | None


def get_visible_item(
    session: Session, *, viewer: User, evidence_id: int
) -> tuple[EvidenceItem, Apprenticeship] | None:
    statement = (
        select(EvidenceItem, Apprenticeship)
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .where(col(EvidenceItem.id) == evidence_id, evidence_scope(viewer))
    )
    found = session.exec(statement).first()
    return (found[0], found[1]) if found else None


def get_visible_file(
    session: Session, *, viewer: User, file_id: int
) -> tuple[EvidenceFile, EvidenceItem, Apprenticeship] | None:
    statement = (
        select(EvidenceFile, EvidenceItem, Apprenticeship)
        .join(EvidenceItem, col(EvidenceItem.id) == EvidenceFile.evidence_id)
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .where(col(EvidenceFile.id) == file_id, evidence_scope(viewer))
    )
    found = session.exec(statement).first()
    return (found[0], found[1], found[2]) if found else None


def current_apprenticeship(session: Session, *, viewer: User) -> Apprenticeship | None:
    """The apprentice's own apprenticeship to open first: an active one, the latest started."""
    active_first = case((col(Apprenticeship.status) == "active", 0), else_=1)
    statement = (
        select(Apprenticeship)
        .where(apprenticeship_scope(viewer), col(Apprenticeship.apprentice_id) == viewer.id)
        .order_by(active_first, col(Apprenticeship.start_date).desc(), col(Apprenticeship.id))
    )
    return session.exec(statement).first()


def _claims_ksb(code: str) -> Any:
    return exists().where(
        col(KsbClaim.evidence_id) == EvidenceItem.id,
        col(Ksb.id) == KsbClaim.ksb_id,
        col(Ksb.code) == code,
    )


def list_items(
    session: Session,
    *,
    viewer: User,
    apprenticeship_id: int,
    filters: Filters,
    limit: int = 100,
    offset: int = 0,
) -> list[ItemRow]:
    """A page of an apprenticeship's items in two statements, whatever the page holds."""
    file_count = (
        sa_select(func.count())
        .where(col(EvidenceFile.evidence_id) == EvidenceItem.id)
        .scalar_subquery()
    )
    occurred = col(EvidenceItem.occurred_on)
    newest = (occurred.desc(), col(EvidenceItem.id).desc())
    order = newest if filters.newest_first else (occurred, col(EvidenceItem.id))
    statement = (
        sa_select(EvidenceItem, file_count)
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .where(col(EvidenceItem.apprenticeship_id) == apprenticeship_id, evidence_scope(viewer))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    if filters.state is not None:
        statement = statement.where(col(EvidenceItem.state) == filters.state)
    if filters.kind is not None:
        statement = statement.where(col(EvidenceItem.kind) == filters.kind)
    if filters.ksb:
        statement = statement.where(_claims_ksb(filters.ksb))
    rows = session.execute(statement).all()
    codes = claim_codes(session, [item.id for item, _ in rows])
    return [
        ItemRow(
            item.id,
            item.title,
            item.occurred_on,
            item.kind,
            item.state,
            item.version,
            item.updated_at,
            int(files),
            codes.get(item.id, []),
        )
        for item, files in rows
    ]


def claim_codes(session: Session, item_ids: Sequence[int]) -> dict[int, list[str]]:
    if not item_ids:
        return {}
    statement = (
        select(KsbClaim.evidence_id, Ksb.code)
        .join(Ksb, col(Ksb.id) == KsbClaim.ksb_id)
        .where(col(KsbClaim.evidence_id).in_(item_ids))
        .order_by(KSB_KIND_RANK, col(Ksb.position))
    )
    codes: dict[int, list[str]] = defaultdict(list)
    for item_id, code in session.exec(statement):
        codes[item_id].append(code)
    return codes


def item_claims(session: Session, *, item_id: int) -> list[ClaimRow]:
    statement = (
        sa_select(
            col(Ksb.code),
            col(Ksb.kind),
            col(Ksb.text),
            col(KsbClaim.justification),
            col(KsbClaim.state),
        )
        .join(Ksb, col(Ksb.id) == KsbClaim.ksb_id)
        .where(col(KsbClaim.evidence_id) == item_id)
        .order_by(KSB_KIND_RANK, col(Ksb.position))
    )
    return [
        ClaimRow(code, str(kind), text, justification, str(state))
        for code, kind, text, justification, state in session.execute(statement)
    ]


def item_files(session: Session, *, item_id: int) -> list[EvidenceFile]:
    statement = (
        select(EvidenceFile)
        .where(EvidenceFile.evidence_id == item_id)
        .order_by(col(EvidenceFile.created_at), col(EvidenceFile.id))
    )
    return list(session.exec(statement).all())


def item_decisions(session: Session, *, item_id: int) -> list[DecisionRow]:
    """The reviewers' decisions, newest first."""
    statement = (
        select(ReviewDecision, User.name)
        .join(User, col(User.id) == ReviewDecision.reviewer_id)
        .where(ReviewDecision.evidence_id == item_id)
        .order_by(col(ReviewDecision.decided_at).desc(), col(ReviewDecision.id).desc())
    )
    return [
        DecisionRow(decision.outcome, decision.feedback, decision.decided_at, name)
        for decision, name in session.exec(statement)
    ]


def item_history(session: Session, *, item_id: int) -> list[HistoryRow]:
    """Every event recorded against the item, oldest first."""
    statement = (
        select(Event, User.name)
        .outerjoin(User, col(User.id) == Event.actor_id)
        .where(Event.target_type == "evidence_item", Event.target_id == item_id)
        .order_by(col(Event.occurred_at), col(Event.id))
    )
    return [
        HistoryRow(event.action, name, event.occurred_at, event.data)
        for event, name in session.exec(statement)
    ]


def open_items(session: Session, *, viewer: User, apprenticeship_id: int) -> list[OpenItemRow]:
    """Items awaiting review or referred back, each with its latest feedback, in one statement."""
    latest_feedback = (
        sa_select(col(ReviewDecision.feedback))
        .where(col(ReviewDecision.evidence_id) == EvidenceItem.id)
        .order_by(col(ReviewDecision.decided_at).desc(), col(ReviewDecision.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    waiting = (EvidenceState.SUBMITTED, EvidenceState.REFERRED)
    statement = (
        sa_select(
            col(EvidenceItem.id),
            col(EvidenceItem.title),
            col(EvidenceItem.state),
            col(EvidenceItem.submitted_at),
            latest_feedback,
        )
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .where(col(EvidenceItem.apprenticeship_id) == apprenticeship_id, evidence_scope(viewer))
        .where(col(EvidenceItem.state).in_(waiting))
        # Referred first ("referred" < "submitted"): those wait for the apprentice.
        .order_by(col(EvidenceItem.state), col(EvidenceItem.updated_at).desc())
    )
    return [OpenItemRow(*row) for row in session.execute(statement)]


def claim_texts(session: Session, *, item_id: int) -> dict[str, str]:
    """The item's claims as the form shows them: KSB code -> justification, K, S, B order."""
    return {row.ksb_code: row.justification for row in item_claims(session, item_id=item_id)}


def file_count(session: Session, *, item_id: int) -> int:
    statement = select(func.count()).where(EvidenceFile.evidence_id == item_id)
    return int(session.exec(statement).one())


@dataclass(frozen=True)
class KsbItemRow:
    id: int
    title: str
    occurred_on: date
    state: EvidenceState
    claim_state: str
    justification: str


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
            col(EvidenceItem.id),
            col(EvidenceItem.title),
            col(EvidenceItem.occurred_on),
            col(EvidenceItem.state),
            col(KsbClaim.state),
            col(KsbClaim.justification),
        )
        .join(KsbClaim, col(KsbClaim.evidence_id) == EvidenceItem.id)
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .where(col(EvidenceItem.apprenticeship_id) == apprenticeship_id, evidence_scope(viewer))
        .where(col(KsbClaim.ksb_id) == ksb_id)
        .order_by(col(EvidenceItem.occurred_on).desc(), col(EvidenceItem.id).desc())
    )
    return [
        KsbItemRow(item_id, title, occurred_on, state, str(claim_state), justification)
        for item_id, title, occurred_on, state, claim_state, justification in session.execute(
            statement
        )
    ]
