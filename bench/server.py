"""A real uvicorn process on a free port, its memory, and signing in through the login form."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx

from app import PROJECT_ROOT


@dataclass(frozen=True)
class Server:
    pid: int
    base_url: str
    cores: frozenset[int] | None = None  # where it is pinned (bench/cores.py)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit code {process.returncode})")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer {url} within {timeout_s:.0f} s")


@contextmanager
def serve(
    app: str,
    *,
    env: dict[str, str],
    ready_path: str = "/",
    factory: bool = False,
    cores: frozenset[int] | None = None,
) -> Iterator[Server]:
    """uvicorn with one worker (one process: its PID is the server's), access log off; pinned
    to `cores` from before it starts, so that every thread it starts is pinned too."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1", "--no-access-log", "--log-level", "warning"]
    command += ["--factory"] if factory else []
    pin = (lambda: os.sched_setaffinity(0, cores)) if cores else None
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **env}, preexec_fn=pin)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(process, base_url + ready_path, timeout_s=60)
        yield Server(process.pid, base_url, cores)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak since start or since reset_peak), in KiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux 4.0+); False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class _Tokens(HTMLParser):
    """The form's csrf_token input and the token htmx sends (hx-headers on <body>)."""

    def __init__(self) -> None:
        super().__init__()
        self.form_token: str | None = None
        self.header_token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") == "csrf_token":
            self.form_token = found.get("value")
        if tag == "body" and found.get("hx-headers"):
            self.header_token = json.loads(found["hx-headers"] or "{}").get("X-CSRF-Token")


def tokens(html: str) -> _Tokens:
    parser = _Tokens()
    parser.feed(html)
    return parser


@dataclass(frozen=True)
class SignedIn:
    email: str
    cookies: dict[str, str]
    csrf_token: str  # for state-changing requests: the X-CSRF-Token header
    home: str  # where the login sent this role


def sign_in(client: httpx.Client, *, origin: str, email: str, password: str) -> SignedIn:
    """As a browser does: GET /login (cookie and token), POST it back with the Origin header.

    Works for a real server (httpx.Client) and in process (Starlette's TestClient) alike.
    """
    form_token = tokens(client.get("/login").text).form_token or ""
    answer = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": form_token},
        headers={"Origin": origin},
        follow_redirects=False,
    )
    if answer.status_code != 303:
        raise RuntimeError(f"signing in as {email} answered {answer.status_code}")
    home = answer.headers["location"]
    header_token = tokens(client.get(home).text).header_token or ""
    return SignedIn(email, dict(client.cookies), header_token, home)
