"""Read standards: the list with KSB and duty counts, one standard's KSBs, its mapped duties,
KSBs by code and a KSB's duties."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import id_of
from app.models.standards import KSB_KIND_RANK, Duty, DutyKsb, Ksb, Standard


@dataclass(frozen=True)
class StandardSummary:
    id: int
    reference: str
    version: str
    title: str
    level: int
    ksb_count: int
    duty_count: int


def list_standards(session: Session) -> list[StandardSummary]:
    """Every standard version with its counts, in one statement; by reference, then version."""
    ksb_count = select(func.count()).where(Ksb.standard_id == Standard.id).scalar_subquery()
    duty_count = select(func.count()).where(Duty.standard_id == Standard.id).scalar_subquery()
    rows = session.exec(select(Standard, ksb_count, duty_count)).all()
    summaries = [
        StandardSummary(id_of(s), s.reference, s.version, s.title, s.level, ksbs or 0, duties or 0)
        for s, ksbs, duties in rows
    ]
    return sorted(summaries, key=lambda s: (s.reference, _version_key(s.version)))


def _version_key(version: str) -> tuple[int, ...]:
    # Numerically, so that 10.0 comes after 9.0; text order would put it before 2.0.
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def get_standard(session: Session, standard_id: int) -> Standard | None:
    return session.get(Standard, standard_id)


def standard_ksbs(session: Session, standard_id: int) -> list[Ksb]:
    """The standard's KSBs: knowledge, skills, behaviours, each in published order."""
    statement = (
        select(Ksb).where(Ksb.standard_id == standard_id).order_by(KSB_KIND_RANK, col(Ksb.position))
    )
    return list(session.exec(statement).all())


def standard_duties(session: Session, standard_id: int) -> list[tuple[Duty, list[str]]]:
    """Each duty with the codes of its KSBs (K, S, B order), in two statements."""
    duties = session.exec(
        select(Duty).where(Duty.standard_id == standard_id).order_by(col(Duty.position))
    ).all()
    links = session.exec(
        select(DutyKsb.duty_id, Ksb.code)
        .join(Ksb, col(Ksb.id) == DutyKsb.ksb_id)
        .join(Duty, col(Duty.id) == DutyKsb.duty_id)
        .where(Duty.standard_id == standard_id)
        .order_by(KSB_KIND_RANK, col(Ksb.position))
    ).all()
    codes: defaultdict[int | None, list[str]] = defaultdict(list)
    for duty_id, code in links:
        codes[duty_id].append(code)
    return [(duty, codes[duty.id]) for duty in duties]


def ksb_by_code(session: Session, *, standard_id: int, code: str) -> Ksb | None:
    statement = select(Ksb).where(Ksb.standard_id == standard_id, Ksb.code == code.upper())
    return session.exec(statement).first()


def ksbs_by_code(session: Session, *, standard_id: int, codes: Sequence[str]) -> dict[str, Ksb]:
    if not codes:
        return {}
    statement = select(Ksb).where(Ksb.standard_id == standard_id, col(Ksb.code).in_(codes))
    return {ksb.code: ksb for ksb in session.exec(statement)}


def ksb_duties(session: Session, *, ksb_id: int) -> list[Duty]:
    statement = (
        select(Duty)
        .join(DutyKsb, col(DutyKsb.duty_id) == Duty.id)
        .where(DutyKsb.ksb_id == ksb_id)
        .order_by(col(Duty.position))
    )
    return list(session.exec(statement).all())
