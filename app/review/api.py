"""The review JSON API: decide on evidence, sign KSBs off and revoke, the queue, the caseload."""

from datetime import date
from typing import Annotated, Literal

from fastapi import Query, Request
from starlette.responses import Response

from app.apprenticeships.deps import VisibleApprenticeship
from app.auth import policy
from app.auth.deps import CurrentViewer, DbSession, client_addr
from app.errors import Forbidden
from app.evidence.api_bodies import evidence_out
from app.evidence.deps import VisibleEvidence
from app.evidence.schemas import EvidenceOut
from app.models import utcnow
from app.models.base import MAX_INT32, id_of
from app.review import caseload_queries, queries
from app.review.caseload_pages import filters_of
from app.review.deps import STAFF_ONLY, CaseloadViewer
from app.review.schemas import (
    CaseloadRowOut,
    DecisionIn,
    QueueOut,
    SignoffGridOut,
    SignoffIn,
    SignoffRowOut,
)
from app.review.service import ItemToDecide, decide_item
from app.review.signoff_service import REASON_MAX, revoke_signoff, sign_off_ksb
from app.web.api import api_router, documented

router = api_router(tags=["review"])


@router.post(
    "/evidence/{evidence_id}/decision",
    name="api_evidence_decision",
    response_model=EvidenceOut,
    responses=documented(403, 404, 409, 422),
)
def decide(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    found: VisibleEvidence,
    body: DecisionIn,
) -> EvidenceOut:
    """Accept or refer back a submitted item (its apprentice's tutor only); 409 if the item is
    not waiting for review or `version` is stale; 422 if referring without feedback."""
    decide_item(
        session,
        viewer=viewer.user,
        target=ItemToDecide(found.item, found.apprenticeship, body.version),
        verdict=body.verdict(),
        client_addr=client_addr(request),
    )
    session.refresh(found.item)
    return evidence_out(session, found.item)


def _staff(viewer: CurrentViewer, apprenticeship: VisibleApprenticeship) -> None:
    if not policy.in_caseload(viewer.user, apprenticeship):
        raise Forbidden(STAFF_ONLY)


@router.get(
    "/apprenticeships/{apprenticeship_id}/signoffs",
    name="api_signoffs",
    response_model=SignoffGridOut,
    responses=documented(403, 404, 422),
)
def list_signoffs(
    session: DbSession, viewer: CurrentViewer, apprenticeship: VisibleApprenticeship
) -> SignoffGridOut:
    """Every KSB with its state, evidence counts and sign-off (provider staff)."""
    _staff(viewer, apprenticeship)
    rows = queries.grid_rows(session, apprenticeship=apprenticeship)
    return SignoffGridOut(
        apprenticeship_id=id_of(apprenticeship), ksbs=[SignoffRowOut.of(row) for row in rows]
    )


@router.post(
    "/apprenticeships/{apprenticeship_id}/signoffs",
    name="api_signoff_create",
    status_code=201,
    response_model=SignoffRowOut,
    responses=documented(403, 404, 409, 422),
)
def create_signoff(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: VisibleApprenticeship,
    body: SignoffIn,
) -> SignoffRowOut:
    """Sign a KSB off (the apprentice's tutor only). It needs a confirmed claim, or an
    `override_reason` (422 without); 409 if it is already signed off."""
    sign_off_ksb(
        session,
        viewer=viewer.user,
        apprenticeship=apprenticeship,
        code=body.ksb_code,
        override_reason=body.override_reason,
        client_addr=client_addr(request),
    )
    row = queries.grid_row(session, apprenticeship=apprenticeship, code=body.ksb_code.upper())
    assert row is not None  # the service has just found it
    return SignoffRowOut.of(row)


@router.delete(
    "/apprenticeships/{apprenticeship_id}/signoffs/{ksb_code}",
    name="api_signoff_revoke",
    status_code=204,
    response_class=Response,
    responses=documented(403, 404, 409, 422),
)
def delete_signoff(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: VisibleApprenticeship,
    ksb_code: str,
    reason: Annotated[str, Query(max_length=REASON_MAX, description="Why it is revoked")] = "",
) -> Response:
    """Revoke a KSB's sign-off, with a reason (422 without); 409 if it is not signed off."""
    revoke_signoff(
        session,
        viewer=viewer.user,
        apprenticeship=apprenticeship,
        code=ksb_code[:10],
        reason=reason,
        client_addr=client_addr(request),
    )
    return Response(status_code=204)


@router.get(
    "/review/queue", name="api_review_queue", response_model=QueueOut, responses=documented(403)
)
def review_queue(session: DbSession, viewer: CaseloadViewer) -> QueueOut:
    """Submitted evidence across your caseload, the longest waiting first (provider staff)."""
    found = queries.review_queue(session, viewer=viewer.user, now=utcnow())
    return QueueOut.of(found.rows, found.total)


@router.get(
    "/caseload",
    name="api_caseload",
    response_model=list[CaseloadRowOut],
    responses=documented(403, 422),
)
def list_caseload(
    session: DbSession,
    viewer: CaseloadViewer,
    q: Annotated[str, Query(max_length=100, description="Part of the apprentice's name")] = "",
    employer_id: Annotated[int | None, Query(ge=1, le=MAX_INT32)] = None,
    rag: Literal["green", "amber", "red"] | None = None,
    awaiting: bool = False,
    sort: caseload_queries.SortKey = "name",
    order: Literal["asc", "desc"] = "asc",
) -> list[CaseloadRowOut]:
    """Your caseload (IQA and admins: the provider's), with coverage and progress (RAG)."""
    filters = filters_of(q, str(employer_id or ""), rag or "", "1" if awaiting else "", sort, order)
    rows = caseload_queries.caseload_rows(
        session, viewer=viewer.user, today=date.today(), now=utcnow()
    )
    return [CaseloadRowOut.of(row) for row in caseload_queries.select_rows(rows, filters)]
