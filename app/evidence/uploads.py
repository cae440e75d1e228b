"""Streaming multipart/form-data: text fields kept, files written to temporary names as they come.

Starlette's own form parsing spools every file whole before the route runs; here each chunk of a
file goes to disk as soon as it arrives, the size limit is checked as it grows, and the type is
decided from the content once the file is complete. Nothing is held whole in memory.
"""

import errno
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.admission import in_transaction
from app.errors import BadRequest, DomainError
from app.evidence.filetypes import FileType, Rejected, sniff
from app.evidence.storage import LocalStorage, StagedFile, Staging, TooLarge
from app.settings import Settings
from app.web.idempotency import body_digest

FIELD_BYTES = 64 * 1024  # the longest text field (a reflective account) is far below this
MAX_FIELDS = 1000
# Room for the text fields and the multipart framing beside the largest allowed files.
OVERHEAD_BYTES = 16 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RequestTooLarge(DomainError):
    status_code = 413


class StorageFull(DomainError):
    status_code = 507


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_files: int

    @classmethod
    def of(cls, settings: Settings) -> "Limits":
        return cls(settings.max_file_bytes, settings.max_files_per_item)

    @property
    def max_total_bytes(self) -> int:
        return self.max_files * self.max_file_bytes + OVERHEAD_BYTES


@dataclass(frozen=True)
class ReceivedFile:
    """A complete file of an accepted type, still under its temporary name."""

    name: str  # the user's file name, cleaned: shown and offered on download, never a path
    staged: StagedFile
    filetype: FileType


@dataclass
class Upload:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[ReceivedFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one sentence per refused file

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[-1] if values else default

    def getlist(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))

    def digest(self) -> str:
        """What was sent, for telling a repeat from another request (web/idempotency.py)."""
        fields = (
            f"{name}={value}" for name, values in sorted(self.fields.items()) for value in values
        )
        files = (f"{f.name}:{f.staged.sha256}" for f in self.files)
        return body_digest(*fields, *files, *self.problems)

    def discard(self, storage: LocalStorage) -> None:
        for received in self.files:
            storage.discard(received.staged)


@dataclass
class _Part:
    header_name: bytes = b""
    header_value: bytes = b""
    disposition: bytes = b""
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)
    staging: Staging | None = None
    problem: str | None = None


