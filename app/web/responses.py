"""The one way a page answers: render_page (page, fragment or history restore), redirect_to,
and refuse_form. Only this module reads htmx's request headers."""

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from app.errors import DomainError, FieldErrors
from app.web.idempotency import OnceRoute
from app.web.templating import ANON_CSRF_COOKIE, path_for, templates

Context = dict[str, Any]


def page_router(**kwargs: Any) -> APIRouter:
    """A router of pages: their POSTs happen once per form token (web/idempotency.py)."""
    return APIRouter(route_class=OnceRoute, **kwargs)


def is_htmx(request: Request) -> bool:
    """An htmx request that wants part of a page; a history restore asks for the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def fragment_for(request: Request, fragments: Mapping[str, str]) -> str | None:
    """The template of the fragment htmx asked for by its target's id, if it is one of these."""
    if not is_htmx(request):
        return None
    return fragments.get(request.headers.get("HX-Target") or "")


def render_page(
    request: Request,
    template: str,
    context: Context | None = None,
    *,
    fragments: Mapping[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The page, or the fragment whose target id htmx named (fragments: id -> template).

    The same URL answers both, so caches are told the answer varies with the htmx headers.
    """
    chosen = fragment_for(request, fragments) if fragments else None
    full = _page_context(request) | (context or {})
    response = templates.TemplateResponse(request, chosen or template, full, status_code=status)
    response.headers["Vary"] = "HX-Request, HX-Target"
    new_anon = getattr(request.state, "new_anon_csrf", None)
    if new_anon and not request.cookies.get(ANON_CSRF_COOKIE):
        response.set_cookie(
            ANON_CSRF_COOKIE,
            new_anon,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


def _page_context(request: Request) -> Context:
    viewer = getattr(request.state, "viewer", None)
    token = viewer.csrf_token if viewer else None
    if token is None:
        token = request.cookies.get(ANON_CSRF_COOKIE) or getattr(
            request.state, "new_anon_csrf", None
        )
    # Every form's template can show a refusal: none unless refuse_form passes one.
    return {"viewer": viewer, "csrf_token": token} | problems(None)


def redirect_to(
    request: Request, name: str, /, *, query: Mapping[str, str] | None = None, **params: Any
) -> Response:
    """After a change: 303 to the named route, or HX-Redirect for htmx; always root-relative."""
    path = path_for(request, name, **params)
    return redirect_to_path(request, path + (f"?{urlencode(query)}" if query else ""))


def redirect_to_path(request: Request, path: str) -> Response:
    """The same for a path already known to be this site's own (a vetted `next=`)."""
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        raise ValueError(f"not a path on this site: {path!r}")
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": path})
    return Response(status_code=303, headers={"Location": path})


def problems(error: DomainError | None) -> Context:
    """What a form shows of a refusal: the summary, and each field's own message."""
    return {
        "error": error.detail if error else None,
        "errors": error.fields if isinstance(error, FieldErrors) else {},
    }


def refuse_form(
    request: Request,
    session: Session,
    error: DomainError,
    template: str,
    context: Callable[[], Context],
    *,
    fragments: Mapping[str, str] | None = None,
) -> Response:
    """A refused form: undo what the request wrote, then show the form again with what was
    typed (the context carries it) and the problem, at the error's status (422 for fields).

    The context is built after the rollback, so the page shows the data as it now stands. htmx
    swaps 409 and 422 answers (base.html), so this is the same with and without JavaScript.
    """
    session.rollback()
    full = context() | problems(error)
    return render_page(request, template, full, fragments=fragments, status=error.status_code)
