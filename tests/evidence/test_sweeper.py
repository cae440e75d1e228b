"""The app sweeps its files when it starts and every few seconds while it serves, off the loop."""

import threading
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.evidence import reconcile, sweeper
from app.evidence.storage import LocalStorage
from app.main import create_app
from app.settings import Settings
from tests.evidence.conftest import World
from tests.evidence.test_reconcile import committed_row, make_old, unfinished

WAIT = 10.0  # far beyond the few sweeps these tests wait for


@pytest.fixture
def fast_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"files_sweep_seconds": 0.05, "files_grace_seconds": 0.2})


def eventually(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_app_sweeps_when_it_starts(
    settings: Settings, session: Session, world: World, storage: LocalStorage
) -> None:
    committed, stale = unfinished(storage), unfinished(storage)
    committed_row(session, world, committed)
    make_old(storage.temp_path_for(stale))
    with TestClient(create_app(settings)):
        assert storage.exists(committed)
        assert not storage.temp_path_for(stale).exists()


def test_a_start_up_sweep_that_hangs_does_not_keep_the_app_from_serving(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def hanging_sweep(*_args: object, **_kwargs: float) -> reconcile.Swept:
        release.wait(WAIT)  # a database that does not answer
        return reconcile.Swept(0, 0, 0, 0)

    monkeypatch.setattr(reconcile, "sweep", hanging_sweep)
    monkeypatch.setattr(sweeper, "STARTUP_WAIT_SECONDS", 0.1)
    try:
        with TestClient(create_app(settings)) as client:
            assert client.get("/static/app.css").status_code == 200
    finally:
        release.set()


def test_leftover_upload_files_are_removed_while_the_app_serves(
    fast_settings: Settings, world: World, storage: LocalStorage
) -> None:
    with TestClient(create_app(fast_settings)):
        key = unfinished(storage)  # left after the start-up sweep, as by a worker that died
        assert eventually(lambda: not storage.temp_path_for(key).exists())


def test_committed_uploads_are_moved_into_place_while_the_app_serves(
    fast_settings: Settings, session: Session, world: World, storage: LocalStorage
) -> None:
    with TestClient(create_app(fast_settings)):
        key = unfinished(storage)
        committed_row(session, world, key)
        assert eventually(lambda: storage.exists(key))


def test_requests_are_answered_while_a_sweep_runs(
    fast_settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    real_sweep = reconcile.sweep

    def slow_sweep(*args: object, **kwargs: float) -> reconcile.Swept:
        started.set()
        release.wait(WAIT)
        return real_sweep(*args, **kwargs)  # type: ignore[arg-type]

    with TestClient(create_app(fast_settings)) as client:
        monkeypatch.setattr(reconcile, "sweep", slow_sweep)
        assert started.wait(WAIT)
        try:
            assert client.get("/static/app.css").status_code == 200
        finally:
            release.set()


def test_the_sweeps_stop_at_shutdown_after_the_running_one_ends(
    fast_settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[float] = []
    running = threading.Event()

    def counted_sweep(*_args: object, **_kwargs: float) -> reconcile.Swept:
        running.set()
        time.sleep(0.1)
        calls.append(time.monotonic())
        return reconcile.Swept(0, 0, 0, 0)

    with TestClient(create_app(fast_settings)):
        monkeypatch.setattr(reconcile, "sweep", counted_sweep)
        assert running.wait(WAIT)
    stopped = len(calls)
    time.sleep(0.3)
    assert stopped >= 1 and len(calls) == stopped
