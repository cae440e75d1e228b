"""Streaming a big evidence file to the upload API while watching the server's memory."""

import secrets
import threading
from collections.abc import Iterator
from time import perf_counter

import httpx

from bench.report import UploadResult
from bench.server import Server, SignedIn, memory_kib, reset_peak

FIELD = "files"  # the multipart field POST /api/v1/evidence/{id}/files documents
LINE = b"Bench evidence: plain UTF-8 text, which the upload's content check accepts.\n"
CHUNK = 1 << 20


def multipart(boundary: str, size: int) -> tuple[int, Iterator[bytes]]:
    """(length, body) of a one-file multipart form, generated as it is sent: never in memory."""
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{FIELD}"; filename="bench-evidence.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    block = (LINE * (CHUNK // len(LINE) + 1))[:CHUNK]

    def body() -> Iterator[bytes]:
        yield head
        left = size
        while left > 0:
            yield block[: min(CHUNK, left)]
            left -= CHUNK
        yield tail

    return len(head) + size + len(tail), body()


class MemoryWatch:
    """Samples the server's RSS every 20 ms; its peak, with VmHWM reset first where allowed."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.hwm_reset = reset_peak(pid)
        self.before_kib = memory_kib(pid)["VmRSS"]
        self.peak_kib = self.before_kib
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_kib = max(self.peak_kib, memory_kib(self.pid)["VmRSS"])

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.hwm_reset:
            self.peak_kib = max(self.peak_kib, memory_kib(self.pid)["VmHWM"])


def upload(server: Server, path: str, viewer: SignedIn, result: UploadResult) -> UploadResult:
    """POST one file of result.bytes to `path` as the signed-in viewer; fills in the figures."""
    boundary = "bench-" + secrets.token_hex(12)
    length, body = multipart(boundary, result.bytes)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(length),
        "Origin": server.base_url,
        "X-CSRF-Token": viewer.csrf_token,
    }
    with (
        httpx.Client(base_url=server.base_url, cookies=viewer.cookies, timeout=None) as client,
        MemoryWatch(server.pid) as memory,
    ):
        began = perf_counter()
        response = client.post(path, content=body, headers=headers)
        result.seconds = perf_counter() - began
    result.http_status = response.status_code
    result.mb_per_s = result.bytes / result.seconds / 1e6
    result.rss_before_mib = memory.before_kib / 1024
    result.rss_peak_mib = memory.peak_kib / 1024
    if not response.is_success:
        result.note = f"answered {response.status_code}: {response.text[:120]}"
    return result
