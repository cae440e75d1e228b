"""The load client against a canned HTTP/1.1 server: what it sends, what it reads back."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bench.client import Connection, cookie_header
from tests.event_loop import run_async


async def _serve(replies: list[bytes], seen: list[bytes]) -> tuple[asyncio.Server, str]:
    """Answers each request on a connection with the next canned reply, in order."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for reply in replies:
            request = await reader.readuntil(b"\r\n\r\n")
            seen.append(request)
            writer.write(reply)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def _run(
    replies: list[bytes], talk: Callable[[str], Awaitable[object]]
) -> tuple[object, list[bytes]]:
    seen: list[bytes] = []

    async def go() -> object:
        server, base_url = await _serve(replies, seen)
        async with server:
            return await talk(base_url)

    return run_async(go), seen


def _ok(body: bytes, status: str = "200 OK") -> bytes:
    return b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (status.encode(), len(body), body)


def test_a_get_reads_the_status_and_the_whole_body() -> None:
    body = b"x" * 200_000  # more than one read's worth

    async def talk(base_url: str) -> tuple[int, int]:
        async with Connection.open(base_url) as connection:
            return await connection.get("/page")

    answer, _ = _run([_ok(body)], talk)
    assert answer == (200, 200_000)


def test_requests_reuse_one_connection_and_each_gets_its_own_answer() -> None:
    async def talk(base_url: str) -> list[tuple[int, int]]:
        async with Connection.open(base_url) as connection:
            return [await connection.get("/a"), await connection.get("/b")]

    answers, seen = _run([_ok(b"first"), _ok(b"", "404 Not Found")], talk)
    assert answers == [(200, 5), (404, 0)]
    assert [request.split(b" ")[1] for request in seen] == [b"/a", b"/b"]


def test_a_chunked_body_is_counted_without_its_framing() -> None:
    reply = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"

    async def talk(base_url: str) -> tuple[int, int]:
        async with Connection.open(base_url) as connection:
            return await connection.get("/")

    answer, _ = _run([reply], talk)
    assert answer == (200, 5)


def test_the_request_names_the_host_and_carries_the_cookies() -> None:
    async def talk(base_url: str) -> tuple[int, int]:
        cookies = cookie_header({"portfolio_session": "abc", "portfolio_csrf": "d"})
        async with Connection.open(base_url, headers={"Cookie": cookies}) as connection:
            return await connection.get("/caseload?sort=name")

    _, seen = _run([_ok(b"")], talk)
    lines = seen[0].decode().split("\r\n")
    assert lines[0] == "GET /caseload?sort=name HTTP/1.1"
    assert "Host: 127.0.0.1:" + lines[1].rpartition(":")[2] == lines[1]
    assert "Cookie: portfolio_session=abc; portfolio_csrf=d" in lines


def test_a_connection_closed_mid_answer_is_an_error_not_a_hang() -> None:
    async def talk(base_url: str) -> tuple[int, int]:
        async with Connection.open(base_url) as connection:
            return await asyncio.wait_for(connection.get("/"), timeout=10)

    cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part"
    with pytest.raises(ConnectionError, match="closed"):
        _run([cut], talk)


def test_a_malformed_answer_is_an_error() -> None:
    async def talk(base_url: str) -> tuple[int, int]:
        async with Connection.open(base_url) as connection:
            return await asyncio.wait_for(connection.get("/"), timeout=10)

    with pytest.raises(ConnectionError, match="not HTTP"):
        _run([b"SMTP ready\r\n\r\n"], talk)
