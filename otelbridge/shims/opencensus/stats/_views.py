"""One registered OpenCensus view as the shim stores it.

The store keeps OpenCensus' own ``ViewData`` (and so its aggregation data objects) per view,
so that ``get_view`` and ``get_metrics`` answer exactly what OpenCensus would. Unlike
OpenCensus, a record touches only the one series it updates (no copy of the view), under the
view's lock, so concurrent records stay exact and readers never see a dict changing size.
"""

from __future__ import annotations

import copy
import threading
from datetime import datetime
from typing import Any, Dict, Mapping, Optional, Tuple

from opencensus.common.utils import to_iso_str
from opencensus.stats import metric_utils
from opencensus.stats.aggregation import DistributionAggregation
from opencensus.stats.view_data import ViewData
from opentelemetry import trace

# Attachment that carries the span a distribution value was recorded in (OpenCensus Python
# has no such utility; OpenCensus Java uses the same key).
SPAN_CONTEXT_ATTACHMENT = "SpanContext"


class ViewSeries:
    """A view's series: tag values (in column order, ``None`` when absent) → aggregation data."""

    __slots__ = ("_new_data", "columns", "lock", "series", "view", "view_data")

    def __init__(self, view_data: ViewData) -> None:
        self.view_data = view_data
        self.view = view_data.view
        self.columns: Tuple[str, ...] = tuple(self.view.columns or ())
        self.series: Dict[Tuple[Optional[str], ...], Any] = (
            view_data._tag_value_aggregation_data_map
        )
        self.lock = threading.Lock()
        self._new_data = self.view.new_aggregation_data

    def record(
        self, value: float, tags: Mapping[str, str], attachments: Any, timestamp: Any = None
    ) -> None:
        """Add ``value`` to its series (count, sum and last value ignore the rest)."""
        key = tuple(map(tags.get, self.columns))
        with self.lock:
            data = self.series.get(key)
            if data is None:
                data = self.series[key] = self._new_data()
            data.add_sample(value, timestamp, attachments)

    def snapshot(self) -> ViewData:
        """What OpenCensus' ``get_view`` returns: a finalized deep copy."""
        with self.lock:
            copied = copy.copy(self.view_data)
            copied._tag_value_aggregation_data_map = copy.deepcopy(self.series)
        copied.end()
        return copied

    def to_metric(self, timestamp: datetime) -> Any:
        """OpenCensus' ``Metric`` for this view (``None`` while it has no series)."""
        with self.lock:
            return metric_utils.view_data_to_metric(self.view_data, timestamp)


def _span_attachment() -> Optional[str]:
    """``<trace id>-<span id>`` of the current sampled span, if any."""
    context = trace.get_current_span().get_span_context()
    if not context.trace_flags.sampled or not context.is_valid:
        return None
    return f"{context.trace_id:032x}-{context.span_id:016x}"


class DistributionSeries(ViewSeries):
    """Distributions also keep exemplars: the attachments given to the measurement map, plus
    the current span when the value is recorded inside a sampled one."""

    __slots__ = ()

    def record(
        self, value: float, tags: Mapping[str, str], attachments: Any, timestamp: Any = None
    ) -> None:
        span = _span_attachment()
        if span is not None:
            attachments = {**(attachments or {}), SPAN_CONTEXT_ATTACHMENT: span}
        if attachments is not None:
            timestamp = to_iso_str()
        super().record(value, tags, attachments, timestamp)


def series_for(view_data: ViewData) -> ViewSeries:
    if isinstance(view_data.view.aggregation, DistributionAggregation):
        return DistributionSeries(view_data)
    return ViewSeries(view_data)
