"""The API tokens page: list your tokens, create one (shown once), revoke one."""

from functools import partial
from typing import Annotated

from fastapi import Form, Request
from starlette.responses import Response

from app.auth import api_tokens
from app.auth.deps import CurrentViewer, DbSession, client_addr
from app.errors import FieldErrors
from app.web.api import PathId
from app.web.responses import page_router, redirect_to, refuse_form, render_page

router = page_router()


TOKENS = "auth/tokens.html"


def _context(session: DbSession, viewer: CurrentViewer, **context: object) -> dict[str, object]:
    tokens = api_tokens.live_tokens(session, viewer=viewer.user)
    return {"tokens": tokens, "name": "", "new_token": None} | context


@router.get("/account/tokens", name="account_tokens")
def tokens_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    return render_page(request, TOKENS, _context(session, viewer))


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
    except FieldErrors as exc:
        return refuse_form(
            request, session, exc, TOKENS, partial(_context, session, viewer, name=name)
        )
    context = _context(session, viewer, new_token=new.raw, new_name=new.row.name)
    return render_page(request, TOKENS, context, status=201)


@router.post("/account/tokens/{token_id}/revoke", name="account_token_revoke")
def token_revoke(
    request: Request, token_id: PathId, session: DbSession, viewer: CurrentViewer
) -> Response:
    api_tokens.revoke_token(
        session, viewer=viewer.user, token_id=token_id, client_addr=client_addr(request)
    )
    return redirect_to(request, "account_tokens")
