"""Testbed: a span started in one place is activated (and finished) inside another task."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def assert_tree(finished) -> None:
    assert finished.names() == ["initial", "subtask", "task"]
    assert finished.parents() == {"initial": None, "subtask": "task", "task": None}
    assert finished.traces() == [{"initial"}, {"subtask", "task"}]


def test_threads(tracer, finished) -> None:
    def task(span) -> None:
        with tracer.start_active_span("task"):
            with tracer.scope_manager.activate(span, finish_on_close=True):
                pass  # work that belongs to the initial span, which this closes
            with tracer.start_active_span("subtask"):
                pass

    initial = tracer.start_span("initial")
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(task, initial).result()
    assert_tree(finished)


def test_asyncio(tracer, finished) -> None:
    async def task(span) -> None:
        with tracer.start_active_span("task"):
            with tracer.scope_manager.activate(span, finish_on_close=True):
                await asyncio.sleep(0)
            with tracer.start_active_span("subtask"):
                await asyncio.sleep(0)

    async def main() -> None:
        initial = tracer.start_span("initial")
        await asyncio.create_task(task(initial))

    asyncio.run(main())
    assert_tree(finished)
