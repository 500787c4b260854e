"""The OpenCensus trace half of ``install()``: OpenCensus' own classes record OpenTelemetry spans.

Patched while installed, from when ``opencensus.trace.tracer`` is imported (``wrapt``'s
post-import hook; nothing of OpenCensus is imported before), on OpenCensus' classes and
functions:

* ``Tracer.get_tracer``: every ``opencensus.trace.tracer.Tracer`` made from now on delegates to
  the shim's :class:`ContextTracer` on the installed provider; its exporter is never called;
* ``Tracer.tracer``: a data descriptor, so Tracers made before install delegate too (keeping
  the sampling decision OpenCensus made for them);
* ``Tracer.span`` / ``start_span`` / ``trace_decorator``: the shim's (one call shorter; the
  decorator ends the span when the function raises);
* the propagator classes' methods: the shim's, on otelbridge's parsers;
* ``execution_context.is_exporter``: also true where OpenTelemetry's suppress-instrumentation
  key is set (our exporters' own requests), and ``set_is_exporter`` sets that key too, so the
  two flags are one.

``undo()`` puts every original back and gives the Tracers made meanwhile OpenCensus' own
delegate again.
"""

from __future__ import annotations

import contextvars
import importlib
import importlib.util
import logging
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Tuple

import wrapt
from opentelemetry import context as context_api
from opentelemetry import trace as trace_api

from otelbridge.bridge._after_import import AfterImports

if TYPE_CHECKING:
    from otelbridge.shims.opencensus.trace import ContextTracer

_logger = logging.getLogger(__name__)

_SUPPRESS_KEY = getattr(context_api, "_SUPPRESS_INSTRUMENTATION_KEY", "suppress_instrumentation")
#: The context token of a suppression that ``set_is_exporter(True)`` attached.
_suppress_token: contextvars.ContextVar[Any] = contextvars.ContextVar("otelbridge_oc_exporter")

#: (OpenCensus module path, class name, methods); the shim's classes have the same names.
_PROPAGATORS = (
    (
        "opencensus.trace.propagation.trace_context_http_header_format",
        "TraceContextPropagator",
        ("from_headers", "to_headers"),
    ),
    (
        "opencensus.trace.propagation.b3_format",
        "B3FormatPropagator",
        ("from_headers", "to_headers"),
    ),
    (
        "opencensus.trace.propagation.google_cloud_format",
        "GoogleCloudFormatPropagator",
        ("from_header", "from_headers", "to_header", "to_headers"),
    ),
    (
        "opencensus.trace.propagation.binary_format",
        "BinaryFormatPropagator",
        ("from_header", "to_header"),
    ),
    (
        "opencensus.trace.propagation.text_format",
        "TextFormatPropagator",
        ("from_carrier", "to_carrier"),
    ),
)

#: Patched when this module is imported, and while an installation is pending.
_MODULE = "opencensus.trace.tracer"
_lock = threading.RLock()  # the import hook may run inside install(), under the lock
_pending: Optional[Tuple[trace_api.TracerProvider, bool]] = None  # (provider, configured)
_undo: Optional[Callable[[], None]] = None


def available() -> bool:
    """True when OpenCensus can be imported (the bridge then installs this half); it is not
    imported here: patching waits for the application to import it."""
    try:
        return importlib.util.find_spec("opencensus.trace") is not None
    except ImportError:  # no opencensus package at all
        return False


class _Patches:
    """Originals replaced on OpenCensus' objects, restored last first."""

    def __init__(self) -> None:
        self._saved: List[Tuple[Any, str, Any]] = []

    def replace(self, owner: Any, name: str, value: Any) -> None:
        self._saved.append((owner, name, owner.__dict__.get(name, _ABSENT)))
        setattr(owner, name, value)

    def wrap(self, owner: Any, name: str, wrapper: Callable[..., Any]) -> None:
        self.replace(owner, name, wrapt.FunctionWrapper(getattr(owner, name), wrapper))

    def undo(self) -> None:
        for owner, name, original in reversed(self._saved):
            if original is _ABSENT:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._saved.clear()


_ABSENT = object()


class _Delegate:
    """``Tracer.tracer`` while installed: the shim's delegate, made on first use for Tracers
    that OpenCensus built before install (an unsampled one, with a NoopTracer, stays so)."""

    def __init__(self, make: Callable[[Any, Optional[bool]], ContextTracer], kind: type) -> None:
        self._make = make
        self._kind = kind  # ContextTracer
        #: Tracers whose delegate was replaced, with OpenCensus' own (restored on uninstall).
        self.replaced: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self
        values = instance.__dict__
        delegate = values.get("tracer")
        if type(delegate) is self._kind:
            return delegate
        from opencensus.trace.tracers.noop_tracer import NoopTracer

        sampled = None if delegate is None else not isinstance(delegate, NoopTracer)
        ours = self._make(instance, sampled)
        self.replaced[instance] = delegate
        values["tracer"] = ours
        return ours

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__["tracer"] = value


def install(tracer_provider: trace_api.TracerProvider, *, configured: bool) -> Callable[[], None]:
    """:func:`patch` as ``install()`` does it, now if OpenCensus is imported, else when it gets
    imported (so a program that never uses it does not pay for importing it); returns the undo.

    OpenCensus samplers are honoured unless ``OTEL_TRACES_SAMPLER`` is set; ``configured`` says
    the SDK was built from ``OTEL_*``, so ``OTEL_TRACES_EXPORTER`` names the exporters that
    replace OpenCensus'.
    """
    global _pending
    with _lock:
        _pending = (tracer_provider, configured)
        _hooks.arm()
    return _uninstall


