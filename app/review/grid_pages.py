"""The sign-off grid: every KSB of an apprenticeship; sign off and revoke, a row at a time.

With htmx a change answers the changed row alone (errors shown in it); without JavaScript it
answers a 303 back to the grid, or the whole grid with the problem marked on that row.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from sqlmodel import Session
from starlette.responses import Response

from app.apprenticeships.queries import heading
from app.auth import policy
from app.auth.deps import CurrentViewer, DbSession, client_addr
from app.errors import Conflict, DomainError, NotFound
from app.evidence.validation import InvalidEvidence
from app.models import Apprenticeship, User
from app.review import queries
from app.review.deps import StaffApprenticeship
from app.review.forms import Posted, posted_form
from app.review.signoff_service import revoke_signoff, sign_off_ksb
from app.web.templating import is_htmx, redirect, render

router = APIRouter()
PostedForm = Annotated[Posted, Depends(posted_form)]
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
    return render(request, "review/grid.html", context)


def _answer(
    request: Request, session: Session, viewer: User, apprenticeship: Apprenticeship, code: str,
    error: DomainError | None = None, posted: Posted | None = None,
) -> Response:  # fmt: skip
    """The changed row (htmx) or the grid; a refusal marks the problem on the row."""
    if error is None and not is_htmx(request):
        return redirect(
            request, str(request.url_for("signoff_grid", apprenticeship_id=apprenticeship.id))
        )
    problem = {
        "code": code.upper(),
        "message": error.detail if error else None,
        "fields": error.fields if isinstance(error, InvalidEvidence) else {},
        "typed": posted.get("override_reason") or posted.get("reason") if posted else "",
    } if error else None  # fmt: skip
    context = _context(session, viewer, apprenticeship) | {"problem": problem}
    status = error.status_code if error else 200
    if is_htmx(request):
        row = queries.grid_row(session, apprenticeship=apprenticeship, code=code)
        if row is None:
            raise NotFound("That KSB is not part of this apprenticeship's standard.")
        return render(request, "review/_grid_row.html", context | {"row": row}, status=status)
    rows = queries.grid_rows(session, apprenticeship=apprenticeship)
    return render(request, "review/grid.html", context | {"rows": rows}, status=status)


@router.post("/portfolio/{apprenticeship_id}/signoffs/{code}", name="signoff_create")
def signoff_create(
    request: Request, session: DbSession, viewer: CurrentViewer,
    apprenticeship: StaffApprenticeship, code: KsbCode, posted: PostedForm,
) -> Response:  # fmt: skip
    try:
        sign_off_ksb(
            session, viewer=viewer.user, apprenticeship=apprenticeship, code=code,
            override_reason=posted.get("override_reason"), client_addr=client_addr(request),
        )  # fmt: skip
    except (InvalidEvidence, Conflict) as exc:
        session.rollback()
        return _answer(request, session, viewer.user, apprenticeship, code, exc, posted)
    return _answer(request, session, viewer.user, apprenticeship, code)


@router.post("/portfolio/{apprenticeship_id}/signoffs/{code}/revoke", name="signoff_revoke")
def signoff_revoke(
    request: Request, session: DbSession, viewer: CurrentViewer,
    apprenticeship: StaffApprenticeship, code: KsbCode, posted: PostedForm,
) -> Response:  # fmt: skip
    try:
        revoke_signoff(
            session, viewer=viewer.user, apprenticeship=apprenticeship, code=code,
            reason=posted.get("reason"), client_addr=client_addr(request),
        )  # fmt: skip
    except (InvalidEvidence, Conflict) as exc:
        session.rollback()
        return _answer(request, session, viewer.user, apprenticeship, code, exc, posted)
    return _answer(request, session, viewer.user, apprenticeship, code)
