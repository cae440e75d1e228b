"""The start page and each role's home (simple lists until the dashboards land)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.apprenticeships.queries import list_visible
from app.auth.deps import CurrentViewer, DbSession, Viewer, current_viewer, require_roles
from app.auth.pages import ROLE_HOMES
from app.models import Role
from app.web.templating import redirect, render

router = APIRouter()


@router.get("/", name="home")
def home(request: Request, viewer: Annotated[Viewer | None, Depends(current_viewer)]) -> Response:
    if viewer is not None:
        return redirect(request, request.url_for(ROLE_HOMES[viewer.user.role]).path)
    return render(request, "web/home.html")


def _role_home(name: str, path: str, title: str, *roles: Role) -> None:
    def page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
        rows = list_visible(session, viewer=viewer.user)
        return render(request, "apprenticeships/list.html", {"rows": rows, "title": title})

    router.add_api_route(
        path, page, name=name, methods=["GET"], dependencies=[Depends(require_roles(*roles))]
    )


_role_home("caseload_home", "/caseload", "Your caseload", Role.TUTOR)
_role_home("employer_home", "/dashboard", "Your apprentices", Role.EMPLOYER)
_role_home("provider_home", "/provider", "Provider overview", Role.IQA, Role.ADMIN)
