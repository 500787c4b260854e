"""The SDK's metrics about its own spans, as opentelemetry-sdk reports them when
``OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED=true``: ``otel.sdk.span.started`` (a counter, by
parent origin and sampling result) and ``otel.sdk.span.live`` (recording spans not ended yet).

Off by default; then tracers and spans pay one ``None`` check each.
"""

from __future__ import annotations

import os
from typing import Dict, Optional

from opentelemetry import metrics as metrics_api
from opentelemetry.trace import SpanContext

from otelbridge.sdk.environment_variables import OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED
from otelbridge.sdk.trace.sampling import Decision

_PARENT_ORIGIN = "otel.span.parent.origin"
_SAMPLING_RESULT = "otel.span.sampling_result"


class SpanMetrics:
    """The two span instruments, on a meter of the given provider."""

    def __init__(self, meter_provider: metrics_api.MeterProvider) -> None:
        meter = meter_provider.get_meter("otelbridge.sdk")
        self._started = meter.create_counter(
            "otel.sdk.span.started", unit="{span}", description="The number of created spans."
        )
        self.live = meter.create_up_down_counter(
            "otel.sdk.span.live",
            unit="{span}",
            description=(
                "The number of created spans with `recording=true` for which the end "
                "operation has not been called yet."
            ),
        )

    def started(
        self, parent: Optional[SpanContext], decision: Decision
    ) -> Optional[Dict[str, str]]:
        """Count a new span; for a recording one, count it live and return the attributes its
        end must subtract with (``None`` otherwise)."""
        origin = "none" if parent is None else "remote" if parent.is_remote else "local"
        result = decision.name
        self._started.add(1, {_PARENT_ORIGIN: origin, _SAMPLING_RESULT: result})
        if decision is Decision.DROP:
            return None
        live = {_SAMPLING_RESULT: result}
        self.live.add(1, live)
        return live


def span_metrics(meter_provider: Optional[metrics_api.MeterProvider]) -> Optional[SpanMetrics]:
    """``SpanMetrics`` when the variable enables them (on ``meter_provider``, default the global
    one), else ``None``."""
    if os.environ.get(OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED, "").strip().lower() != "true":
        return None
    return SpanMetrics(meter_provider or metrics_api.get_meter_provider())
