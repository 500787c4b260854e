"""Prometheus' protobuf exposition (``io.prometheus.client.MetricFamily``, length-delimited).

The one exposition that carries native histograms to a Prometheus server of the 2.x line:
Prometheus 2.40+ started with ``--enable-feature=native-histograms`` asks for it first, and
``prometheus_client`` cannot write it. The schema is declared here field by field from
Prometheus' ``prompb/io/prometheus/client/metrics.proto`` (the fields Prometheus 2.42 reads),
in a private descriptor pool, and the protobuf runtime encodes it. Every family of the registry
is encoded (other collectors' too), from ``prometheus_client``'s own samples; a family our
reader made from an exponential histogram also carries its native form (:class:`NativeFamily`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2
from prometheus_client.metrics_core import Metric as Family
from prometheus_client.samples import Exemplar as PrometheusExemplar
from prometheus_client.samples import Sample

from otelbridge.sdk.export.otlp.proto.common._wire import varint

CONTENT_TYPE = (
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
)
_PACKAGE = "io.prometheus.client"
_F = descriptor_pb2.FieldDescriptorProto
_DOUBLE, _UINT64, _UINT32 = _F.TYPE_DOUBLE, _F.TYPE_UINT64, _F.TYPE_UINT32
_SINT32, _SINT64, _INT64 = _F.TYPE_SINT32, _F.TYPE_SINT64, _F.TYPE_INT64
_STRING, _MESSAGE, _ENUM = _F.TYPE_STRING, _F.TYPE_MESSAGE, _F.TYPE_ENUM
_MANY = "repeated"

# message -> fields (name, number, type, message or enum type name, "repeated" or "").
_SCHEMA: Dict[str, Sequence[Tuple[str, int, int, str, str]]] = {
    "LabelPair": (("name", 1, _STRING, "", ""), ("value", 2, _STRING, "", "")),
    "Gauge": (("value", 1, _DOUBLE, "", ""),),
    "Counter": (("value", 1, _DOUBLE, "", ""), ("exemplar", 2, _MESSAGE, "Exemplar", "")),
    "Quantile": (("quantile", 1, _DOUBLE, "", ""), ("value", 2, _DOUBLE, "", "")),
    "Summary": (
        ("sample_count", 1, _UINT64, "", ""),
        ("sample_sum", 2, _DOUBLE, "", ""),
        ("quantile", 3, _MESSAGE, "Quantile", _MANY),
    ),
    "Untyped": (("value", 1, _DOUBLE, "", ""),),
    "Histogram": (
        ("sample_count", 1, _UINT64, "", ""),
        ("sample_sum", 2, _DOUBLE, "", ""),
        ("bucket", 3, _MESSAGE, "Bucket", _MANY),
        ("schema", 5, _SINT32, "", ""),
        ("zero_threshold", 6, _DOUBLE, "", ""),
        ("zero_count", 7, _UINT64, "", ""),
        ("negative_span", 9, _MESSAGE, "BucketSpan", _MANY),
        ("negative_delta", 10, _SINT64, "", _MANY),
        ("positive_span", 12, _MESSAGE, "BucketSpan", _MANY),
        ("positive_delta", 13, _SINT64, "", _MANY),
    ),
    "Bucket": (
        ("cumulative_count", 1, _UINT64, "", ""),
        ("upper_bound", 2, _DOUBLE, "", ""),
        ("exemplar", 3, _MESSAGE, "Exemplar", ""),
    ),
    "BucketSpan": (("offset", 1, _SINT32, "", ""), ("length", 2, _UINT32, "", "")),
    "Exemplar": (
        ("label", 1, _MESSAGE, "LabelPair", _MANY),
        ("value", 2, _DOUBLE, "", ""),
        ("timestamp", 3, _MESSAGE, ".google.protobuf.Timestamp", ""),
    ),
    "Metric": (
        ("label", 1, _MESSAGE, "LabelPair", _MANY),
        ("gauge", 2, _MESSAGE, "Gauge", ""),
        ("counter", 3, _MESSAGE, "Counter", ""),
        ("summary", 4, _MESSAGE, "Summary", ""),
        ("untyped", 5, _MESSAGE, "Untyped", ""),
        ("histogram", 7, _MESSAGE, "Histogram", ""),
        ("timestamp_ms", 6, _INT64, "", ""),
    ),
    "MetricFamily": (
        ("name", 1, _STRING, "", ""),
        ("help", 2, _STRING, "", ""),
        ("type", 3, _ENUM, "MetricType", ""),
        ("metric", 4, _MESSAGE, "Metric", _MANY),
    ),
}
_TYPES = ("COUNTER", "GAUGE", "SUMMARY", "UNTYPED", "HISTOGRAM", "GAUGE_HISTOGRAM")


def _message_classes() -> Dict[str, Any]:
    """The schema above as generated-like message classes (proto2: set zeros are written)."""
    pool = descriptor_pool.DescriptorPool()
    timestamp = descriptor_pb2.FileDescriptorProto()
    timestamp_pb2.DESCRIPTOR.CopyToProto(timestamp)
    pool.Add(timestamp)
    file = descriptor_pb2.FileDescriptorProto(
        name="otelbridge/prometheus_metrics.proto",
        package=_PACKAGE,
        syntax="proto2",
        dependency=[timestamp.name],
    )
    enum = file.enum_type.add(name="MetricType")
    for number, name in enumerate(_TYPES):
        enum.value.add(name=name, number=number)
    for message_name, fields in _SCHEMA.items():
        message = file.message_type.add(name=message_name)
        for name, number, kind, type_name, label in fields:
            field = message.field.add(name=name, number=number, type=kind)
            field.label = _F.LABEL_REPEATED if label == _MANY else _F.LABEL_OPTIONAL
            if type_name:
                qualified = type_name if type_name.startswith(".") else f".{_PACKAGE}.{type_name}"
                field.type_name = qualified
    pool.Add(file)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PACKAGE}.{name}"))
        for name in _SCHEMA
    }


MESSAGES = _message_classes()


@dataclass(frozen=True)
class NativePoint:
    """One native histogram: Prometheus' bucket ``k`` holds ``(base**(k-1), base**k]``."""

    labels: Dict[str, str]
    count: int
    sum: float
    schema: int
    zero_threshold: float
    zero_count: int
    positive: Tuple[int, Sequence[int]]  # (index of the first bucket, counts)
    negative: Tuple[int, Sequence[int]]


