"""Jinja2 templates (autoescaped .html) and the one way pages are rendered."""

from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.datastructures import URL
from starlette.responses import Response

from app import PROJECT_ROOT

HTMX_VERSION = "2.0.11"
PICO_VERSION = "2.1.1"
ANON_CSRF_COOKIE = "portfolio_csrf"

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
templates.env.globals.update(htmx_version=HTMX_VERSION, pico_version=PICO_VERSION)


_URLS_KEPT = 4096  # per app; ids in paths make the set open-ended, so it starts over when full


@pass_context
def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
    """A route's URL from the site's root ("/portfolio/7"), each one remembered.

    Root-relative, unlike Starlette's: a link never echoes the Host header the request came
    with, and no URL is parsed per link. Remembered, because FastAPI walks every route on each
    lookup (about 80 us) and every page's nav asks for the same dozen.
    """
    request: Request = context["request"]
    urls: dict[tuple[str, str, tuple[tuple[str, Any], ...]], URL] | None
    urls = getattr(request.app.state, "template_urls", None)
    if urls is None or len(urls) >= _URLS_KEPT:
        urls = request.app.state.template_urls = {}
    root = request.scope.get("root_path", "")
    key = (root, name, tuple(sorted(path_params.items())))
    url = urls.get(key)
    if url is None:
        url = urls[key] = URL(root + request.app.url_path_for(name, **path_params))
    return url


templates.env.globals["url_for"] = url_for


def is_htmx(request: Request) -> bool:
    # A history restore asks for the whole page even though htmx sent it.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def unread_notifications(request: Request) -> int | None:
    """The nav's unread count: main.py installs the counter (notifications/badge.py), so that
    this low layer imports nothing from the domains. None: no badge (anonymous, other roles)."""
    counter = getattr(request.app.state, "unread_counter", None)
    viewer = getattr(request.state, "viewer", None)
    if counter is None or viewer is None:
        return None
    result: int | None = counter(request, viewer.user)
    return result


templates.env.globals["unread_notifications"] = unread_notifications


def _page_context(request: Request) -> dict[str, Any]:
    viewer = getattr(request.state, "viewer", None)
    token = viewer.csrf_token if viewer else None
    if token is None:
        token = request.cookies.get(ANON_CSRF_COOKIE) or getattr(
            request.state, "new_anon_csrf", None
        )
    return {"viewer": viewer, "csrf_token": token}


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    full = _page_context(request) | (context or {})
    response = templates.TemplateResponse(request, template, full, status_code=status)
    response.headers["Vary"] = "HX-Request"
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


def redirect(request: Request, url: str) -> Response:
    """htmx follows HX-Redirect; a plain form post follows a 303."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return Response(status_code=303, headers={"Location": url})
