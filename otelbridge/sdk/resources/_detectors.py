"""Resource detectors: the environment (``OTEL_*``), the process, the host and the OS."""

from __future__ import annotations

import abc
import concurrent.futures
import logging
import os
import platform
import socket
import sys
from typing import Dict, Optional, Sequence
from urllib.parse import unquote

from otelbridge.sdk.environment_variables import (
    OTEL_EXPERIMENTAL_RESOURCE_DETECTORS,
    OTEL_RESOURCE_ATTRIBUTES,
    OTEL_SERVICE_NAME,
)
from otelbridge.sdk.resources._resource import SERVICE_NAME, Resource

_logger = logging.getLogger(__name__)


class ResourceDetector(abc.ABC):
    """Finds attributes of the running environment. ``raise_on_error`` makes
    :func:`get_aggregated_resources` re-raise instead of logging."""

    def __init__(self, raise_on_error: bool = False) -> None:
        self.raise_on_error = raise_on_error

    @abc.abstractmethod
    def detect(self) -> Resource:
        """The detected resource (empty when nothing applies)."""


def parse_resource_attributes(raw: str) -> Dict[str, str]:
    """``key1=value1,key2=value2`` with percent-encoded keys and values.

    A malformed entry discards the whole variable (with an error logged), as the spec asks.
    """
    result: Dict[str, str] = {}
    for entry in raw.split(","):
        if not entry.strip():
            continue
        key, sep, value = entry.partition("=")
        key = unquote(key.strip())
        if not sep or not key:
            _logger.error(
                "%s ignored: entry %r is not of the form key=value",
                OTEL_RESOURCE_ATTRIBUTES,
                entry,
            )
            return {}
        result[key] = unquote(value.strip())
    return result


class OTELResourceDetector(ResourceDetector):
    """``OTEL_RESOURCE_ATTRIBUTES`` plus ``OTEL_SERVICE_NAME`` (which wins over its
    ``service.name``)."""

    def detect(self) -> Resource:
        attributes: Dict[str, str] = parse_resource_attributes(
            os.environ.get(OTEL_RESOURCE_ATTRIBUTES, "")
        )
        service_name = os.environ.get(OTEL_SERVICE_NAME, "").strip()
        if service_name:
            attributes[SERVICE_NAME] = service_name
        return Resource(attributes)


class ProcessResourceDetector(ResourceDetector):
    """``process.*`` attributes of the current interpreter."""

    def detect(self) -> Resource:
        attributes = {
            "process.pid": os.getpid(),
            "process.parent_pid": os.getppid(),
            "process.executable.name": os.path.basename(sys.executable),
            "process.executable.path": sys.executable,
            "process.command": sys.argv[0] if sys.argv else "",
            "process.command_args": tuple(sys.argv),
            "process.runtime.name": sys.implementation.name,
            "process.runtime.version": platform.python_version(),
            "process.runtime.description": sys.version,
        }
        try:
            import getpass

            attributes["process.owner"] = getpass.getuser()
        except Exception:  # no passwd entry in some containers
            pass
        return Resource(attributes)


class HostResourceDetector(ResourceDetector):
    """``host.name`` and ``host.arch``."""

    def detect(self) -> Resource:
        return Resource({"host.name": socket.gethostname(), "host.arch": platform.machine()})


class OsResourceDetector(ResourceDetector):
    """``os.type`` and ``os.version``."""

    def detect(self) -> Resource:
        return Resource({"os.type": platform.system().lower(), "os.version": platform.release()})


# Names accepted in OTEL_EXPERIMENTAL_RESOURCE_DETECTORS.
DETECTORS = {
    "otel": OTELResourceDetector,
    "process": ProcessResourceDetector,
    "host": HostResourceDetector,
    "os": OsResourceDetector,
}


def detected_resource() -> Resource:
    """What the detectors named in ``OTEL_EXPERIMENTAL_RESOURCE_DETECTORS`` find (``otel`` is
    always included); unknown names are logged and skipped."""
    names = ["otel"]
    for name in os.environ.get(OTEL_EXPERIMENTAL_RESOURCE_DETECTORS, "").split(","):
        name = name.strip()
        if not name or name in names:
            continue
        if name not in DETECTORS:
            _logger.warning(
                "%s: unknown detector %r (accepted: %s)",
                OTEL_EXPERIMENTAL_RESOURCE_DETECTORS,
                name,
                ", ".join(sorted(DETECTORS)),
            )
            continue
        names.append(name)
    # The env detector runs last so that its values win over detected ones.
    resource = Resource.get_empty()
    for name in [*names[1:], "otel"]:
        resource = resource.merge(_safe_detect(DETECTORS[name]()))  # type: ignore[abstract]
    return resource


def _safe_detect(detector: ResourceDetector) -> Resource:
    try:
        return detector.detect()
    except Exception as exc:
        if detector.raise_on_error:
            raise
        _logger.warning("Resource detector %r failed: %s", detector, exc)
        return Resource.get_empty()


def get_aggregated_resources(
    detectors: Sequence[ResourceDetector],
    initial_resource: Optional[Resource] = None,
    timeout: float = 5,
) -> Resource:
    """Merge what each detector finds, in order, into ``initial_resource`` (default:
    :meth:`Resource.create`). Failing or slow (over ``timeout`` seconds) detectors are logged
    and skipped unless they set ``raise_on_error``."""
    resource = Resource.create() if initial_resource is None else initial_resource
    if not detectors:
        return resource
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(detectors)) as pool:
        futures = [pool.submit(_safe_detect, detector) for detector in detectors]
        for detector, future in zip(detectors, futures):
            try:
                resource = resource.merge(future.result(timeout=timeout))
            except concurrent.futures.TimeoutError:
                if detector.raise_on_error:
                    raise
                _logger.warning("Resource detector %r timed out after %ss", detector, timeout)
    return resource
