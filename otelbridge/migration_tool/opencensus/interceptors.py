"""OpenCensus' gRPC interceptors -> ``opentelemetry-instrumentation-grpc``'s, in place.

``OpenCensusServerInterceptor(sampler, exporter)`` builds a tracer per request; OpenTelemetry's
``server_interceptor()`` uses the global provider, so the sampler and exporter go to the module's
``configure()`` (as a ``Tracer``'s do) and the call becomes ``server_interceptor()`` where it was
(``grpc.server(..., interceptors=[...])`` keeps working). OpenTelemetry's client interceptor is not
a ``grpc`` one: ``grpc.intercept_channel(channel, OpenCensusClientInterceptor())`` (no tracer of its
own) becomes ``grpcext.intercept_channel(channel, client_interceptor())``, the instrumentation's
own ``intercept_channel`` (``host_port=`` is dropped: OpenTelemetry records the peer itself).
Notes say what changes on the wire: OpenCensus propagates in the binary ``grpc-trace-bin``
header, OpenTelemetry with the global propagators (``traceparent``), so the services calling each
other migrate together.
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
        replaced: cst.CSTNode = call
        channel = None
        if kind == SERVER:
            if t.setup_mapper.blocker(
                call, what="OpenCensusServerInterceptor", order=("sampler", "exporter")
            ):
                return False  # the leftover pass marks it with the route
            t.place_configure(call, t.setup_mapper.setups[call])
        else:
            outer = self._intercepted(statement, call)
            if outer is None or any(
                a.keyword is None or a.keyword.value != "host_port" for a in call.args
            ):
                return False  # a tracer of its own, or held: the leftover pass marks it
            replaced, channel = outer, outer.args[0]
        function = "server_interceptor" if kind == SERVER else "client_interceptor"
        new = cst.Call(cst.Name(t.otel(call, _INSTRUMENTATION, function)), [])
        if channel is not None:
            intercept = t.otel(call, _INSTRUMENTATION + ".grpcext", "intercept_channel")
            new = cst.Call(cst.Name(intercept), [channel, cst.Arg(new)])
        notes = [
            *NOTES,
            f"span names are the method, '/pkg.Service/Method' (OpenCensus: "
            f"'{PREFIXES[kind]}.pkg.Service.Method')",
        ]
        where = t.state.position(call)
        for note in notes:
            t.state.findings.append(Finding("opencensus-note", note, *where))
        t.replace_statement(statement, [with_replaced(statement, replaced, new, notes)])
        return True

    def _intercepted(self, statement: cst.CSTNode, interceptor: cst.Call) -> Optional[cst.Call]:
        """The ``grpc.intercept_channel(channel, interceptor)`` of ``statement``, if it is one."""
        for node in walk(statement):
            if (
                isinstance(node, cst.Call)
                and "grpc.intercept_channel" in self._names(node.func)
                and len(node.args) == 2
                and all(a.keyword is None and not a.star for a in node.args)
                and node.args[1].value is interceptor
            ):
                return node
        return None

    def _kind(self, call: cst.Call) -> Optional[str]:
        names = self._names(call.func)
        return SERVER if SERVER in names else CLIENT if CLIENT in names else None
