"""The API tokens page: list your tokens, create one (shown once), revoke one."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from app.auth import api_tokens
from app.auth.deps import CurrentViewer, DbSession, client_addr
from app.errors import Invalid
from app.web.api import PathId
from app.web.templating import redirect, render

router = APIRouter()


def _page(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    *,
    status: int = 200,
    **context: object,
) -> Response:
    tokens = api_tokens.live_tokens(session, viewer=viewer.user)
    ctx = {"tokens": tokens, "name": "", "error": None, "new_token": None} | context
    return render(request, "auth/tokens.html", ctx, status=status)


@router.get("/account/tokens", name="account_tokens")
def tokens_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    return _page(request, session, viewer)


@router.post("/account/tokens", name="account_token_create")
def token_create(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    name: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Answers with the page itself, not a redirect: the raw token must never be in a URL."""
    try:
        new = api_tokens.create_token(
            session, viewer=viewer.user, name=name, client_addr=client_addr(request)
        )
    except Invalid as exc:
        return _page(request, session, viewer, status=422, name=name, error=exc.detail)
    return _page(request, session, viewer, status=201, new_token=new.raw, new_name=new.row.name)


@router.post("/account/tokens/{token_id}/revoke", name="account_token_revoke")
def token_revoke(
    request: Request, token_id: PathId, session: DbSession, viewer: CurrentViewer
) -> Response:
    api_tokens.revoke_token(
        session, viewer=viewer.user, token_id=token_id, client_addr=client_addr(request)
    )
    return redirect(request, request.url_for("account_tokens").path)
