"""Row locks that serialise changes to one apprenticeship's evidence, sign-offs and summary."""

from collections.abc import Collection

from sqlalchemy import select
from sqlmodel import Session, col

from app.models import Apprenticeship


def lock_apprenticeships(session: Session, ids: Collection[int]) -> None:
    """Wait for other transactions changing these apprenticeships to commit (PostgreSQL; on
    SQLite BEGIN IMMEDIATE has already serialised writers).

    FOR NO KEY UPDATE, not FOR UPDATE: inserting a row that references the apprenticeship
    takes a key-share lock on it, which FOR UPDATE conflicts with, so two transactions that
    each inserted evidence and then locked the row would deadlock. Sorted ids: one lock order.
    """
    if ids:
        statement = select(col(Apprenticeship.id)).where(col(Apprenticeship.id).in_(sorted(ids)))
        session.execute(statement.order_by(col(Apprenticeship.id)).with_for_update(key_share=True))
