"""Run one OpenCensus corpus program and print its span tree; one fresh process per program.

``python oc_span_tree.py opencensus PROGRAM``: the legacy program as-is, on OpenCensus itself,
its spans caught by an exporter put in place of OpenCensus' default ``PrintExporter``.
``python oc_span_tree.py native PROGRAM``: a migrated program, natively on the OpenTelemetry API
and our SDK (in-memory exporter; ``configure()`` in the program exports nowhere).
``python oc_span_tree.py bridge PROGRAM``: any program under otelbridge's bridge, whose OpenCensus
shim serves the OpenCensus calls (all of a legacy program's, the kept ones of a partial migration).

Both print the same outline: names, parent links, kinds, attributes, events and whether the span
failed; then, after a ``==`` line, the metric streams (name, kind, attributes, value or histogram
count, sum and bucket counts) of OpenCensus' views and of the migrated program's reader.
OpenCensus has no unset status (every span starts as OK), so statuses compare as ``ok``/``error``;
the migrated side is also checked exactly, through ``span_tree.py``'s outline.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import sys
from typing import Any, Callable, NamedTuple, Optional

OC_KINDS = {0: "INTERNAL", 1: "SERVER", 2: "CLIENT"}


class Record(NamedTuple):
    span_id: Any
    parent_id: Any
    name: str
    kind: str
    error: bool
    attributes: dict
    events: list


def _attrs(attributes: Any) -> str:
    return "{" + ", ".join(f"{k}={v!r}" for k, v in sorted(dict(attributes or {}).items())) + "}"


def outline(records: list[Record]) -> str:
    ids = {record.span_id for record in records}
    children: dict[Optional[Any], list[Record]] = {}
    for record in records:
        parent = record.parent_id if record.parent_id in ids else None
        children.setdefault(parent, []).append(record)
    lines: list[str] = []

    def line(record: Record) -> str:
        events = ", ".join(f"{name}{_attrs(attrs)}" for name, attrs in record.events)
        status = "error" if record.error else "ok"
        return (
            f"{record.name} kind={record.kind} status={status} "
            f"attrs={_attrs(record.attributes)} events=[{events}]"
        )

    def walk(parent: Optional[Any], depth: int) -> None:
        for record in sorted(children.get(parent, []), key=line):
            lines.append("  " * depth + line(record))
            walk(record.span_id, depth + 1)

    walk(None, 0)
    return "\n".join(lines)


def streams(points: list[tuple[str, str, dict, Any]]) -> str:
    return "\n".join(sorted(f"{n} {k} {_attrs(a)} {v}" for n, k, a, v in points))


def _oc_metrics() -> list[tuple[str, str, dict, Any]]:
    produced: list[Any] = []
    if "opencensus.stats.stats" in sys.modules:
        from opencensus.stats import stats as stats_module

        produced += stats_module.stats.get_metrics()
    if "opencensus.metrics.export.gauge" in sys.modules:  # the program's gauge registries
        from opencensus.metrics.export.gauge import Registry

        for registry in [o for o in gc.get_objects() if isinstance(o, Registry)]:
            produced += [m for m in registry.get_metrics() if m is not None]
    found = []
    for metric in produced:
        descriptor = metric.descriptor
        keys = [key.key for key in descriptor.label_keys]
        kind = {1: "gauge", 2: "gauge", 4: "sum", 5: "sum", 6: "histogram"}[descriptor.type]
        for series in metric.time_series:
            attributes = {
                k: v.value for k, v in zip(keys, series.label_values) if v.value is not None
            }
            value = series.points[-1].value
            # Sums compare as floats (exporters send doubles): OpenCensus' sum of one int
            # measurement is an int and of more a float, an OpenTelemetry int histogram's an int.
            if kind == "histogram":
                shown: Any = (value.count, float(value.sum), [b.count for b in value.buckets])
            else:
                shown = value.value
            found.append((descriptor.name, kind, attributes, shown))
    return found


def _native_metrics(reader: Any) -> list[tuple[str, str, dict, Any]]:
    data = reader.get_metrics_data()
    found = []
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                kind = type(metric.data).__name__.lower()
                for point in metric.data.data_points:
                    if kind == "histogram":
                        shown: Any = (point.count, float(point.sum), list(point.bucket_counts))
                    else:
                        shown = point.value
                    found.append((metric.name, kind, dict(point.attributes), shown))
    return found


def _run(path: str, imported: Callable[[], None] = lambda: None) -> None:
    """Import the program, call ``imported``, then its ``main()``."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))  # modules beside the program
    spec = importlib.util.spec_from_file_location("program", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    imported()
    module.main()


def opencensus(path: str) -> list[Record]:
    from opencensus.trace import print_exporter
    from opencensus.trace.base_exporter import Exporter

    caught: list[Any] = []

    class Catch(Exporter):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def export(self, span_datas: Any) -> None:
            caught.extend(span_datas)

    print_exporter.PrintExporter = Catch  # the default of every Tracer(); read at construction
    _run(path)
    return [
        Record(
            data.span_id,
            data.parent_span_id,
            data.name,
            OC_KINDS[data.span_kind],
            data.status is not None and data.status.canonical_code != 0,
            dict(data.attributes or {}),
            [(a.description, dict(a.attributes.attributes)) for a in data.annotations or ()],
        )
        for data in caught
    ]


def native(path: str, bridge: bool = False) -> tuple[list[Record], str, Any]:
    from opentelemetry import trace

    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor
    from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from span_tree import outline as exact_outline

    for signal in ("TRACES", "METRICS", "LOGS"):  # the program's configure() exports nowhere
        os.environ[f"OTEL_{signal}_EXPORTER"] = "none"
    import otelbridge.sdk
    from otelbridge.sdk.metrics.export import InMemoryMetricReader

    reader = InMemoryMetricReader()
    configure = otelbridge.sdk.configure
    configured: list[bool] = []

    # The program's configure() (with its views) builds the meter provider; we add our reader.
    def configure_with_reader(**given: Any) -> Any:
        configured.append(True)
        return configure(metric_readers=[reader], **given)

    otelbridge.sdk.configure = configure_with_reader

    def provider_if_none() -> None:
        """A program that configures no metrics (its instruments record through the global
        provider) gets one with our reader before its main() runs."""
        if not configured and not bridge:
            from opentelemetry import metrics

            from otelbridge.sdk.metrics import MeterProvider

            metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    if bridge:  # OpenCensus calls (legacy, or kept by a partial migration) served by the shim
        from otelbridge.bridge import install

        install(tracer_provider=provider)
    else:
        trace.set_tracer_provider(provider)
    _run(path, provider_if_none)
    spans = exporter.get_finished_spans()
    records = [
        Record(
            span.context.span_id,
            span.parent.span_id if span.parent is not None else None,
            span.name,
            span.kind.name,
            span.status.status_code.name == "ERROR",
            dict(span.attributes or {}),
            [(event.name, dict(event.attributes or {})) for event in span.events],
        )
        for span in spans
    ]
    return records, exact_outline(spans), reader


if __name__ == "__main__":
    variant, program = sys.argv[1], sys.argv[2]
    if variant == "opencensus":
        print(outline(opencensus(program)))
        print("==")
        print(streams(_oc_metrics()))
    else:
        records, exact, reader = native(program, bridge=variant == "bridge")
        print(outline(records))
        print("--")
        print(exact)
        print("==")
        print(streams(_native_metrics(reader)))
