"""Shared pieces of the JSON API: its prefix, routers, the error body and documented errors."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.security import HTTPBearer
from pydantic import BaseModel

from app.models.base import MAX_INT32
from app.web.idempotency import OnceRoute

API_PREFIX = "/api/v1"
# Row ids are 32-bit integers on PostgreSQL; anything outside is refused before a query, where
# a huge number would otherwise overflow SQLite's integers and answer 500.
PathId = Annotated[int, Path(ge=1, le=MAX_INT32)]


class ErrorOut(BaseModel):
    """Every error answer: a sentence, or a list of field problems for invalid input (422)."""

    detail: str | list[dict[str, Any]]


_ERRORS: dict[int, str] = {
    401: "Not signed in: send `Authorization: Bearer <personal access token>`.",
    403: "You may see this, but your role does not allow this action.",
    404: "Not found, or outside what you may see (the two are never told apart).",
    409: "Someone else changed this in the meantime.",
    422: "Some of what was sent is not valid.",
}

# Only documents the scheme in OpenAPI; app.auth.deps.current_viewer does the real check.
_bearer_doc = HTTPBearer(
    scheme_name="PersonalAccessToken",
    description="A personal access token from the 'API tokens' page or `portfolio tokens create`.",
    auto_error=False,
)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: these error statuses, with the shared error body."""
    return {status: {"model": ErrorOut, "description": _ERRORS[status]} for status in statuses}


def api_router(**kwargs: Any) -> APIRouter:
    """A router under /api/v1 whose routes all document the bearer scheme and the 401."""
    return APIRouter(
        prefix=API_PREFIX,
        route_class=OnceRoute,
        responses=documented(401),
        dependencies=[Depends(_bearer_doc)],
        **kwargs,
    )
