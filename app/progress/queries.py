"""SQL aggregates that feed the pure coverage engine, for one apprenticeship or a page of them."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, select
from sqlmodel import Session, col

from app.models import (
    KSB_KIND_RANK,
    Apprenticeship,
    ClaimState,
    Duty,
    DutyKsb,
    EvidenceItem,
    EvidenceState,
    Ksb,
    KsbClaim,
    KsbSignoff,
    id_of,
)
from app.progress.coverage import Coverage, DutyFacts, KsbFacts, compute_coverage


def apprenticeship_coverage(
    session: Session, *, apprenticeship: Apprenticeship, today: date
) -> Coverage:
    """One apprenticeship's coverage: a page of one, so the two views can never disagree."""
    coverages = cohort_coverage(session, apprenticeships=[apprenticeship], today=today)
    return coverages[id_of(apprenticeship)]


def cohort_coverage(
    session: Session, *, apprenticeships: Sequence[Apprenticeship], today: date
) -> dict[int, Coverage]:
    """Coverage of each apprenticeship on a page, in two statements whatever the page holds."""
    if not apprenticeships:
        return {}
    facts = ksb_facts(session, [id_of(a) for a in apprenticeships])
    duties = _duty_facts(session, {a.standard_id for a in apprenticeships})
    return {
        id_of(a): compute_coverage(
            ksbs=facts.get(id_of(a), ()),
            duties=duties.get(a.standard_id, ()),
            start=a.start_date,
            planned_end=a.planned_end_date,
            today=today,
        )
        for a in apprenticeships
    }


def count_where(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    # SUM(CASE ...) rather than COUNT(*) FILTER (...): same result, and older SQLite has it.
    return func.sum(case((condition, 1), else_=0))


def _claim_counts(apprenticeship_ids: Sequence[int]) -> Subquery:
    """Claim counts per (apprenticeship, KSB), reading only the page's own evidence."""
    claim_state, item_state = col(KsbClaim.state), col(EvidenceItem.state)
    # Only a submitted item is waiting for a decision: a referred item's open claims wait
    # for the apprentice, so they are not "pending" until it is submitted again.
    pending = (claim_state == ClaimState.CLAIMED) & (item_state == EvidenceState.SUBMITTED)
    return (
        select(
            col(EvidenceItem.apprenticeship_id).label("apprenticeship_id"),
            col(KsbClaim.ksb_id).label("ksb_id"),
            count_where(pending).label("pending"),
            count_where(claim_state == ClaimState.CONFIRMED).label("confirmed"),
            count_where(claim_state == ClaimState.REJECTED).label("rejected"),
        )
        .select_from(EvidenceItem)
        .join(KsbClaim, col(KsbClaim.evidence_id) == col(EvidenceItem.id))
        # Drafts are private to the apprentice until submitted: their claims count for nothing.
        # Both conditions are answered by ix_evidence_item_apprenticeship_state alone.
        .where(col(EvidenceItem.apprenticeship_id).in_(apprenticeship_ids))
        .where(item_state != EvidenceState.DRAFT)
        .group_by(col(EvidenceItem.apprenticeship_id), col(KsbClaim.ksb_id))
        .subquery("claim_counts")
    )


def ksb_facts(session: Session, apprenticeship_ids: Sequence[int]) -> dict[int, list[KsbFacts]]:
    """Every KSB of each apprenticeship's standard with its counts, in one statement."""
    counts = _claim_counts(apprenticeship_ids)
    apprenticeship_id, ksb_id = col(Apprenticeship.id), col(Ksb.id)
    statement = (
        select(
            apprenticeship_id,
            col(Ksb.code),
            col(Ksb.kind),
            # KSBs without any counted claim have no claim_counts row: they count zero.
            func.coalesce(counts.c.pending, 0),
            func.coalesce(counts.c.confirmed, 0),
            func.coalesce(counts.c.rejected, 0),
            col(KsbSignoff.id).is_not(None),
        )
        .select_from(Apprenticeship)
        .join(Ksb, col(Ksb.standard_id) == col(Apprenticeship.standard_id))
        .outerjoin(
            counts,
            and_(counts.c.apprenticeship_id == apprenticeship_id, counts.c.ksb_id == ksb_id),
        )
        # At most one sign-off per (apprenticeship, KSB): a unique constraint, so no fan-out.
        .outerjoin(
            KsbSignoff,
            and_(
                col(KsbSignoff.apprenticeship_id) == apprenticeship_id,
                col(KsbSignoff.ksb_id) == ksb_id,
            ),
        )
        .where(apprenticeship_id.in_(apprenticeship_ids))
        .order_by(apprenticeship_id, KSB_KIND_RANK, col(Ksb.position), ksb_id)
    )
    facts: dict[int, list[KsbFacts]] = defaultdict(list)
    # Session.execute rather than exec: SQLModel's typed select() stops at four columns.
    for owner, code, kind, pending, confirmed, rejected, signed_off in session.execute(statement):
        row = KsbFacts(
            code, str(kind), int(pending), int(confirmed), int(rejected), bool(signed_off)
        )
        facts[owner].append(row)
    return facts


def duty_facts(session: Session, standard_ids: Collection[int]) -> dict[int, tuple[DutyFacts, ...]]:
    """Public name for the dashboards' cohort pages, which pair it with ksb_facts."""
    return _duty_facts(session, standard_ids)


def _duty_facts(
    session: Session, standard_ids: Collection[int]
) -> dict[int, tuple[DutyFacts, ...]]:
    """Each standard's duties with their KSB codes, from one statement over duty_ksb."""
    statement = (
        select(col(Duty.standard_id), col(Duty.id), col(Duty.code), col(Duty.text), col(Ksb.code))
        .select_from(Duty)
        # Outer joins keep a duty mapped to no KSB: the engine shows it, never as covered.
        .outerjoin(DutyKsb, col(DutyKsb.duty_id) == col(Duty.id))
        .outerjoin(Ksb, col(Ksb.id) == col(DutyKsb.ksb_id))
        .where(col(Duty.standard_id).in_(standard_ids))
        .order_by(col(Duty.standard_id), col(Duty.position), col(Duty.id))
        .order_by(KSB_KIND_RANK, col(Ksb.position))
    )
    heads: dict[int, tuple[int, str, str]] = {}  # duty id -> (standard id, code, text)
    codes: dict[int, list[str]] = defaultdict(list)
    for standard_id, duty_id, duty_code, text, ksb_code in session.execute(statement):
        heads.setdefault(duty_id, (standard_id, duty_code, text))
        if ksb_code is not None:
            codes[duty_id].append(ksb_code)
    by_standard: dict[int, list[DutyFacts]] = defaultdict(list)
    for duty_id, (standard_id, duty_code, text) in heads.items():
        by_standard[standard_id].append(DutyFacts(duty_code, text, tuple(codes[duty_id])))
    return {standard_id: tuple(duties) for standard_id, duties in by_standard.items()}
