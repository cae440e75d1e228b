"""Signing KSBs off and revoking sign-offs, safe under concurrency.

Each change first locks the apprenticeship's row, so changes to one apprenticeship's sign-offs
(and its summary) happen one after another; the unique (apprenticeship, KSB) constraint with
INSERT ... ON CONFLICT DO NOTHING is the last word: of two reviewers signing off the same KSB
at the same moment exactly one row is written, and the other is told so with a 409.
"""

from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlmodel import Session, col

from app import audit
from app.auth import policy
from app.db import insert_once, lock_apprenticeships
from app.errors import Conflict, FieldErrors, Forbidden, NotFound
from app.models import (
    Apprenticeship,
    ApprenticeshipStatus,
    ClaimState,
    EvidenceItem,
    EvidenceState,
    Ksb,
    KsbClaim,
    KsbSignoff,
    User,
    id_of,
    utcnow,
)
from app.progress.summaries import refresh_summaries
from app.standards.queries import ksb_by_code

REASON_MAX = 2_000
NOT_YOURS = "Only the apprentice's own tutor can sign KSBs off or revoke sign-offs."
ALREADY = "{code} is already signed off (perhaps someone else has just done it)."
CLOSED = (ApprenticeshipStatus.WITHDRAWN, ApprenticeshipStatus.COMPLETED)


def _ksb(session: Session, *, viewer: User, apprenticeship: Apprenticeship, code: str) -> Ksb:
    if not policy.can_decide(viewer, apprenticeship):
        raise Forbidden(NOT_YOURS)
    if apprenticeship.status in CLOSED:
        raise Conflict("This apprenticeship has ended, so its sign-offs can no longer change.")
    ksb = ksb_by_code(session, standard_id=apprenticeship.standard_id, code=code)
    if ksb is None:
        raise NotFound("That KSB is not part of this apprenticeship's standard.")
    return ksb


def _reason(text: str | None, field: str, *, required: str | None) -> str | None:
    reason = (text or "").strip()
    if len(reason) > REASON_MAX:
        raise FieldErrors({field: f"Keep the reason under {REASON_MAX:,} characters."})
    if not reason and required:
        raise FieldErrors({field: required})
    return reason or None


def confirmed_claims(session: Session, *, apprenticeship_id: int, ksb_id: int) -> int:
    """Confirmed claims on the apprenticeship's submitted evidence: what coverage counts."""
    statement = (
        select(func.count())
        .select_from(KsbClaim)
        .join(EvidenceItem, col(EvidenceItem.id) == KsbClaim.evidence_id)
        .where(col(EvidenceItem.apprenticeship_id) == apprenticeship_id)
        .where(col(EvidenceItem.state) != EvidenceState.DRAFT)
        .where(col(KsbClaim.ksb_id) == ksb_id, col(KsbClaim.state) == ClaimState.CONFIRMED)
    )
    return int(session.execute(statement).scalar_one())


def _signed_off(session: Session, *, apprenticeship_id: int, ksb_id: int) -> bool:
    statement = select(col(KsbSignoff.id)).where(
        col(KsbSignoff.apprenticeship_id) == apprenticeship_id, col(KsbSignoff.ksb_id) == ksb_id
    )
    return session.execute(statement).first() is not None


def _record(
    session: Session,
    action: str,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    ksb: Ksb,
    data: dict[str, Any],
    client_addr: str,
) -> None:
    audit.record_for(
        session,
        apprenticeship,
        action=action,
        actor=viewer,
        client_addr=client_addr,
        data={"code": ksb.code, **data},
        target=("ksb", ksb.id),
    )


def sign_off_ksb(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    code: str,
    override_reason: str | None,
    client_addr: str,
) -> None:
    """Sign a KSB off: it needs a confirmed claim, or a reason for signing off without one."""
    ksb = _ksb(session, viewer=viewer, apprenticeship=apprenticeship, code=code)
    reason = _reason(override_reason, "override_reason", required=None)
    apprenticeship_id, ksb_id = id_of(apprenticeship), id_of(ksb)
    lock_apprenticeships(session, [apprenticeship_id])
    if _signed_off(session, apprenticeship_id=apprenticeship_id, ksb_id=ksb_id):
        raise Conflict(ALREADY.format(code=ksb.code))
    if not reason and not confirmed_claims(
        session, apprenticeship_id=apprenticeship_id, ksb_id=ksb_id
    ):
        message = f"{ksb.code} has no confirmed evidence yet: say why you are signing it off."
        raise FieldErrors({"override_reason": message})
    values = {
        "apprenticeship_id": apprenticeship_id,
        "ksb_id": ksb_id,
        "signed_by_id": viewer.id,
        "override_reason": reason,
        "signed_at": utcnow(),
    }
    if not insert_once(session, KsbSignoff, values, unique=["apprenticeship_id", "ksb_id"]):
        raise Conflict(ALREADY.format(code=ksb.code))
    _record(
        session,
        "ksb.signed_off",
        viewer=viewer,
        apprenticeship=apprenticeship,
        ksb=ksb,
        data={"override_reason": reason},
        client_addr=client_addr,
    )
    refresh_summaries(session, apprenticeship_ids=[apprenticeship_id])


def revoke_signoff(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    code: str,
    reason: str | None,
    client_addr: str,
) -> None:
    """Remove a KSB's sign-off; the event keeps who signed it off, who revoked it and why."""
    ksb = _ksb(session, viewer=viewer, apprenticeship=apprenticeship, code=code)
    why = _reason(reason, "reason", required="Say why the sign-off is being revoked.")
    lock_apprenticeships(session, [id_of(apprenticeship)])
    statement = delete(KsbSignoff).where(
        col(KsbSignoff.apprenticeship_id) == apprenticeship.id, col(KsbSignoff.ksb_id) == ksb.id
    )
    result = cast(CursorResult[Any], session.execute(statement))
    if result.rowcount != 1:
        raise Conflict(f"{ksb.code} is not signed off (perhaps someone has just revoked it).")
    _record(
        session,
        "ksb.signoff_revoked",
        viewer=viewer,
        apprenticeship=apprenticeship,
        ksb=ksb,
        data={"reason": why},
        client_addr=client_addr,
    )
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
