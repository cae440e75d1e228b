"""Running a coroutine from a test, on an event loop of its own in another thread.

The browser tests' Playwright (sync API) keeps an event loop running in the main thread for the
whole session, so asyncio.run() there fails in any test that comes after them.
"""

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()
