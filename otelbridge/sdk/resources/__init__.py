"""Resources: the entity producing telemetry (mirrors ``opentelemetry.sdk.resources``)."""

from otelbridge.sdk.resources._detectors import (
    HostResourceDetector,
    OsResourceDetector,
    OTELResourceDetector,
    ProcessResourceDetector,
    ResourceDetector,
    get_aggregated_resources,
)
from otelbridge.sdk.resources._resource import (
    HOST_NAME,
    PROCESS_PID,
    SERVICE_NAME,
    SERVICE_NAMESPACE,
    SERVICE_VERSION,
    TELEMETRY_SDK_LANGUAGE,
    TELEMETRY_SDK_NAME,
    TELEMETRY_SDK_VERSION,
    Resource,
)

__all__ = [
    "HOST_NAME",
    "PROCESS_PID",
    "SERVICE_NAME",
    "SERVICE_NAMESPACE",
    "SERVICE_VERSION",
    "TELEMETRY_SDK_LANGUAGE",
    "TELEMETRY_SDK_NAME",
    "TELEMETRY_SDK_VERSION",
    "HostResourceDetector",
    "OTELResourceDetector",
    "OsResourceDetector",
    "ProcessResourceDetector",
    "Resource",
    "ResourceDetector",
    "get_aggregated_resources",
]
