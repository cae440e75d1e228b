"""Backup and restore on both databases: a backup taken while evidence is being written restores
every write acknowledged before it began, whole; restore refuses what is not empty or not intact.
"""

import hashlib
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, col, select
from typer.testing import CliRunner, Result

from app import backup
from app.cli import cli
from app.db import make_engine, open_session
from app.evidence import service
from app.evidence.service import FileChanges
from app.evidence.storage import LocalStorage
from app.models import Apprenticeship, EvidenceFile, EvidenceItem, KsbClaim, User
from app.settings import Settings
from tests.conftest import ensure_postgres_database, reset_postgres
from tests.evidence.conftest import staged
from tests.evidence.test_service import form
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_provider,
    make_standard,
    make_user,
)

WRITERS = 4
WRITES = 1600  # in all, before, during and after the backup
DEADLINE = 20.0  # seconds: the writers stop then even if they have not made all their writes
DELETE_EVERY = 4  # every fourth write deletes the writer's oldest item still standing


@dataclass(frozen=True)
class Portfolio:
    """An apprentice and their apprenticeship, detached: every writer's session may use them."""

    apprentice: User
    apprenticeship: Apprenticeship


@pytest.fixture
def portfolios(session: Session) -> list[Portfolio]:
    """One apprenticeship per writer: on PostgreSQL the writers then do not queue on one row."""
    standard = make_standard(session, ("K1", "S1"), {"D1": ("K1", "S1")})
    provider = make_provider(session)
    employer = make_employer(session, provider)
    tutor = make_user(session, provider, "tutor")
    made = []
    for _ in range(WRITERS):
        apprentice = make_user(session, employer, "apprentice")
        apprenticeship = make_apprenticeship(
            session, standard=standard, provider=provider, employer=employer,
            apprentice=apprentice, tutor=tutor, start=date(2025, 9, 1),
            planned_end=date(2027, 9, 1),
        )  # fmt: skip
        made.append(Portfolio(apprentice, apprenticeship))
    session.commit()
    for portfolio in made:
        session.expunge(portfolio.apprentice)
        session.expunge(portfolio.apprenticeship)
    return made


@pytest.fixture(scope="session")
def restore_database(postgres_migrated: str) -> str:
    """A second PostgreSQL database beside the tests' own, to restore into."""
    url = make_url(postgres_migrated)
    restore_url = url.set(database=f"{url.database}_restore").render_as_string(hide_password=False)
    ensure_postgres_database(restore_url)
    return restore_url


