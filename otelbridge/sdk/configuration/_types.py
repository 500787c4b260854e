"""The keywords of :func:`~otelbridge.sdk.configuration.configure`, as one TypedDict, so that each
signal's builder reads them with their types. Imported for the type checker only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence, TypedDict, Union

if TYPE_CHECKING:
    from opentelemetry.propagators.textmap import TextMapPropagator
    from opentelemetry.util.types import AttributeValue

    from otelbridge.sdk.metrics.export import MetricExporter, MetricReader
    from otelbridge.sdk.metrics.view import View
    from otelbridge.sdk.resources import Resource
    from otelbridge.sdk.trace import SpanLimits
    from otelbridge.sdk.trace.export import SpanExporter
    from otelbridge.sdk.trace.id_generator import IdGenerator
    from otelbridge.sdk.trace.sampling import Sampler


class Overrides(TypedDict, total=False):
    set_global: bool
    # resource
    service_name: str
    resource_attributes: Mapping[str, AttributeValue]
    resource: Resource
    # traces
    sampler: Union[Sampler, str]  # a Sampler or an OTEL_TRACES_SAMPLER name
    sampler_arg: Union[str, float]
    span_exporters: Sequence[Union[SpanExporter, str]]  # exporters or registered names
    span_processor: str  # "batch" or "simple"
    span_limits: SpanLimits
    id_generator: IdGenerator
    # metrics
    metric_readers: Sequence[MetricReader]
    metric_exporters: Sequence[Union[MetricExporter, MetricReader, str]]
    views: Sequence[View]
    # propagation: a propagator, or OTEL_PROPAGATORS-style names
    propagators: Union[TextMapPropagator, str]
