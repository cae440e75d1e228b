"""Evidence file storage on a local folder: streamed writes under random keys, each file in place,
being written (`.part`) or deleted and kept a little longer (`.deleted`)."""

import contextlib
import hashlib
import os
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
TEMP_SUFFIX = ".part"
# A deleted file waits under this name until the sweep removes it: a backup that read the
# database before the deletion committed can still copy it.
DELETED_SUFFIX = ".deleted"
HEAD_BYTES = 8192  # enough for every magic number the file type check looks at


class TooLarge(ValueError):
    """The stream went past the size limit; what was written has been removed."""


@dataclass(frozen=True)
class StagedFile:
    """A file fully written to a temporary name, waiting for its row to commit."""

    key: str
    temp_path: Path
    size: int
    sha256: str
    head: bytes  # the first bytes, for deciding the type from the content


class Staging:
    """One file being written to its temporary name; finish() or abort() ends it."""

    def __init__(self, key: str, temp_path: Path, max_bytes: int) -> None:
        self.key, self.temp_path, self.max_bytes = key, temp_path, max_bytes
        self.size, self.head = 0, b""
        self._digest = hashlib.sha256()
        self._out: BinaryIO | None = temp_path.open("wb")

    def write(self, chunk: bytes) -> None:
        """Append a chunk; TooLarge past the limit (the caller aborts), OSError if the disk is."""
        if self._out is None:
            raise ValueError("this staging file is closed")
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise TooLarge(f"larger than the {_megabytes(self.max_bytes)} limit")
        if len(self.head) < HEAD_BYTES:
            self.head = (self.head + chunk)[:HEAD_BYTES]
        self._digest.update(chunk)
        self._out.write(chunk)

    def finish(self) -> StagedFile:
        """Close the file, its bytes on disk: once its row commits, the file must survive even a
        power cut (the sweep moves a committed `.part` into place)."""
        if self._out is not None:
            self._out.flush()
            os.fsync(self._out.fileno())
        self._close()
        return StagedFile(self.key, self.temp_path, self.size, self._digest.hexdigest(), self.head)

    def abort(self) -> None:
        """Close and remove what was written; safe to call more than once."""
        try:
            self._close()
        finally:
            self.temp_path.unlink(missing_ok=True)

    def _close(self) -> None:
        out, self._out = self._out, None
        if out is not None:
            out.close()


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


@dataclass(frozen=True)
class Listing:
    """The keys found in the storage folder, by the state of their file."""

    kept: frozenset[str]  # in place, served
    parts: frozenset[str]  # being written, or left by an upload cut short
    deleted: frozenset[str]  # deleted, waiting for the sweep


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def new_key() -> str:
        # 192 random bits: a key cannot be guessed, and says nothing about the file.
        return secrets.token_urlsafe(24)

    def path_for(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise ValueError("invalid storage key")
        return self.root / key[:2] / key

    def temp_path_for(self, key: str) -> Path:
        return self.path_for(key).with_suffix(TEMP_SUFFIX)

    def deleted_path_for(self, key: str) -> Path:
        return self.path_for(key).with_suffix(DELETED_SUFFIX)

    def open_staging(self, *, max_bytes: int) -> "Staging":
        """A temporary file to write chunk by chunk as they arrive (push style)."""
        key = self.new_key()
        temp = self.temp_path_for(key)
        temp.parent.mkdir(parents=True, exist_ok=True)
        return Staging(key, temp, max_bytes)

    async def stage(self, chunks: AsyncIterator[bytes], *, max_bytes: int) -> StagedFile:
        """Write a stream to a temporary file chunk by chunk, hashing as it goes."""
        staging = self.open_staging(max_bytes=max_bytes)
        try:
            async for chunk in chunks:
                staging.write(chunk)
            return staging.finish()
        except BaseException:
            staging.abort()
            raise

    def promote(self, staged: StagedFile) -> None:
        """Move a staged file into place: called only after its row has committed."""
        self.promote_key(staged.key)

    def promote_key(self, key: str) -> None:
        """Move the key's temporary file into place; the sweep may have done so already."""
        try:
            os.replace(self.temp_path_for(key), self.path_for(key))
        except FileNotFoundError:
            if not self.exists(key):
                raise

    def discard(self, staged: StagedFile) -> None:
        staged.temp_path.unlink(missing_ok=True)

    def put_bytes(self, key: str, data: bytes) -> None:
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def read_chunks(self, key: str) -> Iterator[bytes]:
        with self.path_for(key).open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk

    def exists(self, key: str) -> bool:
        return self.path_for(key).exists()

    def delete(self, key: str) -> None:
        """Take the file out of service; the sweep removes it once it has waited its grace."""
        path = self.path_for(key)
        with contextlib.suppress(FileNotFoundError):
            os.utime(path)  # first: the grace counts from the deletion, not from the upload
            os.replace(path, self.deleted_path_for(key))

    def listing(self) -> Listing:
        """Every key with a file in the folder, by the file's state; other names are ignored."""
        found: dict[str, set[str]] = {"": set(), TEMP_SUFFIX: set(), DELETED_SUFFIX: set()}
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            with os.scandir(folder) as entries:
                for entry in entries:
                    stem, suffix = os.path.splitext(entry.name)
                    if suffix in found and not stem.startswith(".") and entry.is_file():
                        found[suffix].add(stem)
        return Listing(
            kept=frozenset(found[""]),
            parts=frozenset(found[TEMP_SUFFIX]),
            deleted=frozenset(found[DELETED_SUFFIX]),
        )

    @staticmethod
    def idle_seconds(path: Path) -> float | None:
        """Seconds since the file was last written; None if it is gone."""
        try:
            return time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return None
