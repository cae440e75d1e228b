"""The placeholder home page, static assets and security headers on every kind of response."""

import json
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import UserSession
from app.web.templating import HTMX_VERSION
from tests.factories import make_provider, make_user
from tests.html_page import Node, parse
from tests.web_client import ORIGIN, PASSWORD, csrf_token, form_values, sign_in


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.meta: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        if tag == "meta" and dict(attrs).get("name") == "htmx-config":
            self.meta = dict(attrs)


def test_home_page_loads_vendored_htmx(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = Scripts()
    page.feed(response.text)
    sources = [s.get("src") or "" for s in page.scripts]
    assert any(src.endswith(f"/static/vendor/htmx-{HTMX_VERSION}.min.js") for src in sources)
    assert all(s.get("src") for s in page.scripts), "inline scripts break the CSP"


def test_served_htmx_is_the_named_version(client: TestClient) -> None:
    response = client.get(f"/static/vendor/htmx-{HTMX_VERSION}.min.js")
    assert response.status_code == 200
    assert f'version:"{HTMX_VERSION}"' in response.text


def test_htmx_config_forbids_eval_and_script_tags(client: TestClient) -> None:
    import json

    page = Scripts()
    page.feed(client.get("/").text)
    config = json.loads(page.meta["content"] or "{}")
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["selfRequestsOnly"] is True


def test_every_response_carries_security_headers(client: TestClient) -> None:
    for path in ("/", "/healthz", "/static/app.css", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_unknown_page_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "could not find" in response.text


def test_unknown_api_path_answers_json(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "detail" in response.json()


def _hx_headers_holder(html: str) -> Node:
    """The one element carrying hx-headers: it must enclose <main>, which htmx forms swap."""
    page = parse(html)
    holders = [node for node in page.find_all() if "hx-headers" in node.attrs]
    assert len(holders) == 1
    assert holders[0].has("main")
    return holders[0]


def _hx_csrf(html: str) -> str:
    headers = json.loads(_hx_headers_holder(html).attrs["hx-headers"])
    assert set(headers) == {"X-CSRF-Token"}
    token: str = headers["X-CSRF-Token"]
    return token


def test_hx_headers_sits_on_the_body_replaced_with_each_page(client: TestClient) -> None:
    assert _hx_headers_holder(client.get("/login").text).tag == "body"


def test_signed_in_page_gives_htmx_the_sessions_csrf_token(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, make_provider(session), "tutor", password=PASSWORD)
    session.commit()
    sign_in(client, user.email)
    html = client.get("/caseload").text
    session.commit()  # a fresh snapshot: SQLite keeps a reader on its first one
    expected = session.exec(select(UserSession.csrf_token)).one()
    assert _hx_csrf(html) == expected
    assert form_values(html)["csrf_token"] == expected


def test_sign_in_page_gives_htmx_the_anonymous_csrf_token(client: TestClient) -> None:
    html = client.get("/login").text
    assert _hx_csrf(html) == client.cookies["portfolio_csrf"] == form_values(html)["csrf_token"]


def test_htmx_sign_in_reloads_the_whole_page_for_the_new_token(
    client: TestClient, session: Session
) -> None:
    """The body keeps the token it was loaded with, so a new session needs a full page load."""
    user = make_user(session, make_provider(session), "tutor", password=PASSWORD)
    session.commit()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        headers={"Origin": ORIGIN, "HX-Request": "true"},
        follow_redirects=False,
    )
    assert response.headers["HX-Redirect"] == "/caseload"
    assert _hx_csrf(client.get("/caseload").text) != token
