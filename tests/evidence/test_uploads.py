"""Uploads stream to disk and leave nothing behind when anything fails along the way."""

import contextlib
import errno

import pytest
from anyio.from_thread import start_blocking_portal
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.evidence.storage import LocalStorage, Staging
from app.models import EvidenceFile, EvidenceItem, KsbClaim
from tests.evidence import samples
from tests.evidence.conftest import World, stored_files
from tests.evidence.forms import evidence_fields, new_path, post_form
from tests.html_page import alert_text, parse
from tests.web_client import ORIGIN, csrf_token, sign_in


def counts(session: Session) -> list[int]:
    session.rollback()  # a fresh snapshot: the app committed in its own transaction
    return [
        session.exec(select(func.count()).select_from(model)).one()
        for model in (EvidenceItem, EvidenceFile, KsbClaim)
    ]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Staging]:
    """Every temporary file the app opens: proof that a failure struck mid-upload."""
    found: list[Staging] = []
    real_open = LocalStorage.open_staging

    def spy(self: LocalStorage, *, max_bytes: int) -> Staging:
        found.append(real_open(self, max_bytes=max_bytes))
        return found[-1]

    monkeypatch.setattr(LocalStorage, "open_staging", spy)
    return found


@pytest.fixture
def signed_in(client: TestClient, world: World) -> TestClient:
    sign_in(client, world.apprentice.email)
    return client


def test_a_file_is_stored_under_a_random_key_after_the_rows_commit(
    signed_in: TestClient,
    world: World,
    session: Session,
    storage: LocalStorage,
) -> None:
    path = new_path(world.apprenticeship.id)
    files = [("plan.pdf", samples.PDF, "application/pdf")]
    response = post_form(signed_in, path, evidence_fields(), files, token_from=path)
    assert response.status_code == 303
    row = session.exec(select(EvidenceFile)).one()
    assert stored_files(storage) == [row.storage_key] and "plan" not in row.storage_key
    assert storage.path_for(row.storage_key).read_bytes() == samples.PDF


def test_the_route_never_asks_starlette_to_spool_the_form(
    signed_in: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starlette.requests import Request

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the whole form was parsed by Starlette")

    path = new_path(world.apprenticeship.id)
    token = csrf_token(signed_in, path)
    monkeypatch.setattr(Request, "form", refuse)
    files = [("files", ("plan.pdf", samples.PDF, "application/pdf"))]
    response = signed_in.post(
        f"{path}?csrf_token={token}",
        data=evidence_fields(),  # type: ignore[arg-type]
        files=files,
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_file_chunks_are_written_as_they_arrive(
    app: FastAPI, client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[int] = []
    real_write = Staging.write

    def spy(self: Staging, chunk: bytes) -> None:
        written.append(len(chunk))
        real_write(self, chunk)

    monkeypatch.setattr(Staging, "write", spy)
    big = samples.TEXT * 40_000  # about 2.7 MB, sent in 64 KB pieces as a server would pass it on
    body = _multipart(BOUNDARY, evidence_fields(), ("log.txt", big))
    pieces = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    messages: list[dict[str, object] | Exception] = [
        {"type": "http.request", "body": p, "more_body": True} for p in pieces
    ]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    assert _asgi_post(app, client, world, messages) == 303
    assert sum(written) == len(big) and max(written) <= 65536


def test_a_refused_type_names_the_file_and_keeps_what_was_typed(
    signed_in: TestClient,
    world: World,
    session: Session,
    storage: LocalStorage,
) -> None:
    path = new_path(world.apprenticeship.id)
    files = [
        ("plan.pdf", samples.PDF, "application/pdf"),
        ("setup.pdf", samples.EXE, "application/pdf"),
    ]
    response = post_form(
        signed_in, path, evidence_fields(title="Kept title"), files, token_from=path
    )
    assert response.status_code == 422
    assert "setup.pdf" in alert_text(response.text) and "not accepted" in alert_text(response.text)
    page = parse(response.text)
    assert page.find("input", name="title").attrs["value"] == "Kept title"
    assert "checked" in page.find("input", id="claim-K1").attrs
    assert (
        page.find("textarea", name="justification-S1").text == "I renewed the certificate myself."
    )
    assert page.has(id="files-lost")
    assert counts(session) == [0, 0, 0] and stored_files(storage) == []


def test_a_file_over_the_limit_is_refused_while_streaming(
    app: FastAPI,
    signed_in: TestClient,
    world: World,
    session: Session,
    storage: LocalStorage,
    opened: list[Staging],
) -> None:
    app.state.settings.max_file_bytes = 1024 * 1024
    path = new_path(world.apprenticeship.id)
    big = b"a" * (2 * 1024 * 1024)
    response = post_form(
        signed_in, path, evidence_fields(), [("huge.txt", big, "text/plain")], token_from=path
    )
    assert response.status_code == 422
    assert "huge.txt: the file is larger than the 1 MB limit" in alert_text(response.text)
    assert opened, "the failure should strike while a file is being written"
    assert counts(session) == [0, 0, 0] and stored_files(storage) == []


def test_too_many_files_are_refused(
    app: FastAPI,
    signed_in: TestClient,
    world: World,
    session: Session,
    storage: LocalStorage,
) -> None:
    app.state.settings.max_files_per_item = 2
    path = new_path(world.apprenticeship.id)
    files = [(f"n{i}.txt", samples.TEXT, "text/plain") for i in range(3)]
    response = post_form(signed_in, path, evidence_fields(), files, token_from=path)
    assert response.status_code == 422 and "at most 2 files" in alert_text(response.text)
    assert counts(session) == [0, 0, 0] and stored_files(storage) == []


def test_a_commit_failure_leaves_no_rows_and_no_files(
    app: FastAPI,
    world: World,
    session: Session,
    storage: LocalStorage,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Staging],
) -> None:
    with TestClient(app, base_url=ORIGIN, raise_server_exceptions=False) as client:
        sign_in(client, world.apprentice.email)
        path = new_path(world.apprenticeship.id)
        token = csrf_token(client, path)

        def broken_commit(_self: Session) -> None:
            raise RuntimeError("the database went away at commit")

        monkeypatch.setattr(Session, "commit", broken_commit)
        response = client.post(
            f"{path}?csrf_token={token}",
            data=evidence_fields(),  # type: ignore[arg-type]
            files=[("files", ("plan.pdf", samples.PDF, "application/pdf"))],
            headers={"Origin": ORIGIN},
            follow_redirects=False,
        )
        monkeypatch.undo()
    assert response.status_code == 500  # the failure is told, not hidden behind a redirect
    assert opened, "the failure should strike while a file is being written"
    assert counts(session) == [0, 0, 0] and stored_files(storage) == []


def test_a_full_disk_leaves_nothing_and_says_so(
    signed_in: TestClient,
    world: World,
    session: Session,
    storage: LocalStorage,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Staging],
) -> None:
    def fill_up(self: Staging, chunk: bytes) -> None:
        self.temp_path.write_bytes(chunk[:10])  # part of it got written before the disk filled
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Staging, "write", fill_up)
    path = new_path(world.apprenticeship.id)
    big = samples.TEXT * 40_000
    response = post_form(
        signed_in, path, evidence_fields(), [("log.txt", big, "text/plain")], token_from=path
    )
    assert response.status_code == 507 and "storage is full" in response.text
    assert opened, "the failure should strike while a file is being written"
    assert counts(session) == [0, 0, 0] and stored_files(storage) == []


