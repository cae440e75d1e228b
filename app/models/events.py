"""The append-only event log: who did what, to what, when, from where and why."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field


class Event(SQLModel, table=True):
    __tablename__ = "event"
    # Triggers in the migration refuse UPDATE and DELETE on this table.
    __table_args__ = (
        Index("ix_event_target", "target_type", "target_id"),
        Index("ix_event_apprenticeship_time", "apprenticeship_id", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = created_at_field()
    action: str = Field(max_length=60)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    target_type: str = Field(max_length=40)
    target_id: int | None = None
    apprenticeship_id: int | None = Field(default=None, foreign_key="apprenticeship.id")
    provider_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    client_addr: str | None = Field(default=None, max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
