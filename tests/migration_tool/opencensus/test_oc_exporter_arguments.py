# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""OpenCensus' Zipkin and Jaeger exporters given their addresses and service name (as their
docs show them): otelbridge's exporters at the same address, the service name in
``configure()``. The migrated programs' spans reach a receiver on loopback under that name.
An exporter's OpenCensus transport is the span processor that sends the same way."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.migration_tool.projects import migrated_source

HEAD = """\
from opencensus.ext.zipkin.trace_exporter import ZipkinExporter
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer
"""


def test_literal_parts_become_one_url() -> None:
    code = migrated_source(
        HEAD
        + 'tracer = Tracer(exporter=ZipkinExporter(service_name="worker", host_name="zipkin", port=9412, endpoint="/api/v2/spans"), sampler=AlwaysOnSampler())\n'
    )
    assert "opencensus" not in code
    assert 'configure(sampler="always_on", span_exporters=[ZipkinExporter(endpoint="http://zipkin:9412/api/v2/spans")], service_name="worker")' in code


def test_positional_parts_and_the_defaults_of_the_others() -> None:
    code = migrated_source(
        HEAD + 'tracer = Tracer(exporter=ZipkinExporter("svc", "zipkin.local", protocol="https"), sampler=AlwaysOnSampler())\n'
    )
    assert 'ZipkinExporter(endpoint="https://zipkin.local:9411/api/v2/spans")], service_name="svc")' in code


def test_only_a_service_name_keeps_our_default_url() -> None:
    code = migrated_source(HEAD + 'tracer = Tracer(exporter=ZipkinExporter(service_name="svc"), sampler=AlwaysOnSampler())\n')
    assert 'span_exporters=[ZipkinExporter()], service_name="svc")' in code


def test_parts_given_as_code_go_into_an_f_string() -> None:
    code = migrated_source(
        "import os\n"
        + HEAD
        + """
HOST = os.environ.get("ZIPKIN_HOST", "zipkin")
tracer = Tracer(exporter=ZipkinExporter(service_name="api", host_name=HOST, port=int(os.environ.get("ZIPKIN_PORT", 9411))), sampler=AlwaysOnSampler())
"""
    )
    # the part holds double quotes: the f-string takes single ones
    assert """ZipkinExporter(endpoint=f'http://{HOST}:{int(os.environ.get("ZIPKIN_PORT", 9411))}/api/v2/spans')""" in code


STACKDRIVER = """\
from opencensus.ext.stackdriver import trace_exporter as stackdriver_exporter
from opencensus.trace import tracer as tracer_module
from opencensus.trace.samplers import AlwaysOnSampler
"""


def test_an_async_transport_is_the_batch_span_processor() -> None:
    code = migrated_source(
        STACKDRIVER
        + "from opencensus.common.transports.async_ import AsyncTransport\n"
        + 'exporter = stackdriver_exporter.StackdriverExporter(project_id="my-project", transport=AsyncTransport)\n'
        + "tracer = tracer_module.Tracer(exporter=exporter, sampler=AlwaysOnSampler())\n"
    )
    assert "opencensus" not in code
    assert 'configure(sampler="always_on", span_exporters=[CloudTraceSpanExporter(project_id="my-project")], span_processor="batch")' in code


def test_a_sync_transport_is_the_simple_span_processor() -> None:
    code = migrated_source(
        HEAD
        + "from opencensus.common.transports.sync import SyncTransport\n"
        + 'tracer = Tracer(exporter=ZipkinExporter(service_name="svc", transport=SyncTransport), sampler=AlwaysOnSampler())\n'
    )
    assert "opencensus" not in code
    assert 'configure(sampler="always_on", span_exporters=[ZipkinExporter()], span_processor="simple", service_name="svc")' in code


def test_another_transport_keeps_the_set_up_with_its_reason() -> None:
    code = migrated_source(
        STACKDRIVER
        + "from myapp.transports import QueueTransport\n"
        + 'tracer = tracer_module.Tracer(exporter=stackdriver_exporter.StackdriverExporter(transport=QueueTransport), sampler=AlwaysOnSampler())\n'
    )
    assert "CloudTraceSpanExporter" not in code and "configure" not in code
    assert "'tracer' stays OpenCensus: its exporter's transport=QueueTransport has no OpenTelemetry equivalent" in code


def test_an_exporter_made_for_a_tracer_that_stays_is_marked_with_the_tracers_reason() -> None:
    """Not 'StackdriverExporter has no automatic mapping': it has one, its tracer stays."""
    code = migrated_source(
        STACKDRIVER
        + 'exporter = stackdriver_exporter.StackdriverExporter(project_id="my-project")\n'
        + "tracer = tracer_module.Tracer(exporter=exporter, sampler=AlwaysOnSampler())\n"
        + "print(tracer)\n"
    )
    lines = code.splitlines()
    marker = lines[lines.index('exporter = stackdriver_exporter.StackdriverExporter(project_id="my-project")') - 1]
    assert marker.endswith("'tracer' stays OpenCensus: 'tracer' is passed on or returned (its other users are not converted)")


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, json.loads(body)))
        self.send_response(202)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def zipkin() -> Iterator[tuple[int, list[tuple[str, Any]]]]:
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Receiver.received
    server.shutdown()
    server.server_close()


