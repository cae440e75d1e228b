"""Jinja2 templates (autoescaped .html), the root-relative url_for they use, and nav furniture."""

from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.datastructures import URL

from app import PROJECT_ROOT
from app.web.idempotency import new_form_token

HTMX_VERSION = "2.0.11"
PICO_VERSION = "2.1.1"
ANON_CSRF_COOKIE = "portfolio_csrf"

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
templates.env.globals.update(htmx_version=HTMX_VERSION, pico_version=PICO_VERSION)


_URLS_KEPT = 4096  # per app; ids in paths make the set open-ended, so it starts over when full


def path_for(request: Request, name: str, /, **path_params: Any) -> str:
    """A route's path from the site's root ("/portfolio/7"), each one remembered.

    Root-relative, unlike Starlette's url_for: a link or redirect never echoes the Host header
    the request came with, and no URL is parsed per link. Remembered, because FastAPI walks
    every route on each lookup and every page's nav asks for the same dozen.
    """
    paths: dict[tuple[str, str, tuple[tuple[str, Any], ...]], str] | None
    paths = getattr(request.app.state, "route_paths", None)
    if paths is None or len(paths) >= _URLS_KEPT:
        paths = request.app.state.route_paths = {}
    root = request.scope.get("root_path", "")
    key = (root, name, tuple(sorted(path_params.items())))
    path = paths.get(key)
    if path is None:
        path = paths[key] = root + request.app.url_path_for(name, **path_params)
    return path


@pass_context
def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
    """Templates' url_for: path_for as a URL, so templates can add `.include_query_params`."""
    return URL(path_for(context["request"], name, **path_params))


templates.env.globals["url_for"] = url_for
templates.env.globals["form_token"] = new_form_token


def unread_notifications(request: Request) -> int | None:
    """The nav's unread count: main.py installs the counter (notifications/badge.py), so that
    this low layer imports nothing from the domains. None: no badge (anonymous, other roles)."""
    counter = getattr(request.app.state, "unread_counter", None)
    viewer = getattr(request.state, "viewer", None)
    if counter is None or viewer is None or getattr(request.state, "no_badge", False):
        return None
    result: int | None = counter(request, viewer.user)
    return result


templates.env.globals["unread_notifications"] = unread_notifications


def without_badge(request: Request) -> None:
    """This request's page shows no unread count (web/failures.py: a failure's page)."""
    request.state.no_badge = True
