"""OpenCensus names the migration recognises (qualified, as scope analysis reports them)."""

from __future__ import annotations

ROOT = "opencensus"
_TRACE = "opencensus.trace."
TRACER_CLASS = _TRACE + "tracer.Tracer"
GET_TRACER = _TRACE + "execution_context.get_opencensus_tracer"
GET_CURRENT_SPAN = _TRACE + "execution_context.get_current_span"
STATUS_CLASS = _TRACE + "status.Status"
SPAN_KIND = _TRACE + "span.SpanKind."
STATUS_FROM_HTTP = _TRACE + "utils.status_from_http_code"
CONFIG_INTEGRATION = _TRACE + "config_integration.trace_integrations"

#: Methods only OpenCensus tracers have: a receiver calling one is an OpenCensus tracer.
TRACER_ONLY_METHODS = frozenset({"add_attribute_to_current_span", "end_span", "trace_decorator"})
#: Methods only OpenCensus spans have.
SPAN_ONLY_METHODS = frozenset({"add_attribute", "add_annotation", "add_message_event"})

#: ``opencensus.trace.samplers`` classes -> (``configure`` sampler name, whether it takes the rate).
SAMPLERS = {
    _TRACE + "samplers.ProbabilitySampler": ("parentbased_traceidratio", True),
    _TRACE + "samplers.AlwaysOnSampler": ("always_on", False),
    _TRACE + "samplers.AlwaysOffSampler": ("always_off", False),
}
#: OpenCensus' default sampler: ``ProbabilitySampler(rate=1e-4)``.
DEFAULT_RATE = "1e-4"

#: OpenCensus trace exporters -> (module, class, keyword arguments kept, pip package or "").
#: ``otelbridge`` rows are ours; the others are the well-known OpenTelemetry packages.
TRACE_EXPORTERS = {
    "opencensus.ext.azure.trace_exporter.AzureExporter": (
        "azure.monitor.opentelemetry.exporter",
        "AzureMonitorTraceExporter",
        frozenset({"connection_string"}),
        "azure-monitor-opentelemetry-exporter",
    ),
    "opencensus.ext.stackdriver.trace_exporter.StackdriverExporter": (
        "opentelemetry.exporter.cloud_trace",
        "CloudTraceSpanExporter",
        frozenset({"project_id"}),
        "opentelemetry-exporter-gcp-trace",
    ),
    "opencensus.ext.zipkin.trace_exporter.ZipkinExporter": (
        "otelbridge.sdk.export.zipkin",
        "ZipkinExporter",
        frozenset(),
        "",
    ),
    "opencensus.ext.jaeger.trace_exporter.JaegerExporter": (
        "otelbridge.sdk.export.jaeger",
        "JaegerExporter",
        frozenset(),
        "",
    ),
    "opencensus.ext.ocagent.trace_exporter.TraceExporter": (
        "otelbridge.sdk.export.otlp.proto.grpc.trace_exporter",
        "OTLPSpanExporter",
        frozenset(),
        "",
    ),
    _TRACE + "print_exporter.PrintExporter": (
        "otelbridge.sdk.trace.export",
        "ConsoleSpanExporter",
        frozenset(),
        "",
    ),
}
#: Propagators equal to OpenTelemetry's default (``tracecontext,baggage``): dropped.
DEFAULT_PROPAGATORS = frozenset(
    {_TRACE + "propagation.trace_context_http_header_format.TraceContextPropagator"}
)

#: ``config_integration.trace_integrations`` names -> (instrumentor module, class, package).
INTEGRATIONS = {
    name: (f"opentelemetry.instrumentation.{module}", cls, f"opentelemetry-instrumentation-{pkg}")
    for name, module, cls, pkg in (
        ("requests", "requests", "RequestsInstrumentor", "requests"),
        ("httpx", "httpx", "HTTPXClientInstrumentor", "httpx"),
        ("logging", "logging", "LoggingInstrumentor", "logging"),
        ("threading", "threading", "ThreadingInstrumentor", "threading"),
        ("sqlalchemy", "sqlalchemy", "SQLAlchemyInstrumentor", "sqlalchemy"),
        ("pymongo", "pymongo", "PymongoInstrumentor", "pymongo"),
        ("pymysql", "pymysql", "PyMySQLInstrumentor", "pymysql"),
        ("mysql", "mysql", "MySQLInstrumentor", "mysql"),
        ("postgresql", "psycopg2", "Psycopg2Instrumentor", "psycopg2"),
        ("grpc", "grpc", "GrpcInstrumentorClient", "grpc"),
    )
}
