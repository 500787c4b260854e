"""The OpenCensus half of ``otelbridge migrate``: traces, set-up and integrations."""

from otelbridge.migration_tool.opencensus.traces import OPENCENSUS_TRANSFORMS, OpenCensusTraces

__all__ = ["OPENCENSUS_TRANSFORMS", "OpenCensusTraces"]