class NativeFamily(Family):
    """A histogram family with classic samples (for the text formats) and native points."""

    def __init__(self, name: str, documentation: str) -> None:
        super().__init__(name, documentation, "histogram")
        self.native: List[NativePoint] = []


def _labels(message: Any, labels: Dict[str, str], skip: str = "") -> None:
    for name, value in sorted(labels.items()):
        if name != skip:
            message.label.add(name=name, value=value)


def _exemplar(message: Any, exemplar: Optional[PrometheusExemplar]) -> None:
    if exemplar is None:
        return
    target = message.exemplar
    _labels(target, exemplar.labels)
    target.value = exemplar.value
    if exemplar.timestamp is not None:
        target.timestamp.FromNanoseconds(round(float(exemplar.timestamp) * 1e9))


def _sparse(histogram: Any, sign: str, first: int, counts: Sequence[int]) -> None:
    if not counts:
        return
    getattr(histogram, f"{sign}_span").add(offset=first, length=len(counts))
    deltas = getattr(histogram, f"{sign}_delta")
    previous = 0
    for count in counts:
        deltas.append(count - previous)
        previous = count


def _native(histogram: Any, point: NativePoint) -> None:
    histogram.schema = point.schema
    histogram.zero_threshold = point.zero_threshold
    histogram.zero_count = point.zero_count
    _sparse(histogram, "positive", *point.positive)
    _sparse(histogram, "negative", *point.negative)


def _series_key(labels: Dict[str, str], skip: str) -> Tuple[Tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in labels.items() if k != skip))


