"""Answered writes: a write sent with an Idempotency-Key (API) or a one-time form token (pages),
and the answer it got, so that a retry gets that answer again and writes nothing."""

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field


class AnsweredRequest(SQLModel, table=True):
    __tablename__ = "answered_request"
    # Keys are the sender's own: two people may choose the same one.
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    key: str = Field(max_length=300)
    digest: str = Field(
        max_length=64
    )  # of what was sent: the same key with another body is refused
    status_code: int = 0  # 0 until the answer is known, in the same transaction as the write
    headers: str = Field(default="{}", sa_type=Text)  # JSON: the headers worth replaying
    body: str = Field(default="", sa_type=Text)
    created_at: datetime = created_at_field()
