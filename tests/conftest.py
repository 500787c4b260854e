"""Suite-wide guard: nothing is exported to the default OTLP endpoint (localhost:4317/4318).

Tests choose their exporters explicitly (in-memory exporters, a receiver on a free port, or
``OTEL_*_EXPORTER`` set for the case at hand); this default keeps a test that forgot from sending
to whatever collector another program runs on the machine. Subprocesses inherit it unless the
test gives them an environment of its own.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Callable, Iterator, List

import pytest


def pytest_configure() -> None:
    for variable in ("OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER"):
        os.environ.setdefault(variable, "none")


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Threads switch as often as CPython allows for the test, so that races between threads
    show up in a few thousand operations instead of millions."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


@pytest.fixture
def serve_wsgi() -> Iterator[Callable[[Any], str]]:
    """Serve a WSGI app (Flask, middleware, ...) on a free loopback port; returns its base URL.
    Every server is shut down when the test ends."""
    from werkzeug.serving import make_server

    servers: List[Any] = []
    threads: List[threading.Thread] = []

    def serve(app: Any) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        servers.append(server)
        threads.append(thread)
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, thread in zip(servers, threads):
        server.shutdown()
        thread.join(5)
