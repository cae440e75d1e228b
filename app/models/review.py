"""Review outcomes: decisions on evidence and the current KSB sign-offs."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field


class ReviewDecision(SQLModel, table=True):
    __tablename__ = "review_decision"
    __table_args__ = (
        CheckConstraint("outcome IN ('accepted', 'referred')", name="outcome"),
        # Referring an item back without saying why helps nobody.
        CheckConstraint("outcome = 'accepted' OR feedback <> ''", name="feedback"),
    )

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True)
    reviewer_id: int = Field(foreign_key="user_account.id", index=True)
    outcome: str = Field(max_length=20)
    feedback: str = Field(default="", sa_type=Text)
    decided_at: datetime = created_at_field()


class KsbSignoff(SQLModel, table=True):
    """The current sign-off of one KSB; revoking deletes it, the event log keeps history."""

    __tablename__ = "ksb_signoff"
    # One sign-off per apprenticeship and KSB, enforced by the database under concurrency.
    __table_args__ = (UniqueConstraint("apprenticeship_id", "ksb_id"),)

    id: int | None = Field(default=None, primary_key=True)
    apprenticeship_id: int = Field(foreign_key="apprenticeship.id", index=True)
    ksb_id: int = Field(foreign_key="ksb.id", index=True)
    signed_by_id: int = Field(foreign_key="user_account.id", index=True)
    override_reason: str | None = Field(default=None, sa_type=Text)
    signed_at: datetime = created_at_field()