def _on_import() -> None:
    global _undo
    with _lock:
        if _pending is None or _undo is not None:
            return
        from otelbridge.shims.opencensus.trace import honours_opencensus_samplers

        tracer_provider, configured = _pending
        destination = None
        if configured:
            names = os.environ.get("OTEL_TRACES_EXPORTER", "").strip() or "otlp"
            destination = f"the OpenTelemetry exporters of OTEL_TRACES_EXPORTER ({names})"
        _undo = patch(tracer_provider, honours_opencensus_samplers(), destination)


#: The shim's package imports OpenCensus' tracer: patching waits until the shim is complete.
_hooks = AfterImports((_MODULE,), "otelbridge.shims.opencensus.trace", _on_import, _lock)


def _uninstall() -> None:
    global _pending, _undo
    with _lock:
        _pending = None
        undo, _undo = _undo, None
    if undo is not None:
        undo()


def patch(
    tracer_provider: trace_api.TracerProvider,
    honour_samplers: bool,
    destination: Optional[str] = None,
) -> Callable[[], None]:
    """Route OpenCensus' trace API into ``tracer_provider``; returns the undo.

    ``honour_samplers``: OpenCensus' samplers decide per Tracer (else only the provider's
    sampler does). ``destination`` names where spans go, for the line naming each replaced
    OpenCensus exporter.
    """
    from opencensus.trace import execution_context
    from opencensus.trace import tracer as tracer_module

    from otelbridge.shims.opencensus.trace import ContextTracer, context_tracer_for
    from otelbridge.shims.opencensus.trace import Tracer as ShimTracer
    from otelbridge.shims.opencensus.trace import exporters as oc_exporters

    patches = _Patches()
    made: weakref.WeakSet[Any] = weakref.WeakSet()
    original_get_tracer = tracer_module.Tracer.get_tracer

    announced: List[bool] = []

    def make(instance: Any, sampled: Optional[bool]) -> ContextTracer:
        if not announced:  # once, when OpenCensus is first used: the app's logging is set up
            announced.append(True)
            _announce_sampling(honour_samplers)
        return context_tracer_for(instance, tracer_provider, honour_samplers, sampled)

    def get_tracer(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        made.add(instance)
        return make(instance, None)

    delegate = _Delegate(make, ContextTracer)
    try:
        oc_exporters.set_destination(destination)
        patches.wrap(tracer_module.Tracer, "get_tracer", get_tracer)
        patches.replace(tracer_module.Tracer, "tracer", delegate)
        for method in ("span", "start_span", "trace_decorator"):  # the shim's, one call shorter
            patches.replace(tracer_module.Tracer, method, ShimTracer.__dict__[method])
        _patch_propagators(patches)
        _patch_exporter_flag(patches, execution_context)
    except BaseException:
        patches.undo()
        raise

    def undo() -> None:
        patches.undo()
        oc_exporters.set_destination(None)
        for instance in list(made):
            _restore(instance, original_get_tracer)
        for instance, original in list(delegate.replaced.items()):
            _restore(instance, None, original)

    return undo


def _announce_sampling(honour_samplers: bool) -> None:
    if honour_samplers:
        _logger.info(
            "otelbridge: OpenCensus samplers decide which OpenCensus traces are recorded "
            "(OTEL_TRACES_SAMPLER is not set)"
        )
    else:
        _logger.info(
            "otelbridge: the OpenTelemetry sampler decides for OpenCensus spans too; "
            "OpenCensus samplers are ignored"
        )


def _restore(instance: Any, get_tracer: Any, original: Any = None) -> None:
    """Give a Tracer back OpenCensus' delegate and its own span context."""
    own = getattr(instance.__dict__.get("span_context"), "own", None)
    if own is not None:
        instance.span_context = own
    instance.__dict__["tracer"] = get_tracer(instance) if get_tracer is not None else original


def _patch_propagators(patches: _Patches) -> None:
    from otelbridge.shims.opencensus.trace import propagation

    for module_name, class_name, methods in _PROPAGATORS:
        owner = getattr(importlib.import_module(module_name), class_name)
        shim_class = getattr(propagation, class_name)
        for method in methods:
            patches.replace(owner, method, shim_class.__dict__[method])


def _patch_exporter_flag(patches: _Patches, execution_context: Any) -> None:
    """One flag: OpenCensus' ``is_exporter`` and OpenTelemetry's suppress-instrumentation key."""

    def is_exporter(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> bool:
        return bool(wrapped(*args, **kwargs) or context_api.get_value(_SUPPRESS_KEY))

    def set_is_exporter(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> None:
        flag = bool(args[0] if args else kwargs.get("is_exporter"))
        wrapped(*args, **kwargs)
        token = _suppress_token.get(None)
        if flag and token is None:
            _suppress_token.set(context_api.attach(context_api.set_value(_SUPPRESS_KEY, True)))
        elif not flag and token is not None:
            _suppress_token.set(None)
            context_api.detach(token)

    patches.wrap(execution_context, "is_exporter", is_exporter)
    patches.wrap(execution_context, "set_is_exporter", set_is_exporter)
