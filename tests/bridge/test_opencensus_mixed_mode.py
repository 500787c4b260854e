"""Mixed mode: OpenTracing, OpenCensus and native spans of one request, plus a loopback HTTP
hop from the bridged process (``otelbridge run``) to a native one, form one trace with the
right parents, exported over OTLP to our receiver."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from otelbridge.devtools.receiver import OTLPReceiver
from otelbridge.sdk.export.otlp.proto.common._json import to_otlp_json

APPS = Path(__file__).parent / "opencensus_apps"


def environment(endpoint: str, service: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_") and k != "PYTHONPATH"}
    env.update(
        OTEL_SERVICE_NAME=service,
        OTEL_TRACES_EXPORTER="otlp",
        OTEL_EXPORTER_OTLP_PROTOCOL="grpc",
        OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
        OTEL_METRICS_EXPORTER="none",
        OTEL_LOGS_EXPORTER="none",
    )
    return env


def collector() -> tuple[dict, Callable[[Any], None]]:
    """Spans by name (and all of them under ``"*"``), and the receiver's consumer."""
    spans: dict = {"*": []}
    lock = threading.Lock()

    def consume(request: Any) -> None:
        document = to_otlp_json(request)
        with lock:
            for resource_spans in document.get("resourceSpans", []):
                for scope_spans in resource_spans.get("scopeSpans", []):
                    for span in scope_spans.get("spans", []):
                        spans[span["name"]] = span
                        spans["*"].append(span)

    return spans, consume


def bridged(app: str, port: str, env: dict) -> None:
    command = ["-m", "otelbridge", "run", "--", sys.executable, app, port]
    done = subprocess.run(
        [sys.executable, *command], cwd=APPS, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_one_trace_across_apis_and_processes() -> None:
    spans, consume = collector()
    with OTLPReceiver(consume, grpc_port=0, http_port=None) as receiver:
        env = environment(receiver.grpc_endpoint, "native-peer")
        peer = subprocess.Popen(
            [sys.executable, str(APPS / "native_server.py")],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            port = peer.stdout.readline().strip()
            bridged("mixed_app.py", port, environment(receiver.grpc_endpoint, "bridged-app"))
        finally:
            peer.terminate()
            peer.wait(10)
        deadline = time.monotonic() + 10
        while "native-server" not in spans and time.monotonic() < deadline:
            time.sleep(0.05)
    del spans["*"]
    parents = {name: span.get("parentSpanId") for name, span in spans.items()}
    ids = {span["spanId"]: name for name, span in spans.items()}
    assert {name: ids.get(parent) for name, parent in parents.items()} == {
        "ot-checkout": None,
        "oc-step": "ot-checkout",
        "native-step": "oc-step",
        "/stock": "native-step",  # opencensus-ext-requests' client span
        "native-server": "/stock",
    }
    assert len({span["traceId"] for span in spans.values()}) == 1
    assert spans["/stock"]["kind"] == 3  # CLIENT
    assert spans["native-server"]["kind"] == 2  # SERVER


def test_exporters_own_http_requests_are_not_traced_by_opencensus_integrations() -> None:
    """OpenCensus' is_exporter flag and OpenTelemetry's suppress-instrumentation key are one."""
    spans, consume = collector()
    with OTLPReceiver(consume, grpc_port=None, http_port=0) as receiver:
        # The app's own request goes to the receiver too (a 404 there). Its exporter is set up
        # by the app (synchronous); the environment's exports nothing.
        env = dict(environment(receiver.http_endpoint, "bridged-app"), OTEL_TRACES_EXPORTER="none")
        bridged("exporter_traffic.py", str(receiver.http_port), env)
    urls = sorted(
        attribute["value"]["stringValue"]
        for span in spans["*"]
        for attribute in span.get("attributes", [])
        if attribute["key"] == "http.url"
    )
    assert urls == [f"http://127.0.0.1:{receiver.http_port}/app"]  # none for POST /v1/traces
    assert sorted(span["name"] for span in spans["*"]) == ["/app", "work"]
