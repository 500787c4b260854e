"""Names of the legacy APIs the migration recognises, and the attribute names they map to."""

from __future__ import annotations

from otelbridge.migration_tool.engine.vocabulary import Vocabulary

LEGACY_MODULES = ("opentracing", "jaeger_client")
#: Modules whose imports are removed once nothing reads them (``composite.py``).
#: OpenTracing framework integrations (``transforms/integrations.py``): their imports go too once
#: the set-up became an instrumentor and nothing else uses them.
INTEGRATION_MODULES = (
    "flask_opentracing",
    "redis_opentracing",
    "sqlalchemy_opentracing",
    "tornado_opentracing",
    "elasticsearch_opentracing",
    "grpc_opentracing",
    "django_opentracing",
    "requests_opentracing",
    "pyramid_opentracing",
    "opentracing_instrumentation",
)
REMOVABLE_IMPORTS = (*LEGACY_MODULES, *INTEGRATION_MODULES, "opencensus")
#: What legacy code imports for the legacy API's sake, also removed once the migrated module
#: no longer reads it: google.rpc's codes, which OpenCensus' ``Status(code=code_pb2.X)`` takes.
REMOVABLE_MODULES = ("google.rpc",)
#: What migrated code imports (name prefixes): the API and our SDK.
MIGRATED_MODULES = ("opentelemetry.", "otelbridge.")

GLOBAL_TRACER_CALLS = frozenset({"opentracing.global_tracer"})
GLOBAL_TRACER_ATTRS = frozenset({"opentracing.tracer"})
#: OpenTracing's no-op tracer: ``trace.NoOpTracer()`` does the same (nothing), any scope manager
#: given to it is dropped (OpenTelemetry keeps the active span in ``contextvars``).
NOOP_TRACER_CALLS = frozenset({"opentracing.Tracer", "opentracing.tracer.Tracer"})
SET_GLOBAL_TRACER = frozenset({"opentracing.set_global_tracer"})
JAEGER_CONFIG = "jaeger_client.Config"
#: OpenTracing's test tracer: becomes an SDK tracer recording into an in-memory exporter.
MOCK_TRACERS = frozenset(
    {"opentracing.mocktracer.MockTracer", "opentracing.mocktracer.mocktracer.MockTracer"}
)
#: Calls that make an OpenTracing tracer the rewrite converts.
TRACER_FACTORIES = GLOBAL_TRACER_CALLS | NOOP_TRACER_CALLS | MOCK_TRACERS
#: Where a tracer comes from when the OpenTracing global tracer can stand in for it at a kept site
#: (the bridge's global tracer records into the converted code's provider; a jaeger set-up makes
#: its tracer the global one): not a ``MockTracer`` nor a tracer the project was handed.
GLOBAL_STAND_INS = GLOBAL_TRACER_CALLS | GLOBAL_TRACER_ATTRS | NOOP_TRACER_CALLS | {JAEGER_CONFIG}
#: opentracing-instrumentation's request context: the active span, and its activation
#: (``transforms/request_context.py``).
REQUEST_CONTEXT = "opentracing_instrumentation.request_context"
#: the package re-exports them (and ``traced_function``)
_INSTRUMENTATION = "opentracing_instrumentation"
CURRENT_SPAN_CALLS = frozenset(
    {f"{REQUEST_CONTEXT}.get_current_span", f"{_INSTRUMENTATION}.get_current_span"}
)
SPAN_ACTIVATIONS = frozenset(
    f"{module}.{name}"
    for module in (REQUEST_CONTEXT, _INSTRUMENTATION)
    for name in ("span_in_context", "span_in_stack_context")
)
#: opentracing-instrumentation's local spans (``transforms/local_span.py``): the decorator, a
#: span for a ``with`` block, a child span started by hand.
TRACED_FUNCTIONS = frozenset(
    {f"{_INSTRUMENTATION}.local_span.traced_function", f"{_INSTRUMENTATION}.traced_function"}
)
FUNC_SPAN = f"{_INSTRUMENTATION}.local_span.func_span"
START_CHILD_SPAN = f"{_INSTRUMENTATION}.utils.start_child_span"
LOCAL_SPAN_CALLS = frozenset({FUNC_SPAN, START_CHILD_SPAN})
#: OpenTracing's own ``start_child_span(parent_span, operation_name, tags, start_time)``.
CHILD_SPAN_CALLS = frozenset(
    {"opentracing.start_child_span", "opentracing.tracer.start_child_span"}
)
REFERENCE_FUNCS = {"opentracing.child_of": "child_of", "opentracing.follows_from": "follows_from"}

