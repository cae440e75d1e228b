"""Apprenticeship standards as data: a standard version, its KSBs and its duties, and the order
KSBs are listed in."""

from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint, case
from sqlmodel import Field, SQLModel, col

from app.models.base import enum_field


class KsbKind(StrEnum):
    KNOWLEDGE = "knowledge"
    SKILL = "skill"
    BEHAVIOUR = "behaviour"


KIND_PREFIX = {KsbKind.KNOWLEDGE: "K", KsbKind.SKILL: "S", KsbKind.BEHAVIOUR: "B"}


class Standard(SQLModel, table=True):
    __tablename__ = "standard"
    __table_args__ = (UniqueConstraint("reference", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20)
    version: str = Field(max_length=20)
    title: str = Field(max_length=300)
    level: int
    typical_duration_months: int | None = None
    status: str = Field(default="", max_length=50)
    # Fingerprint of the imported content: a re-import of the same text is a no-op, a
    # changed text under the same reference and version is refused.
    content_hash: str = Field(max_length=64)


class Ksb(SQLModel, table=True):
    __tablename__ = "ksb"
    __table_args__ = (UniqueConstraint("standard_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    standard_id: int = Field(foreign_key="standard.id", index=True)
    code: str = Field(max_length=10)
    kind: KsbKind = enum_field(KsbKind)
    text: str = Field(sa_type=Text)
    position: int
    external_id: str | None = Field(default=None, max_length=64)


# Here, beside the table, so every package lists KSBs alike: K, S, then B (the enum's order).
KSB_KIND_RANK = case({kind: rank for rank, kind in enumerate(KsbKind)}, value=col(Ksb.kind))


class Duty(SQLModel, table=True):
    __tablename__ = "duty"
    __table_args__ = (UniqueConstraint("standard_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    standard_id: int = Field(foreign_key="standard.id", index=True)
    code: str = Field(max_length=10)
    text: str = Field(sa_type=Text)
    position: int
    is_core: bool = True
    external_id: str | None = Field(default=None, max_length=64)


class DutyKsb(SQLModel, table=True):
    __tablename__ = "duty_ksb"

    duty_id: int = Field(foreign_key="duty.id", primary_key=True)
    ksb_id: int = Field(foreign_key="ksb.id", primary_key=True, index=True)
