"""Gateway checklist: the requirements besides sign-offs, each ticked by a tutor with evidence."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, enum_field


class GatewayRequirement(StrEnum):
    EMPLOYER_DECLARATION = "employer_declaration"
    ENGLISH = "english"
    MATHS = "maths"
    TIME_ON_PROGRAMME = "time_on_programme"


class GatewayCheck(SQLModel, table=True):
    """A ticked requirement; unticking deletes it, the event log keeps the history."""

    __tablename__ = "gateway_check"
    # One tick per requirement: a second tick of the same one is refused by the database.
    __table_args__ = (UniqueConstraint("apprenticeship_id", "requirement"),)

    id: int | None = Field(default=None, primary_key=True)
    apprenticeship_id: int = Field(foreign_key="apprenticeship.id", index=True)
    requirement: GatewayRequirement = enum_field(GatewayRequirement)
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True)
    ticked_by_id: int = Field(foreign_key="user_account.id", index=True)
    ticked_at: datetime = created_at_field()
