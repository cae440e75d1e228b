"""The gateway JSON API: readiness of one apprenticeship, tick and untick, move to gateway."""

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.responses import Response

from app.apprenticeships.deps import VisibleApprenticeship
from app.auth.deps import CurrentViewer, DbSession, client_addr
from app.gateway import service
from app.gateway.deps import GatewayOwnApprenticeship
from app.gateway.queries import gateway_view
from app.gateway.schemas import BlockedOut, GatewayOut, TickIn, UntickIn
from app.models import Apprenticeship, utcnow
from app.web.api import api_router, documented

router = api_router(tags=["gateway"])
PATH = "/apprenticeships/{apprenticeship_id}/gateway"
CHANGES = documented(403, 404, 409, 422)


def _out(session: Session, apprenticeship: Apprenticeship) -> GatewayOut:
    return GatewayOut.of(
        gateway_view(session, apprenticeship=apprenticeship, today=utcnow().date())
    )


@router.get(PATH, name="api_gateway", response_model=GatewayOut, responses=documented(404, 422))
def get_gateway(session: DbSession, apprenticeship: VisibleApprenticeship) -> GatewayOut:
    """Whether the apprenticeship is ready for gateway, what blocks it, and the checklist."""
    return _out(session, apprenticeship)


@router.post(
    PATH + "/checks", name="api_gateway_tick", response_model=GatewayOut, responses=CHANGES
)
def tick(
    request: Request,
    body: TickIn,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: GatewayOwnApprenticeship,
) -> GatewayOut:
    """Tick a requirement with an item of this apprenticeship's evidence (not a draft)."""
    service.tick_requirement(
        session,
        viewer=viewer.user,
        apprenticeship=apprenticeship,
        requirement=body.requirement,
        evidence_id=body.evidence_id,
        client_addr=client_addr(request),
    )
    return _out(session, apprenticeship)


@router.post(
    PATH + "/checks/untick", name="api_gateway_untick", response_model=GatewayOut, responses=CHANGES
)
def untick(
    request: Request,
    body: UntickIn,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: GatewayOwnApprenticeship,
) -> GatewayOut:
    service.untick_requirement(
        session,
        viewer=viewer.user,
        apprenticeship=apprenticeship,
        requirement=body.requirement,
        client_addr=client_addr(request),
    )
    return _out(session, apprenticeship)


@router.post(
    PATH + "/move",
    name="api_gateway_move",
    response_model=GatewayOut,
    responses=documented(403, 404, 422) | {409: {"model": BlockedOut, "description": "Blocked."}},
)
def move(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: GatewayOwnApprenticeship,
) -> GatewayOut | Response:
    """Move to gateway; a 409 lists every blocker while anything is missing."""
    try:
        service.move_to_gateway(
            session,
            viewer=viewer.user,
            apprenticeship=apprenticeship,
            today=utcnow().date(),
            client_addr=client_addr(request),
        )
    except service.GatewayBlocked as exc:
        body = BlockedOut(detail=exc.detail, blockers=list(exc.blockers))
        return JSONResponse(body.model_dump(), status_code=409)
    return _out(session, apprenticeship)
