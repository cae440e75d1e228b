"""Evidence file storage on a local folder: streamed writes under random keys, swept temp files."""

import hashlib
import os
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1024 * 1024
TEMP_SUFFIX = ".part"


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

    async def stage(self, chunks: AsyncIterator[bytes], *, max_bytes: int) -> StagedFile:
        """Write a stream to a temporary file chunk by chunk, hashing as it goes."""
        key = self.new_key()
        temp = self.path_for(key).with_suffix(TEMP_SUFFIX)
        temp.parent.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        try:
            with temp.open("wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"larger than the {max_bytes // (1024 * 1024)} MB limit")
                    head = head if len(head) >= 8192 else (head + chunk)[:8192]
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return StagedFile(key, temp, size, digest.hexdigest(), head)

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
            if temp.stat().st_mtime < cutoff:
                temp.unlink(missing_ok=True)
                removed += 1
        return removed
