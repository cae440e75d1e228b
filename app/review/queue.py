"""The review queue: submitted evidence across the viewer's caseload, oldest first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.auth.policy import caseload_scope, evidence_scope, review_scope
from app.evidence.queries import claim_codes
from app.models import Apprenticeship, EvidenceItem, EvidenceKind, EvidenceState, User
from app.review.timing import waited, waited_seconds

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
            col(EvidenceItem.id), col(EvidenceItem.title), col(EvidenceItem.kind),
            col(EvidenceItem.version), since, col(Apprenticeship.id), col(Apprentice.name),
            review_scope(viewer),
        )
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .join(Apprentice, col(Apprentice.id) == Apprenticeship.apprentice_id)
        .where(*conditions)
        .order_by(since, col(EvidenceItem.id))
        .limit(limit)
    )  # fmt: skip
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
                item_id, title, EvidenceKind(kind), version, waiting, apprenticeship_id, name,
                bool(decidable), codes.get(item_id, []), waited(waiting, now),
                waited_seconds(waiting, now),
            )
            for item_id, title, kind, version, waiting, apprenticeship_id, name, decidable in rows
        ],
        total,
    )  # fmt: skip


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
