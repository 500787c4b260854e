"""What an exporter that can be retried later tells its caller (processor or metric reader).

The exporter interface of the specification returns only success or failure, so a processor
cannot tell "the receiver is down, keep the batch" from "the batch is bad, drop it". Our
exporters answer that through :meth:`try_export` with a :class:`Delivery`; exporters without it
(opentelemetry-python's, users') are driven through ``export`` as the specification says.
"""

from __future__ import annotations

from typing import NamedTuple, Optional


class Delivery(NamedTuple):
    """The outcome of handing one batch to an exporter."""

    ok: bool
    #: Set when the failure is transient (receiver down, busy, timed out): seconds after which a
    #: new attempt may succeed. The caller still owns the batch and may keep it. ``None`` on
    #: success and on a permanent failure, which the exporter has already counted as given up.
    retry_in: Optional[float] = None
    #: Short reason for logs; never contains request headers.
    error: str = ""


DELIVERED = Delivery(ok=True)
