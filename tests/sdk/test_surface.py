"""Every public name of ``opentelemetry.sdk`` exists at our mirrored path, with the reference's
public methods, keyword parameters and positional parameter order, unless ALLOWED says why not.

Public names are a module's ``__all__`` or, without one, what the module itself defines at top
level (classes, functions, assigned names): imports of other modules' names do not count.
Constants must also have the reference's value.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from types import ModuleType
from typing import Any, Iterator, List

MODULES = [
    "trace",
    "trace.export",
    "trace.export.in_memory_span_exporter",
    "trace.sampling",
    "trace.id_generator",
    "resources",
    "metrics",
    "metrics.export",
    "metrics.view",
    "environment_variables",
    "util.instrumentation",
]

_SELF_METRICS = (
    "the SDK's self-metrics (OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED) are implemented for the "
    "batch processor and the OTLP span exporters only"
)

#: "module:Name[.member][(keyword=)]" -> why it is not mirrored.
ALLOWED = {
    # Module-level helpers, not API.
    "trace:logger": "module logger",
    "trace.export:logger": "module logger",
    "resources:logger": "module logger",
    "resources:psutil": "optional import of a third-party module",
    "resources:winreg": "optional import of a standard module on Windows",
    "resources:LabelValue": "type alias used in annotations only",
    "resources:Attributes": "type alias re-exported from opentelemetry.util.types",
    "trace:SPAN_ATTRIBUTE_COUNT_LIMIT": "deprecated in the reference ('use SpanLimits instead')",
    "trace:ReadableSpan.instrumentation_info": "deprecated since opentelemetry-sdk 1.11.1: use "
    "instrumentation_scope",
    "util.instrumentation:InstrumentationInfo": "deprecated since opentelemetry-sdk 1.11.1: use "
    "InstrumentationScope",
    # Spans and tracers are made by the provider; their constructors are internal.
    "trace:Tracer.__init__(sampler=)": "internal constructor: get_tracer() builds tracers",
    "trace:Tracer.__init__(resource=)": "internal constructor: get_tracer() builds tracers",
    "trace:Tracer.__init__(span_processor=)": "internal constructor: get_tracer() builds tracers",
    "trace:Tracer.__init__(id_generator=)": "internal constructor: get_tracer() builds tracers",
    "trace:Tracer.__init__(instrumentation_info=)": "internal constructor",
    "trace:Tracer.__init__(span_limits=)": "internal constructor: get_tracer() builds tracers",
    "trace:Tracer.__init__(meter_provider=)": "internal constructor: get_tracer() builds tracers",
    "trace:Span.__init__(sampler=)": "internal constructor: Tracer.start_span builds spans",
    "trace:Span.__init__(trace_config=)": "internal constructor: Tracer.start_span builds spans",
    "trace:Span.__init__(resource=)": "internal constructor: Tracer.start_span builds spans",
    "trace:Span.__init__(events=)": "internal constructor: Tracer.start_span builds spans",
    "trace:Span.__init__(span_processor=)": "internal constructor: Tracer.start_span builds spans",
    "trace:Span.__init__(instrumentation_info=)": "internal constructor",
    "trace:Span.__init__(limits=)": "internal constructor: Tracer.start_span builds spans",
    "trace:Span.__init__(instrumentation_scope=)": "internal constructor",
    "trace:Span.__init__(record_end_metrics=)": "internal constructor",
    "trace:Span.start": "spans are started by Tracer.start_span, never handed out unstarted",
    "trace:Span.__init__[positional order]": "internal constructor: Tracer.start_span builds spans",
    "trace:Tracer.__init__[positional order]": "internal constructor: get_tracer() builds tracers",
    "metrics:Meter.__init__[positional order]": "internal constructor: get_meter() builds it",
    "metrics:Histogram.__init__[positional order]": "internal constructor",
    "trace.export:SimpleSpanProcessor.__init__(meter_provider=)": _SELF_METRICS,
    "metrics.export:MetricReader.__init__(otel_component_type=)": _SELF_METRICS,
    # Internal plumbing of the reference's metrics pipeline.
    "metrics:Meter.__init__(instrumentation_scope=)": "internal constructor: get_meter() builds it",
    "metrics:Meter.__init__(measurement_consumer=)": "internal constructor: get_meter() builds it",
    "metrics:Histogram.__init__(instrumentation_scope=)": "internal constructor",
    "metrics:Histogram.__init__(measurement_consumer=)": "internal constructor",
}


def _public_names(module: ModuleType) -> List[str]:
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return list(declared)
    assert module.__file__ is not None
    with open(module.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    names: List[str] = []
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [name for name in names if not name.startswith("_")]


def _keywords(func: Any) -> List[str]:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature
        return []
    return [
        p.name
        for p in parameters
        if p.name not in ("self", "cls")
        and not p.name.startswith("_")
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _positional(func: Any) -> List[str]:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in parameters
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.name not in ("self", "cls")
    ]


def _same_positions(reference: Any, ours: Any) -> bool:
    """Code passing arguments by position gets the same meaning: our positional parameters
    start with the reference's public ones, in its order."""
    wanted = []
    for name in _positional(reference):
        if name.startswith("_"):
            break
        wanted.append(name)
    return _positional(ours)[: len(wanted)] == wanted


