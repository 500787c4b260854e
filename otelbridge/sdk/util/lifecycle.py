"""The life cycle the tracer and meter providers share: shut down once, and at process exit."""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from typing import Protocol

_logger = logging.getLogger(__name__)


class Lifecycle:
    """Shutdown as the specification wants it: it runs once; a later call, also one made while
    the first is still running, warns and does nothing. ``stopped`` turns true only when the
    first call has finished, so that readers may still collect one last time while it runs.
    """

    __slots__ = ("_lock", "_name", "stopped", "stopping")

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self.stopping = False  #: shutdown has begun
        self.stopped = False  #: shutdown has finished

    def begin_shutdown(self) -> bool:
        """``True`` for the first call: the caller shuts its parts down, then calls
        :meth:`end_shutdown`. Later calls warn and return ``False``."""
        with self._lock:
            first = not self.stopping
            self.stopping = True
        if not first:
            _logger.warning(
                "%s was already shut down; shutdown called more than once is ignored", self._name
            )
        return first

    def end_shutdown(self) -> None:
        self.stopped = True


class _Provider(Protocol):
    _lifecycle: Lifecycle

    def shutdown(self) -> None: ...


def shutdown_at_exit(provider: _Provider) -> None:
    """Flush ``provider`` when the interpreter exits, unless it is gone or already shut down.

    A weak reference keeps the registration from holding a discarded provider alive.
    """
    atexit.register(_shutdown_if_alive, weakref.ref(provider))


def _shutdown_if_alive(ref: weakref.ReferenceType[_Provider]) -> None:
    provider = ref()
    if provider is not None and not provider._lifecycle.stopping:
        provider.shutdown()
