"""Testbed: a parent with its own lifetime finishes after the subtasks that re-activated it."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor


def assert_tree(finished) -> None:
    assert finished.names() == ["task1", "task2", "parent"]
    assert finished.parents() == {"task1": "parent", "task2": "parent", "parent": None}
    parent = finished.get("parent")
    for name in ("task1", "task2"):
        assert finished.get(name).end_time <= parent.end_time


def test_threads(tracer, finished) -> None:
    parent = tracer.start_span("parent")

    def task(name: str, interval: float) -> None:
        with tracer.scope_manager.activate(parent, False), tracer.start_active_span(name):
            time.sleep(interval)

    with ThreadPoolExecutor(max_workers=2) as pool:
        pool.submit(task, "task1", 0.01)
        pool.submit(task, "task2", 0.05)
    parent.finish()
    assert_tree(finished)


def test_asyncio(tracer, finished) -> None:
    async def task(parent, name: str, interval: float) -> None:
        with tracer.scope_manager.activate(parent, False), tracer.start_active_span(name):
            await asyncio.sleep(interval)

    async def main() -> None:
        parent = tracer.start_span("parent")
        await asyncio.gather(task(parent, "task1", 0.01), task(parent, "task2", 0.05))
        parent.finish()

    asyncio.run(main())
    assert_tree(finished)
