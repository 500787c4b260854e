"""Spans: :class:`ReadableSpan` (what processors and exporters see) and the live :class:`Span`.

Hot-path rules: ``__slots__`` everywhere, attributes in a plain dict created on first use,
no locks, and the span itself is handed to processors instead of a copy. The end-once guard is
a check-and-set with no call in between: CPython >= 3.10 only switches threads at calls and
backward jumps, so the GIL makes it atomic there (3.9 may switch between any two bytecodes,
leaving a window of a few instructions).
"""

from __future__ import annotations

import abc
import json
import logging
import traceback
from time import time_ns
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from opentelemetry import trace as trace_api
from opentelemetry.trace import Link, SpanContext, SpanKind
from opentelemetry.trace.status import Status, StatusCode

from otelbridge.sdk.resources import Resource
from otelbridge.sdk.util import ns_to_iso_str
from otelbridge.sdk.util.attributes import INVALID, clean_attributes, clean_value, valid_key
from otelbridge.sdk.util.instrumentation import InstrumentationScope

if TYPE_CHECKING:
    from opentelemetry.util.types import Attributes, AttributeValue

    from otelbridge.sdk.trace._pipeline import Pipeline

_logger = logging.getLogger(__name__)

_EMPTY: Mapping[str, AttributeValue] = MappingProxyType({})
_UNSET_STATUS = Status(StatusCode.UNSET)
_OK = StatusCode.OK
_UNSET = StatusCode.UNSET


class EventBase(abc.ABC):
    """A name and a timestamp; subclasses say where the attributes come from
    (mirrors ``opentelemetry.sdk.trace.EventBase``)."""

    __slots__ = ("_name", "_timestamp")

    def __init__(self, name: str, timestamp: Optional[int] = None) -> None:
        self._name = name
        self._timestamp = time_ns() if timestamp is None else timestamp

    @property
    def name(self) -> str:
        return self._name

    @property
    def timestamp(self) -> int:
        return self._timestamp

    @property
    @abc.abstractmethod
    def attributes(self) -> Mapping[str, AttributeValue]:
        """The event's attributes (read-only)."""


