"""Evidence file storage on a local folder: streamed writes under random keys, swept temp files."""

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

    def open_staging(self, *, max_bytes: int) -> "Staging":
        """A temporary file to write chunk by chunk as they arrive (push style)."""
        key = self.new_key()
        temp = self.path_for(key).with_suffix(TEMP_SUFFIX)
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
        os.replace(staged.temp_path, self.path_for(staged.key))

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
        self.path_for(key).unlink(missing_ok=True)

    def sweep(self, *, older_than_seconds: float = 3600) -> int:
        """Remove temporary files left by uploads that never finished; returns how many."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for temp in self.root.glob(f"*/*{TEMP_SUFFIX}"):
            try:
                old = temp.stat().st_mtime < cutoff
            except FileNotFoundError:  # finished or discarded while we looked
                continue
            if old:
                temp.unlink(missing_ok=True)
                removed += 1
        return removed
