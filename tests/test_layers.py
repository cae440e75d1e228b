"""The app's packages import one another in one declared order (docs/ARCHITECTURE.md, "Layers").

Every import in every module of app/ is read from its source, including imports inside
functions and under TYPE_CHECKING: a module may import its own package and any layer below
it, never one above.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

# Lowest first. Each name is a top-level module or package of app/.
LAYERS = (
    "settings",  # one Settings object
    "errors",  # domain errors carrying their status, the one field-error type
    "models",  # tables only
    "db",  # engine, the request's session, insert-once, row locks, after_commit
    "admission",  # how many requests may hold a database connection at once
    "audit",
    "mail",
    "migrate",
    # Coverage, pace and RAG, their SQL facts, the kept summaries, chart geometry: every domain
    # reads progress from here, and it imports only models and db (ONLY below).
    "progress",
    "web",  # the one way for each web chore: render_page, redirect_to, refused forms, errors
    "auth",
    "standards",
    "apprenticeships",
    "evidence",
    "review",
    "gateway",
    "quality",
    "dashboards",
    "notifications",
    # Entry points: they wire the domains together and nothing imports them.
    "health",
    "demo",
    "backup",  # a consistent copy of the database and its files (the CLI runs it)
    "main",
    "cli",
    "asgi",
)
RANK = {name: rank for rank, name in enumerate(LAYERS)}

# Imports no module of these packages may make, beyond the layers' order.
ONLY = {"progress": {"models", "db", "progress"}}

# Imports that run upward, each with its reason. None today.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _app_imports(path.read_text(), package=package)


def _app_imports(source: str, *, package: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
    return {name for name in found if name == "app" or name.startswith("app.")}


def _layer(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else ""


def _modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def test_every_package_has_a_layer() -> None:
    top = {p.relative_to(APP).parts[0].removesuffix(".py") for p in _modules()} - {"__init__"}
    assert top - set(LAYERS) == set(), "add each new package of app/ to LAYERS"
    assert set(LAYERS) - top == set(), "LAYERS names a package that no longer exists"


def test_the_parser_sees_each_form_of_import() -> None:
    source = (
        "import app.db\n"
        "import json\n"
        "from app.models import User\n"
        "if TYPE_CHECKING:\n"
        "    from app.gateway import service\n"
        "def f():\n"
        "    from ..auth import deps\n"
        "    from . import queries\n"
    )
    found = _app_imports(source, package="app.review")
    assert found == {"app.db", "app.models", "app.gateway", "app.auth", "app.review"}
    assert _layer("app.auth.deps") == "auth"
    assert _module_name(APP / "review" / "queries.py") == "app.review.queries"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(APP.parent)))
def test_imports_run_downward(path: Path) -> None:
    own = _layer(_module_name(path))
    upward = sorted(
        name
        for name in _imported(path)
        if (layer := _layer(name)) != own
        and RANK.get(layer, -1) > RANK[own]
        and (own, layer) not in EXCEPTIONS
    )
    assert upward == [], f"{own} is below {', '.join(upward)} in LAYERS"


@pytest.mark.parametrize("package", sorted(ONLY))
def test_restricted_packages_import_only_their_allowance(package: str) -> None:
    wrong = {
        f"{_module_name(path)} -> {name}"
        for path in (APP / package).rglob("*.py")
        for name in _imported(path)
        if _layer(name) not in ONLY[package]
    }
    assert wrong == set()