def _accepts_any_keyword(func: Any) -> bool:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind is p.VAR_KEYWORD for p in parameters)


def _sets_in_init(cls: type, member: str) -> bool:
    """A reference property may be a plain attribute of ours, set by ``__init__``."""
    try:
        source = inspect.getsource(cls.__init__)  # type: ignore[misc]
    except (TypeError, OSError):
        return False
    return f"self.{member} =" in source


def _class_gaps(where: str, reference: type, ours: type) -> Iterator[str]:
    for member, value in vars(reference).items():
        if member.startswith("_") and member != "__init__":
            continue
        if not hasattr(ours, member):
            if not (isinstance(value, property) and _sets_in_init(ours, member)):
                yield f"{where}.{member}"
            continue
        if callable(value) or isinstance(value, (staticmethod, classmethod)):
            ref_func, our_func = getattr(reference, member), getattr(ours, member)
            if not _same_positions(ref_func, our_func):
                yield f"{where}.{member}[positional order]"
            if _accepts_any_keyword(our_func):
                continue
            ours_accepts = set(_keywords(our_func))
            for keyword in _keywords(ref_func):
                if keyword not in ours_accepts:
                    yield f"{where}.{member}({keyword}=)"


def _gaps() -> Iterator[str]:
    for path in MODULES:
        reference = importlib.import_module(f"opentelemetry.sdk.{path}")
        ours = importlib.import_module(f"otelbridge.sdk.{path}")
        for name in _public_names(reference):
            where = f"{path}:{name}"
            ref_obj = getattr(reference, name)
            if not hasattr(ours, name):
                yield where
                continue
            our_obj = getattr(ours, name)
            if inspect.isclass(ref_obj):
                yield from _class_gaps(where, ref_obj, our_obj)
            elif inspect.isfunction(ref_obj):
                if not _same_positions(ref_obj, our_obj):
                    yield f"{where}[positional order]"
                accepted = set(_keywords(our_obj))
                for keyword in _keywords(ref_obj):
                    if keyword not in accepted and not _accepts_any_keyword(our_obj):
                        yield f"{where}({keyword}=)"
            elif isinstance(ref_obj, (str, int, float)) and our_obj != ref_obj:
                yield f"{where} = {our_obj!r}, the reference has {ref_obj!r}"


def test_every_public_name_is_mirrored() -> None:
    missing = [gap for gap in _gaps() if gap not in ALLOWED]
    assert missing == [], f"{len(missing)} names missing from otelbridge.sdk:\n" + "\n".join(
        missing
    )


def test_the_allow_list_has_no_stale_entries() -> None:
    """An entry whose name has since been added (or dropped by the reference) must go."""
    stale = sorted(set(ALLOWED) - set(_gaps()))
    assert stale == []
