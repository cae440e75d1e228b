"""An app served by a real uvicorn on 127.0.0.1, in a background thread, on a free port; and
one keep-alive connection to it."""

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPConnection
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from fastapi import FastAPI


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Yields the server's origin ("http://127.0.0.1:port") once it accepts connections."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    # log_config=None: the test's logging (pytest's caplog) is left as it is.
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One HTTP/1.1 keep-alive connection to the live server."""

    def __init__(self, origin: str) -> None:
        where = urlsplit(origin)
        self.http = HTTPConnection(where.hostname or "", where.port, timeout=10)

    def send(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
    ) -> Answer:
        self.ask(method, path, headers, body)
        return self.answer()

    def ask(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
    ) -> None:
        self.http.request(method, path, body=body or None, headers=headers or {})

    def answer(self) -> Answer:
        response = self.http.getresponse()
        return Answer(response.status, response.headers, response.read())

    def assert_still_open(self) -> None:
        """The next request goes out on the same socket, and is answered."""
        sock = self.http.sock
        assert sock is not None, "the server asked to close the connection"
        assert self.send("GET", "/healthz").status == 200
        assert self.http.sock is sock


@contextmanager
def connected(app: FastAPI) -> Iterator[Connection]:
    with live_server(app) as origin:
        connection = Connection(origin)
        try:
            yield connection
        finally:
            connection.http.close()
