"""Provider administration pages: employers and people. Admins only; other roles get 403."""

from functools import partial
from typing import Annotated

from fastapi import Depends, Form, Query, Request
from starlette.responses import Response

from app.auth import admin_service
from app.auth.deps import DbSession, Viewer, client_addr, require_roles
from app.auth.password_pages import LinkMailer
from app.errors import Conflict, FieldErrors
from app.models import Organisation, Role, User
from app.web.api import PathId
from app.web.responses import page_router, redirect_to, refuse_form, render_page

require_admin = require_roles(Role.ADMIN)
Admin = Annotated[Viewer, Depends(require_admin)]
router = page_router(prefix="/admin", dependencies=[Depends(require_admin)])
Text = Annotated[str, Form(max_length=400)]
EMPLOYER_FORM = "admin/employer_form.html"
INVITE_FORM = "admin/user_invite.html"
PERSON_PAGE = "admin/user.html"


def admin_employer(employer_id: PathId, session: DbSession, viewer: Admin) -> Organisation:
    """Another provider's employer, or no employer at all: the same 404."""
    return admin_service.get_employer(session, viewer=viewer.user, employer_id=employer_id)


def admin_person(user_id: PathId, session: DbSession, viewer: Admin) -> tuple[User, Organisation]:
    return admin_service.get_user(session, viewer=viewer.user, user_id=user_id)


Employer = Annotated[Organisation, Depends(admin_employer)]
Person = Annotated[tuple[User, Organisation], Depends(admin_person)]


@router.get("", name="admin_home")
def admin_home(request: Request) -> Response:
    return render_page(request, "admin/index.html")


# Employers


@router.get("/employers", name="admin_employers")
def employers(request: Request, session: DbSession, viewer: Admin) -> Response:
    rows = admin_service.list_employers(session, viewer=viewer.user)
    return render_page(request, "admin/employers.html", {"rows": rows})


@router.get("/employers/new", name="admin_employer_new")
def employer_new(request: Request) -> Response:
    return render_page(request, EMPLOYER_FORM, {"employer": None, "name": ""})


@router.post("/employers/new", name="admin_employer_new_submit")
def employer_new_submit(
    request: Request, session: DbSession, viewer: Admin, name: Text = ""
) -> Response:
    try:
        admin_service.add_employer(
            session, viewer=viewer.user, name=name, client_addr=client_addr(request)
        )
    except FieldErrors as exc:
        context = {"employer": None, "name": name}
        return refuse_form(request, session, exc, EMPLOYER_FORM, lambda: context)
    return redirect_to(request, "admin_employers")


@router.get("/employers/{employer_id}", name="admin_employer")
def employer_edit(request: Request, employer: Employer) -> Response:
    return render_page(request, EMPLOYER_FORM, {"employer": employer, "name": employer.name})


@router.post("/employers/{employer_id}", name="admin_employer_submit")
def employer_edit_submit(
    request: Request, session: DbSession, viewer: Admin, employer: Employer, name: Text = ""
) -> Response:
    """Only the name changes: other fields sent with it are never read."""
    try:
        admin_service.rename_employer(
            session,
            viewer=viewer.user,
            employer=employer,
            name=name,
            client_addr=client_addr(request),
        )
    except FieldErrors as exc:
        context = {"employer": employer, "name": name}
        return refuse_form(request, session, exc, EMPLOYER_FORM, lambda: context)
    return redirect_to(request, "admin_employers")


# People


@router.get("/users", name="admin_users")
def users(
    request: Request,
    session: DbSession,
    viewer: Admin,
    role: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """role="" (or anything unknown) shows everyone: the filter form's first choice."""
    wanted = Role(role) if role in set(Role) else None
    rows = admin_service.list_users(session, viewer=viewer.user, role=wanted, page=page)
    context = {"rows": rows[: admin_service.PAGE_SIZE], "more": len(rows) > admin_service.PAGE_SIZE}
    return render_page(request, "admin/users.html", context | {"role": wanted, "page": page})


def _invite_context(session: DbSession, viewer: Viewer, form: dict[str, str]) -> dict[str, object]:
    orgs = admin_service.organisations(session, viewer=viewer.user)
    return {"orgs": orgs, "roles": list(Role), "form": form}


@router.get("/users/new", name="admin_user_invite")
def invite_form(request: Request, session: DbSession, viewer: Admin) -> Response:
    form = dict.fromkeys(("name", "email", "role", "organisation_id"), "")
    return render_page(request, INVITE_FORM, _invite_context(session, viewer, form))


@router.post("/users/new", name="admin_user_invite_submit")
def invite_submit(
    request: Request,
    session: DbSession,
    viewer: Admin,
    mailer: LinkMailer,
    name: Text = "",
    email: Text = "",
    role: Text = "",
    organisation_id: Text = "",
) -> Response:
    """Answers with a page, not a redirect: the activation link must never sit in a URL."""
    form = {"name": name, "email": email, "role": role, "organisation_id": organisation_id}
    try:
        invited = admin_service.invite_user(
            session, viewer=viewer.user, mailer=mailer, client_addr=client_addr(request), **form
        )
    except (FieldErrors, Conflict) as exc:
        typed = partial(_invite_context, session, viewer, form)
        return refuse_form(request, session, exc, INVITE_FORM, typed)
    context = {"user": invited.user, "link": invited.link}
    return render_page(request, "admin/user_invited.html", context, status=201)


def _person_context(viewer: Viewer, person: tuple[User, Organisation]) -> dict[str, object]:
    user, org = person
    return {
        "user": user,
        "org": org,
        "roles": admin_service.roles_for(org),
        "is_self": user.id == viewer.user.id,
    }


@router.get("/users/{user_id}", name="admin_user")
def person(request: Request, viewer: Admin, person: Person) -> Response:
    return render_page(request, PERSON_PAGE, _person_context(viewer, person))


@router.post("/users/{user_id}/role", name="admin_user_role")
def person_role(
    request: Request, session: DbSession, viewer: Admin, person: Person, role: Text = ""
) -> Response:
    """Only the role changes: an organisation or id sent with it is never read."""
    user, org = person
    try:
        admin_service.change_role(
            session,
            viewer=viewer.user,
            user=user,
            org=org,
            role=role,
            client_addr=client_addr(request),
        )
    except FieldErrors as exc:
        context = _person_context(viewer, person) | {"role": role}
        return refuse_form(request, session, exc, PERSON_PAGE, lambda: context)
    return redirect_to(request, "admin_user", user_id=user.id)


@router.post("/users/{user_id}/disable", name="admin_user_disable")
def person_disable(request: Request, session: DbSession, viewer: Admin, person: Person) -> Response:
    user = admin_service.disable_user(
        session, viewer=viewer.user, user=person[0], client_addr=client_addr(request)
    )
    return redirect_to(request, "admin_user", user_id=user.id)


@router.post("/users/{user_id}/enable", name="admin_user_enable")
def person_enable(request: Request, session: DbSession, viewer: Admin, person: Person) -> Response:
    user = admin_service.enable_user(
        session, viewer=viewer.user, user=person[0], client_addr=client_addr(request)
    )
    return redirect_to(request, "admin_user", user_id=user.id)
