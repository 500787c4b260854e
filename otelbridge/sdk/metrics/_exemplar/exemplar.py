"""``Exemplar``: one sampled measurement with the span it was recorded in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from opentelemetry.util.types import Attributes


@dataclass(frozen=True)
class Exemplar:
    """A measurement kept as an example of its data point.

    ``filtered_attributes`` are the measurement's attributes that the point does not carry
    (dropped by a view); ``span_id``/``trace_id`` identify the span current when it was
    recorded, if any. Field names and order match opentelemetry-sdk's ``Exemplar``.
    """

    filtered_attributes: Attributes
    value: Union[int, float]
    time_unix_nano: int
    span_id: Optional[int] = None
    trace_id: Optional[int] = None
