"""Testbed: a parent span covers several callbacks and finishes when all of them are done."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def assert_tree(finished) -> None:
    assert finished.parents() == {"task": "parent", "parent": None}
    assert finished.names().count("task") == 3
    assert finished.names()[-1] == "parent"


def test_threads(tracer, finished) -> None:
    pending = [3]
    lock = threading.Lock()

    def task(interval: float, parent) -> None:
        try:
            with tracer.scope_manager.activate(parent, False), tracer.start_active_span("task"):
                time.sleep(interval)
        finally:
            with lock:
                pending[0] -= 1
                last = pending[0] == 0
            if last:
                parent.finish()

    pool = ThreadPoolExecutor(max_workers=3)
    with pool, tracer.start_active_span("parent", finish_on_close=False) as scope:
        for interval in (0.03, 0.01, 0.02):
            pool.submit(task, interval, scope.span)
    assert_tree(finished)


def test_asyncio(tracer, finished) -> None:
    async def task(interval: float) -> None:
        # The parent is active through the task's copy of the context.
        with tracer.start_active_span("task"):
            await asyncio.sleep(interval)

    async def main() -> None:
        with tracer.start_active_span("parent"):
            await asyncio.gather(*(task(interval) for interval in (0.03, 0.01, 0.02)))

    asyncio.run(main())
    assert_tree(finished)
