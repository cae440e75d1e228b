"""Notifications are events the viewer is told of (policy.notification_scope); unread
are those after the viewer's marker. Each function is one statement, whatever the numbers."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Subquery, and_, case, false, func, union_all
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.auth.policy import notification_branches, per_viewer
from app.models import (
    Apprenticeship,
    Event,
    EvidenceItem,
    NotificationMarker,
    ReviewDecision,
    User,
)
from app.notifications.words import describe

Actor = aliased(User)
Apprentice = aliased(User)
PAGE = 50


@dataclass(frozen=True)
class Notification:
    id: int
    occurred_at: datetime
    action: str
    apprenticeship_id: int
    evidence_id: int | None
    ksb_code: str | None
    text: str
    unread: bool


def _seen_up_to(viewer: User) -> Any:
    """The viewer's marker as a scalar subquery: 0 until they first mark anything read."""
    marker = sa_select(col(NotificationMarker.seen_up_to)).where(
        col(NotificationMarker.user_id) == viewer.id
    )
    return func.coalesce(marker.scalar_subquery(), 0)


def _notified_ids(viewer: User) -> Subquery:
    """Ids of the events the viewer is told of: one indexed SELECT per policy branch."""
    branches = notification_branches(viewer) or (false(),)
    return union_all(*(sa_select(col(Event.id).label("id")).where(b) for b in branches)).subquery()


def unread_count(session: Session, *, viewer: User, at_most: int | None = None) -> int:
    """How many are unread; with `at_most`, reading stops there (the nav's badge, on every
    page, costs the same however long a tutor's backlog)."""
    return int(session.execute(_unread_statement(viewer, at_most)).scalar_one())


@per_viewer
def _unread_statement(viewer: User, at_most: int | None) -> Select[int]:
    ids = _notified_ids(viewer)
    unread = sa_select(ids.c.id).where(ids.c.id > _seen_up_to(viewer))
    if at_most is not None:
        unread = unread.limit(at_most)
    return sa_select(func.count()).select_from(unread.subquery())


def newest_id(session: Session, *, viewer: User) -> int:
    ids = _notified_ids(viewer)
    return int(session.execute(sa_select(func.max(ids.c.id))).scalar() or 0)


def _evidence_of_event() -> Any:
    """The evidence an event is about: its target, or the item of the decision it targets
    (an IQA's sample), so that both name and link the item."""
    return case(
        (col(Event.target_type) == "evidence_item", col(Event.target_id)),
        else_=col(ReviewDecision.evidence_id),
    )


def list_notifications(session: Session, *, viewer: User, limit: int = PAGE) -> list[Notification]:
    """The newest notifications, each with its words and whether it is unread."""
    seen = _seen_up_to(viewer)
    statement = (
        sa_select(
            col(Event.id),
            col(Event.occurred_at),
            col(Event.action),
            col(Event.data),
            col(Event.apprenticeship_id),
            col(Event.target_type),
            col(Event.target_id),
            col(Actor.name),
            col(Apprentice.name),
            col(EvidenceItem.id),
            col(EvidenceItem.title),
            (col(Event.id) > seen).label("unread"),
        )
        .join(Apprenticeship, col(Apprenticeship.id) == Event.apprenticeship_id)
        .join(Apprentice, col(Apprentice.id) == Apprenticeship.apprentice_id)
        .outerjoin(Actor, col(Actor.id) == Event.actor_id)
        .outerjoin(
            ReviewDecision,
            and_(
                col(Event.target_type) == "review_decision",
                col(ReviewDecision.id) == Event.target_id,
            ),
        )
        .outerjoin(EvidenceItem, col(EvidenceItem.id) == _evidence_of_event())
        .where(col(Event.id).in_(sa_select(_notified_ids(viewer).c.id)))
        .order_by(col(Event.id).desc())
        .limit(limit)
    )
    return [_notification(*row) for row in session.execute(statement)]


def _notification(
    event_id: int,
    occurred_at: datetime,
    action: str,
    data: dict[str, Any] | None,
    apprenticeship_id: int,
    target_type: str,
    target_id: int | None,
    actor: str | None,
    apprentice: str,
    item_id: int | None,
    title: str | None,
    unread: bool,
) -> Notification:
    data = data or {}
    return Notification(
        id=event_id,
        occurred_at=occurred_at,
        action=action,
        apprenticeship_id=apprenticeship_id,
        evidence_id=target_id if target_type == "evidence_item" else item_id,
        ksb_code=str(data["code"]) if action.startswith("ksb.") and data.get("code") else None,
        text=describe(action, data=data, actor=actor, apprentice=apprentice, title=title),
        unread=bool(unread),
    )
