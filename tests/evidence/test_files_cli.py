"""`portfolio files sweep` and `portfolio files check`, run in-process against both databases."""

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import cli
from app.evidence.storage import LocalStorage
from app.settings import Settings
from tests.evidence.conftest import World
from tests.evidence.test_reconcile import committed_row, make_old, unfinished

runner = CliRunner()


@pytest.fixture(autouse=True)
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", settings.database_url)


def test_the_sweep_command_removes_idle_upload_files_and_keeps_fresh_ones(
    storage: LocalStorage,
) -> None:
    old, fresh = unfinished(storage), unfinished(storage)
    make_old(storage.temp_path_for(old))
    result = runner.invoke(cli, ["files", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 unfinished" in result.output
    assert not storage.temp_path_for(old).exists() and storage.temp_path_for(fresh).exists()


def test_the_sweep_command_moves_committed_uploads_into_place(
    session: Session, world: World, storage: LocalStorage
) -> None:
    key = unfinished(storage)
    committed_row(session, world, key)
    result = runner.invoke(cli, ["files", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Moved 1 committed" in result.output and storage.exists(key)


def test_the_check_command_passes_when_files_and_rows_agree(
    session: Session, world: World, storage: LocalStorage
) -> None:
    key = storage.new_key()
    storage.put_bytes(key, b"notes")
    committed_row(session, world, key)
    result = runner.invoke(cli, ["files", "check"])
    assert result.exit_code == 0, result.output
    assert "Rows without files: 0" in result.output and "Files without rows: 0" in result.output


def test_the_check_command_names_what_disagrees_and_fails(
    session: Session, world: World, storage: LocalStorage
) -> None:
    lost = committed_row(session, world, storage.new_key())
    stray = storage.new_key()
    storage.put_bytes(stray, b"no row")
    part = unfinished(storage)
    result = runner.invoke(cli, ["files", "check"])
    assert result.exit_code == 1
    assert "Rows without files: 1" in result.output and lost.storage_key in result.output
    assert "Files without rows: 1" in result.output and stray in result.output
    assert "Unfinished uploads (.part, no row): 1" in result.output and part in result.output
