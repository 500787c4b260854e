"""``otelbridge collect`` as users run it: a subprocess receiving from our exporters."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys

from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter
from otelbridge.sdk.export.otlp.proto.http.metric_exporter import OTLPMetricExporter
from otelbridge.sdk.export.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import PeriodicExportingMetricReader
from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace.export import SpanExportResult

from .conftest import make_spans


def start_collect(*extra: str) -> tuple[subprocess.Popen, str, str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "otelbridge",
            "collect",
            "--grpc-port",
            "0",
            "--http-port",
            "0",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    banner = process.stdout.readline()
    match = re.search(r"gRPC on (\S+), OTLP/HTTP on (\S+?)(,|$)", banner.strip())
    assert match, banner + process.stderr.read()
    return process, match.group(1), match.group(2)


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    return out


def test_collect_prints_span_trees_and_metrics_from_grpc_and_http():
    process, grpc_endpoint, http_endpoint = start_collect()
    try:
        spans = make_spans(2, route="/checkout")
        for exporter in (GrpcExporter(grpc_endpoint), HttpExporter(http_endpoint + "/v1/traces")):
            assert exporter.export(spans) is SpanExportResult.SUCCESS
            exporter.shutdown()
        metric_exporter = OTLPMetricExporter(http_endpoint + "/v1/metrics")
        reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=60_000)
        provider = MeterProvider(
            resource=Resource({"service.name": "metered"}), metric_readers=[reader]
        )
        provider.get_meter("shop").create_counter("orders").add(5, {"country": "fr"})
        provider.shutdown()
    finally:
        out = stop(process)
    assert out.count("── 2 span(s) from unknown_service") == 2
    assert out.count("└─ op ") == 4 and "route=/checkout index=1" in out
    assert "── 1 metric(s) from metered\norders sum (shop)\n  value=5 country=fr" in out
    assert "received 3 request(s)" in out


def test_collect_writes_otlp_json_lines(tmp_path):
    path = tmp_path / "otlp.jsonl"
    process, grpc_endpoint, _ = start_collect("--output", str(path))
    try:
        spans = make_spans(3)
        exporter = GrpcExporter(grpc_endpoint)
        assert exporter.export(spans) is SpanExportResult.SUCCESS
        exporter.shutdown()
    finally:
        out = stop(process)
    assert "── " not in out  # written, not printed
    (line,) = path.read_text().splitlines()
    request = json.loads(line)
    written = request["resourceSpans"][0]["scopeSpans"][0]["spans"]
    assert [span["spanId"] for span in written] == [f"{s.context.span_id:016x}" for s in spans]
    assert written[0]["traceId"] == f"{spans[0].context.trace_id:032x}"
    assert written[0]["kind"] == 1


def test_collect_reports_a_busy_port():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "otelbridge",
                "collect",
                "--grpc-port",
                "0",
                "--http-port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=20,
        )
    assert result.returncode == 1
    assert "otelbridge collect:" in result.stderr
