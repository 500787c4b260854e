# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""OpenCensus' gRPC interceptors, migrated to opentelemetry-instrumentation-grpc's: a real
loopback server and client (generic handler, raw bytes) traced before and after the migration."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Callable

from otelbridge.migration_tool.pipeline import migrate_source

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "oc_span_tree.py"

PROGRAM = """
from concurrent import futures

import grpc
from opencensus.ext.grpc import client_interceptor, server_interceptor
from opencensus.trace.samplers import AlwaysOnSampler


def say(request, context):
    return request.upper()


def main():
    interceptor = server_interceptor.OpenCensusServerInterceptor(AlwaysOnSampler())
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), interceptors=(interceptor,))
    handler = grpc.unary_unary_rpc_method_handler(say)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("demo.Echo", {"Say": handler}),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        target = f"127.0.0.1:{port}"
        with grpc.insecure_channel(target) as channel:
            traced = grpc.intercept_channel(channel, client_interceptor.OpenCensusClientInterceptor(host_port=target))
            assert traced.unary_unary("/demo.Echo/Say")(b"hi", timeout=5) == b"HI"
    finally:
        server.stop(0)
"""


def _spans(output: str) -> list[str]:
    """Each span line of the driver's outline as ``<indent><name> kind=<KIND>``."""
    spans = output.split("\n==")[0].split("\n--")[0]
    return [m.group(1) for m in re.finditer(r"^( *\S+ kind=\w+)", spans, re.MULTILINE)]


def test_interceptors_become_opentelemetry_grpc_instrumentation() -> None:
    code = migrate_source(textwrap.dedent(PROGRAM)).code
    assert "opencensus" not in code
    assert "interceptor = server_interceptor()" in code  # the OpenCensus module name is free
    assert "intercept_channel(channel, client_interceptor())" in code
    assert 'configure(sampler="always_on")' in code


def test_migrated_server_span_is_the_child_of_the_client_span(
    tmp_path: Path, driver: Callable[[Path, str, Path], str]
) -> None:
    legacy = tmp_path / "legacy.py"
    legacy.write_text(PROGRAM)
    migrated = tmp_path / "migrated.py"
    migrated.write_text(migrate_source(PROGRAM).code)
    # OpenCensus: the server span only (its client interceptor traces into the context's
    # tracer, a no-op one here), named with the prefix the migration notes.
    assert _spans(driver(DRIVER, "opencensus", legacy)) == ["Recv.demo.Echo.Say kind=SERVER"]
    # OpenTelemetry: the client call and, propagated through the metadata, the server's span.
    assert _spans(driver(DRIVER, "native", migrated)) == [
        "/demo.Echo/Say kind=CLIENT",
        "  /demo.Echo/Say kind=SERVER",
    ]
