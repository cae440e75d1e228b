"""Every route is public or protected; anonymous calls to protected ones get no data."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.auth.public_routes import PUBLIC_ROUTES, all_routes, protected_routes, undeclared_routes
from app.main import create_app
from app.settings import Settings
from tests.web_client import ORIGIN


def test_every_route_is_public_or_requires_a_viewer(app: FastAPI) -> None:
    assert undeclared_routes(app) == []


def test_public_routes_exist(app: FastAPI) -> None:
    names = {route.name for route in all_routes(app)}
    assert {"home", "healthz", "login", "login_submit"} <= names
    assert PUBLIC_ROUTES - names <= {
        "activate",
        "activate_submit",
        "password_forgot",
        "password_forgot_submit",
        "password_reset",
        "password_reset_submit",
    }


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_anonymous_requests_to_protected_routes_get_no_data(app: FastAPI) -> None:
    with TestClient(app, base_url=ORIGIN) as client:
        for route in protected_routes(app):
            for method in route.methods:
                response = client.request(
                    method,
                    _concrete(route.path),
                    headers={"Origin": ORIGIN},
                    follow_redirects=False,
                )
                where = f"{method} {route.path}"
                assert response.status_code in (303, 401, 403), where
                if route.path.startswith("/api/"):
                    assert response.status_code == 401, where
                    assert set(response.json()) == {"detail"}, where
                elif response.status_code == 303:
                    assert response.headers["Location"].startswith("/login"), where


def test_a_route_without_protection_is_caught(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/leaky", name="leaky")
    def leaky() -> dict[str, str]:
        return {"secret": "data"}

    assert any("leaky" in entry for entry in undeclared_routes(app))


@pytest.mark.parametrize("path", ["/", "/login", "/healthz"])
def test_public_pages_answer_anonymously(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200
