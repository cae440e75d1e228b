"""Per-user notification marker: events up to this id have been seen (unread = newer ones)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import created_at_field


class NotificationMarker(SQLModel, table=True):
    __tablename__ = "notification_marker"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    # An event id, not a time: ids only grow, so nothing committed later can slip under it.
    seen_up_to: int = 0
    updated_at: datetime = created_at_field()
