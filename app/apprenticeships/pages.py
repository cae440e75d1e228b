"""The admin's apprenticeship pages: the provider's list, start one, change one."""

from functools import partial
from typing import Annotated

from fastapi import Depends, Form, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from app.apprenticeships import service
from app.apprenticeships.deps import VisibleApprenticeship
from app.apprenticeships.queries import list_visible
from app.apprenticeships.schemas import ApprenticeshipForm
from app.auth.admin_pages import Admin, require_admin
from app.auth.deps import DbSession, Viewer, client_addr
from app.errors import FieldErrors
from app.models import ApprenticeshipStatus
from app.web.responses import page_router, redirect_to, refuse_form, render_page

router = page_router(prefix="/admin/apprenticeships", dependencies=[Depends(require_admin)])
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


def _form_context(
    session: Session, viewer: Viewer, form: ApprenticeshipForm, apprenticeship_id: int | None
) -> dict[str, object]:
    return {
        "form": form,
        "choices": service.form_choices(session, viewer=viewer.user),
        "statuses": list(ApprenticeshipStatus),
        "apprenticeship_id": apprenticeship_id,
    }


FORM = "admin/apprenticeship_form.html"


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
    return render_page(request, "admin/apprenticeships.html", context)


@router.get("/new", name="admin_apprenticeship_new")
def new_form(request: Request, session: DbSession, viewer: Admin) -> Response:
    context = _form_context(session, viewer, ApprenticeshipForm(), None)
    return render_page(request, FORM, context)


@router.post("/new", name="admin_apprenticeship_new_submit")
def new_submit(request: Request, session: DbSession, viewer: Admin, form: PostedForm) -> Response:
    try:
        service.create_apprenticeship(
            session, viewer=viewer.user, form=form, client_addr=client_addr(request)
        )
    except FieldErrors as exc:
        context = partial(_form_context, session, viewer, form, None)
        return refuse_form(request, session, exc, FORM, context)
    return redirect_to(request, "admin_apprenticeships")


@router.get("/{apprenticeship_id}", name="admin_apprenticeship")
def edit_form(
    request: Request, session: DbSession, viewer: Admin, apprenticeship: VisibleApprenticeship
) -> Response:
    form = ApprenticeshipForm.of(apprenticeship)
    return render_page(request, FORM, _form_context(session, viewer, form, apprenticeship.id))


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
    except FieldErrors as exc:
        context = partial(_form_context, session, viewer, form, apprenticeship.id)
        return refuse_form(request, session, exc, FORM, context)
    return redirect_to(request, "admin_apprenticeships")
