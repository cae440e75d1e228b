"""The placeholder home page, static assets and security headers on every kind of response."""

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from app.web.templating import HTMX_VERSION


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
