"""The OpenCensus stats half of the bridge: OpenCensus views and registries reported by the
OpenTelemetry meter provider's readers.

Installing the stats shim bypasses OpenCensus' exporters, so it is only done when there are
readers to report the values: with no meter provider, or one that is not otelbridge's
(whose readers cannot take producers), OpenCensus stats are left as they are and the log
says why.
"""

from __future__ import annotations

import logging
from typing import Callable, Optional

from opentelemetry.metrics import MeterProvider as ApiMeterProvider

from otelbridge.sdk.metrics import MeterProvider
from otelbridge.shims.opencensus import stats as stats_shim

_logger = logging.getLogger(__name__)


def patch(meter_provider: Optional[ApiMeterProvider]) -> Callable[[], None]:
    """Install the stats shim feeding ``meter_provider``'s readers; returns the undo step."""
    if not isinstance(meter_provider, MeterProvider):
        _logger.info(
            "OpenCensus stats are left to OpenCensus: the bridge has no otelbridge "
            "MeterProvider to report them (got %r)",
            meter_provider,
        )
        return _nothing
    readers = meter_provider._metric_readers()
    stats_shim.install()
    for reader in readers:
        reader.register_producer(stats_shim.PRODUCER)

    def undo() -> None:
        for reader in readers:
            reader.unregister_producer(stats_shim.PRODUCER)
        stats_shim.uninstall()

    return undo


def _nothing() -> None:
    """Nothing was installed."""
