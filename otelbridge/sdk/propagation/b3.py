"""Zipkin B3: the single ``b3`` header and the ``X-B3-*`` headers (openzipkin/b3-propagation).

Both propagators read both forms (the single header wins, as in Zipkin's own libraries) and write
their own. 64-bit trace ids are accepted and widened to 128 bits; we always send 32 hex digits.
Sampling: ``1``/``0`` (and the legacy ``true``/``false`` in ``X-B3-Sampled``), ``d`` or
``X-B3-Flags: 1`` (debug, which implies sampled); no sampling state means "not sampled" here.
"""

from __future__ import annotations

import logging
from typing import Optional, Set

from opentelemetry.context import Context
from opentelemetry.propagators.textmap import (
    CarrierT,
    Getter,
    Setter,
    TextMapPropagator,
    default_getter,
    default_setter,
)
from opentelemetry.trace import TraceFlags

from otelbridge.sdk.propagation._carrier import single_value
from otelbridge.sdk.propagation._context import (
    NOT_SAMPLED,
    SAMPLED,
    remote_context,
    unchanged,
    valid_span_context,
)
from otelbridge.sdk.propagation._hex import hex_id

__all__ = ["B3MultiFormat", "B3SingleFormat"]

_logger = logging.getLogger(__name__)
SINGLE_HEADER = "b3"
TRACE_ID_HEADER = "x-b3-traceid"
SPAN_ID_HEADER = "x-b3-spanid"
SAMPLED_HEADER = "x-b3-sampled"
FLAGS_HEADER = "x-b3-flags"
_SAMPLED = {"1": SAMPLED, "true": SAMPLED, "0": NOT_SAMPLED, "false": NOT_SAMPLED}
_SINGLE_SAMPLED = {"1": SAMPLED, "d": SAMPLED, "D": SAMPLED, "0": NOT_SAMPLED}


def _extract_single(header: str, context: Optional[Context]) -> Context:
    """``{trace}-{span}[-{sampling}[-{parent}]]``."""
    parts = header.strip(" \t").split("-")
    count = len(parts)
    trace_id = hex_id(parts[0], 32, 16)
    span_id = hex_id(parts[1], 16) if count > 1 else -1
    flags = _SINGLE_SAMPLED.get(parts[2]) if count > 2 else NOT_SAMPLED
    if (
        trace_id <= 0
        or span_id <= 0
        or flags is None
        or count > 4
        or (count == 4 and hex_id(parts[3], 16) < 0)
    ):
        _logger.debug("Ignoring malformed b3 header")
        return unchanged(context)
    return remote_context(trace_id, span_id, flags, context)


def _extract_multi(
    getter: Getter[CarrierT], carrier: CarrierT, context: Optional[Context]
) -> Context:
    trace_hex = single_value(getter, carrier, TRACE_ID_HEADER)
    span_hex = single_value(getter, carrier, SPAN_ID_HEADER)
    if trace_hex is None or span_hex is None:
        return unchanged(context)
    sampled = single_value(getter, carrier, SAMPLED_HEADER)
    flags: Optional[TraceFlags] = NOT_SAMPLED if sampled is None else _SAMPLED.get(sampled.lower())
    debug = single_value(getter, carrier, FLAGS_HEADER)
    if debug == "1" and flags is not None:
        flags = SAMPLED
    elif debug is not None and debug != "0":  # py_zipkin sends "0" for "not debug"
        flags = None
    trace_id = hex_id(trace_hex, 32, 16)
    span_id = hex_id(span_hex, 16)
    if flags is None or trace_id <= 0 or span_id <= 0:
        _logger.debug("Ignoring malformed X-B3 headers")
        return unchanged(context)
    return remote_context(trace_id, span_id, flags, context)


class _B3(TextMapPropagator):
    """Extraction shared by both forms."""

    __slots__ = ()

    def extract(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        header = single_value(getter, carrier, SINGLE_HEADER)
        if header is not None:
            return _extract_single(header, context)
        return _extract_multi(getter, carrier, context)


class B3SingleFormat(_B3):
    """Writes the single ``b3`` header: ``{trace id}-{span id}-{sampled}``."""

    __slots__ = ()

    def inject(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        span_context = valid_span_context(context)
        if span_context is None:
            return
        sampled = "1" if span_context.trace_flags & 1 else "0"
        setter.set(
            carrier,
            SINGLE_HEADER,
            f"{span_context.trace_id:032x}-{span_context.span_id:016x}-{sampled}",
        )

    @property
    def fields(self) -> Set[str]:
        return {SINGLE_HEADER}


class B3MultiFormat(_B3):
    """Writes ``X-B3-TraceId``, ``X-B3-SpanId`` and ``X-B3-Sampled``."""

    __slots__ = ()

    def inject(
        self,
        carrier: CarrierT,
        context: Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        span_context = valid_span_context(context)
        if span_context is None:
            return
        setter.set(carrier, TRACE_ID_HEADER, f"{span_context.trace_id:032x}")
        setter.set(carrier, SPAN_ID_HEADER, f"{span_context.span_id:016x}")
        setter.set(carrier, SAMPLED_HEADER, "1" if span_context.trace_flags & 1 else "0")

    @property
    def fields(self) -> Set[str]:
        return {TRACE_ID_HEADER, SPAN_ID_HEADER, SAMPLED_HEADER}
