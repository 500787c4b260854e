"""Resource detectors: the environment (``OTEL_*``), the process, the host and the OS."""

from __future__ import annotations

import abc
import concurrent.futures
import logging
import os
import platform
import socket
import sys
import threading
import uuid
from typing import Dict, Optional, Sequence
from urllib.parse import unquote

from otelbridge.sdk.environment_variables import (
    OTEL_EXPERIMENTAL_RESOURCE_DETECTORS,
    OTEL_RESOURCE_ATTRIBUTES,
    OTEL_SERVICE_NAME,
)
from otelbridge.sdk.resources import _semconv as semconv
from otelbridge.sdk.resources._resource import Resource

_logger = logging.getLogger(__name__)


class ResourceDetector(abc.ABC):
    """Finds attributes of the running environment. ``raise_on_error`` makes
    :func:`get_aggregated_resources` re-raise instead of logging."""

    def __init__(self, raise_on_error: bool = False) -> None:
        self.raise_on_error = raise_on_error

    @abc.abstractmethod
    def detect(self) -> Resource:
        """The detected resource (empty when nothing applies)."""

    def is_process_dependent(self) -> bool:
        """Whether the attributes describe the current process (and go stale after a fork)."""
        return False


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
            attributes[semconv.SERVICE_NAME] = service_name
        return Resource(attributes)


class ProcessResourceDetector(ResourceDetector):
    """``process.*`` attributes of the current interpreter.

    ``process.command_args`` and ``process.command_line`` may carry secrets, so they are
    only added with ``include_command_args=True`` (as in opentelemetry-sdk).
    """

    def __init__(self, raise_on_error: bool = False, *, include_command_args: bool = False):
        super().__init__(raise_on_error)
        self._include_command_args = include_command_args

    def is_process_dependent(self) -> bool:
        return True

    def detect(self) -> Resource:
        argv = list(getattr(sys, "orig_argv", sys.argv))  # orig_argv keeps ``-m module``
        attributes = {
            semconv.PROCESS_PID: os.getpid(),
            semconv.PROCESS_PARENT_PID: os.getppid(),
            semconv.PROCESS_EXECUTABLE_NAME: os.path.basename(sys.executable),
            semconv.PROCESS_EXECUTABLE_PATH: sys.executable,
            semconv.PROCESS_COMMAND: argv[0] if argv else "",
            semconv.PROCESS_RUNTIME_NAME: sys.implementation.name,
            semconv.PROCESS_RUNTIME_VERSION: platform.python_version(),
            semconv.PROCESS_RUNTIME_DESCRIPTION: sys.version,
        }
        if self._include_command_args:
            attributes[semconv.PROCESS_COMMAND_ARGS] = tuple(argv)
            attributes[semconv.PROCESS_COMMAND_LINE] = " ".join(argv)
        try:
            import getpass

            attributes[semconv.PROCESS_OWNER] = getpass.getuser()
        except Exception:  # no passwd entry in some containers
            pass
        return Resource(attributes)


class ServiceInstanceIdResourceDetector(ResourceDetector):
    """``service.instance.id``: a random UUID v4, one per process (a forked child gets a new
    one), which the specification asks SDKs to generate."""

    _lock = threading.Lock()
    _instance: tuple[int, str] = (0, "")

    def is_process_dependent(self) -> bool:
        return True

    def detect(self) -> Resource:
        cls = ServiceInstanceIdResourceDetector
        with cls._lock:
            pid, instance_id = cls._instance
            if pid != os.getpid():
                instance_id = str(uuid.uuid4())
                cls._instance = (os.getpid(), instance_id)
        return Resource({semconv.SERVICE_INSTANCE_ID: instance_id})


class HostResourceDetector(ResourceDetector):
    """``host.name`` and ``host.arch``."""

    def detect(self) -> Resource:
        return Resource(
            {semconv.HOST_NAME: socket.gethostname(), semconv.HOST_ARCH: platform.machine()}
        )


class OsResourceDetector(ResourceDetector):
    """``os.type`` and ``os.version``."""

    def detect(self) -> Resource:
        return Resource(
            {semconv.OS_TYPE: platform.system().lower(), semconv.OS_VERSION: platform.release()}
        )


# Names accepted in OTEL_EXPERIMENTAL_RESOURCE_DETECTORS.
DETECTORS = {
    "otel": OTELResourceDetector,
    "process": ProcessResourceDetector,
    "host": HostResourceDetector,
    "os": OsResourceDetector,
    "service_instance": ServiceInstanceIdResourceDetector,
}


def detected_resource() -> Resource:
    """What the detectors named in ``OTEL_EXPERIMENTAL_RESOURCE_DETECTORS`` find; ``otel`` and
    ``service_instance`` always run, as in opentelemetry-sdk. Unknown names are logged and
    skipped."""
    names = ["otel", "service_instance"]
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
        resource = resource.merge(_safe_detect(DETECTORS[name]()))
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
