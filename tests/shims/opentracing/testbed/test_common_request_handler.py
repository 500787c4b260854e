"""Testbed: one middleware-like handler opens and closes a span per request."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from opentracing.ext import tags


class RequestHandler:
    """Starts a ``send`` span before a request and finishes it after the response."""

    def __init__(self, tracer, parent_context=None) -> None:
        self.tracer = tracer
        self.parent_context = parent_context

    def before_request(self, request_context: dict) -> None:
        # Requests may run concurrently anywhere: use the saved parent, never the active span.
        span = self.tracer.start_span("send", child_of=self.parent_context, ignore_active_span=True)
        span.set_tag(tags.SPAN_KIND, tags.SPAN_KIND_RPC_CLIENT)
        request_context["span"] = span

    def after_response(self, request_context: dict) -> None:
        request_context.pop("span").finish()


def call(handler: RequestHandler, message: str) -> str:
    context: dict = {}
    handler.before_request(context)
    try:
        return f"{message}::response"
    finally:
        handler.after_response(context)


def test_threads_two_requests_are_independent_roots(tracer, finished) -> None:
    handler = RequestHandler(tracer)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda message: call(handler, message), ["one", "two"]))
    assert results == ["one::response", "two::response"]
    assert finished.names() == ["send", "send"]
    assert len(finished.traces()) == 2  # no parent, no shared trace


def test_threads_active_span_is_ignored_and_saved_parent_used(tracer, finished) -> None:
    with tracer.start_active_span("parent") as parent:
        handler = RequestHandler(tracer, parent.span.context)
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda message: call(handler, message), ["one", "two"]))
        with tracer.start_active_span("unrelated"):
            call(handler, "three")  # active span is not the parent: the saved context is
    parent_id = finished.get("parent").context.span_id
    sends = [span for span in finished.spans() if span.name == "send"]
    assert [span.parent.span_id for span in sends] == [parent_id] * 3
    assert finished.traces() == [{"parent", "send", "unrelated"}]


def test_asyncio(tracer, finished) -> None:
    async def main() -> None:
        with tracer.start_active_span("parent") as parent:
            handler = RequestHandler(tracer, parent.span.context)

            async def request(message: str) -> str:
                await asyncio.sleep(0)
                return call(handler, message)

            await asyncio.gather(request("one"), request("two"))

    asyncio.run(main())
    assert finished.parents() == {"send": "parent", "parent": None}
    assert finished.names().count("send") == 2