@pytest.fixture
def restored(settings: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings naming an empty data folder and an empty database of the same kind."""
    data_dir = tmp_path / "restored"
    if settings.is_sqlite:
        return Settings(database_url=f"sqlite:///{data_dir / 'portfolio.db'}", data_dir=data_dir)
    url: str = request.getfixturevalue("restore_database")
    reset_postgres(url)  # emptied, not dropped: dropping a database waits for a checkpoint
    return Settings(database_url=url, data_dir=data_dir)


@dataclass
class Acknowledged:
    """When each write returned to its writer, as time.monotonic()."""

    created: dict[int, float] = field(default_factory=dict)
    deleted: dict[int, float] = field(default_factory=dict)
    errors: list[BaseException] = field(default_factory=list)


def create_item(engine: Engine, storage: LocalStorage, portfolio: Portfolio, data: bytes) -> int:
    """Evidence with two claims and a file, in one transaction, as the service writes it."""
    received = staged(storage, data)
    with open_session(engine) as session:
        item = service.create_evidence(
            session,
            viewer=portfolio.apprentice,
            apprenticeship=portfolio.apprenticeship,
            form=form(),
            files=FileChanges(storage=storage, max_files=20, added=[received]),
            submit=False,
            client_addr="test",
        )
        session.commit()
    return item.id or 0


def delete_item(engine: Engine, storage: LocalStorage, portfolio: Portfolio, item_id: int) -> None:
    with open_session(engine) as session:
        service.delete_evidence(
            session,
            viewer=portfolio.apprentice,
            apprenticeship=portfolio.apprenticeship,
            item=session.get_one(EvidenceItem, item_id),
            version=None,
            storage=storage,
            client_addr="test",
        )
        session.commit()


def writer(
    engine: Engine,
    storage: LocalStorage,
    portfolio: Portfolio,
    tickets: Iterator[int],
    done: Acknowledged,
) -> None:
    standing: list[int] = []
    deadline = time.monotonic() + DEADLINE
    try:
        for ticket in tickets:
            if ticket >= WRITES or time.monotonic() > deadline:
                return
            if ticket % DELETE_EVERY == DELETE_EVERY - 1 and standing:
                item_id = standing.pop(0)
                delete_item(engine, storage, portfolio, item_id)
                done.deleted[item_id] = time.monotonic()
            else:
                data = f"Evidence file of write {ticket}.\n".encode() * 20
                item_id = create_item(engine, storage, portfolio, data)
                done.created[item_id] = time.monotonic()
                standing.append(item_id)
    except BaseException as exc:
        done.errors.append(exc)


def run_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """`portfolio ARGS` with these settings, in-process."""
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PORTFOLIO_DATABASE_URL", settings.database_url)
    return CliRunner().invoke(cli, list(args), terminal_width=200)


def files_check(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    result = run_cli(settings, monkeypatch, "files", "check")
    assert result.exit_code == 0, result.output
    return result.output


def test_a_backup_taken_during_writes_restores_every_write_acknowledged_before_it(
    settings: Settings,
    engine: Engine,
    portfolios: list[Portfolio],
    restored: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    storage = LocalStorage(settings.files_dir)
    done = Acknowledged()
    tickets = itertools.count()  # shared: next() on it is atomic under the GIL
    threads = [
        threading.Thread(target=writer, args=(engine, storage, portfolio, tickets, done))
        for portfolio in portfolios
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    while len(done.created) < WRITES // 4 and time.monotonic() - started < DEADLINE / 4:
        time.sleep(0.01)
    began = time.monotonic()
    backup.backup(settings, tmp_path / "backup")
    ended = time.monotonic()
    for thread in threads:
        thread.join()
    assert done.errors == []
    assert any(began < at < ended for at in [*done.created.values(), *done.deleted.values()])

    backup.restore(restored, tmp_path / "backup")
    restored_engine = make_engine(restored.database_url)
    try:
        with open_session(restored_engine, read_only=True) as session:
            items = set(session.exec(select(col(EvidenceItem.id))))
            claims = Counter(session.exec(select(col(KsbClaim.evidence_id))))
            files = list(session.exec(select(EvidenceFile)))
    finally:
        restored_engine.dispose()
    created_before = {item for item, at in done.created.items() if at < began}
    deleted_before = {item for item, at in done.deleted.items() if at < began}
    # A deletion acknowledged while the backup ran may or may not be in its snapshot.
    deleted_by_end = {item for item, at in done.deleted.items() if at < ended}
    assert created_before - deleted_by_end <= items
    assert not deleted_before & items
    assert all(claims[item] == 2 for item in items)
    assert sorted(file.evidence_id for file in files) == sorted(items)
    restored_storage = LocalStorage(restored.files_dir)
    for file in files:
        data = restored_storage.path_for(file.storage_key).read_bytes()
        assert hashlib.sha256(data).hexdigest() == file.sha256
    output = files_check(restored, monkeypatch)
    assert "Rows without files: 0" in output and "Files without rows: 0" in output


@pytest.fixture
def one_item(engine: Engine, settings: Settings, portfolios: list[Portfolio]) -> int:
    return create_item(engine, LocalStorage(settings.files_dir), portfolios[0], b"Site notes.\n")


def test_the_manifest_lists_each_file_and_the_database_with_checksum_and_size(
    settings: Settings, session: Session, one_item: int, tmp_path: Path
) -> None:
    dest = tmp_path / "backup"
    assert backup.backup(settings, dest) == backup.Written(files=1, missing=[])
    manifest = json.loads((dest / "manifest.json").read_text())
    file = session.exec(select(EvidenceFile)).one()
    assert manifest["files"] == [
        {"path": f"files/{file.storage_key[:2]}/{file.storage_key}", "sha256": file.sha256,
         "size": file.size_bytes},
    ]  # fmt: skip
    dump = (dest / manifest["database"]["path"]).read_bytes()
    assert manifest["database"]["sha256"] == hashlib.sha256(dump).hexdigest()
    assert manifest["database"]["size"] == len(dump)


def test_a_file_deleted_after_the_snapshot_is_still_in_the_backup(
    settings: Settings,
    engine: Engine,
    portfolios: list[Portfolio],
    one_item: int,
    restored: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    storage = LocalStorage(settings.files_dir)
    real_copy = backup._copy_stored

    def delete_first(*args: object) -> backup.Entry | None:
        delete_item(engine, storage, portfolios[0], one_item)  # commits, then sets the file aside
        return real_copy(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(backup, "_copy_stored", delete_first)
    assert backup.backup(settings, tmp_path / "backup").missing == []
    monkeypatch.undo()
    backup.restore(restored, tmp_path / "backup")
    output = files_check(restored, monkeypatch)
    assert "Rows without files: 0" in output and "Files without rows: 0" in output


def test_backup_refuses_a_folder_that_is_not_empty(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("something else")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.backup(settings, tmp_path / "backup")


def test_restore_refuses_a_data_folder_that_holds_files(
    settings: Settings, one_item: int, restored: Settings, tmp_path: Path
) -> None:
    backup.backup(settings, tmp_path / "backup")
    LocalStorage(restored.files_dir).put_bytes(LocalStorage.new_key(), b"a file")
    with pytest.raises(backup.BackupError, match="empty data folder"):
        backup.restore(restored, tmp_path / "backup")


def test_restore_refuses_a_database_that_has_tables(settings: Settings, tmp_path: Path) -> None:
    backup.backup(settings, tmp_path / "backup")
    with pytest.raises(backup.BackupError, match=r"already has \d+ table"):
        backup.restore(settings, tmp_path / "backup")  # the migrated database it came from


@pytest.mark.parametrize("damage", ["changed", "missing"])
def test_restore_refuses_a_damaged_file_and_leaves_both_empty(
    settings: Settings, one_item: int, restored: Settings, tmp_path: Path, damage: str
) -> None:
    dest = tmp_path / "backup"
    backup.backup(settings, dest)
    damaged = dest / json.loads((dest / "manifest.json").read_text())["files"][0]["path"]
    if damage == "changed":
        damaged.write_bytes(b"changed since the backup")
    else:
        damaged.unlink()
    with pytest.raises(backup.BackupError, match="Nothing was restored"):
        backup.restore(restored, dest)
    assert [path for path in restored.files_dir.rglob("*") if path.is_file()] == []
    engine = make_engine(restored.database_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_restore_refuses_a_database_dump_that_does_not_match(
    settings: Settings, restored: Settings, tmp_path: Path
) -> None:
    dest = tmp_path / "backup"
    backup.backup(settings, dest)
    dump = dest / json.loads((dest / "manifest.json").read_text())["database"]["path"]
    dump.write_bytes(dump.read_bytes()[:-1])
    with pytest.raises(backup.BackupError, match="does not match its checksum"):
        backup.restore(restored, dest)


def test_restore_refuses_a_folder_without_a_manifest(restored: Settings, tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match=r"no manifest\.json"):
        backup.restore(restored, tmp_path)


def test_the_commands_back_up_the_demo_data_and_restore_it(
    settings: Settings, restored: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(settings, monkeypatch, "demo", "seed", "--apprentices", "2").exit_code == 0
    dest = str(tmp_path / "backup")
    result = run_cli(settings, monkeypatch, "backup", dest)
    assert result.exit_code == 0, result.output
    files = len(json.loads((tmp_path / "backup" / "manifest.json").read_text())["files"])
    assert files > 0 and f"and {files} file(s)" in result.output
    result = run_cli(restored, monkeypatch, "restore", dest)
    assert result.exit_code == 0, result.output
    assert f"and {files} file(s)" in result.output
    result = run_cli(restored, monkeypatch, "files", "check")
    assert result.exit_code == 0, result.output


def test_the_backup_command_names_files_it_could_not_copy_and_fails(
    settings: Settings,
    session: Session,
    one_item: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = session.exec(select(EvidenceFile.storage_key)).one()
    LocalStorage(settings.files_dir).path_for(key).unlink()
    result = run_cli(settings, monkeypatch, "backup", str(tmp_path / "backup"))
    assert result.exit_code == 1
    assert key in result.output and "1 file(s) the database references" in result.output


def test_the_restore_command_refuses_a_database_that_is_not_empty(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(settings, monkeypatch, "backup", str(tmp_path / "backup")).exit_code == 0
    result = run_cli(settings, monkeypatch, "restore", str(tmp_path / "backup"))
    assert result.exit_code == 1
    assert "restore only into an empty database" in result.output
