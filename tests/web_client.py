"""Driving the app as a browser does: sign in through the form, send the CSRF token back."""

from html.parser import HTMLParser

from fastapi.testclient import TestClient
from httpx import Response

ORIGIN = "http://127.0.0.1:8000"
PASSWORD = "a long test passphrase"


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name"):
            self.values[found["name"] or ""] = found.get("value") or ""


def form_values(html: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


def csrf_token(client: TestClient, path: str) -> str:
    return form_values(client.get(path).text)["csrf_token"]


def post(client: TestClient, path: str, data: dict[str, str], *, token_from: str = "/") -> Response:
    """A same-origin form post carrying the token the page gave out."""
    data = {"csrf_token": csrf_token(client, token_from), **data}
    return client.post(path, data=data, headers={"Origin": ORIGIN}, follow_redirects=False)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    return post(client, "/login", {"email": email, "password": password}, token_from="/login")
