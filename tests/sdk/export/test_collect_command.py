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
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()  # never left running past the test
        process.communicate()
        raise
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
    # Two traces of one span each, sent twice (gRPC, HTTP): printed once per trace.
    assert out.count("── 1 span(s) from unknown_service") == 2
    assert out.count("└─ op ") == 2 and "route=/checkout index=1" in out
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
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"otelbridge collect: cannot listen on 127.0.0.1:{port} (--http-port)")


def test_a_trace_sent_in_several_requests_prints_as_one_tree():
    """A client and a server service export their halves apart: one tree, no missing parent."""
    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor

    process, grpc_endpoint, http_endpoint = start_collect("--window", "0.3")
    try:
        exporters = [GrpcExporter(grpc_endpoint), HttpExporter(http_endpoint + "/v1/traces")]
        providers = []
        for name, exporter in zip(("frontend", "backend"), exporters):
            provider = TracerProvider(resource=Resource({"service.name": name}))
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            providers.append(provider)
        front, back = (p.get_tracer("t") for p in providers)
        with front.start_as_current_span("checkout"), back.start_as_current_span("charge"):
            pass
        for provider in providers:
            provider.shutdown()
    finally:
        out = stop(process)
    assert "── 2 span(s) from backend, frontend" in out
    assert "(parent missing)" not in out
    assert "└─ checkout" in out and "   └─ charge" in out


def test_bad_arguments_are_one_line_each(tmp_path):
    def collect(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "otelbridge", "collect", "--grpc-port", "0"]
        return subprocess.run(
            [*command, "--http-port", "0", *args], capture_output=True, text=True, timeout=20
        )

    for args, message in (
        (("--duration", "-1"), "--duration must be a number of seconds above 0, got -1"),
        (("--output", str(tmp_path / "missing" / "x.jsonl")), "does not exist"),
        (("--http-port", "70000"), "--http-port must be 0 (any free port) to 65535"),
    ):
        result = collect(*args)
        assert result.returncode == 2
        (line,) = result.stderr.splitlines()
        assert line.startswith("otelbridge collect: ") and message in line
