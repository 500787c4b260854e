"""Span limits from arguments or ``OTEL_*`` variables
(mirrors ``opentelemetry.sdk.trace.SpanLimits``)."""

from __future__ import annotations

import os
from typing import Optional

from otelbridge.sdk.environment_variables import (
    OTEL_ATTRIBUTE_COUNT_LIMIT,
    OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT,
    OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT,
    OTEL_LINK_ATTRIBUTE_COUNT_LIMIT,
    OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT,
    OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT,
    OTEL_SPAN_EVENT_COUNT_LIMIT,
    OTEL_SPAN_LINK_COUNT_LIMIT,
)
from otelbridge.sdk.util.env import check_at_least, env_int

_DEFAULT_COUNT_LIMIT = 128


def _limit(value: Optional[int], env_var: str, default: Optional[int]) -> Optional[int]:
    """An explicit value wins, then the variable, then ``default``. ``SpanLimits.UNSET`` (or an
    empty variable) means no limit. Negative or non-integer values raise ``ValueError``."""
    if value == SpanLimits.UNSET:
        return None
    if value is None:
        if env_var not in os.environ:
            return default
        value = env_int(env_var)  # set but blank: unlimited
        if value is None:
            return None
    return check_at_least(value, 0, env_var)


class SpanLimits:
    """How many attributes, events and links a span keeps, and how long attribute values may be.

    ``None`` means unlimited. Explicit arguments win over the environment; the general
    ``OTEL_ATTRIBUTE_*`` variables are the defaults of the span/event/link specific ones.
    """

    UNSET = -1

    __slots__ = (
        "max_attribute_length",
        "max_attributes",
        "max_event_attributes",
        "max_events",
        "max_link_attributes",
        "max_links",
        "max_span_attribute_length",
        "max_span_attributes",
    )

    def __init__(
        self,
        max_attributes: Optional[int] = None,
        max_events: Optional[int] = None,
        max_links: Optional[int] = None,
        max_span_attributes: Optional[int] = None,
        max_event_attributes: Optional[int] = None,
        max_link_attributes: Optional[int] = None,
        max_attribute_length: Optional[int] = None,
        max_span_attribute_length: Optional[int] = None,
    ) -> None:
        self.max_events = _limit(max_events, OTEL_SPAN_EVENT_COUNT_LIMIT, _DEFAULT_COUNT_LIMIT)
        self.max_links = _limit(max_links, OTEL_SPAN_LINK_COUNT_LIMIT, _DEFAULT_COUNT_LIMIT)
        general = _limit(max_attributes, OTEL_ATTRIBUTE_COUNT_LIMIT, _DEFAULT_COUNT_LIMIT)
        self.max_attributes = general
        self.max_span_attributes = _limit(
            max_span_attributes, OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, general
        )
        self.max_event_attributes = _limit(
            max_event_attributes, OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT, general
        )
        self.max_link_attributes = _limit(
            max_link_attributes, OTEL_LINK_ATTRIBUTE_COUNT_LIMIT, general
        )
        self.max_attribute_length = _limit(
            max_attribute_length, OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, None
        )
        self.max_span_attribute_length = _limit(
            max_span_attribute_length,
            OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT,
            self.max_attribute_length,
        )

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)}" for name in sorted(self.__slots__))
        return f"SpanLimits({fields})"
