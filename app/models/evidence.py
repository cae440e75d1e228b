"""Evidence items, their files and the KSB claims they make."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, enum_field, optional_time_field


class EvidenceKind(StrEnum):
    DOCUMENT = "document"
    PHOTO = "photo"
    VIDEO = "video"
    AUDIO = "audio"
    WITNESS_STATEMENT = "witness_statement"
    OBSERVATION_RECORD = "observation_record"
    REFLECTIVE_ACCOUNT = "reflective_account"
    PROJECT_WORK = "project_work"
    PROFESSIONAL_DISCUSSION = "professional_discussion"


class EvidenceState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REFERRED = "referred"


class ClaimState(StrEnum):
    CLAIMED = "claimed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class EvidenceItem(SQLModel, table=True):
    __tablename__ = "evidence_item"
    __table_args__ = (Index("ix_evidence_item_apprenticeship_state", "apprenticeship_id", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    apprenticeship_id: int = Field(foreign_key="apprenticeship.id", index=True)
    title: str = Field(max_length=200)
    occurred_on: date
    kind: EvidenceKind = enum_field(EvidenceKind)
    reflection: str = Field(default="", sa_type=Text)
    state: EvidenceState = enum_field(EvidenceState, default="draft")
    # Optimistic locking: every change bumps it; an update naming a stale one is refused.
    version: int = 1
    created_by_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    submitted_at: datetime | None = optional_time_field()


class EvidenceFile(SQLModel, table=True):
    __tablename__ = "evidence_file"

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True)
    # Random key under the storage folder: never derived from the user's file name.
    storage_key: str = Field(max_length=100, unique=True)
    original_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int = Field(sa_type=BigInteger)
    sha256: str = Field(max_length=64)
    created_at: datetime = created_at_field()


class KsbClaim(SQLModel, table=True):
    __tablename__ = "ksb_claim"
    __table_args__ = (UniqueConstraint("evidence_id", "ksb_id"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True)
    ksb_id: int = Field(foreign_key="ksb.id", index=True)
    justification: str = Field(default="", sa_type=Text)
    state: ClaimState = enum_field(ClaimState, default="claimed")
    version: int = 1
