"""Testbed: one span travels through nested callbacks, each re-activating it; the last finishes."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor


def assert_tree(finished) -> None:
    assert finished.parents() == {"one": None}
    assert dict(finished.get("one").attributes) == {"key1": "1", "key2": "2", "key3": "3"}


def test_threads(tracer, finished) -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    done = threading.Event()

    def step(span, number: int) -> None:
        with tracer.scope_manager.activate(span, finish_on_close=number == 3):
            tracer.active_span.set_tag(f"key{number}", str(number))
            if number < 3:
                pool.submit(step, span, number + 1)
            else:
                done.set()

    with tracer.start_active_span("one", finish_on_close=False) as scope:
        pool.submit(step, scope.span, 1)
    assert done.wait(5)
    pool.shutdown(wait=True)
    assert_tree(finished)


def test_asyncio(tracer, finished) -> None:
    async def main() -> None:
        with tracer.start_active_span("one", finish_on_close=False) as scope:
            span = scope.span

            async def step(number: int) -> None:
                with tracer.scope_manager.activate(span, finish_on_close=number == 3):
                    tracer.active_span.set_tag(f"key{number}", str(number))
                    if number < 3:
                        await asyncio.create_task(step(number + 1))

            await asyncio.create_task(step(1))

    asyncio.run(main())
    assert_tree(finished)
