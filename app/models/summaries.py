"""Per-apprenticeship summary rows, kept in the same transaction as every change they reflect.

They let cohort-wide pages (provider overview over 10,000 apprenticeships) read one small row
each instead of aggregating millions of claims.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, optional_time_field


class ApprenticeshipSummary(SQLModel, table=True):
    __tablename__ = "apprenticeship_summary"

    apprenticeship_id: int = Field(foreign_key="apprenticeship.id", primary_key=True)
    ksb_total: int = 0
    not_started: int = 0
    claimed: int = 0
    evidenced: int = 0
    signed_off: int = 0
    items_awaiting_review: int = 0
    oldest_awaiting_since: datetime | None = optional_time_field()
    items_referred: int = 0
    last_activity_at: datetime | None = optional_time_field()
    refreshed_at: datetime = created_at_field()
