"""Marking notifications read: moves the viewer's marker forward, never back."""

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.models import NotificationMarker, User, utcnow
from app.notifications.queries import newest_id


def mark_read(session: Session, *, viewer: User, up_to: int | None) -> int:
    """Mark read everything up to `up_to` (what the viewer was shown), or all when None.

    No event is written: this is the viewer's own reading position, like a session's last-seen
    time, not a change to anyone's apprenticeship. Returns the marker's new position.
    """
    newest = newest_id(session, viewer=viewer)
    target = newest if up_to is None else min(max(up_to, 0), newest)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(NotificationMarker).values(
        user_id=viewer.id, seen_up_to=target, updated_at=utcnow()
    )
    current = NotificationMarker.__table__.c.seen_up_to  # type: ignore[attr-defined]
    # Two tabs marking at once: the marker keeps the larger position, whichever commits last.
    statement = statement.on_conflict_do_update(
        index_elements=["user_id"],
        set_={
            "seen_up_to": case(
                (statement.excluded.seen_up_to > current, statement.excluded.seen_up_to),
                else_=current,
            ),
            "updated_at": statement.excluded.updated_at,
        },
    )
    session.execute(statement)
    return target
