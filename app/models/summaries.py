"""Per-apprenticeship summary rows, kept in the same transaction as every change they reflect.

They let cohort-wide pages (provider overview over 10,000 apprenticeships) read one small row
each instead of aggregating millions of claims. The apprenticeship's provider, tutor and status
are copied here so those pages group and filter on covering indexes of this one table.
"""

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.apprenticeships import ApprenticeshipStatus
from app.models.base import created_at_field, enum_field, optional_time_field


class ApprenticeshipSummary(SQLModel, table=True):
    __tablename__ = "apprenticeship_summary"
    __table_args__ = (
        # One covering index per question the provider overview asks; the at-risk lists are
        # read in index order (day, then id) up to their LIMIT.
        Index("ix_apprenticeship_summary_bins", "provider_id", "ksb_total", "signed_off"),
        Index(
            "ix_apprenticeship_summary_queues",
            *("provider_id", "tutor_id", "items_awaiting_review", "oldest_awaiting_since"),
        ),
        Index(
            "ix_apprenticeship_summary_behind",
            *("provider_id", "status", "behind_on", "apprenticeship_id"),
        ),
        Index(
            "ix_apprenticeship_summary_red",
            *("provider_id", "status", "red_on", "apprenticeship_id"),
        ),
    )

    apprenticeship_id: int = Field(foreign_key="apprenticeship.id", primary_key=True)
    provider_id: int = Field(foreign_key="organisation.id")
    tutor_id: int | None = Field(default=None, foreign_key="user_account.id")
    status: ApprenticeshipStatus = enum_field(ApprenticeshipStatus, default="active")
    ksb_total: int = 0
    not_started: int = 0
    claimed: int = 0
    evidenced: int = 0
    signed_off: int = 0
    items_awaiting_review: int = 0
    oldest_awaiting_since: datetime | None = optional_time_field()
    items_referred: int = 0
    last_activity_at: datetime | None = optional_time_field()
    # From these days, with nothing more signed off, the pace is rated amber / red (None: never).
    behind_on: date | None = None
    red_on: date | None = None
    refreshed_at: datetime = created_at_field()
