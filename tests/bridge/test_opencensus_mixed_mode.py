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

from otelbridge.devtools.receiver import OTLPReceiver, to_otlp_json

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


def test_one_trace_across_apis_and_processes() -> None:
    spans: dict = {}
    lock = threading.Lock()

    def consume(request):
        document = to_otlp_json(request)
        with lock:
            for resource_spans in document.get("resourceSpans", []):
                for scope_spans in resource_spans.get("scopeSpans", []):
                    for span in scope_spans.get("spans", []):
                        spans[span["name"]] = span
        return None

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
            command = ["-m", "otelbridge", "run", "--", sys.executable, "mixed_app.py", port]
            app = subprocess.run(
                [sys.executable, *command],
                cwd=APPS,
                env=environment(receiver.grpc_endpoint, "bridged-app"),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert app.returncode == 0, app.stderr
        finally:
            peer.terminate()
            peer.wait(10)
        deadline = time.monotonic() + 10
        while "native-server" not in spans and time.monotonic() < deadline:
            time.sleep(0.05)
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
