"""The start page: the sign-in invitation, or a redirect to the viewer's own home."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.auth.deps import Viewer, current_viewer
from app.auth.pages import ROLE_HOMES
from app.web.templating import redirect, render

router = APIRouter()


@router.get("/", name="home")
def home(request: Request, viewer: Annotated[Viewer | None, Depends(current_viewer)]) -> Response:
    if viewer is not None:
        return redirect(request, request.url_for(ROLE_HOMES[viewer.user.role]).path)
    return render(request, "web/home.html")
