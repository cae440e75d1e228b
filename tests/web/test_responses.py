"""The web chores: render_page (page, fragment or history restore), redirect_to, refuse_form.

Routes are added to the real app, so the real templates, middleware and error pages answer.
"""

import ast
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from starlette.responses import Response

from app.auth.deps import DbSession
from app.errors import Conflict, FieldErrors
from app.models import Organisation, OrgKind
from app.web.responses import redirect_to, redirect_to_path, refuse_form, render_page

APP = Path(__file__).resolve().parents[2] / "app"
HTMX = {"HX-Request": "true"}
FRAGMENTS = {"message-box": "web/_error.html"}


def _add_routes(app: FastAPI) -> None:
    def page(request: Request) -> Response:
        context = {"status": 200, "message": "Hello"}
        return render_page(request, "web/error.html", context, fragments=FRAGMENTS)

    def go(request: Request) -> Response:
        return redirect_to(request, "admin_user", user_id=7, query={"tab": "roles"})

    def refuse(request: Request, session: DbSession) -> Response:
        session.add(Organisation(name="Written then refused", kind=OrgKind.PROVIDER))
        session.flush()
        error = FieldErrors({"name": "Give a shorter name."})
        context = {"status": 422, "message": "typed: Acme"}
        return refuse_form(request, session, error, "web/error.html", lambda: context)

    app.add_api_route("/_test/page", page, name="test_page")
    # GET, so that no CSRF token is needed: the helpers do not look at the method.
    app.add_api_route("/_test/go", go)
    app.add_api_route("/_test/refuse", refuse)


@pytest.fixture
def web(app: FastAPI, client: TestClient) -> TestClient:
    _add_routes(app)
    return client


def test_the_page_without_htmx(web: TestClient) -> None:
    response = web.get("/_test/page")
    assert response.status_code == 200
    assert "<html" in response.text and "Hello" in response.text
    assert response.headers["Vary"] == "HX-Request, HX-Target"


def test_the_fragment_htmx_targets(web: TestClient) -> None:
    response = web.get("/_test/page", headers=HTMX | {"HX-Target": "message-box"})
    assert response.status_code == 200
    assert "<html" not in response.text and "Hello" in response.text


def test_another_target_gets_the_page(web: TestClient) -> None:
    response = web.get("/_test/page", headers=HTMX | {"HX-Target": "somewhere-else"})
    assert "<html" in response.text


def test_a_history_restore_gets_the_page(web: TestClient) -> None:
    headers = HTMX | {"HX-Target": "message-box", "HX-History-Restore-Request": "true"}
    assert "<html" in web.get("/_test/page", headers=headers).text


def test_redirect_to_answers_303_root_relative(web: TestClient) -> None:
    response = web.get("/_test/go", headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/users/7?tab=roles"


def test_redirect_to_answers_htmx_with_hx_redirect(web: TestClient) -> None:
    response = web.get("/_test/go", headers=HTMX, follow_redirects=False)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/admin/users/7?tab=roles"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil", "x"])
def test_redirect_to_path_refuses_other_sites(target: str) -> None:
    request = Request({"type": "http", "headers": [], "method": "POST"})
    with pytest.raises(ValueError, match="not a path on this site"):
        redirect_to_path(request, target)


def test_a_refused_form_rolls_back_and_keeps_what_was_typed(
    web: TestClient, session: Session
) -> None:
    for headers in ({}, HTMX):
        response = web.get("/_test/refuse", headers=headers)
        assert response.status_code == 422
        assert "typed: Acme" in response.text
    written = session.exec(select(Organisation).where(Organisation.name == "Written then refused"))
    assert written.all() == []


def test_a_conflict_keeps_its_status() -> None:
    assert Conflict("Someone else changed it.").status_code == 409
    assert FieldErrors.one("name", "Give a name.").detail == "Give a name."
    assert FieldErrors.one("name", "Give a name.").fields == {"name": "Give a name."}


def _sources_outside_web() -> list[tuple[Path, str]]:
    return [
        (path, path.read_text())
        for path in sorted(APP.rglob("*.py"))
        if path.relative_to(APP).parts[0] != "web"
    ]


def test_only_web_reads_the_htmx_target() -> None:
    readers = [str(p) for p, text in _sources_outside_web() if "hx-target" in text.lower()]
    assert readers == []


# Parts of request.url that say nothing of the host it was sent to.
_HOSTLESS_PARTS = {"path", "query", "scheme"}


def _request_urls(tree: ast.AST) -> list[str]:
    """request.url_for(...), request.base_url, request.url (whole, or its host): URLs built from
    the Host header the request came with."""
    found = []
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "request"
        ):
            continue
        parent = parents.get(id(node))
        hostless = isinstance(parent, ast.Attribute) and parent.attr in _HOSTLESS_PARTS
        if node.attr in ("url_for", "base_url") or (node.attr == "url" and not hostless):
            found.append(f"line {node.lineno}: request.{node.attr}")
    return sorted(found)


def test_no_module_outside_web_builds_urls_from_the_request() -> None:
    found = {
        str(path.relative_to(APP)): hits
        for path, text in _sources_outside_web()
        if (hits := _request_urls(ast.parse(text)))
    }
    assert found == {}


def test_the_url_check_sees_each_form() -> None:
    source = (
        "a = request.url_for('x')\n"
        "b = request.base_url\n"
        "c = str(request.url)\n"
        "d = request.url.netloc\n"
        "e = request.url.path\n"
        "f = url_for('x')\n"
    )
    assert _request_urls(ast.parse(source)) == [
        "line 1: request.url_for",
        "line 2: request.base_url",
        "line 3: request.url",
        "line 4: request.url",
    ]
