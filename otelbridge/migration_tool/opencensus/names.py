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
#: OpenCensus' "this thread is an exporter's" flag: OpenTelemetry's suppress-instrumentation key.
IS_EXPORTER = _TRACE + "execution_context.is_exporter"
SET_IS_EXPORTER = _TRACE + "execution_context.set_is_exporter"
#: OpenCensus' context attributes: values of the OpenTelemetry context (see .context_attrs).
GET_ATTR = _TRACE + "execution_context.get_opencensus_attr"
SET_ATTR = _TRACE + "execution_context.set_opencensus_attr"
#: what reads, replaces or resets the whole attribute dict
WHOLE_ATTRS = frozenset(
    _TRACE + "execution_context." + n
    for n in ("get_opencensus_attrs", "set_opencensus_attrs", "clear")
)

#: The kinds of OpenCensus trace objects the analysis follows.
TRACER, SPAN = "tracer", "span"
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
#: OpenCensus' transports (how an exporter is handed ended spans) -> the ``configure()``
#: ``span_processor`` that sends the same way: in batches from a background thread, or
#: synchronously as each span ends.
TRANSPORTS = {
    "opencensus.common.transports.async_.AsyncTransport": "batch",
    "opencensus.common.transports.sync.SyncTransport": "simple",
}
#: OpenCensus stats exporter factories -> (module, exporter class, keyword arguments kept,
#: pip package, OpenCensus' export interval in seconds and the keyword that sets it, and the
#: keyword of what has no equivalent with the note saying so while it is on, its default).
METRIC_EXPORTERS = {
    "opencensus.ext.azure.metrics_exporter.new_metrics_exporter": (
        "azure.monitor.opentelemetry.exporter",
        "AzureMonitorMetricExporter",
        frozenset({"connection_string"}),
        "azure-monitor-opentelemetry-exporter",
        (15, "export_interval"),
        (
            "enable_standard_metrics",
            "OpenCensus' standard metrics (processor time, memory, request rate) are not sent "
            "any more: azure-monitor-opentelemetry's configure_azure_monitor() sends them",
        ),
    ),
}

#: OpenCensus propagators -> the ``OTEL_PROPAGATORS`` name ``configure(propagators=)`` takes;
#: "" for the W3C one, OpenTelemetry's default (``tracecontext,baggage``): dropped.
PROPAGATORS = {
    _TRACE + "propagation.trace_context_http_header_format.TraceContextPropagator": "",
    _TRACE + "propagation.b3_format.B3FormatPropagator": "b3multi",  # X-B3-* headers
    _TRACE + "propagation.google_cloud_format.GoogleCloudFormatPropagator": "xcloudtrace",
}

#: Names OpenCensus packages re-export -> the qualified name the mapping tables use.
REEXPORTS = {
    "opencensus.tags." + name: f"opencensus.tags.{module}.{name}"
    for module, name in (("tag_key", "TagKey"), ("tag_map", "TagMap"), ("tag_value", "TagValue"))
}
#: Module prefixes of OpenCensus before 0.2 (exporters and integrations inside
#: ``opencensus.trace``, one module per sampler) -> today's, with the same classes.
OLD_LAYOUT = (
    ("opencensus.trace.exporters.zipkin_exporter.", "opencensus.ext.zipkin.trace_exporter."),
    ("opencensus.trace.exporters.jaeger_exporter.", "opencensus.ext.jaeger.trace_exporter."),
    (
        "opencensus.trace.exporters.stackdriver_exporter.",
        "opencensus.ext.stackdriver.trace_exporter.",
    ),
    (
        "opencensus.trace.exporters.ocagent.trace_exporter.",
        "opencensus.ext.ocagent.trace_exporter.",
    ),
    ("opencensus.trace.exporters.print_exporter.", _TRACE + "print_exporter."),
    ("opencensus.trace.ext.", "opencensus.ext."),
    ("opencensus.trace.samplers.always_on.", _TRACE + "samplers."),
    ("opencensus.trace.samplers.always_off.", _TRACE + "samplers."),
    ("opencensus.trace.samplers.probability.", _TRACE + "samplers."),
)


def canonical(names: set[str]) -> set[str]:
    """``names`` with each re-exported or older name also under the name the tables use."""
    found = set(names)
    for name in names:
        if name in REEXPORTS:
            found.add(REEXPORTS[name])
        for old, new in OLD_LAYOUT:
            if name.startswith(old):
                found.add(new + name[len(old) :])
    return found


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

