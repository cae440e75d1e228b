"""The admin's apprenticeship pages: the provider's list, start one, change one."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from app.apprenticeships import service
from app.apprenticeships.deps import VisibleApprenticeship
from app.apprenticeships.queries import list_visible
from app.apprenticeships.schemas import ApprenticeshipForm
from app.auth.admin_pages import Admin, require_admin
from app.auth.deps import DbSession, Viewer, client_addr
from app.models import ApprenticeshipStatus
from app.web.templating import redirect, render

router = APIRouter(prefix="/admin/apprenticeships", dependencies=[Depends(require_admin)])
PAGE_SIZE = 100
Field = Annotated[str, Form(max_length=40)]


def apprenticeship_form(
    apprentice_id: Field = "",
    standard_id: Field = "",
    employer_id: Field = "",
    tutor_id: Field = "",
    start_date: Field = "",
    planned_end_date: Field = "",
    status: Field = "",
) -> ApprenticeshipForm:
    """Only these named fields are read from the posted form; anything else is ignored."""
    return ApprenticeshipForm(
        apprentice_id=apprentice_id,
        standard_id=standard_id,
        employer_id=employer_id,
        tutor_id=tutor_id,
        start_date=start_date,
        planned_end_date=planned_end_date,
        status=status,
    )


PostedForm = Annotated[ApprenticeshipForm, Depends(apprenticeship_form)]


def _form_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    form: ApprenticeshipForm,
    *,
    apprenticeship_id: int | None = None,
    errors: service.InvalidFields | None = None,
) -> Response:
    context = {
        "form": form,
        "choices": service.form_choices(session, viewer=viewer.user),
        "statuses": list(ApprenticeshipStatus),
        "apprenticeship_id": apprenticeship_id,
        "error": errors.detail if errors else None,
        "errors": errors.fields if errors else {},
    }
    status = 422 if errors else 200
    return render(request, "admin/apprenticeship_form.html", context, status=status)


@router.get("", name="admin_apprenticeships")
def apprenticeships(
    request: Request,
    session: DbSession,
    viewer: Admin,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    offset = (page - 1) * PAGE_SIZE
    rows = list_visible(session, viewer=viewer.user, limit=PAGE_SIZE + 1, offset=offset)
    context = {"rows": rows[:PAGE_SIZE], "more": len(rows) > PAGE_SIZE, "page": page}
    return render(request, "admin/apprenticeships.html", context)


@router.get("/new", name="admin_apprenticeship_new")
def new_form(request: Request, session: DbSession, viewer: Admin) -> Response:
    return _form_page(request, session, viewer, ApprenticeshipForm())


@router.post("/new", name="admin_apprenticeship_new_submit")
def new_submit(request: Request, session: DbSession, viewer: Admin, form: PostedForm) -> Response:
    try:
        service.create_apprenticeship(
            session, viewer=viewer.user, form=form, client_addr=client_addr(request)
        )
    except service.InvalidFields as exc:
        return _form_page(request, session, viewer, form, errors=exc)
    return redirect(request, request.url_for("admin_apprenticeships").path)


@router.get("/{apprenticeship_id}", name="admin_apprenticeship")
def edit_form(
    request: Request, session: DbSession, viewer: Admin, apprenticeship: VisibleApprenticeship
) -> Response:
    form = ApprenticeshipForm.of(apprenticeship)
    return _form_page(request, session, viewer, form, apprenticeship_id=apprenticeship.id)


@router.post("/{apprenticeship_id}", name="admin_apprenticeship_submit")
def edit_submit(
    request: Request,
    session: DbSession,
    viewer: Admin,
    apprenticeship: VisibleApprenticeship,
    form: PostedForm,
) -> Response:
    try:
        service.update_apprenticeship(
            session,
            viewer=viewer.user,
            apprenticeship=apprenticeship,
            form=form,
            client_addr=client_addr(request),
        )
    except service.InvalidFields as exc:
        return _form_page(
            request, session, viewer, form, apprenticeship_id=apprenticeship.id, errors=exc
        )
    return redirect(request, request.url_for("admin_apprenticeships").path)
