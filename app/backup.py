"""Backup and restore: the database and the evidence files its rows reference, with a manifest of
checksums (`portfolio backup DEST`, `portfolio restore SRC`).

The database is copied first, as one snapshot (SQLite's online backup; on PostgreSQL pg_dump
inside a snapshot this module exports and reads too), and then the files that the snapshot's
rows reference. A file is never changed once in place, and a deleted one waits as `.deleted`
for the sweep, so the files the snapshot names can still be read while the app goes on writing.
"""

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import col, select

from app.db import make_engine
from app.evidence.storage import CHUNK, TEMP_SUFFIX, LocalStorage
from app.models import EvidenceFile
from app.settings import Settings

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DUMPS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
MISSING, CHANGED = "is missing from the backup", "does not match its checksum"


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


def _not_restored(path: Path, problem: str) -> BackupError:
    return BackupError(f"{path} {problem}. Nothing was restored.")


@dataclass(frozen=True)
class Entry:
    """One file of the backup: where it is under the backup folder, its SHA-256 and size."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Written:
    files: int
    missing: list[str]  # keys the database names whose files could not be backed up intact


def backup(settings: Settings, dest: Path) -> Written:
    """Write a backup into DEST, which must be missing or empty."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: back up into a new or empty folder.")
    dest.mkdir(parents=True, exist_ok=True)
    kind = _kind(settings)
    dump = dest / DUMPS[kind]
    rows = _dump_sqlite(settings, dump) if kind == "sqlite" else _dump_postgres(settings, dump)
    storage = LocalStorage(settings.files_dir)
    entries, missing = [], []
    for key, sha256 in rows:
        entry = _copy_stored(storage, key, dest)
        if entry is not None and entry.sha256 == sha256:
            entries.append(entry)
            continue
        missing.append(key)
        if entry is not None:
            (dest / entry.path).unlink()  # not the bytes its row describes
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "database": asdict(_entry(dump, dest)) | {"kind": kind},
        "files": [asdict(entry) for entry in entries],
        "missing": missing,
    }
    # Written last, under a temporary name: a backup without its manifest is not one.
    temp = dest / (MANIFEST + TEMP_SUFFIX)
    temp.write_text(json.dumps(manifest, indent=1))
    os.replace(temp, dest / MANIFEST)
    return Written(len(entries), missing)


def restore(settings: Settings, src: Path) -> Written:
    """Restore a backup into an empty data folder and an empty database."""
    manifest = _manifest(src)
    kind = manifest["database"]["kind"]
    if kind != _kind(settings):
        raise BackupError(f"This backup is of a {kind} database, and the settings name another.")
    database = Entry(**{k: manifest["database"][k] for k in ("path", "sha256", "size")})
    _verify(src / database.path, database)
    _refuse_unless_empty(settings)
    storage = LocalStorage(settings.files_dir)
    written: list[Path] = []
    try:
        for entry in (Entry(**item) for item in manifest["files"]):
            written.append(_restore_file(src, entry, storage))
        if kind == "sqlite":
            _restore_sqlite(src / database.path, database, settings)
        else:
            _restore_postgres(src / database.path, settings.database_url)
    except BaseException:
        # The data folder was empty before: leave it so, for the next attempt.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return Written(len(written), list(manifest["missing"]))


# --- The database -------------------------------------------------------------------------


