"""Which routes are public. Every other route must require a signed-in viewer (tested)."""

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from starlette.routing import Route

from app.auth.deps import require_viewer

# Reachable without signing in: sign-in itself, account activation, health, the start page and
# the API's description (served in dev only: main.py).
PUBLIC_ROUTES = frozenset(
    {
        "home",
        "healthz",
        "readyz",
        "openapi",
        "login",
        "login_submit",
        "activate",
        "activate_submit",
        "password_forgot",
        "password_forgot_submit",
        "password_reset",
        "password_reset_submit",
    }
)


@dataclass(frozen=True)
class RouteInfo:
    name: str
    path: str
    methods: frozenset[str]
    dependant: Dependant | None


def all_routes(app: FastAPI) -> list[RouteInfo]:
    """Every endpoint, including those of included routers (FastAPI nests them), and plain
    Starlette routes (health.py's), which no dependency protects."""
    return [
        RouteInfo(
            ctx.name or "",
            ctx.path or "",
            frozenset(ctx.methods or ()),
            getattr(ctx, "dependant", None),
        )
        for ctx in iter_route_contexts(app.routes)
        if isinstance(ctx.original_route, Route)
    ]


def _requires_viewer(dependant: Dependant | None) -> bool:
    if dependant is None:
        return False
    return any(
        dep.call is require_viewer or _requires_viewer(dep) for dep in dependant.dependencies
    )


def undeclared_routes(app: FastAPI) -> list[str]:
    """Routes that are neither public nor protected: each is a hole waiting to happen."""
    return [
        f"{sorted(route.methods)} {route.path} ({route.name})"
        for route in all_routes(app)
        if route.name not in PUBLIC_ROUTES and not _requires_viewer(route.dependant)
    ]


def protected_routes(app: FastAPI) -> list[RouteInfo]:
    return [route for route in all_routes(app) if route.name not in PUBLIC_ROUTES]
