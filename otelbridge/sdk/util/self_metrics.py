"""The SDK's own counters as metrics (semantic conventions ``otel.sdk.*``), for dashboards.

Processors and exporters already count on their own (``dropped_spans``, ``stats``); these
instruments are *observable*: the meter reads those counters when it collects, so the hot path
pays nothing. Published when a ``meter_provider`` is given to the processor or exporter, or, with
``OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED=true``, through the global meter provider (as
opentelemetry-python does).
"""

from __future__ import annotations

import itertools
import os
import weakref
from collections import defaultdict
from typing import Callable, DefaultDict, Dict, Iterable, Iterator, Optional, Tuple, TypeVar

from opentelemetry.metrics import CallbackOptions, MeterProvider, Observation, get_meter_provider

OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED = "OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED"

#: (value, error.type or None) pairs an observed component reports at each collection.
Counts = Iterable[Tuple[int, Optional[str]]]

T = TypeVar("T")

_numbers: DefaultDict[str, Iterator[int]] = defaultdict(itertools.count)


def meter_provider_for(given: Optional[MeterProvider]) -> Optional[MeterProvider]:
    """``given``, else the global provider when the environment variable enables self-metrics,
    else ``None`` (nothing is published)."""
    if given is not None:
        return given
    enabled = os.environ.get(OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED, "").strip().lower()
    return get_meter_provider() if enabled == "true" else None


def observe(
    meter_provider: MeterProvider,
    component_type: str,
    owner: T,
    counters: Dict[str, Callable[[T], Counts]],
    gauges: Dict[str, Callable[[T], int]],
) -> None:
    """Register observable counters (``counters``: name -> counts of ``owner``) and up-down
    counters (``gauges``: name -> current value) for one component, named
    ``<component_type>/<n>`` as the conventions ask. ``owner`` is held weakly: a discarded
    component stops reporting."""
    meter = meter_provider.get_meter("otelbridge.sdk")
    attributes = {
        "otel.component.type": component_type,
        "otel.component.name": f"{component_type}/{next(_numbers[component_type])}",
    }
    ref = weakref.ref(owner)

    def counter_callback(read: Callable[[T], Counts]) -> Callable[..., Iterator[Observation]]:
        def callback(options: CallbackOptions) -> Iterator[Observation]:
            target = ref()
            if target is None:
                return
            for value, error_type in read(target):
                if error_type is None:
                    yield Observation(value, attributes)
                else:
                    yield Observation(value, {**attributes, "error.type": error_type})

        return callback

    def gauge_callback(read: Callable[[T], int]) -> Callable[..., Iterator[Observation]]:
        def callback(options: CallbackOptions) -> Iterator[Observation]:
            target = ref()
            if target is not None:
                yield Observation(read(target), attributes)

        return callback

    for name, read_counts in counters.items():
        meter.create_observable_counter(name, [counter_callback(read_counts)], unit="{span}")
    for name, read_value in gauges.items():
        meter.create_observable_up_down_counter(name, [gauge_callback(read_value)], unit="{span}")
