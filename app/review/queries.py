"""The review's reads: the queue of submitted evidence (oldest first) and the sign-off grid
(every KSB of an apprenticeship with its state and evidence counts)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.auth.policy import caseload_scope, evidence_scope, review_scope
from app.evidence.queries import claim_codes
from app.models import (
    Apprenticeship,
    EvidenceItem,
    EvidenceKind,
    EvidenceState,
    Ksb,
    KsbSignoff,
    User,
    id_of,
)
from app.progress.coverage import KsbFacts, KsbState, ksb_state
from app.progress.queries import ksb_facts
from app.review.timing import waited, waited_seconds
from app.standards.queries import standard_ksbs

Apprentice = aliased(User)
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class QueueRow:
    id: int
    title: str
    kind: EvidenceKind
    version: int
    waiting_since: datetime | None
    apprenticeship_id: int
    apprentice_name: str
    decidable: bool  # the viewer is this apprentice's tutor
    ksb_codes: list[str]
    waited: str
    waited_seconds: int | None


@dataclass(frozen=True)
class Queue:
    rows: list[QueueRow]
    total: int


def review_queue(
    session: Session, *, viewer: User, now: datetime, limit: int = QUEUE_LIMIT
) -> Queue:
    """Three statements whatever the queue holds: the page, its claims, and the count."""
    # An item submitted without a recorded time has waited at least since its last change.
    since = func.coalesce(col(EvidenceItem.submitted_at), col(EvidenceItem.updated_at))
    conditions = (
        caseload_scope(viewer),
        evidence_scope(viewer),
        col(EvidenceItem.state) == EvidenceState.SUBMITTED,
    )
    statement = (
        sa_select(
            col(EvidenceItem.id),
            col(EvidenceItem.title),
            col(EvidenceItem.kind),
            col(EvidenceItem.version),
            since,
            col(Apprenticeship.id),
            col(Apprentice.name),
            review_scope(viewer),
        )
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .join(Apprentice, col(Apprentice.id) == Apprenticeship.apprentice_id)
        .where(*conditions)
        .order_by(since, col(EvidenceItem.id))
        .limit(limit)
    )
    rows = session.execute(statement).all()
    codes = claim_codes(session, [row[0] for row in rows])
    count = (
        sa_select(func.count())
        .select_from(EvidenceItem)
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .where(*conditions)
    )
    total = int(session.execute(count).scalar_one())
    return Queue(
        [
            QueueRow(
                item_id,
                title,
                EvidenceKind(kind),
                version,
                waiting,
                apprenticeship_id,
                name,
                bool(decidable),
                codes.get(item_id, []),
                waited(waiting, now),
                waited_seconds(waiting, now),
            )
            for item_id, title, kind, version, waiting, apprenticeship_id, name, decidable in rows
        ],
        total,
    )


def visible_items(
    session: Session, *, viewer: User, item_ids: list[int]
) -> list[tuple[EvidenceItem, Apprenticeship]]:
    """The named items the viewer may see, with their apprenticeships, in one statement."""
    if not item_ids:
        return []
    statement = (
        sa_select(EvidenceItem, Apprenticeship)
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .where(col(EvidenceItem.id).in_(item_ids), evidence_scope(viewer))
        .order_by(col(EvidenceItem.id))
    )
    return [(item, apprenticeship) for item, apprenticeship in session.execute(statement)]


STATE_WORDS = {
    KsbState.NOT_STARTED: "Not started",
    KsbState.CLAIMED: "Claimed",
    KsbState.EVIDENCED: "Evidenced",
    KsbState.SIGNED_OFF: "Signed off",
}


@dataclass(frozen=True)
class SignoffInfo:
    signed_by: str
    signed_at: datetime
    override_reason: str | None


@dataclass(frozen=True)
class GridRow:
    code: str
    kind: str
    text: str
    state: KsbState
    pending_claims: int
    confirmed_claims: int
    rejected_claims: int
    signoff: SignoffInfo | None

    @property
    def state_words(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def needs_reason(self) -> bool:
        """Signing off without a confirmed claim needs a reason (an override)."""
        return self.confirmed_claims == 0


def _signoffs(session: Session, apprenticeship_id: int) -> dict[int, SignoffInfo]:
    statement = (
        select(KsbSignoff, User.name)
        .join(User, col(User.id) == KsbSignoff.signed_by_id)
        .where(KsbSignoff.apprenticeship_id == apprenticeship_id)
    )
    return {
        row.ksb_id: SignoffInfo(name, row.signed_at, row.override_reason)
        for row, name in session.exec(statement)
    }


def grid_rows(session: Session, *, apprenticeship: Apprenticeship) -> list[GridRow]:
    """Every KSB, K then S then B in the standard's order, in three statements."""
    apprenticeship_id = id_of(apprenticeship)
    facts = {f.code: f for f in ksb_facts(session, [apprenticeship_id]).get(apprenticeship_id, [])}
    signoffs = _signoffs(session, apprenticeship_id)
    return [
        _row(ksb, facts, signoffs) for ksb in standard_ksbs(session, apprenticeship.standard_id)
    ]


def _row(ksb: Ksb, facts: dict[str, KsbFacts], signoffs: dict[int, SignoffInfo]) -> GridRow:
    fact = facts[ksb.code]
    return GridRow(
        code=ksb.code,
        kind=str(ksb.kind),
        text=ksb.text,
        state=ksb_state(fact),
        pending_claims=fact.pending_claims,
        confirmed_claims=fact.confirmed_claims,
        rejected_claims=fact.rejected_claims,
        signoff=signoffs.get(id_of(ksb)),
    )


def grid_row(session: Session, *, apprenticeship: Apprenticeship, code: str) -> GridRow | None:
    """One row, as the grid shows it after a change (the grid's own statements, filtered)."""
    return next(
        (row for row in grid_rows(session, apprenticeship=apprenticeship) if row.code == code),
        None,
    )