#: ``opentracing.ext.tags`` (re-exporting ``opentracing.tags``) constants and their string values
#: (opentracing 2.4).
TAGS = {
    "SPAN_KIND": "span.kind",
    "SPAN_KIND_RPC_CLIENT": "client",
    "SPAN_KIND_RPC_SERVER": "server",
    "SPAN_KIND_CONSUMER": "consumer",
    "SPAN_KIND_PRODUCER": "producer",
    "SERVICE": "service",
    "ERROR": "error",
    "COMPONENT": "component",
    "SAMPLING_PRIORITY": "sampling.priority",
    "PEER_SERVICE": "peer.service",
    "PEER_HOSTNAME": "peer.hostname",
    "PEER_ADDRESS": "peer.address",
    "PEER_HOST_IPV4": "peer.ipv4",
    "PEER_HOST_IPV6": "peer.ipv6",
    "PEER_PORT": "peer.port",
    "HTTP_URL": "http.url",
    "HTTP_METHOD": "http.method",
    "HTTP_STATUS_CODE": "http.status_code",
    "DATABASE_INSTANCE": "db.instance",
    "DATABASE_STATEMENT": "db.statement",
    "DATABASE_TYPE": "db.type",
    "DATABASE_USER": "db.user",
    "MESSAGE_BUS_DESTINATION": "message_bus.destination",
}
TAG_MODULES = ("opentracing.ext.tags.", "opentracing.ext.tags.tags.", "opentracing.tags.")
#: ``opentracing.logs``: the standard ``log_kv`` keys (opentracing 2.4).
LOG_MODULE = "opentracing.logs"
LOGS = {
    "ERROR_KIND": "error.kind",
    "ERROR_OBJECT": "error.object",
    "EVENT": "event",
    "MESSAGE": "message",
    "STACK": "stack",
}

#: OpenTracing ``span.kind`` tag values -> ``opentelemetry.trace.SpanKind`` members.
SPAN_KINDS = {
    "client": "CLIENT",
    "server": "SERVER",
    "producer": "PRODUCER",
    "consumer": "CONSUMER",
}

#: ``opentracing.Format`` members that map to the W3C text propagators.
TEXT_FORMATS = frozenset({"http_headers", "text_map"})
FORMAT_PREFIXES = ("opentracing.Format.", "opentracing.propagation.Format.")
FORMAT_VALUES = {"HTTP_HEADERS": "http_headers", "TEXT_MAP": "text_map", "BINARY": "binary"}

#: The words of the OpenTracing API for the pre-filter and the residue scan
#: (``engine/vocabulary.py``): members no other common tracing API has, test doubles, references.
OPENTRACING = Vocabulary(
    name="OpenTracing",
    modules=LEGACY_MODULES,
    members=frozenset(
        {
            "start_active_span",
            "log_kv",
            "log_event",
            "set_tag",
            "set_operation_name",
            "finish_on_close",
            "get_baggage_item",
            "set_baggage_item",
            "scope_manager",
            "finished_spans",
            "global_tracer",
            "set_global_tracer",
            "HTTP_HEADERS",
            "TEXT_MAP",
        }
    ),
    names=frozenset(
        {"MockTracer", "global_tracer", "set_global_tracer", "child_of", "follows_from"}
    ),
    keywords=frozenset({"child_of", "finish_on_close", "ignore_active_span"}),
    # ``active_span`` only on a tracer: ``tls.active_span = span`` is the project's own attribute
    receiver_members=(("scope", "span"), ("span", "finish"), ("tracer", "active_span")),
)

#: The words of the OpenCensus API (its trace, stats and tags names; ``span.add_attribute`` only on
#: a receiver named like a span, ``add_attribute`` being common elsewhere; not ``SumAggregation``
#: or ``LastValueAggregation``, which OpenTelemetry's views also have).
OPENCENSUS = Vocabulary(
    name="OpenCensus",
    modules=("opencensus",),
    members=frozenset(
        {
            "add_attribute_to_current_span",
            "add_annotation",
            "end_span",
            "get_opencensus_tracer",
            "measure_int_put",
            "measure_float_put",
            "new_measurement_map",
            "trace_decorator",
        }
    ),
    names=frozenset(
        {
            "execution_context",
            "view_manager",
            "stats_recorder",
            "TagMap",
            "MeasureInt",
            "MeasureFloat",
            "CountAggregation",
            "DistributionAggregation",
            "trace_integrations",
        }
    ),
    receiver_members=(("span", "add_attribute"),),
)
