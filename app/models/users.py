"""People, their login sessions and their tokens (activation links and API tokens)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, enum_field, optional_time_field


class Role(StrEnum):
    APPRENTICE = "apprentice"
    EMPLOYER = "employer"
    TUTOR = "tutor"
    IQA = "iqa"
    ADMIN = "admin"


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased so that uniqueness is case-insensitive on every database.
    email: str = Field(max_length=320, unique=True)
    name: str = Field(max_length=200)
    role: Role = enum_field(Role)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    password_hash: str | None = Field(default=None, max_length=500)
    is_active: bool = True
    created_at: datetime = created_at_field()


class UserSession(SQLModel, table=True):
    """A server-side login session; the cookie holds only a random id, stored here hashed."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    id_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    ended_at: datetime | None = optional_time_field()
    client_addr: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)


class OneTimeToken(SQLModel, table=True):
    """Activation and password-reset links: single use, expiring, stored hashed."""

    __tablename__ = "one_time_token"
    __table_args__ = (CheckConstraint("purpose IN ('activate', 'reset')", name="purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    purpose: str = Field(max_length=20)
    created_at: datetime = created_at_field()
    expires_at: datetime = created_at_field()
    used_at: datetime | None = optional_time_field()


class ApiToken(SQLModel, table=True):
    """A personal access token for the JSON API, shown once and stored hashed."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str = Field(max_length=100)
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = optional_time_field()
    revoked_at: datetime | None = optional_time_field()


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins, counted per account and per client address to slow down guessing."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_time", "email_hash", "attempted_at"),
        Index("ix_login_attempt_addr_time", "client_addr", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Hashed, so that mistyped passwords pasted into the email box are never stored.
    email_hash: str = Field(max_length=64)
    client_addr: str = Field(max_length=64)
    attempted_at: datetime = created_at_field()
