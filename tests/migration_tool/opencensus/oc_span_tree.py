"""Run one OpenCensus corpus program and print its span tree; one fresh process per program.

``python oc_span_tree.py opencensus PROGRAM``: the legacy program as-is, on OpenCensus itself,
its spans caught by an exporter put in place of OpenCensus' default ``PrintExporter``.
``python oc_span_tree.py native PROGRAM``: a migrated program, natively on the OpenTelemetry API
and our SDK (in-memory exporter; ``configure()`` in the program exports nowhere).

Both print the same outline: names, parent links, kinds, attributes, events and whether the span
failed. OpenCensus has no unset status (every span starts as OK), so statuses compare as
``ok``/``error``; the migrated side is also checked exactly, through ``span_tree.py``'s outline.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any, NamedTuple, Optional

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


def _run(path: str) -> None:
    spec = importlib.util.spec_from_file_location("program", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
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


def native(path: str) -> tuple[list[Record], str]:
    from opentelemetry import trace

    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor
    from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from span_tree import outline as exact_outline

    for signal in ("TRACES", "METRICS", "LOGS"):  # the program's configure() exports nowhere
        os.environ[f"OTEL_{signal}_EXPORTER"] = "none"
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _run(path)
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
    return records, exact_outline(spans)


if __name__ == "__main__":
    variant, program = sys.argv[1], sys.argv[2]
    if variant == "opencensus":
        print(outline(opencensus(program)))
    else:
        records, exact = native(program)
        print(outline(records))
        print("--")
        print(exact)
