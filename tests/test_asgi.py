"""The uvicorn entry point: an app from the environment's settings, long-lived objects frozen,
the collector tuned for request work."""

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from app.asgi import create


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()  # the test process creates many apps: let the collector see them again
    gc.set_threshold(*thresholds)


def test_the_worker_app_freezes_what_startup_built(
    unfrozen: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(tmp_path))
    app = create()
    assert isinstance(app, FastAPI)
    assert app.state.settings.data_dir == tmp_path
    assert gc.get_freeze_count() > 10_000


def test_the_worker_collects_young_cycles_less_often(
    unfrozen: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(tmp_path))
    create()
    assert gc.get_threshold()[0] >= 50_000
