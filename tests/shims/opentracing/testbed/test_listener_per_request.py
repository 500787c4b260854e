"""Testbed: each request's span is finished by a listener object when the response arrives."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from opentracing.ext import tags


class ResponseListener:
    def __init__(self, span) -> None:
        self.span = span

    def on_response(self, response: str) -> None:
        self.span.set_tag("response", response)
        self.span.finish()


def start_send(tracer) -> ResponseListener:
    span = tracer.start_span("send", tags={tags.SPAN_KIND: tags.SPAN_KIND_RPC_CLIENT})
    return ResponseListener(span)


def respond(message: str, listener: ResponseListener) -> str:
    response = f"{message}::response"
    listener.on_response(response)
    return response


def assert_tree(finished) -> None:
    assert finished.parents() == {"send": None}
    span = finished.get("send")
    assert span.attributes["response"] == "hello::response"
    assert span.kind.name == "CLIENT"


def test_threads(tracer, finished) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(respond, "hello", start_send(tracer)).result() == "hello::response"
    assert_tree(finished)


def test_asyncio(tracer, finished) -> None:
    async def main() -> str:
        listener = start_send(tracer)
        await asyncio.sleep(0)
        return respond("hello", listener)

    assert asyncio.run(main()) == "hello::response"
    assert_tree(finished)
