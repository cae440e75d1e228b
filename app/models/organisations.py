"""Organisations: training providers (the tenants) and the employers they work with."""

from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import enum_field


class OrgKind(StrEnum):
    PROVIDER = "provider"
    EMPLOYER = "employer"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    __table_args__ = (
        UniqueConstraint("provider_id", "name"),
        # An employer always belongs to the provider that manages it; a provider to none.
        CheckConstraint(
            "(kind = 'provider' AND provider_id IS NULL)"
            " OR (kind = 'employer' AND provider_id IS NOT NULL)",
            name="provider_link",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: OrgKind = enum_field(OrgKind)
    provider_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
