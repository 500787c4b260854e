"""Testbed: a client injects its span into a message; a server extracts it and continues."""

from __future__ import annotations

import asyncio
import queue
import threading

from opentracing import Format
from opentracing.ext import tags


def send(tracer, message: str) -> dict:
    with tracer.start_active_span(
        "send", tags={tags.SPAN_KIND: tags.SPAN_KIND_RPC_CLIENT}
    ) as scope:
        envelope: dict = {"body": message, "headers": {}}
        tracer.inject(scope.span.context, Format.TEXT_MAP, envelope["headers"])
        return envelope


def receive(tracer, envelope: dict) -> None:
    parent = tracer.extract(Format.TEXT_MAP, envelope["headers"])
    server_tags = {tags.SPAN_KIND: tags.SPAN_KIND_RPC_SERVER}
    with tracer.start_active_span("receive", child_of=parent, tags=server_tags) as scope:
        scope.span.log_kv({"event": "received", "body": envelope["body"]})


def assert_tree(finished) -> None:
    assert finished.parents() == {"send": None, "receive": "send"}
    assert finished.traces() == [{"receive", "send"}]
    assert finished.get("send").kind.name == "CLIENT"
    assert finished.get("receive").kind.name == "SERVER"
    assert finished.get("receive").parent.is_remote


def test_threads(tracer, finished) -> None:
    inbox: queue.Queue = queue.Queue()

    def server() -> None:
        receive(tracer, inbox.get(timeout=5))

    thread = threading.Thread(target=server)
    thread.start()
    inbox.put(send(tracer, "hello"))
    thread.join(5)
    assert_tree(finished)


def test_asyncio(tracer, finished) -> None:
    async def main() -> None:
        inbox: asyncio.Queue = asyncio.Queue()

        async def server() -> None:
            receive(tracer, await inbox.get())

        serving = asyncio.create_task(server())
        await inbox.put(send(tracer, "hello"))
        await asyncio.wait_for(serving, 5)

    asyncio.run(main())
    assert_tree(finished)