class Event(EventBase):
    """A timestamped annotation on a span (mirrors ``opentelemetry.sdk.trace.Event``)."""

    __slots__ = ("_attributes", "_dropped_attributes")

    def __init__(
        self,
        name: str,
        attributes: Attributes = None,
        timestamp: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> None:
        super().__init__(name, timestamp)
        self._attributes, self._dropped_attributes = clean_attributes(attributes, limit, None)

    @property
    def attributes(self) -> Mapping[str, AttributeValue]:
        return MappingProxyType(self._attributes)

    @property
    def dropped_attributes(self) -> int:
        return self._dropped_attributes

    def __repr__(self) -> str:
        return f"Event({self._name!r}, {self._attributes!r}, {self._timestamp})"


def _event(name: str, attributes: Dict[str, AttributeValue], timestamp: int, dropped: int) -> Event:
    """An Event from already-cleaned attributes."""
    event = Event.__new__(Event)
    event._name = name
    event._attributes = attributes
    event._timestamp = timestamp
    event._dropped_attributes = dropped
    return event


class _LimitedLink(Link):
    """A link whose attributes went through the span's limits and know how many were dropped."""

    def __init__(
        self, context: SpanContext, attributes: Dict[str, AttributeValue], dropped: int
    ) -> None:
        super().__init__(context, attributes)
        self._dropped = dropped

    @property
    def dropped_attributes(self) -> int:
        return self._dropped


def _is_valid_link(context: SpanContext, attributes: Attributes) -> bool:
    return bool(context) and (context.is_valid or bool(attributes) or bool(context.trace_state))


class ReadableSpan:
    """Read-only view of a span, with the properties of opentelemetry-sdk's ``ReadableSpan``."""

    __slots__ = (
        "_attributes",
        "_context",
        "_dropped_attributes",
        "_dropped_events",
        "_dropped_links",
        "_end_time",
        "_events",
        "_instrumentation_scope",
        "_kind",
        "_links",
        "_name",
        "_parent",
        "_resource",
        "_start_time",
        "_status",
    )

    _attributes: Optional[Dict[str, AttributeValue]]
    _events: Optional[List[Event]]
    _links: Sequence[Link]

    def __init__(
        self,
        name: str,
        context: Optional[SpanContext] = None,
        parent: Optional[SpanContext] = None,
        resource: Optional[Resource] = None,
        attributes: Attributes = None,
        events: Sequence[Event] = (),
        links: Sequence[Link] = (),
        kind: SpanKind = SpanKind.INTERNAL,
        instrumentation_info: object = None,  # deprecated by the reference, unused
        status: Status = _UNSET_STATUS,
        start_time: Optional[int] = None,
        end_time: Optional[int] = None,
        instrumentation_scope: Optional[InstrumentationScope] = None,
    ) -> None:
        self._name = name
        self._context = context
        self._parent = parent
        self._resource = Resource.create({}) if resource is None else resource
        self._attributes = dict(attributes) if attributes else None
        self._events = list(events) if events else None
        self._links = tuple(links)
        self._kind = kind
        self._status = status
        self._start_time = start_time
        self._end_time = end_time
        self._instrumentation_scope = instrumentation_scope
        self._dropped_attributes = 0
        self._dropped_events = 0
        self._dropped_links = 0

    @property
    def name(self) -> str:
        return self._name

    def get_span_context(self) -> Optional[SpanContext]:
        return self._context

    @property
    def context(self) -> Optional[SpanContext]:
        return self._context

    @property
    def parent(self) -> Optional[SpanContext]:
        return self._parent

    @property
    def kind(self) -> SpanKind:
        return self._kind

    @property
    def start_time(self) -> Optional[int]:
        return self._start_time

    @property
    def end_time(self) -> Optional[int]:
        return self._end_time

    @property
    def status(self) -> Status:
        return self._status

    @property
    def attributes(self) -> Mapping[str, AttributeValue]:
        attributes = self._attributes
        return _EMPTY if attributes is None else MappingProxyType(attributes)

    @property
    def events(self) -> Tuple[Event, ...]:
        return tuple(self._events) if self._events else ()

    @property
    def links(self) -> Tuple[Link, ...]:
        return tuple(self._links)

    @property
    def resource(self) -> Resource:
        return self._resource

    @property
    def instrumentation_scope(self) -> Optional[InstrumentationScope]:
        return self._instrumentation_scope

    @property
    def dropped_attributes(self) -> int:
        return self._dropped_attributes

    @property
    def dropped_events(self) -> int:
        return self._dropped_events

    @property
    def dropped_links(self) -> int:
        return self._dropped_links

    def to_json(self, indent: Optional[int] = 4) -> str:
        """The same JSON layout as opentelemetry-sdk's ``ReadableSpan.to_json``."""
        status: Dict[str, str] = {"status_code": self._status.status_code.name}
        if self._status.description:
            status["description"] = self._status.description
        document = {
            "name": self._name,
            "context": _format_context(self._context) if self._context else None,
            "kind": str(self._kind),
            "parent_id": f"0x{self._parent.span_id:016x}" if self._parent else None,
            "start_time": ns_to_iso_str(self._start_time) if self._start_time else None,
            "end_time": ns_to_iso_str(self._end_time) if self._end_time else None,
            "status": status,
            "attributes": dict(self.attributes),
            "events": [
                {
                    "name": event.name,
                    "timestamp": ns_to_iso_str(event.timestamp),
                    "attributes": dict(event.attributes),
                }
                for event in self.events
            ],
            "links": [
                {
                    "context": _format_context(link.context),
                    "attributes": dict(link.attributes or {}),
                }
                for link in self._links
            ],
            "resource": json.loads(self._resource.to_json()),
        }
        return json.dumps(document, indent=indent)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(name="{self._name}", context={self._context})'


def _format_context(context: SpanContext) -> Dict[str, str]:
    return {
        "trace_id": f"0x{context.trace_id:032x}",
        "span_id": f"0x{context.span_id:016x}",
        "trace_state": repr(context.trace_state),
    }


_reported_limits: set[str] = set()


def _report_limit(what: str) -> None:
    """The spec asks for a log when limits drop data, but not per span or per item: once per
    process and kind."""
    if what not in _reported_limits:
        _reported_limits.add(what)
        _logger.warning(
            "A span limit was reached: %s beyond it are dropped and counted in the span's "
            "dropped counts (logged once per process)",
            what,
        )


def _ended(span: Span, method: str) -> None:
    _logger.warning("Tried calling %s on an ended span %r; ignored.", method, span._name)


class Span(trace_api.Span, ReadableSpan):
    """A live, recording span. Created by :meth:`Tracer.start_span`; never construct directly."""

    __slots__ = ("_live", "_pipeline", "_record_exception", "_set_status_on_exception")

    def __init__(
        self,
        name: str,
        context: SpanContext,
        parent: Optional[SpanContext],
        pipeline: Pipeline,
        scope: InstrumentationScope,
        kind: SpanKind,
        attributes: Attributes,
        links: Optional[Sequence[Link]],
        start_time: int,
        record_exception: bool,
        set_status_on_exception: bool,
    ) -> None:
        self._name = name
        self._context = context
        self._parent = parent
        self._pipeline = pipeline
        self._resource = pipeline.resource
        self._instrumentation_scope = scope
        self._kind = kind
        self._start_time = start_time
        self._end_time = None
        self._status = _UNSET_STATUS
        self._events = None
        self._dropped_events = 0
        self._record_exception = record_exception
        self._set_status_on_exception = set_status_on_exception
        self._live: Optional[Dict[str, str]] = None  # SDK self-metrics only (_self_metrics.py)
        if attributes:
            self._attributes, self._dropped_attributes = clean_attributes(
                attributes, pipeline.max_span_attributes, pipeline.max_attribute_length
            )
            if self._dropped_attributes:
                _report_limit("span attributes")
        else:
            self._attributes = None
            self._dropped_attributes = 0
        self._links = ()
        self._dropped_links = 0
        if links:
            for link in links:
                self._append_link(link.context, link.attributes)

    def get_span_context(self) -> SpanContext:
        return self._context  # type: ignore[return-value]  # a live span always has one

    def is_recording(self) -> bool:
        return self._end_time is None

    # ``value`` untyped: the checks dispatch on ``type(value)`` in a local (the fast path), which
    # mypy does not narrow on.
    def set_attribute(self, key: str, value: Any) -> None:
        if self._end_time is not None:
            return _ended(self, "set_attribute")
        pipeline = self._pipeline
        kind = type(value)
        if kind is str:
            if len(value) > pipeline.max_attribute_length:
                value = value[: pipeline.max_attribute_length]
        elif kind is not int and kind is not float and kind is not bool:
            value = clean_value(key, value, pipeline.max_attribute_length)
            if value is INVALID:
                return None
        if type(key) is not str or not key:
            valid_key(key)
            return None
        attributes = self._attributes
        if attributes is None:
            self._attributes = attributes = {}
        if len(attributes) < pipeline.max_span_attributes or key in attributes:
            attributes[key] = value
        else:
            self._dropped_attributes += 1
            _report_limit("span attributes")
        return None

    def set_attributes(self, attributes: Mapping[str, AttributeValue]) -> None:
        if self._end_time is not None:
            return _ended(self, "set_attributes")
        for key, value in attributes.items():
            self.set_attribute(key, value)
        return None

    def add_event(
        self,
        name: str,
        attributes: Attributes = None,
        timestamp: Optional[int] = None,
    ) -> None:
        if self._end_time is not None:
            return _ended(self, "add_event")
        pipeline = self._pipeline
        events = self._events
        if events is None:
            self._events = events = []
        if len(events) >= pipeline.max_events:
            self._dropped_events += 1
            _report_limit("events")
            return None
        cleaned, dropped = clean_attributes(
            attributes, pipeline.max_event_attributes, pipeline.max_attribute_length
        )
        if dropped:
            _report_limit("event attributes")
        events.append(_event(name, cleaned, time_ns() if timestamp is None else timestamp, dropped))
        return None

    def add_link(
        self, context: SpanContext, attributes: Attributes = None
    ) -> None:
        if self._end_time is not None:
            return _ended(self, "add_link")
        self._append_link(context, attributes)
        return None

    def _append_link(self, context: SpanContext, attributes: Attributes) -> None:
        if not _is_valid_link(context, attributes):
            return
        pipeline = self._pipeline
        if len(self._links) >= pipeline.max_links:
            self._dropped_links += 1
            _report_limit("links")
            return
        cleaned, dropped = clean_attributes(
            attributes, pipeline.max_link_attributes, pipeline.max_attribute_length
        )
        if dropped:
            _report_limit("link attributes")
        self._links = (*self._links, _LimitedLink(context, cleaned, dropped))

    def update_name(self, name: str) -> None:
        if self._end_time is not None:
            return _ended(self, "update_name")
        self._name = name
        return None

    def set_status(
        self, status: Union[Status, StatusCode], description: Optional[str] = None
    ) -> None:
        """Spec rules: OK is final, UNSET is ignored, a description only goes with ERROR."""
        if self._end_time is not None:
            return _ended(self, "set_status")
        if self._status.status_code is _OK:
            return None
        if isinstance(status, Status):
            if description is not None:
                _logger.warning(
                    "Description %r ignored: pass either a Status or (StatusCode, description)",
                    description,
                )
            if status.status_code is not _UNSET:
                self._status = status
        elif status is not _UNSET:
            self._status = Status(status, description)
        return None

    def record_exception(
        self,
        exception: BaseException,
        attributes: Attributes = None,
        timestamp: Optional[int] = None,
        escaped: bool = False,
    ) -> None:
        """An ``exception`` event with the semantic-convention attributes."""
        if self._end_time is not None:
            return _ended(self, "record_exception")
        kind = type(exception)
        module = kind.__module__
        event_attributes: Dict[str, AttributeValue] = {
            "exception.type": kind.__qualname__
            if module in (None, "builtins")
            else f"{module}.{kind.__qualname__}",
            "exception.message": str(exception),
            "exception.stacktrace": "".join(
                traceback.format_exception(kind, exception, exception.__traceback__)
            ),
            "exception.escaped": str(escaped),
        }
        if attributes:
            event_attributes.update(attributes)
        self.add_event("exception", event_attributes, timestamp)
        return None

    def set_kind(self, kind: SpanKind) -> None:
        """Change the kind of a span that has not ended (an otelbridge extension).

        Not in the OpenTelemetry API, where the kind is fixed at start: legacy APIs
        (OpenTracing's ``span.kind`` tag, OpenCensus's ``span_kind``) may name it later, and their
        shims use this so that the exported kind is still right. Samplers have already run.
        """
        if self._end_time is not None:
            return _ended(self, "set_kind")
        self._kind = kind
        return None

    def end(self, end_time: Optional[int] = None) -> None:
        """End the span once and hand it to the processors; later calls only warn."""
        if end_time is None:
            end_time = time_ns()
        # Check-and-set without a call in between: atomic under the GIL.
        if self._end_time is not None:
            return _ended(self, "end")
        self._end_time = end_time
        if self._live is not None:
            self._pipeline.span_metrics.live.add(-1, self._live)  # type: ignore[union-attr]  # _live: metrics on
        for on_end in self._pipeline.on_end:
            try:
                on_end(self)
            except Exception:
                _logger.exception("Span processor failed in on_end for span %r", self._name)
        return None

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        if exc_val is not None and self._end_time is None:
            if self._record_exception:
                self.record_exception(exc_val, escaped=True)
            if self._set_status_on_exception:
                self.set_status(Status(StatusCode.ERROR, f"{exc_type.__name__}: {exc_val}"))
        self.end()
