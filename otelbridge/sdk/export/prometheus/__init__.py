"""Prometheus exporter: a pull ``MetricReader`` served through ``prometheus-client``
(install the ``prometheus`` extra)."""

from otelbridge.sdk.export.prometheus._names import label_name, metric_name, unit_suffix
from otelbridge.sdk.export.prometheus._reader import (
    PrometheusMetricReader,
    reader_from_env,
    to_families,
)

__all__ = [
    "PrometheusMetricReader",
    "label_name",
    "metric_name",
    "reader_from_env",
    "to_families",
    "unit_suffix",
]
