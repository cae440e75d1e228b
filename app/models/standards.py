"""Apprenticeship standards as data: a standard version, its KSBs and its duties."""

from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

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
