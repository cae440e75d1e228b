"""Templates' url_for: Starlette's paths, root-relative, each looked up once."""

import pytest
from fastapi import FastAPI
from starlette.requests import Request
from starlette.routing import NoMatchFound

from app.web import templating


def request_for(app: FastAPI, host: str = "testserver") -> Request:
    scope = {
        "type": "http",
        "app": app,
        "router": app.router,
        "method": "GET",
        "path": "/",
        "scheme": "http",
        "server": (host, 80),
        "headers": [(b"host", host.encode())],
        "query_string": b"",
        "root_path": "",
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("home", {}),
        ("static", {"path": "app.css"}),
        ("portfolio_overview", {"apprenticeship_id": 7}),
        ("ksb_page", {"apprenticeship_id": 7, "code": "K1"}),
    ],
)
def test_starlettes_paths_from_the_root(app: FastAPI, name: str, params: dict[str, object]) -> None:
    request = request_for(app)
    url_for = templating.templates.env.globals["url_for"]
    context = {"request": request}
    assert str(url_for(context, name, **params)) == request.url_for(name, **params).path


def test_a_link_never_echoes_the_host_header(app: FastAPI) -> None:
    url_for = templating.templates.env.globals["url_for"]
    assert str(url_for({"request": request_for(app, "evil.example")}, "home")) == "/"


def test_query_parameters_can_be_added(app: FastAPI) -> None:
    url_for = templating.templates.env.globals["url_for"]
    url = url_for({"request": request_for(app)}, "admin_users").include_query_params(page=2)
    assert str(url) == "/admin/users?page=2"


def test_an_unknown_route_still_fails(app: FastAPI) -> None:
    url_for = templating.templates.env.globals["url_for"]
    with pytest.raises(NoMatchFound):
        url_for({"request": request_for(app)}, "no_such_route")


def test_each_path_is_looked_up_once(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """FastAPI walks every route on each lookup; a page's nav asks for the same dozen paths."""
    lookups = []
    original = app.router.url_path_for

    def counted(name: str, /, **params: object) -> object:
        lookups.append(name)
        return original(name, **params)

    monkeypatch.setattr(app.router, "url_path_for", counted)
    url_for = templating.templates.env.globals["url_for"]
    for _ in range(3):
        url_for({"request": request_for(app)}, "home")
        url_for({"request": request_for(app)}, "portfolio_overview", apprenticeship_id=7)
    assert lookups == ["home", "portfolio_overview"]