def clean_filename(raw: str) -> str:
    """The last path segment, without control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip().lstrip(".") or "file"
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        keep = extension[:20] if dot and stem else ""
        name = name[: 200 - len(keep) - 1] + "." + keep if keep else name[:200]
    return name


def _boundary(request: Request) -> bytes:
    content_type, options = parse_options_header(request.headers.get("Content-Type", ""))
    if content_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise BadRequest("Send the form as multipart/form-data.")
    return options[b"boundary"]


class _Reader:
    """Feeds the parser; its callbacks queue file work that runs in a thread, off the loop."""

    def __init__(self, boundary: bytes, storage: LocalStorage, limits: Limits) -> None:
        self.storage, self.limits = storage, limits
        self.upload = Upload()
        self.part = _Part()
        self.received = 0
        self.fields = 0
        self.queue: list[tuple[_Part, bytes | None]] = []  # (part, data) or (part, None) = end
        self.opened: list[_Part] = []  # parts that have a temporary file, finished or not
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._data,
                "on_part_end": self._end,
            },
        )

    # Parser callbacks: cheap, synchronous, no disk work.
    def _begin(self) -> None:
        self.part = _Part()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]
        if len(self.part.header_value) > FIELD_BYTES:
            raise BadRequest("A part of the form had an oversized header.")

    def _header_end(self) -> None:
        if self.part.header_name.lower() == b"content-disposition":
            self.part.disposition = self.part.header_value
        self.part.header_name, self.part.header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self.part.disposition)
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = options.get(b"filename")
        if raw_filename is not None:
            self.part.filename = raw_filename.decode("utf-8", "replace")
        else:
            self.fields += 1
            if self.fields > MAX_FIELDS:
                raise BadRequest("The form had too many fields.")

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.part.filename is None:
            self.part.data += data[start:end]
            if len(self.part.data) > FIELD_BYTES:
                raise BadRequest("A text field was far longer than any form allows.")
        else:
            self.queue.append((self.part, data[start:end]))

    def _end(self) -> None:
        if self.part.filename is None:
            value = self.part.data.decode("utf-8", "replace")
            self.upload.fields.setdefault(self.part.name, []).append(value)
        else:
            self.queue.append((self.part, None))

    # File work, run in a worker thread.
    async def feed(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > self.limits.max_total_bytes:
            raise RequestTooLarge("The upload is larger than the limits allow. Nothing was saved.")
        self.parser.write(chunk)
        queue, self.queue = self.queue, []
        if queue:
            await run_in_threadpool(self._work, queue)

    def _work(self, queue: list[tuple[_Part, bytes | None]]) -> None:
        for part, data in queue:
            if data is None:
                self._finish(part)
            else:
                self._write(part, data)

    def _write(self, part: _Part, data: bytes) -> None:
        if part.problem is not None or not data:
            return
        name = clean_filename(part.filename or "")
        if part.staging is None:
            if len(self.upload.files) >= self.limits.max_files:
                part.problem = f"{name}: at most {self.limits.max_files} files can be added."
                return
            part.staging = self.storage.open_staging(max_bytes=self.limits.max_file_bytes)
            self.opened.append(part)
        try:
            part.staging.write(data)
        except TooLarge as exc:
            part.staging.abort()
            part.staging, part.problem = None, f"{name}: the file is {exc}."

    def _finish(self, part: _Part) -> None:
        name = clean_filename(part.filename or "")
        if part.problem is not None:
            self.upload.problems.append(part.problem)
            return
        if part.staging is None:
            # An empty file box sends a part with no name and no bytes: nothing was chosen.
            if part.filename:
                self.upload.problems.append(f"{name}: the file is empty.")
            return
        staged, part.staging = part.staging.finish(), None
        try:
            filetype = sniff(staged.head, staged.temp_path, name)
        except Rejected as exc:
            self.storage.discard(staged)
            self.upload.problems.append(f"{name}: {exc}.")
            return
        self.upload.files.append(ReceivedFile(name, staged, filetype))

    def complete(self) -> None:
        if self.parser.state != MultipartState.END:
            raise BadRequest("The upload did not arrive complete. Please try again.")

    def abandon(self) -> None:
        """Remove every temporary file this request wrote, finished or not."""
        for part in self.opened:
            if part.staging is not None:
                part.staging.abort()
        self.upload.discard(self.storage)


async def receive_upload(request: Request, *, storage: LocalStorage, limits: Limits) -> Upload:
    """Read the whole multipart body; on any failure every temporary file is removed."""
    reader = _Reader(_boundary(request), storage, limits)
    try:
        async for chunk in request.stream():
            await reader.feed(chunk)
        reader.complete()
    except BaseException as exc:
        # Synchronous on purpose: a cancelled request cannot await anything any more.
        reader.abandon()
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(
                "We could not store your files because our storage is full. Nothing was "
                "saved. Please try again later."
            ) from exc
        if isinstance(exc, FormParserError):
            raise BadRequest("The upload could not be read. Please try again.") from exc
        raise
    return reader.upload


async def write_after_upload(
    request: Request,
    *,
    storage: LocalStorage,
    limits: Limits,
    check: Callable[[Session], object],
    write: Callable[[Upload, Session], Response],
) -> Response:
    """Check, stream the body to storage, then write in a short transaction of its own.

    The check runs before the body is read, so a long upload is not streamed only to be turned
    away; `write` must check again, as things may change while the body arrives. Staged files
    the write did not take are removed whatever happens."""
    await in_transaction(request, check, read_only=True)
    upload = await receive_upload(request, storage=storage, limits=limits)
    try:
        return await in_transaction(request, partial(write, upload))
    except BaseException:
        upload.discard(storage)
        raise
