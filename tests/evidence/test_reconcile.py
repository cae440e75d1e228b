"""Files against their rows: the check finds what disagrees, the sweep puts it right."""

import os
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.evidence import reconcile
from app.evidence.storage import LocalStorage
from app.models import EvidenceFile
from tests.evidence.conftest import World, file_row, stored_files
from tests.factories import make_evidence

GRACE = 600


def make_old(path: Path) -> None:
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))


def committed_row(session: Session, world: World, key: str) -> EvidenceFile:
    """A committed file row for the key, whatever the storage holds."""
    item = make_evidence(session, apprenticeship=world.apprenticeship, state="draft")
    row = file_row(session, item.id, key, b"notes")
    session.commit()
    return row


def unfinished(storage: LocalStorage, data: bytes = b"notes") -> str:
    """A temporary file as an upload leaves it when the process dies before the rename."""
    staging = storage.open_staging(max_bytes=len(data))
    staging.write(data)
    return staging.finish().key


def sweep(engine: Engine, storage: LocalStorage) -> reconcile.Swept:
    return reconcile.sweep(engine, storage, grace_seconds=GRACE)


def test_the_sweep_moves_a_committed_upload_into_place_whatever_its_age(
    engine: Engine, session: Session, world: World, storage: LocalStorage
) -> None:
    key = unfinished(storage, b"committed, never renamed")
    committed_row(session, world, key)
    assert sweep(engine, storage).promoted == 1
    assert storage.path_for(key).read_bytes() == b"committed, never renamed"
    assert stored_files(storage) == [key]


def test_the_sweep_keeps_an_upload_written_to_recently(
    engine: Engine, storage: LocalStorage
) -> None:
    key = unfinished(storage)
    assert sweep(engine, storage).unfinished_removed == 0
    assert storage.temp_path_for(key).exists()


def test_the_sweep_removes_an_idle_upload_no_row_references(
    engine: Engine, storage: LocalStorage
) -> None:
    key = unfinished(storage)
    make_old(storage.temp_path_for(key))
    assert sweep(engine, storage).unfinished_removed == 1
    assert stored_files(storage) == []


def test_the_sweep_keeps_files_their_rows_reference(
    engine: Engine, session: Session, world: World, storage: LocalStorage
) -> None:
    key = storage.new_key()
    storage.put_bytes(key, b"notes")
    make_old(storage.path_for(key))
    committed_row(session, world, key)
    assert sweep(engine, storage) == reconcile.Swept(0, 0, 0, 0)
    assert storage.exists(key)


def test_an_idle_file_no_row_references_is_set_aside_then_removed(
    engine: Engine, storage: LocalStorage
) -> None:
    key = storage.new_key()
    storage.put_bytes(key, b"its row was deleted, then the process died")
    make_old(storage.path_for(key))
    assert sweep(engine, storage).orphans_removed == 1
    assert stored_files(storage) == [storage.deleted_path_for(key).name]
    make_old(storage.deleted_path_for(key))
    assert sweep(engine, storage).deleted_removed == 1
    assert stored_files(storage) == []


def test_a_recent_file_no_row_references_is_kept(engine: Engine, storage: LocalStorage) -> None:
    key = storage.new_key()
    storage.put_bytes(key, b"notes")
    assert sweep(engine, storage).orphans_removed == 0
    assert storage.exists(key)


def test_a_deleted_file_waits_its_grace_from_the_deletion(
    engine: Engine, storage: LocalStorage
) -> None:
    key = storage.new_key()
    storage.put_bytes(key, b"notes")
    make_old(storage.path_for(key))  # uploaded long ago, deleted just now
    storage.delete(key)
    assert sweep(engine, storage).deleted_removed == 0
    assert storage.deleted_path_for(key).exists()


def test_the_check_finds_rows_without_files_and_files_without_rows(
    engine: Engine, session: Session, world: World, storage: LocalStorage
) -> None:
    lost = committed_row(session, world, storage.new_key())
    waiting_key = unfinished(storage)
    waiting = committed_row(session, world, waiting_key)
    stray = storage.new_key()
    storage.put_bytes(stray, b"no row")
    report = reconcile.check(engine, storage)
    assert report.rows_without_files == [
        reconcile.MissingFile(lost.id or 0, lost.storage_key, waiting=False),
        reconcile.MissingFile(waiting.id or 0, waiting_key, waiting=True),
    ]
    assert report.files_without_rows == [stray]
    assert not report.agree


def test_the_check_lists_unfinished_and_deleted_files_apart(
    engine: Engine, session: Session, world: World, storage: LocalStorage
) -> None:
    kept = storage.new_key()
    storage.put_bytes(kept, b"notes")
    committed_row(session, world, kept)
    part = unfinished(storage)
    gone = storage.new_key()
    storage.put_bytes(gone, b"deleted")
    storage.delete(gone)
    report = reconcile.check(engine, storage)
    assert (report.unfinished, report.deleted) == ([part], [gone])
    assert report.agree


@pytest.mark.parametrize("name", [".DS_Store", "notes.txt"])
def test_names_the_storage_never_writes_are_left_alone(
    engine: Engine, storage: LocalStorage, name: str
) -> None:
    stray = storage.root / "ab" / name
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"not ours")
    make_old(stray)
    assert sweep(engine, storage) == reconcile.Swept(0, 0, 0, 0)
    assert reconcile.check(engine, storage).files_without_rows == []
    assert stray.exists()
