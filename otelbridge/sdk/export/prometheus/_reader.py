"""``PrometheusMetricReader``: a pull reader that collects whenever Prometheus scrapes.

It registers a collector with a ``prometheus_client`` registry (the global one by default);
each scrape runs a collection and converts it: monotonic sums become counters (``_total``),
other sums and gauges become gauges, histograms become histograms, summaries become summaries,
and the resource becomes ``target_info``. Exponential histograms are native histograms in the
protobuf exposition (which :meth:`PrometheusMetricReader.start_http_server` serves to a
Prometheus that asks for it) and classic ones, a bucket per exponential bucket, in the text
expositions. Every series carries ``otel_scope_name`` and ``otel_scope_version`` labels.
Exemplars (OpenMetrics and protobuf expositions) go on counters and on the histogram bucket
their value falls in, with ``trace_id``/``span_id`` labels.
"""

from __future__ import annotations

import logging
import os
import threading
from bisect import bisect_left
from socketserver import ThreadingMixIn
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
)
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, CollectorRegistry, make_wsgi_app
from prometheus_client.metrics_core import Metric as Family
from prometheus_client.samples import Exemplar as PrometheusExemplar

from otelbridge.sdk.environment_variables import (
    OTEL_EXPORTER_PROMETHEUS_HOST,
    OTEL_EXPORTER_PROMETHEUS_PORT,
)
from otelbridge.sdk.export.prometheus._exponential import classic_buckets, native_point
from otelbridge.sdk.export.prometheus._names import label_name, metric_name
from otelbridge.sdk.export.prometheus._protobuf import (
    CONTENT_TYPE,
    NativeFamily,
    accepts_protobuf,
    encode,
)
from otelbridge.sdk.metrics.export import (
    ExponentialHistogram,
    Gauge,
    Histogram,
    HistogramDataPoint,
    Metric,
    MetricReader,
    MetricsData,
    Sum,
    Summary,
)
from otelbridge.sdk.util.instrumentation import InstrumentationScope

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from otelbridge.sdk.metrics._exemplar import Exemplar
    from otelbridge.sdk.metrics.export import ExponentialHistogramDataPoint

    BucketedPoint = Union[HistogramDataPoint, ExponentialHistogramDataPoint]

_logger = logging.getLogger(__name__)

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 9464
_INF = float("inf")
# OpenMetrics caps an exemplar's label set at 128 UTF-8 characters (names plus values).
_EXEMPLAR_LABEL_CHARACTERS = 128


def _labels(attributes: Optional[Mapping[str, object]], extra: Dict[str, str]) -> Dict[str, str]:
    """Sanitized label names; keys that collide after sanitizing join their values with ';'."""
    labels: Dict[str, str] = {}
    for key, value in sorted((attributes or {}).items()):
        name = label_name(key)
        text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        labels[name] = f"{labels[name]};{text}" if name in labels else text
    labels.update(extra)
    return labels


def _family_for(metric: Metric) -> Optional[Tuple[str, str]]:
    """(Prometheus type, family name) for a metric, or ``None`` when it has no equivalent."""
    data = metric.data
    if isinstance(data, Sum) and data.is_monotonic:
        return "counter", metric_name(metric.name, metric.unit, is_counter=True, is_gauge=False)
    if isinstance(data, (Sum, Gauge)):
        return "gauge", metric_name(metric.name, metric.unit, is_counter=False, is_gauge=True)
    if isinstance(data, (Histogram, ExponentialHistogram, Summary)):
        name = metric_name(metric.name, metric.unit, is_counter=False, is_gauge=False)
        return ("summary" if isinstance(data, Summary) else "histogram"), name
    return None


def _exemplar(exemplar: Exemplar) -> PrometheusExemplar:
    """An OpenMetrics exemplar: trace and span ids first, then the filtered attributes that
    still fit in OpenMetrics' 128-character label budget."""
    labels: Dict[str, str] = {}
    if exemplar.trace_id is not None and exemplar.span_id is not None:
        labels = {"trace_id": f"{exemplar.trace_id:032x}", "span_id": f"{exemplar.span_id:016x}"}
    used = sum(len(k) + len(v) for k, v in labels.items())
    for key, value in _labels(exemplar.filtered_attributes, {}).items():
        used += len(key) + len(value)
        if used > _EXEMPLAR_LABEL_CHARACTERS:
            break
        labels[key] = value
    return PrometheusExemplar(labels, exemplar.value, exemplar.time_unix_nano / 1e9)


def _bucket_exemplars(point: BucketedPoint, bounds: List[float]) -> Dict[int, PrometheusExemplar]:
    """The last exemplar of each bucket, by bucket index (``len(bounds)``: +Inf)."""
    return {
        bisect_left(bounds, exemplar.value): _exemplar(exemplar)
        for exemplar in point.exemplars or ()
    }


def _classic_buckets(point: BucketedPoint) -> List[Tuple[float, int]]:
    """(upper bound, cumulative count) of each bucket but +Inf, lowest first."""
    if not isinstance(point, HistogramDataPoint):
        return classic_buckets(point)
    cumulative = 0
    buckets = []
    for bound, count in zip(point.explicit_bounds, point.bucket_counts):
        cumulative += count
        buckets.append((bound, cumulative))
    return buckets


