"""The order routers are tried in: safe to choose (no two routes share a path), and chosen so
that the pages opened all day are found first."""

import re

from fastapi import FastAPI
from starlette.routing import BaseRoute, Route

from app.auth.pages import ROLE_HOMES


def _included(app: FastAPI) -> list[list[Route]]:
    """Each router included at the top, as its own routes (FastAPI keeps them nested)."""
    groups = []
    for top in app.router.routes:
        inner: list[BaseRoute] = getattr(getattr(top, "original_router", None), "routes", [top])
        groups.append([route for route in inner if isinstance(route, Route)])
    return groups


def _sample(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _overlap(one: Route, other: Route) -> bool:
    return bool(
        one.path_regex.match(_sample(other.path)) or other.path_regex.match(_sample(one.path))
    )


def test_no_path_is_claimed_by_two_routers(app: FastAPI) -> None:
    """So the order routers are tried in changes only speed, never which page answers."""
    groups = _included(app)
    clashes = [
        (mine.path, theirs.path)
        for i, group in enumerate(groups)
        for mine in group
        for other in groups[i + 1 :]
        for theirs in other
        if (mine.methods or set()) & (theirs.methods or set()) and _overlap(mine, theirs)
    ]
    assert clashes == []


def test_every_roles_home_is_among_the_first_routers_tried(app: FastAPI) -> None:
    routers = [top.original_router for top in app.router.routes if hasattr(top, "original_router")]
    position = {route.name: i for i, router in enumerate(routers) for route in router.routes}
    late = {name: position[name] for name in set(ROLE_HOMES.values()) if position[name] >= 4}
    assert late == {}