def _kind(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


def _engine(settings: Settings) -> Engine:
    return make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


def _sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    return Path(database)


def _file_rows(read: Any) -> list[tuple[str, str]]:
    return [(key, sha256) for key, sha256 in read]


def _dump_sqlite(settings: Settings, dump: Path) -> list[tuple[str, str]]:
    """SQLite's online backup in one step: one read transaction, so one consistent snapshot,
    while writers go on (WAL). The file rows are then read from the copy itself."""
    timeout = settings.sqlite_busy_timeout_ms / 1000
    with (
        contextlib.closing(sqlite3.connect(_sqlite_path(settings), timeout=timeout)) as source,
        contextlib.closing(sqlite3.connect(dump)) as copy,
    ):
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return _file_rows(copy.execute("SELECT storage_key, sha256 FROM evidence_file"))


def _dump_postgres(settings: Settings, dump: Path) -> list[tuple[str, str]]:
    """pg_dump reads the snapshot this transaction exports, and the file rows are read in the
    same snapshot: the dump and the list of files to copy agree exactly."""
    statement = select(col(EvidenceFile.storage_key), col(EvidenceFile.sha256))
    engine = _engine(settings)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                rows = _file_rows(conn.execute(statement))
                dump_options = ("--format=custom", f"--snapshot={snapshot}", f"--file={dump}")
                _run("pg_dump", *dump_options, url=settings.database_url)
    finally:
        engine.dispose()
    return rows


def _restore_sqlite(dump: Path, database: Entry, settings: Settings) -> None:
    target = _sqlite_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (target, *_sqlite_companions(target)):
        leftover.unlink(missing_ok=True)  # an empty database (checked): nothing is lost
    temp = target.with_name(target.name + TEMP_SUFFIX)
    if _copy(dump, temp) != (database.sha256, database.size):
        temp.unlink()
        raise _not_restored(dump, CHANGED)
    os.replace(temp, target)


def _restore_postgres(dump: Path, url: str) -> None:
    # One transaction: a failure leaves the database as empty as it was. Objects belong to the
    # user restoring, whoever owned them where the backup was taken.
    options = ("--single-transaction", "--exit-on-error", "--no-owner", "--no-acl")
    _run("pg_restore", *options, str(dump), url=url)


def _run(program: str, *args: str, url: str) -> None:
    """Run a PostgreSQL client program; the password goes in its environment, not its argv."""
    found = shutil.which(program)
    if found is None:
        raise BackupError(f"{program} was not found: install the PostgreSQL client programs.")
    parsed = make_url(url)
    env = os.environ | ({"PGPASSWORD": parsed.password} if parsed.password else {})
    dbname = parsed.set(drivername="postgresql", password=None)
    argv = [found, *args, f"--dbname={dbname.render_as_string(hide_password=False)}"]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def _sqlite_companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _refuse_unless_empty(settings: Settings) -> None:
    stored = [path for path in settings.files_dir.rglob("*") if path.is_file()]
    if stored:
        raise BackupError(
            f"The data folder already holds {len(stored)} evidence file(s) in "
            f"{settings.files_dir}: restore only into an empty data folder."
        )
    if settings.is_sqlite and not _sqlite_path(settings).exists():
        return
    engine = _engine(settings)
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"The database already has {len(tables)} table(s): restore only into an empty "
            "database (a new one, or one whose tables have been dropped)."
        )


# --- Files and the manifest ---------------------------------------------------------------


def _chunks(file: BinaryIO) -> Iterator[bytes]:
    while chunk := file.read(CHUNK):
        yield chunk


def _copy(source: Path, target: Path) -> tuple[str, int]:
    """Copy, hashing as it goes; the copy's SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as read:  # first: a source that is not there leaves no empty copy
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            for chunk in _chunks(read):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    return digest.hexdigest(), size


def _entry(path: Path, root: Path) -> Entry:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as read:
        for chunk in _chunks(read):
            digest.update(chunk)
            size += len(chunk)
    return Entry(path.relative_to(root).as_posix(), digest.hexdigest(), size)


def _copy_stored(storage: LocalStorage, key: str, dest: Path) -> Entry | None:
    """Copy a file the snapshot references, wherever it is now: in place, still under its
    temporary name (committed, not yet renamed), or deleted since; None if it is nowhere."""
    relative = f"{FILES}/{key[:2]}/{key}"
    places = (storage.temp_path_for(key), storage.path_for(key), storage.deleted_path_for(key))
    # In the order a file moves: one that moves on while we look is found at its next place.
    for source in places:
        with contextlib.suppress(FileNotFoundError):
            return Entry(relative, *_copy(source, dest / relative))
    return None


def _manifest(src: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((src / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{src} has no {MANIFEST}: it is not a backup, or one that did not finish."
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src} is a backup of format {manifest.get('format')}, not {FORMAT}.")
    return manifest


def _verify(path: Path, entry: Entry) -> None:
    try:
        found = _entry(path, path.parent)
    except FileNotFoundError:
        raise _not_restored(path, MISSING) from None
    if (found.sha256, found.size) != (entry.sha256, entry.size):
        raise _not_restored(path, CHANGED)


def _restore_file(src: Path, entry: Entry, storage: LocalStorage) -> Path:
    """Copy a file into place, checked against the manifest on the way."""
    key = Path(entry.path).name
    temp, target = storage.temp_path_for(key), storage.path_for(key)
    try:
        copied = _copy(src / entry.path, temp)
    except FileNotFoundError:
        raise _not_restored(src / entry.path, MISSING) from None
    if copied != (entry.sha256, entry.size):
        temp.unlink()
        raise _not_restored(src / entry.path, CHANGED)
    os.replace(temp, target)
    return target
