"""Turn domain and HTTP errors into JSON under /api, an error fragment for htmx, or a page."""

from collections.abc import Sequence
from http import HTTPStatus
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from app.errors import DomainError, FieldErrors, Unavailable
from app.web.responses import is_htmx, render_page
from app.web.templating import path_for

MESSAGES = {
    400: "That request could not be understood.",
    403: "You do not have permission to do that.",
    404: "We could not find that page.",
    405: "That action is not allowed here.",
    409: "Someone else changed this in the meantime.",
    422: "Some of what was sent is not valid.",
    429: "Too many attempts. Please wait a moment and try again.",
    503: "The service is busy just now. Please try again in a moment.",
    500: "Something went wrong on our side.",
}


def error_response(
    request: Request, status: int, detail: object, *, notes: Sequence[str] = ()
) -> Response:
    """notes: sentences after the message (a paragraph each on a page, appended in JSON)."""
    if request.url.path.startswith("/api/"):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if notes:
            detail = " ".join([str(detail), *notes])
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    if status == 401:
        return _to_login(request)
    generic = not isinstance(detail, str) or detail == HTTPStatus(status).phrase
    message = MESSAGES.get(status, "Something went wrong.") if generic else str(detail)
    template = "web/_error.html" if is_htmx(request) else "web/error.html"
    context = {"status": status, "message": message, "notes": notes}
    return render_page(request, template, context, status=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, FieldErrors) and request.url.path.startswith("/api/"):
            return error_response(request, 422, field_entries(exc))
        response = error_response(request, exc.status_code, exc.detail)
        if isinstance(exc, Unavailable):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        response = error_response(request, exc.status_code, exc.detail)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        detail = [{"loc": e["loc"], "msg": e["msg"]} for e in exc.errors()]
        return error_response(request, 422, detail)


def field_entries(exc: FieldErrors) -> list[dict[str, object]]:
    """Field problems in the shape of an invalid request body: one entry per field."""
    return [{"loc": ["body", name], "msg": message} for name, message in exc.fields.items()]


def _to_login(request: Request) -> Response:
    """Anonymous visitors to a protected page are sent to sign in, and come back after."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = path_for(request, "login")
    login += "?" + urlencode({"next": target})
    if is_htmx(request):
        return Response(status_code=401, headers={"HX-Redirect": login})
    return Response(status_code=303, headers={"Location": login})
