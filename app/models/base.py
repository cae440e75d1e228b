"""Shared table plumbing: the constraint naming convention, column helpers, the largest integer
a column holds and a saved row's id."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import DateTime
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

# Named constraints let Alembic drop and alter them on every database, SQLite included.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Ids, versions and counters are INTEGER columns, 32-bit on PostgreSQL: a larger number from a
# client cannot be ours, so it is refused at the edge and never reaches the database.
MAX_INT32 = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


def created_at_field() -> datetime:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


def optional_time_field() -> datetime | None:
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=True)


def enum_field(enum_cls: type[StrEnum], **kwargs: Any) -> Any:
    """A column holding the enum's values as text, with a named CHECK on every database."""
    column_type = SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        name=enum_cls.__name__.lower(),
        values_callable=lambda members: [m.value for m in members],
    )
    return Field(sa_type=column_type, nullable=False, **kwargs)


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: HasId) -> int:
    """The id of a saved row. Ids are None until the row is flushed: reading one then is a bug,
    raised here rather than passed on as 0, which would match nothing and hide it."""
    if row.id is None:
        raise ValueError(f"This {type(row).__name__} has no id yet: it has not been saved.")
    return row.id