#: Web framework middlewares -> (instrumentor module, class, package), set up as
#: ``<Instrumentor>().instrument_app(app)``.
MIDDLEWARES = {
    "opencensus.ext.flask.flask_middleware.FlaskMiddleware": (
        "opentelemetry.instrumentation.flask",
        "FlaskInstrumentor",
        "opentelemetry-instrumentation-flask",
    ),
}

#: ``opencensus.trace.attributes_helper`` tables (opencensus 0.11): attribute names, written out.
ATTRIBUTE_TABLES = {
    _TRACE + "attributes_helper.COMMON_ATTRIBUTES": {
        "AGENT": "g.co/agent",
        "COMPONENT": "component",
        "ERROR_MESSAGE": "error.message",
        "ERROR_NAME": "error.name",
        "HTTP_CLIENT_CITY": "http.client_city",
        "HTTP_CLIENT_COUNTRY": "http.client_country",
        "HTTP_CLIENT_PROTOCOL": "http.client_protocol",
        "HTTP_CLIENT_REGION": "http.client_region",
        "HTTP_HOST": "http.host",
        "HTTP_METHOD": "http.method",
        "HTTP_PATH": "http.path",
        "HTTP_ROUTE": "http.route",
        "HTTP_REDIRECTED_URL": "http.redirected_url",
        "HTTP_REQUEST_SIZE": "http.request_size",
        "HTTP_RESPONSE_SIZE": "http.response_size",
        "HTTP_STATUS_CODE": "http.status_code",
        "HTTP_URL": "http.url",
        "HTTP_USER_AGENT": "http.user_agent",
        "PID": "pid",
        "STACKTRACE": "stacktrace",
        "TID": "tid",
    },
    _TRACE + "attributes_helper.GRPC_ATTRIBUTES": {
        "GRPC_HOST_PORT": "grpc.host_port",
        "GRPC_METHOD": "grpc.method",
    },
}

_AZURE_LOGS = (
    "OpenTelemetry logs: a LoggingHandler with AzureMonitorLogExporter "
    "(azure-monitor-opentelemetry-exporter), or azure-monitor-opentelemetry's "
    "configure_azure_monitor()"
)
#: What has no automatic mapping, and the nearest OpenTelemetry route (shown in the marker).
ROUTES = {
    "opencensus.ext.azure.log_exporter.AzureLogHandler": _AZURE_LOGS,
    "opencensus.ext.azure.log_exporter.AzureEventHandler": _AZURE_LOGS,
    "opencensus.ext.azure.metrics_exporter.new_metrics_exporter": (
        "configure(metric_readers=[PeriodicExportingMetricReader(AzureMonitorMetricExporter(...))])"
    ),
    "opencensus.ext.prometheus.stats_exporter.new_stats_exporter": (
        "OTEL_METRICS_EXPORTER=prometheus (otelbridge's Prometheus reader)"
    ),
    "opencensus.ext.stackdriver.stats_exporter.new_stats_exporter": (
        "CloudMonitoringMetricsExporter (opentelemetry-exporter-gcp-monitoring) in a reader"
    ),
    "opencensus.ext.ocagent.stats_exporter.new_stats_exporter": "OTEL_METRICS_EXPORTER=otlp",
    "opencensus.ext.django.middleware.OpencensusMiddleware": (
        "DjangoInstrumentor().instrument() (opentelemetry-instrumentation-django) at start-up"
    ),
    "opencensus.ext.fastapi.fastapi_middleware.FastAPIMiddleware": (
        "FastAPIInstrumentor.instrument_app(app) (opentelemetry-instrumentation-fastapi)"
    ),
    "opencensus.ext.pyramid.pyramid_middleware.OpenCensusTweenFactory": (
        "PyramidInstrumentor().instrument() (opentelemetry-instrumentation-pyramid)"
    ),
    "opencensus.ext.grpc.server_interceptor.OpenCensusServerInterceptor": (
        "GrpcInstrumentorServer().instrument() (opentelemetry-instrumentation-grpc)"
    ),
    "opencensus.ext.grpc.client_interceptor.OpenCensusClientInterceptor": (
        "GrpcInstrumentorClient().instrument() (opentelemetry-instrumentation-grpc)"
    ),
    _TRACE + "execution_context.get_opencensus_attr": (
        "opentelemetry.context.get_value/set_value (attach the context that holds the value)"
    ),
    _TRACE + "execution_context.set_opencensus_attr": (
        "opentelemetry.context.get_value/set_value (attach the context that holds the value)"
    ),
    _TRACE + "execution_context.is_exporter": (
        "OpenTelemetry's suppress-instrumentation context key (set by exporters)"
    ),
}
