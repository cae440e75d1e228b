"""`portfolio files sweep` removes unfinished upload files older than an hour, and only those."""

import os
import time

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.evidence.storage import LocalStorage
from app.settings import Settings


def test_the_sweep_command_removes_old_temporary_files(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", settings.database_url)
    storage = LocalStorage(settings.files_dir)
    old, fresh = storage.open_staging(max_bytes=10), storage.open_staging(max_bytes=10)
    for staging in (old, fresh):
        staging.finish()
    an_hour_ago = time.time() - 3700
    os.utime(old.temp_path, (an_hour_ago, an_hour_ago))
    result = CliRunner().invoke(cli, ["files", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 " in result.output
    assert not old.temp_path.exists() and fresh.temp_path.exists()