BOUNDARY = "----portfolio-test"


def test_a_body_that_breaks_off_mid_file_leaves_nothing(
    app: FastAPI,
    client: TestClient,
    world: World,
    session: Session,
    storage: LocalStorage,
    opened: list[Staging],
) -> None:
    """The server fails to read the rest of the body (a reset connection) halfway through."""
    body = _multipart(BOUNDARY, evidence_fields(), ("log.txt", samples.TEXT * 50_000))
    messages: list[dict[str, object] | Exception] = [
        {"type": "http.request", "body": body[:200_000], "more_body": True},
        ConnectionResetError("the connection was reset"),
    ]
    _asgi_post(app, client, world, messages)
    assert opened, "the failure should strike while a file is being written"
    assert counts(session) == [0, 0, 0] and stored_files(storage) == []


def _asgi_post(
    app: FastAPI,
    client: TestClient,
    world: World,
    messages: list[dict[str, object] | Exception],
) -> int | None:
    """POST the evidence form straight at the ASGI app, body in the given messages, as a
    server passes it on; returns the status sent (None if the app gave up before answering)."""
    sign_in(client, world.apprentice.email)
    path = new_path(world.apprenticeship.id)
    token = csrf_token(client, path)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5000),
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": f"csrf_token={token}".encode(),
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"origin", ORIGIN.encode()),
            (b"cookie", cookie.encode()),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
        ],
        "state": {},
    }
    sent: list[int] = []

    async def receive() -> dict[str, object]:
        message = messages.pop(0) if messages else {"type": "http.disconnect"}
        if isinstance(message, Exception):
            raise message
        return message

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            sent.append(int(message["status"]))  # type: ignore[call-overload]

    # A portal runs the app on its own event loop thread, whatever loop this thread may hold
    # (Playwright's, after the browser tests). A disconnect may surface as an error: the tests
    # check what was left behind.
    with start_blocking_portal() as portal, contextlib.suppress(Exception):
        portal.call(app, scope, receive, send)  # type: ignore[arg-type]
    return sent[0] if sent else None


def test_a_client_that_disconnects_mid_file_leaves_nothing(
    app: FastAPI,
    client: TestClient,
    world: World,
    session: Session,
    storage: LocalStorage,
    opened: list[Staging],
) -> None:
    """Part of the body, then the http.disconnect a server sends when the client goes away."""
    body = _multipart(BOUNDARY, evidence_fields(), ("log.txt", samples.TEXT * 50_000))
    messages: list[dict[str, object] | Exception] = [
        {"type": "http.request", "body": body[:100_000], "more_body": True},
        {"type": "http.request", "body": body[100_000:200_000], "more_body": True},
        {"type": "http.disconnect"},
    ]
    _asgi_post(app, client, world, messages)
    assert opened, "the failure should strike while a file is being written"
    assert counts(session) == [0, 0, 0] and stored_files(storage) == []


def _part(boundary: str, disposition: str, extra: str = "") -> bytes:
    return f"--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n{extra}\r\n".encode()


def _multipart(boundary: str, fields: dict[str, object], file: tuple[str, bytes]) -> bytes:
    parts = []
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            parts.append(_part(boundary, f'name="{name}"') + f"{one}\r\n".encode())
    disposition = f'name="files"; filename="{file[0]}"'
    parts.append(_part(boundary, disposition, "Content-Type: text/plain\r\n") + file[1] + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)
