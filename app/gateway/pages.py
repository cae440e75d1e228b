"""The gateway page: readiness, blockers in words, the checklist; tick, untick and move.

With htmx each change answers the checklist section alone (id "gateway"); without JavaScript a
303 back to the page, or the whole page with the problem shown (422 keeps what was chosen).
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import Request
from sqlmodel import Session
from starlette.responses import Response

from app.apprenticeships.deps import VisibleApprenticeship
from app.apprenticeships.queries import heading
from app.auth import policy
from app.auth.deps import CurrentViewer, DbSession, client_addr
from app.errors import Conflict, DomainError, FieldErrors
from app.gateway import service
from app.gateway.deps import GatewayOwnApprenticeship
from app.gateway.queries import gateway_view
from app.models import Apprenticeship, User, utcnow
from app.web.forms import Posted, PostedForm
from app.web.responses import fragment_for, page_router, redirect_to, refuse_form, render_page

router = page_router()


PAGE = "gateway/page.html"
FRAGMENTS = {"gateway": "gateway/_checklist.html"}


def _context(
    session: Session,
    viewer: User,
    apprenticeship: Apprenticeship,
    posted: Posted | None = None,
    blockers: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "heading": heading(session, apprenticeship=apprenticeship),
        "view": gateway_view(session, apprenticeship=apprenticeship, today=utcnow().date()),
        "can_change": policy.can_decide(viewer, apprenticeship),
        "blockers": blockers,
        "typed": posted.fields() if posted else {},
    }


def _refused(
    request: Request,
    session: Session,
    viewer: User,
    apprenticeship: Apprenticeship,
    error: DomainError,
    posted: Posted | None = None,
) -> Response:
    blockers = getattr(error, "blockers", ())
    context = partial(_context, session, viewer, apprenticeship, posted, blockers)
    return refuse_form(request, session, error, PAGE, context, fragments=FRAGMENTS)


def _after(
    request: Request, session: Session, viewer: User, apprenticeship: Apprenticeship
) -> Response:
    """After a change: the fresh checklist for htmx, else back to the page."""
    if fragment_for(request, FRAGMENTS) is None:
        return redirect_to(request, "gateway_page", apprenticeship_id=apprenticeship.id)
    context = _context(session, viewer, apprenticeship)
    return render_page(request, PAGE, context, fragments=FRAGMENTS)


@router.get("/portfolio/{apprenticeship_id}/gateway", name="gateway_page")
def gateway_page(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: VisibleApprenticeship,
) -> Response:
    context = _context(session, viewer.user, apprenticeship)
    return render_page(request, PAGE, context, fragments=FRAGMENTS)


def _change_checklist(
    request: Request,
    session: Session,
    viewer: CurrentViewer,
    apprenticeship: Apprenticeship,
    posted: Posted,
    change: Callable[..., object],
) -> Response:
    """Tick and untick answer alike: the fresh checklist, or the page with the problem."""
    ip = client_addr(request)
    try:
        change(session, viewer=viewer.user, apprenticeship=apprenticeship, client_addr=ip)
    except (FieldErrors, Conflict) as exc:
        return _refused(request, session, viewer.user, apprenticeship, exc, posted)
    return _after(request, session, viewer.user, apprenticeship)


@router.post("/portfolio/{apprenticeship_id}/gateway/tick", name="gateway_tick")
def gateway_tick(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: GatewayOwnApprenticeship,
    posted: PostedForm,
) -> Response:
    tick = partial(
        service.tick_requirement,
        requirement=posted.get("requirement"),
        evidence_id=posted.number("evidence_id") or None,
    )
    return _change_checklist(request, session, viewer, apprenticeship, posted, tick)


@router.post("/portfolio/{apprenticeship_id}/gateway/untick", name="gateway_untick")
def gateway_untick(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: GatewayOwnApprenticeship,
    posted: PostedForm,
) -> Response:
    untick = partial(service.untick_requirement, requirement=posted.get("requirement"))
    return _change_checklist(request, session, viewer, apprenticeship, posted, untick)


@router.post("/portfolio/{apprenticeship_id}/gateway/move", name="gateway_move")
def gateway_move(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: GatewayOwnApprenticeship,
) -> Response:
    """Move to gateway; while anything blocks it, a 409 page listing every blocker."""
    try:
        service.move_to_gateway(
            session,
            viewer=viewer.user,
            apprenticeship=apprenticeship,
            today=utcnow().date(),
            client_addr=client_addr(request),
        )
    except Conflict as exc:
        return _refused(request, session, viewer.user, apprenticeship, exc)
    return _after(request, session, viewer.user, apprenticeship)
