"""The load client: keep-alive HTTP/1.1 GETs on one connection, answers parsed by httptools.

The figure a page's p50 is judged by should be the server's. httpx parses HTTP in Python: on
this 2-core machine it added 1.5-2.6 ms to each caseload page (64 KB) and about 1 ms to the
ceiling's, measured against the server's own time for the same requests. httptools (llhttp, in
C; uvicorn's parser, so no new dependency) adds about 0.2 ms.
"""

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httptools


def cookie_header(cookies: Mapping[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


class _Answer(asyncio.Protocol):
    """Feeds what arrives to the parser; resolves `waiting` when a whole answer is in."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiting: asyncio.Future[tuple[int, int]] | None = None
        self.body_bytes = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(ConnectionError(f"the answer is not HTTP/1.1: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionError("the server closed the connection before answering in full"))

    # httptools' callbacks
    def on_message_begin(self) -> None:
        self.body_bytes = 0

    def on_body(self, body: bytes) -> None:
        self.body_bytes += len(body)

    def on_message_complete(self) -> None:
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_result((self.parser.get_status_code(), self.body_bytes))

    def _fail(self, error: ConnectionError) -> None:
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_exception(error)
        if self.transport is not None:
            self.transport.close()


class Connection:
    def __init__(self, answer: _Answer, head: bytes) -> None:
        self._answer = answer
        self._head = head  # everything after the request line

    @classmethod
    @asynccontextmanager
    async def open(
        cls, base_url: str, *, headers: Mapping[str, str] | None = None
    ) -> AsyncIterator["Connection"]:
        """One TCP connection to `base_url` (http://host:port), closed on leaving."""
        url = urlsplit(base_url)
        host, port = url.hostname or "127.0.0.1", url.port or 80
        loop = asyncio.get_running_loop()
        transport, answer = await loop.create_connection(_Answer, host, port)
        lines = [f"Host: {url.netloc}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
        try:
            yield cls(answer, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        finally:
            transport.close()

    async def get(self, path: str) -> tuple[int, int]:
        """GET `path`; its status and body length once the whole answer has arrived."""
        answer = self._answer
        if answer.transport is None or answer.transport.is_closing():
            raise ConnectionError("the server closed the connection before answering in full")
        answer.waiting = asyncio.get_running_loop().create_future()
        answer.transport.write(b"GET %s HTTP/1.1\r\n%s" % (path.encode("ascii"), self._head))
        return await answer.waiting
