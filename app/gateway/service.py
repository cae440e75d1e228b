"""Changing gateway state: ticking and unticking requirements, moving to gateway.

Each change locks the apprenticeship's row first, so two tutors' changes to one checklist run
one after another; the unique (apprenticeship, requirement) constraint is the last word.
"""

from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlmodel import Session, col

from app import audit
from app.auth import policy
from app.db import insert_once, lock_apprenticeships
from app.errors import Conflict, FieldErrors, Forbidden
from app.gateway.queries import gateway_facts
from app.gateway.readiness import LABELS, REQUIREMENTS, readiness
from app.models import (
    Apprenticeship,
    ApprenticeshipStatus,
    EvidenceItem,
    EvidenceState,
    GatewayCheck,
    User,
    id_of,
    utcnow,
)
from app.progress.summaries import refresh_summaries

NOT_YOURS = "Only the apprentice's own tutor can change the gateway checklist."
# The checklist is settled once the apprenticeship has moved on (or ended).
OPEN = (ApprenticeshipStatus.ACTIVE, ApprenticeshipStatus.BREAK_IN_LEARNING)


class GatewayBlocked(Conflict):
    """Moving to gateway while something still blocks it: the blockers are the answer."""

    def __init__(self, blockers: tuple[str, ...]) -> None:
        super().__init__("Not ready for gateway yet: " + "; ".join(blockers) + ".")
        self.blockers = blockers


def _check_open(viewer: User, apprenticeship: Apprenticeship) -> None:
    if not policy.can_decide(viewer, apprenticeship):
        raise Forbidden(NOT_YOURS)
    if apprenticeship.status not in OPEN:
        status = apprenticeship.status.replace("_", " ")
        raise Conflict(
            f"This apprenticeship is at {status}, so its checklist can no longer change."
        )


def _requirement(raw: str) -> str:
    if raw not in REQUIREMENTS:
        raise FieldErrors({"requirement": "Choose one of the requirements on the list."})
    return raw


def _evidence_of(session: Session, apprenticeship: Apprenticeship, evidence_id: int | None) -> int:
    """The attached item must be this apprenticeship's, and one its tutor can see (not a draft)."""
    found = None
    if evidence_id is not None:
        found = session.execute(
            select(col(EvidenceItem.id)).where(
                col(EvidenceItem.id) == evidence_id,
                col(EvidenceItem.apprenticeship_id) == apprenticeship.id,
                col(EvidenceItem.state) != EvidenceState.DRAFT,
            )
        ).scalar()
    if found is None:
        raise FieldErrors({"evidence_id": "Choose the evidence that shows this requirement."})
    return int(found)


def tick_requirement(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    requirement: str,
    evidence_id: int | None,
    client_addr: str,
) -> None:
    """Tick one requirement with the evidence that shows it; ticking it twice is a 409."""
    _check_open(viewer, apprenticeship)
    code = _requirement(requirement)
    item_id = _evidence_of(session, apprenticeship, evidence_id)
    lock_apprenticeships(session, [id_of(apprenticeship)])
    values = {
        "apprenticeship_id": apprenticeship.id,
        "requirement": code,
        "evidence_id": item_id,
        "ticked_by_id": viewer.id,
        "ticked_at": utcnow(),
    }
    if not insert_once(session, GatewayCheck, values, unique=["apprenticeship_id", "requirement"]):
        raise Conflict(f"{LABELS[code]} is already ticked (perhaps someone has just done it).")
    audit.record_for(
        session,
        apprenticeship,
        action="gateway.check_ticked",
        actor=viewer,
        client_addr=client_addr,
        data={"requirement": code, "evidence_id": item_id},
    )
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])


def untick_requirement(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    requirement: str,
    client_addr: str,
) -> None:
    _check_open(viewer, apprenticeship)
    code = _requirement(requirement)
    lock_apprenticeships(session, [id_of(apprenticeship)])
    statement = delete(GatewayCheck).where(
        col(GatewayCheck.apprenticeship_id) == apprenticeship.id,
        col(GatewayCheck.requirement) == code,
    )
    if cast(CursorResult[Any], session.execute(statement)).rowcount != 1:
        raise Conflict(f"{LABELS[code]} is not ticked (perhaps someone has just unticked it).")
    audit.record_for(
        session,
        apprenticeship,
        action="gateway.check_unticked",
        actor=viewer,
        client_addr=client_addr,
        data={"requirement": code},
    )
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])


def move_to_gateway(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    today: date,
    client_addr: str,
) -> None:
    """Move to gateway when nothing blocks it; otherwise a 409 that names every blocker."""
    _check_open(viewer, apprenticeship)
    # Facts read after the lock are the ones that count.
    lock_apprenticeships(session, [id_of(apprenticeship)])
    found = readiness(gateway_facts(session, apprenticeship=apprenticeship, today=today))
    if not found.ready:
        raise GatewayBlocked(found.blockers)
    previous = str(apprenticeship.status)  # before the update syncs the loaded object
    statement = (
        update(Apprenticeship)
        .where(col(Apprenticeship.id) == apprenticeship.id)
        .where(col(Apprenticeship.status).in_(OPEN))
        .values(status=ApprenticeshipStatus.GATEWAY)
    )
    if cast(CursorResult[Any], session.execute(statement)).rowcount != 1:
        raise Conflict("This apprenticeship has just changed status; reload to see it.")
    session.refresh(apprenticeship)
    audit.record_for(
        session,
        apprenticeship,
        action="apprenticeship.gateway",
        actor=viewer,
        client_addr=client_addr,
        data={"from": previous, "months_on_programme": found.months_on_programme},
    )
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
