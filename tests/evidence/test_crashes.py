"""A process that dies at any step of an upload loses no answered upload, and leaves nothing the
sweep of the restarted app does not put right.

Each run forks: the child serves uploads through the real app and dies with os._exit (no
cleanup, no after-commit work) at one step of its last upload; the parent then looks at what the
child left, as a restarted app would.
"""

import hashlib
import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.evidence.storage import LocalStorage, Staging
from app.main import create_app
from app.models import EvidenceFile
from app.settings import Settings
from tests.evidence.conftest import World
from tests.factories import bearer, make_api_token, make_evidence

RUNS = 20
CRASHED = 70  # the child's exit status when it died at the injected step
Patch = Callable[[pytest.MonkeyPatch, Callable[[], bool]], None]


def _die() -> None:
    os._exit(CRASHED)


def before_the_write(monkeypatch: pytest.MonkeyPatch, last: Callable[[], bool]) -> None:
    real = LocalStorage.open_staging

    def open_staging(self: LocalStorage, *, max_bytes: int) -> Staging:
        if last():
            _die()
        return real(self, max_bytes=max_bytes)

    monkeypatch.setattr(LocalStorage, "open_staging", open_staging)


def mid_body(monkeypatch: pytest.MonkeyPatch, last: Callable[[], bool]) -> None:
    real = Staging.write

    def write(self: Staging, chunk: bytes) -> None:
        if last():
            real(self, chunk[: len(chunk) // 2])
            self._out.flush()  # type: ignore[union-attr]  # half the bytes reach the disk
            _die()
        real(self, chunk)

    monkeypatch.setattr(Staging, "write", write)


def after_the_body(monkeypatch: pytest.MonkeyPatch, last: Callable[[], bool]) -> None:
    real = Staging.finish

    def finish(self: Staging) -> Any:
        staged = real(self)
        if last():
            _die()
        return staged

    monkeypatch.setattr(Staging, "finish", finish)


def after_the_commit(monkeypatch: pytest.MonkeyPatch, last: Callable[[], bool]) -> None:
    real = LocalStorage.promote

    def promote(self: LocalStorage, staged: Any) -> None:
        if last():
            _die()
        real(self, staged)

    monkeypatch.setattr(LocalStorage, "promote", promote)


def after_the_rename(monkeypatch: pytest.MonkeyPatch, last: Callable[[], bool]) -> None:
    real = LocalStorage.promote

    def promote(self: LocalStorage, staged: Any) -> None:
        real(self, staged)
        if last():
            _die()

    monkeypatch.setattr(LocalStorage, "promote", promote)


STEPS: dict[str, Patch] = {
    "before the write": before_the_write,
    "mid-body": mid_body,
    "after the body": after_the_body,
    "after the commit": after_the_commit,
    "after the rename": after_the_rename,
}


def content(run: int, upload: int) -> bytes:
    return f"Run {run}, upload {upload}: notes from the incident review.\n".encode() * 500


def upload(client: TestClient, path: str, token: str, data: bytes) -> dict[str, Any] | None:
    """The file's id and digest if the upload was answered with success."""
    files = [("files", ("notes.txt", data, "text/plain"))]
    response = client.post(path, files=files, headers=bearer(token))
    if response.status_code != 201:
        return None
    digest = hashlib.sha256(data).hexdigest()
    ids = [file["id"] for file in response.json()["files"] if file["sha256"] == digest]
    return {"file_id": ids[0], "sha256": digest}


def _child(
    app: FastAPI, patch: Patch, *, out: int, path: str, token: str, run: int, uploads: int
) -> None:
    """Upload `uploads` files one by one, dying at the patched step of the last; each upload
    answered with success is reported to `out` as a JSON line."""
    done = [0]
    patch(pytest.MonkeyPatch(), lambda: done[0] == uploads - 1)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        for number in range(uploads):
            answered = upload(client, path, token, content(run, number))
            if answered:
                os.write(out, json.dumps(answered).encode() + b"\n")
            done[0] += 1


def crash_once(app: FastAPI, patch: Patch, **kwargs: Any) -> list[dict[str, Any]]:
    """Run one child to its death; the uploads it answered with success."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 0
        try:
            os.close(read_end)
            _child(app, patch, out=write_end, **kwargs)
        except BaseException as exc:
            os.write(write_end, json.dumps({"error": repr(exc)}).encode() + b"\n")
            status = 1
        os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        lines = [json.loads(line) for line in pipe.read().splitlines()]
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == CRASHED, lines
    return lines


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_each_step_of_an_upload_loses_no_answered_upload(
    step: str,
    settings: Settings,
    session: Session,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings.model_copy(update={"max_files_per_item": RUNS * 3})
    item = make_evidence(session, apprenticeship=world.apprenticeship, state="draft")
    token = make_api_token(session, world.apprentice)
    session.commit()
    path = f"/api/v1/evidence/{item.id}/files"
    app = create_app(settings)
    # One upload before the forks: each child inherits an app whose statements are compiled
    # (its pool is emptied at shutdown, so no child shares the parent's connections).
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        answered = [upload(client, path, token, content(-1, 0))]
    for run in range(RUNS):
        uploads = run % 3 + 1  # 0, 1 or 2 answered uploads before the one that dies
        answered += crash_once(app, STEPS[step], path=path, token=token, run=run, uploads=uploads)

    with TestClient(create_app(settings)) as client:  # restarted: the start-up sweep runs
        for file in answered:
            assert file is not None
            response = client.get(f"/api/v1/files/{file['file_id']}", headers=bearer(token))
            assert response.status_code == 200
            assert hashlib.sha256(response.content).hexdigest() == file["sha256"]
    storage = LocalStorage(settings.files_dir)
    session.rollback()
    for row in session.exec(select(EvidenceFile)):
        stored = storage.path_for(row.storage_key).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == row.sha256  # none torn, answered or not
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["files", "check"])
    assert result.exit_code == 0, result.output
    assert "Rows without files: 0" in result.output and "Files without rows: 0" in result.output