def _family_type(family: Family) -> str:
    return {
        "counter": "COUNTER",
        "gauge": "GAUGE",
        "info": "GAUGE",
        "stateset": "GAUGE",
        "summary": "SUMMARY",
        "histogram": "HISTOGRAM",
        "gaugehistogram": "GAUGE_HISTOGRAM",
    }.get(family.type, "UNTYPED")


def _timestamp_ms(sample: Sample) -> Optional[int]:
    if sample.timestamp is None:
        return None
    return int(float(sample.timestamp) * 1000)


def _encode_family(family: Family) -> List[Any]:
    """MetricFamily messages for one ``prometheus_client`` family (counters and infos are named
    after their samples, ``x_total``/``x_info``, as Prometheus' protobuf parser expects)."""
    kind = _family_type(family)
    if kind in ("COUNTER", "GAUGE", "UNTYPED"):
        by_name: Dict[str, Any] = {}
        for sample in family.samples:
            if sample.name.endswith("_created") and family.type == "counter":
                continue  # no created timestamps in the protobuf Prometheus 2.x reads
            message = by_name.get(sample.name)
            if message is None:
                message = by_name[sample.name] = MESSAGES["MetricFamily"](
                    name=sample.name, help=family.documentation, type=_TYPES.index(kind)
                )
            metric = message.metric.add()
            _labels(metric, sample.labels)
            field = {"COUNTER": "counter", "GAUGE": "gauge", "UNTYPED": "untyped"}[kind]
            getattr(metric, field).value = sample.value
            if kind == "COUNTER":
                _exemplar(metric.counter, sample.exemplar)
            stamp = _timestamp_ms(sample)
            if stamp is not None:
                metric.timestamp_ms = stamp
        return list(by_name.values())
    message = MESSAGES["MetricFamily"](
        name=family.name, help=family.documentation, type=_TYPES.index(kind)
    )
    skip = "quantile" if kind == "SUMMARY" else "le"
    metrics: Dict[Tuple[Tuple[str, str], ...], Any] = {}

    def metric_for(labels: Dict[str, str]) -> Any:
        key = _series_key(labels, skip)
        metric = metrics.get(key)
        if metric is None:
            metric = metrics[key] = message.metric.add()
            _labels(metric, labels, skip)
        return metric

    for sample in family.samples:
        suffix = sample.name[len(family.name) :]
        metric = metric_for(sample.labels)
        if kind == "SUMMARY":
            summary = metric.summary
            if suffix == "_count":
                summary.sample_count = int(sample.value)
            elif suffix == "_sum":
                summary.sample_sum = sample.value
            elif suffix == "":
                quantile = float(sample.labels["quantile"])
                summary.quantile.add(quantile=quantile, value=sample.value)
            continue
        histogram = metric.histogram
        if suffix == "_bucket":
            bucket = histogram.bucket.add(
                cumulative_count=int(sample.value), upper_bound=float(sample.labels["le"])
            )
            _exemplar(bucket, sample.exemplar)
        elif suffix in ("_count", "_gcount"):
            histogram.sample_count = int(sample.value)
        elif suffix in ("_sum", "_gsum"):
            histogram.sample_sum = sample.value
    for point in getattr(family, "native", ()):
        _native(metric_for(point.labels).histogram, point)
    return [message]


def encode(families: Iterable[Family]) -> bytes:
    """Every family, each MetricFamily message prefixed with its varint length."""
    out = bytearray()
    for family in families:
        for message in _encode_family(family):
            payload = message.SerializeToString()
            out += varint(len(payload)) + payload
    return bytes(out)


def accepts_protobuf(accept: str) -> bool:
    """Whether a scrape's ``Accept`` header asks for this exposition (with q > 0)."""
    for entry in accept.split(","):
        kind, *params = (part.strip() for part in entry.split(";"))
        if kind != "application/vnd.google.protobuf":
            continue
        values = dict(param.partition("=")[::2] for param in params)
        quality = values.get("q", "1")
        try:
            wanted = float(quality) > 0
        except ValueError:
            wanted = False
        if (
            wanted
            and values.get("proto") == f"{_PACKAGE}.MetricFamily"
            and values.get("encoding") == "delimited"
        ):
            return True
    return False
