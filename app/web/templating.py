"""Jinja2 templates (autoescaped .html) and the one way pages are rendered."""

from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from app import PROJECT_ROOT

HTMX_VERSION = "2.0.11"
PICO_VERSION = "2.1.1"

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
templates.env.globals.update(htmx_version=HTMX_VERSION, pico_version=PICO_VERSION)


def is_htmx(request: Request) -> bool:
    # A history restore asks for the whole page even though htmx sent it.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    response = templates.TemplateResponse(request, template, context or {}, status_code=status)
    response.headers["Vary"] = "HX-Request"
    return response