def _add_samples(family: Family, metric: Metric, scope: InstrumentationScope) -> None:
    extra = {"otel_scope_name": scope.name, "otel_scope_version": scope.version or ""}
    data: Any = metric.data  # its points' fields are read as ``family.type`` says
    for point in data.data_points:
        labels = _labels(point.attributes, extra)
        if family.type == "counter":
            exemplars = point.exemplars
            exemplar = _exemplar(exemplars[-1]) if exemplars else None
            family.add_sample(family.name + "_total", labels, point.value, exemplar=exemplar)
        elif family.type == "gauge":
            family.add_sample(family.name, labels, point.value)
        elif family.type == "summary":
            for quantile in point.quantile_values:
                quantile_labels = {**labels, "quantile": repr(float(quantile.quantile))}
                family.add_sample(family.name, quantile_labels, quantile.value)
            family.add_sample(family.name + "_count", labels, point.count)
            family.add_sample(family.name + "_sum", labels, point.sum)
        else:
            buckets = [*_classic_buckets(point), (_INF, point.count)]
            by_bucket = _bucket_exemplars(point, [bound for bound, _ in buckets[:-1]])
            for index, (bound, cumulative) in enumerate(buckets):
                bucket_labels = {**labels, "le": "+Inf" if bound == _INF else repr(float(bound))}
                family.add_sample(
                    family.name + "_bucket",
                    bucket_labels,
                    cumulative,
                    exemplar=by_bucket.get(index),
                )
            family.add_sample(family.name + "_count", labels, point.count)
            family.add_sample(family.name + "_sum", labels, point.sum)
            native = None if isinstance(point, HistogramDataPoint) else native_point(point, labels)
            if native is not None and isinstance(family, NativeFamily):
                family.native.append(native)


def to_families(metrics_data: MetricsData, target_info: bool = True) -> List[Family]:
    """Convert a collection into Prometheus metric families (merged by name across scopes)."""
    families: Dict[str, Family] = {}
    for resource_metrics in metrics_data.resource_metrics:
        if target_info and resource_metrics.resource.attributes:
            info = Family("target", "Target metadata", "info")
            info.add_sample("target_info", _labels(resource_metrics.resource.attributes, {}), 1)
            families.setdefault("target", info)
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                kind = _family_for(metric)
                if kind is None:
                    _logger.debug("Prometheus cannot show %r (%s)", metric.name, metric.data)
                    continue
                typ, name = kind
                family = families.get(name)
                if family is None:
                    description = metric.description or ""
                    family = families[name] = (
                        NativeFamily(name, description)
                        if typ == "histogram"
                        else Family(name, description, typ)
                    )
                elif family.type != typ:
                    _logger.warning(
                        "Metric %r maps to Prometheus family %r, already a %s; skipped",
                        metric.name,
                        name,
                        family.type,
                    )
                    continue
                _add_samples(family, metric, scope_metrics.scope)
    return list(families.values())


class _Collector:
    """The ``prometheus_client`` side: each scrape asks the reader to collect."""

    def __init__(self, reader: PrometheusMetricReader) -> None:
        self._reader = reader

    def collect(self) -> Iterator[Family]:
        yield from self._reader._scrape()

    def describe(self) -> List[Family]:
        """No families before a scrape: without ``describe``, ``prometheus_client`` collects
        at registration, when the reader has no MeterProvider yet (a warning, no data)."""
        return []


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class PrometheusMetricReader(MetricReader):
    """Pull reader for Prometheus. ``registry`` defaults to ``prometheus_client.REGISTRY``;
    :meth:`start_http_server` serves it (``OTEL_EXPORTER_PROMETHEUS_HOST``/``PORT``)."""

    def __init__(
        self, disable_target_info: bool = False, *, registry: Optional[CollectorRegistry] = None
    ) -> None:
        super().__init__()
        self._target_info = not disable_target_info
        self._registry = REGISTRY if registry is None else registry
        self._collector = _Collector(self)
        self._scrape_lock = threading.Lock()
        self._latest: Optional[MetricsData] = None
        self._server: Optional[WSGIServer] = None
        self._registry.register(self._collector)

    def _scrape(self) -> List[Family]:
        with self._scrape_lock:
            self._latest = None
            self.collect()
            latest, self._latest = self._latest, None
        return [] if latest is None else to_families(latest, self._target_info)

    def _receive_metrics(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> None:
        self._latest = metrics_data

    def start_http_server(
        self, host: Optional[str] = None, port: Optional[int] = None
    ) -> Tuple[str, int]:
        """Serve this reader's registry over HTTP in a daemon thread; returns the bound
        (host, port). Defaults come from the environment, then ``localhost:9464``."""
        host = host or os.environ.get(OTEL_EXPORTER_PROMETHEUS_HOST) or DEFAULT_HOST
        if port is None:
            port = int(os.environ.get(OTEL_EXPORTER_PROMETHEUS_PORT) or DEFAULT_PORT)
        app = _negotiating_app(self._registry)
        server = make_server(host, port, app, _ThreadingServer, handler_class=_QuietHandler)
        threading.Thread(
            target=server.serve_forever, name="otelbridge-prometheus", daemon=True
        ).start()
        self._server = server
        bound_host, bound_port = server.server_address[:2]
        return str(bound_host), int(bound_port)

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        self._registry.unregister(self._collector)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _negotiating_app(registry: CollectorRegistry) -> WSGIApplication:
    """``prometheus_client``'s WSGI app, but the protobuf exposition (native histograms) for
    scrapers that accept it, as Prometheus does with native histograms enabled."""
    text_app = make_wsgi_app(registry)

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not accepts_protobuf(environ.get("HTTP_ACCEPT", "")):
            return text_app(environ, start_response)  # type: ignore[no-any-return]  # a WSGI body
        body = encode(registry.collect())
        start_response(
            "200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))]
        )
        return [body]

    return app


def reader_from_env() -> PrometheusMetricReader:
    """What ``OTEL_METRICS_EXPORTER=prometheus`` builds: a reader already serving HTTP."""
    reader = PrometheusMetricReader()
    reader.start_http_server()
    return reader
