"""The sign-off grid: every KSB of an apprenticeship; sign off and revoke, a row at a time.

With htmx a change answers the changed row alone (errors shown in it); without JavaScript it
answers a 303 back to the grid, or the whole grid with the problem marked on that row.
"""

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import Path, Request
from sqlmodel import Session
from starlette.responses import Response

from app.apprenticeships.queries import heading
from app.auth import policy
from app.auth.deps import CurrentViewer, DbSession, client_addr
from app.errors import Conflict, DomainError, FieldErrors, NotFound
from app.models import Apprenticeship, User
from app.review import queries
from app.review.deps import StaffApprenticeship
from app.review.signoff_service import revoke_signoff, sign_off_ksb
from app.web.forms import Posted, PostedForm
from app.web.responses import fragment_for, page_router, redirect_to, refuse_form, render_page

router = page_router()
KsbCode = Annotated[str, Path(max_length=10, pattern=r"^[A-Za-z]{1,3}[0-9]{1,4}$")]


def _context(session: Session, viewer: User, apprenticeship: Apprenticeship) -> dict[str, Any]:
    return {
        "heading": heading(session, apprenticeship=apprenticeship),
        "can_decide": policy.can_decide(viewer, apprenticeship),
    }


@router.get("/portfolio/{apprenticeship_id}/signoffs", name="signoff_grid")
def signoff_grid(
    request: Request, session: DbSession, viewer: CurrentViewer, apprenticeship: StaffApprenticeship
) -> Response:
    context = _context(session, viewer.user, apprenticeship) | {
        "rows": queries.grid_rows(session, apprenticeship=apprenticeship),
        "problem": None,
    }
    return render_page(request, GRID, context)


GRID = "review/grid.html"


def _row_fragment(code: str) -> dict[str, str]:
    """Each row of the grid is its own htmx target, named by its KSB's code."""
    return {f"ksb-{code.upper()}": "review/_grid_row.html"}


def _rows_context(
    request: Request, session: Session, viewer: User, apprenticeship: Apprenticeship, code: str
) -> dict[str, Any]:
    """The one changed row for htmx, every row for the whole page."""
    context = _context(session, viewer, apprenticeship) | {"problem": None}
    if fragment_for(request, _row_fragment(code)) is None:
        return context | {"rows": queries.grid_rows(session, apprenticeship=apprenticeship)}
    row = queries.grid_row(session, apprenticeship=apprenticeship, code=code)
    if row is None:
        raise NotFound("That KSB is not part of this apprenticeship's standard.")
    return context | {"row": row}


def _answer(
    request: Request, session: Session, viewer: User, apprenticeship: Apprenticeship, code: str
) -> Response:
    """After a change: the changed row for htmx, else back to the grid."""
    fragments = _row_fragment(code)
    if fragment_for(request, fragments) is None:
        return redirect_to(request, "signoff_grid", apprenticeship_id=apprenticeship.id)
    context = _rows_context(request, session, viewer, apprenticeship, code)
    return render_page(request, GRID, context, fragments=fragments)


def _refused(
    request: Request,
    session: Session,
    viewer: User,
    apprenticeship: Apprenticeship,
    code: str,
    error: DomainError,
    posted: Posted,
) -> Response:
    """The row (or grid) again, with the problem marked on the row and the reason kept."""
    problem = {
        "code": code.upper(),
        "message": error.detail,
        "fields": error.fields if isinstance(error, FieldErrors) else {},
        "typed": posted.get("override_reason") or posted.get("reason"),
    }

    def context() -> dict[str, Any]:
        rows = _rows_context(request, session, viewer, apprenticeship, code)
        return rows | {"problem": problem}

    return refuse_form(request, session, error, GRID, context, fragments=_row_fragment(code))


def _change(
    request: Request,
    session: Session,
    viewer: CurrentViewer,
    apprenticeship: Apprenticeship,
    code: str,
    posted: Posted,
    change: Callable[..., object],
) -> Response:
    """Sign-off and revoke answer alike: the changed row, or the row with its problem."""
    ip = client_addr(request)
    try:
        change(
            session, viewer=viewer.user, apprenticeship=apprenticeship, code=code, client_addr=ip
        )
    except (FieldErrors, Conflict) as exc:
        return _refused(request, session, viewer.user, apprenticeship, code, exc, posted)
    return _answer(request, session, viewer.user, apprenticeship, code)


@router.post("/portfolio/{apprenticeship_id}/signoffs/{code}", name="signoff_create")
def signoff_create(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: StaffApprenticeship,
    code: KsbCode,
    posted: PostedForm,
) -> Response:
    sign_off = partial(sign_off_ksb, override_reason=posted.get("override_reason"))
    return _change(request, session, viewer, apprenticeship, code, posted, sign_off)


@router.post("/portfolio/{apprenticeship_id}/signoffs/{code}/revoke", name="signoff_revoke")
def signoff_revoke(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: StaffApprenticeship,
    code: KsbCode,
    posted: PostedForm,
) -> Response:
    revoke = partial(revoke_signoff, reason=posted.get("reason"))
    return _change(request, session, viewer, apprenticeship, code, posted, revoke)
