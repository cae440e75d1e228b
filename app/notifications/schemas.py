"""Response shapes of the notifications API."""

from datetime import datetime

from pydantic import BaseModel, Field

from app.models.base import MAX_INT32
from app.notifications.queries import Notification


class NotificationOut(BaseModel):
    id: int
    occurred_at: datetime
    action: str
    apprenticeship_id: int
    evidence_id: int | None
    ksb_code: str | None
    text: str
    unread: bool

    @classmethod
    def of(cls, row: Notification) -> "NotificationOut":
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class NotificationsOut(BaseModel):
    unread: int
    items: list[NotificationOut]


class MarkReadIn(BaseModel):
    """Mark read up to this notification id (the newest you were shown); omit for all."""

    up_to: int | None = Field(default=None, ge=0, le=MAX_INT32)


class MarkedOut(BaseModel):
    seen_up_to: int
    unread: int
