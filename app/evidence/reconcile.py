"""Evidence files against their rows: what disagrees (`portfolio files check`), and the sweep that
puts it right (at start-up, every few minutes while the app serves, and `portfolio files sweep`).

A file is moved into place only after its row commits, so a crash in between leaves a committed
upload under its temporary name: the sweep moves it into place. A temporary file that no row
references, and a file in place whose row is gone, are removed once nothing has written to them
for the grace period: an upload in progress keeps writing to its file, and a finished one
commits straight away.
"""

import contextlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from app.db import open_session
from app.evidence.storage import Listing, LocalStorage
from app.models import EvidenceFile


@dataclass(frozen=True)
class MissingFile:
    """A row whose file is not in place."""

    file_id: int
    key: str
    waiting: bool  # complete under its temporary name: the next sweep moves it into place


@dataclass(frozen=True)
class Report:
    rows_without_files: list[MissingFile]
    files_without_rows: list[str]
    unfinished: list[str]  # temporary files of no row: uploads in progress or cut short
    deleted: list[str]  # deleted files waiting for the sweep

    @property
    def agree(self) -> bool:
        return not self.rows_without_files and not self.files_without_rows


@dataclass(frozen=True)
class Swept:
    promoted: int
    unfinished_removed: int
    orphans_removed: int  # files in place that no row references, set aside like deletions
    deleted_removed: int


def _rows_and_files(engine: Engine, storage: LocalStorage) -> tuple[dict[str, int], Listing]:
    """Storage key -> file id for every row, and the folder's listing.

    The folder is listed first: a file reaches its place only after its row commits, so every
    file listed in place has a row that the query then sees, unless a deletion came between."""
    listing = storage.listing()
    with open_session(engine, read_only=True) as session:
        statement = select(col(EvidenceFile.storage_key), col(EvidenceFile.id))
        rows = {key: file_id or 0 for key, file_id in session.exec(statement)}
    return rows, listing


def check(engine: Engine, storage: LocalStorage) -> Report:
    rows, listing = _rows_and_files(engine, storage)
    missing = [
        MissingFile(file_id, key, waiting=key in listing.parts)
        for key, file_id in sorted(rows.items(), key=lambda row: row[1])
        # Looked at again: a file moved into place after the listing is not missing.
        if key not in listing.kept and not storage.exists(key)
    ]
    return Report(
        rows_without_files=missing,
        files_without_rows=sorted(listing.kept - rows.keys()),
        unfinished=sorted(listing.parts - rows.keys()),
        deleted=sorted(listing.deleted),
    )


def sweep(engine: Engine, storage: LocalStorage, *, grace_seconds: float) -> Swept:
    """Move committed uploads into place; remove what no row references once it is idle."""
    rows, listing = _rows_and_files(engine, storage)

    def idle(path: Path) -> bool:
        seconds = storage.idle_seconds(path)
        return seconds is not None and seconds >= grace_seconds

    committed = listing.parts & rows.keys()
    for key in committed:
        # Already in place if the app's own after-commit step got there first.
        with contextlib.suppress(FileNotFoundError):
            storage.promote_key(key)
    unfinished = [storage.temp_path_for(key) for key in listing.parts - rows.keys()]
    unfinished = [path for path in unfinished if idle(path)]
    for path in unfinished:
        path.unlink(missing_ok=True)
    orphans = [key for key in listing.kept - rows.keys() if idle(storage.path_for(key))]
    for key in orphans:
        storage.delete(key)
    deleted = [storage.deleted_path_for(key) for key in listing.deleted]
    deleted = [path for path in deleted if idle(path)]
    for path in deleted:
        path.unlink(missing_ok=True)
    return Swept(len(committed), len(unfinished), len(orphans), len(deleted))
