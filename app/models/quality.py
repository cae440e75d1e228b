"""Internal quality assurance: an IQA's sample of one review decision."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Text
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, enum_field


class SampleVerdict(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"


class IqaSample(SQLModel, table=True):
    __tablename__ = "iqa_sample"
    __table_args__ = (
        # Disagreeing without saying why gives the tutor nothing to act on.
        CheckConstraint("verdict = 'agree' OR comment <> ''", name="comment"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # One sample per decision: the database refuses a second, even from two IQAs at once.
    decision_id: int = Field(foreign_key="review_decision.id", unique=True)
    sampled_by_id: int = Field(foreign_key="user_account.id", index=True)
    verdict: SampleVerdict = enum_field(SampleVerdict)
    comment: str = Field(default="", sa_type=Text)
    sampled_at: datetime = created_at_field()
