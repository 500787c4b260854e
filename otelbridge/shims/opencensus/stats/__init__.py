"""OpenCensus stats and metrics on OpenTelemetry.

``install()`` makes OpenCensus' recorder and view manager record into the shim's store and
bypasses OpenCensus exporters; give :data:`PRODUCER` (an ``OpenCensusMetricProducer``) to
the OpenTelemetry metric readers that should report OpenCensus' views and registries
(``otelbridge.bridge.install()`` does both). ``uninstall()`` hands the views back.
"""

from otelbridge.shims.opencensus.stats._patch import install, installed, uninstall
from otelbridge.shims.opencensus.stats._producer import PRODUCER, OpenCensusMetricProducer

__all__ = ["PRODUCER", "OpenCensusMetricProducer", "install", "installed", "uninstall"]
