"""Testbed: a parent hands its span to a subtask, which makes a child of it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def assert_tree(finished) -> None:
    assert finished.names() == ["child", "parent"]
    assert finished.parents() == {"child": "parent", "parent": None}
    assert finished.traces() == [{"child", "parent"}]


def test_threads(tracer, finished) -> None:
    def subtask(parent) -> str:
        with tracer.scope_manager.activate(parent, False), tracer.start_active_span("child"):
            return "done"

    with ThreadPoolExecutor(max_workers=1) as pool, tracer.start_active_span("parent") as scope:
        assert pool.submit(subtask, scope.span).result() == "done"
    assert_tree(finished)


def test_asyncio(tracer, finished) -> None:
    async def subtask(parent) -> str:
        with tracer.scope_manager.activate(parent, False), tracer.start_active_span("child"):
            await asyncio.sleep(0)
            return "done"

    async def main() -> None:
        with tracer.start_active_span("parent") as scope:
            assert await subtask(scope.span) == "done"

    asyncio.run(main())
    assert_tree(finished)