def test_the_migrated_program_reports_to_zipkin_under_its_service_name(tmp_path: Path, zipkin) -> None:
    port, received = zipkin
    program = migrated_source(
        HEAD
        + f"""
tracer = Tracer(exporter=ZipkinExporter(service_name="worker", host_name="127.0.0.1", port={port}, endpoint="/zipkin/spans"), sampler=AlwaysOnSampler())


def main():
    with tracer.span(name="run") as root:
        root.add_attribute("jobs", 3)
"""
    )
    (tmp_path / "worker.py").write_text(program)
    subprocess.run(
        [sys.executable, "-c", "import worker; worker.main()"],
        cwd=tmp_path,
        check=True,
        timeout=30,
        capture_output=True,
    )
    spans = [span for path, batch in received if path == "/zipkin/spans" for span in batch]
    assert [(s["name"], s["localEndpoint"]["serviceName"], s["tags"]["jobs"]) for s in spans] == [("run", "worker", "3")]


JAEGER_HEAD = """\
from opencensus.ext.jaeger.trace_exporter import JaegerExporter
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer
"""


def test_a_jaeger_agent_exporter_keeps_its_agent() -> None:
    code = migrated_source(
        JAEGER_HEAD
        + 'je = JaegerExporter(service_name="pyservice", agent_host_name="jaeger", agent_port=6832)\n'
        + "tracer = Tracer(exporter=je, sampler=AlwaysOnSampler())\n"
    )
    assert "opencensus" not in code and "je =" not in code
    assert 'span_exporters=[JaegerExporter(agent_host_name="jaeger", agent_port=6832)], service_name="pyservice")' in code


def test_a_jaeger_collector_over_http_keeps_the_set_up_with_its_reason() -> None:
    code = migrated_source(
        JAEGER_HEAD
        + 'tracer = Tracer(exporter=JaegerExporter(service_name="s", host_name="jaeger", port=14268), sampler=AlwaysOnSampler())\n'
    )
    assert "otel_JaegerExporter" not in code and "export.jaeger" not in code
    assert "a collector over HTTP: Jaeger takes OTLP natively, use the OTLP exporter" in code


def test_the_migrated_program_reports_to_its_jaeger_agent(tmp_path: Path) -> None:
    agent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    agent.bind(("127.0.0.1", 0))
    agent.settimeout(20)
    port = agent.getsockname()[1]
    program = migrated_source(
        JAEGER_HEAD
        + f"""
tracer = Tracer(exporter=JaegerExporter(service_name="pyservice", agent_host_name="127.0.0.1", agent_port={port}), sampler=AlwaysOnSampler())


def main():
    with tracer.span(name="lookup-order") as span:
        span.add_attribute("order", "A-17")
"""
    )
    (tmp_path / "worker.py").write_text(program)
    try:
        subprocess.run(
            [sys.executable, "-c", "import worker; worker.main()"],
            cwd=tmp_path,
            check=True,
            timeout=30,
            capture_output=True,
        )
        packet = agent.recv(65535)
    finally:
        agent.close()
    # thrift compact emitBatch: the process' service name, the span's name and its tag
    assert b"emitBatch" in packet
    assert b"pyservice" in packet and b"lookup-order" in packet and b"A-17" in packet


def test_the_migrated_program_with_a_sync_transport_sends_each_span_as_it_ends(tmp_path: Path, zipkin) -> None:
    """The program leaves without flushing (os._exit): only spans already sent arrive."""
    port, received = zipkin
    program = migrated_source(
        HEAD
        + "from opencensus.common.transports.sync import SyncTransport\n"
        + f"""
tracer = Tracer(exporter=ZipkinExporter(service_name="worker", host_name="127.0.0.1", port={port}, transport=SyncTransport), sampler=AlwaysOnSampler())


def main():
    with tracer.span(name="run") as root:
        root.add_attribute("jobs", 3)
"""
    )
    assert 'span_processor="simple"' in program
    (tmp_path / "worker.py").write_text(program)
    subprocess.run(
        [sys.executable, "-c", "import os, worker; worker.main(); os._exit(0)"],
        cwd=tmp_path,
        check=True,
        timeout=30,
        capture_output=True,
    )
    spans = [span for _, batch in received for span in batch]
    assert [(s["name"], s["localEndpoint"]["serviceName"], s["tags"]["jobs"]) for s in spans] == [("run", "worker", "3")]
