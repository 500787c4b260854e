"""Small helpers shared by the SDK's signals (mirrors ``opentelemetry.sdk.util``)."""

from otelbridge.sdk.util._time import ns_to_iso_str

__all__ = ["ns_to_iso_str"]
