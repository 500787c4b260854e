"""OpenCensus' gRPC interceptors -> ``opentelemetry-instrumentation-grpc``'s, in place.

``OpenCensusServerInterceptor(sampler, exporter)`` builds a tracer per request; OpenTelemetry's
``server_interceptor()`` uses the global provider, so the sampler and exporter go to the module's
``configure()`` (as a ``Tracer``'s do) and the call becomes ``server_interceptor()`` where it was
(``grpc.server(..., interceptors=[...])`` keeps working). ``OpenCensusClientInterceptor()`` without
a tracer becomes ``client_interceptor()`` (``host_port=`` is dropped: OpenTelemetry records the
peer itself). Notes say what changes on the wire: OpenCensus propagates in the binary
``grpc-trace-bin`` header, OpenTelemetry with the global propagators (``traceparent``), so the
services calling each other migrate together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

import libcst as cst

from otelbridge.migration_tool.findings import Finding
from otelbridge.migration_tool.opencensus.statements import only_legacy_call, with_replaced
from otelbridge.migration_tool.walk import walk

if TYPE_CHECKING:
    from otelbridge.migration_tool.opencensus.traces import OpenCensusTraces

_GRPC = "opencensus.ext.grpc."
SERVER = _GRPC + "server_interceptor.OpenCensusServerInterceptor"
CLIENT = _GRPC + "client_interceptor.OpenCensusClientInterceptor"
_INSTRUMENTATION = "opentelemetry.instrumentation.grpc"
NOTES = (
    "pip install opentelemetry-instrumentation-grpc",
    "OpenCensus propagated in the grpc-trace-bin header, OpenTelemetry in the global propagators' "
    "(traceparent): migrate the services that call each other together",
)
#: OpenCensus' span-name prefix, by interceptor (OpenTelemetry names spans by the method alone).
PREFIXES = {SERVER: "Recv", CLIENT: "Sent"}


class Interceptors:
    """Plans the rewrite of statements that make OpenCensus gRPC interceptors."""

    def __init__(
        self, transform: OpenCensusTraces, names: Callable[[cst.CSTNode], set[str]]
    ) -> None:
        self._transform = transform
        self._names = names

    def plan(self, statement: cst.SimpleStatementLine) -> bool:
        """Rewrite the one interceptor ``statement`` makes, if it maps; whether it did."""
        found = [
            (node, kind)
            for node in walk(statement)
            if isinstance(node, cst.Call)
            for kind in (self._kind(node),)
            if kind
        ]
        if len(found) != 1 or not only_legacy_call(statement, found[0][0], self._names):
            return False
        call, kind = found[0]
        t = self._transform
        if kind == SERVER:
            if t.setup_mapper.blocker(
                call, what="OpenCensusServerInterceptor", order=("sampler", "exporter")
            ):
                return False  # the leftover pass marks it with the route
            t.place_configure(call, t.setup_mapper.setups[call])
        elif any(a.keyword is None or a.keyword.value != "host_port" for a in call.args):
            return False  # a tracer of its own: the leftover pass marks it
        function = "server_interceptor" if kind == SERVER else "client_interceptor"
        new = cst.Call(cst.Name(t.otel(call, _INSTRUMENTATION, function)), [])
        notes = [
            *NOTES,
            f"span names are the method, '/pkg.Service/Method' (OpenCensus: "
            f"'{PREFIXES[kind]}.pkg.Service.Method')",
        ]
        where = t.state.position(call)
        for note in notes:
            t.state.findings.append(Finding("opencensus-note", note, *where))
        t.replace_statement(statement, [with_replaced(statement, call, new, notes)])
        return True

    def _kind(self, call: cst.Call) -> Optional[str]:
        names = self._names(call.func)
        return SERVER if SERVER in names else CLIENT if CLIENT in names else None
