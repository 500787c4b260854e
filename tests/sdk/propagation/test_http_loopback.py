"""Every propagator's headers through a real HTTP request on 127.0.0.1 (requests → http.server)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

import pytest
import requests
from opentelemetry import baggage, trace
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import TextMapPropagator

from otelbridge.sdk.propagation.registry import PROPAGATORS

received: List[Dict[str, str]] = []


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        # Servers hand header names over case-insensitively; lower-case them as WSGI/ASGI stacks do.
        received.append({name.lower(): value for name, value in self.headers.items()})
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.mark.parametrize("name", sorted(PROPAGATORS))
def test_headers_survive_http(name: str, url: str) -> None:
    propagator: TextMapPropagator = PROPAGATORS[name]()
    trace_id = 0x4BF92F3577B34DA6A3CE929D0E0E4736 if name != "ottrace" else 0xA3CE929D0E0E4736
    sent = trace.SpanContext(trace_id, 0x00F067AA0BA902B7, False, trace.TraceFlags(1))
    context = trace.set_span_in_context(trace.NonRecordingSpan(sent), Context())
    context = baggage.set_baggage("user", "Jörg, 1+1", context)
    headers: Dict[str, str] = {}
    propagator.inject(headers, context)
    received.clear()
    assert requests.get(url, headers=headers, timeout=5).status_code == 204
    extracted = propagator.extract(received[0])
    if name == "baggage":
        assert baggage.get_all(extracted) == {"user": "Jörg, 1+1"}
        return
    got = trace.get_current_span(extracted).get_span_context()
    assert (got.trace_id, got.span_id, got.trace_flags) == (trace_id, 0x00F067AA0BA902B7, 1)
    if name == "jaeger":
        assert baggage.get_all(extracted) == {"user": "Jörg, 1+1"}
