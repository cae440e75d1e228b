"""Apprenticeships: an apprentice on a standard version, at an employer, with a tutor."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, enum_field


class ApprenticeshipStatus(StrEnum):
    ACTIVE = "active"
    BREAK_IN_LEARNING = "break_in_learning"
    WITHDRAWN = "withdrawn"
    GATEWAY = "gateway"
    COMPLETED = "completed"


class Apprenticeship(SQLModel, table=True):
    __tablename__ = "apprenticeship"
    __table_args__ = (
        CheckConstraint("planned_end_date > start_date", name="dates"),
        Index("ix_apprenticeship_provider_status", "provider_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    apprentice_id: int = Field(foreign_key="user_account.id", index=True)
    standard_id: int = Field(foreign_key="standard.id", index=True)
    provider_id: int = Field(foreign_key="organisation.id", index=True)
    employer_id: int = Field(foreign_key="organisation.id", index=True)
    tutor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    start_date: date
    planned_end_date: date
    status: ApprenticeshipStatus = enum_field(ApprenticeshipStatus, default="active")
    created_at: datetime = created_at_field()
