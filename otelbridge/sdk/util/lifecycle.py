"""Process-exit shutdown shared by the tracer and meter providers."""

from __future__ import annotations

import atexit
import weakref
from typing import Protocol


class _ShutsDown(Protocol):
    _shut_down: bool

    def shutdown(self) -> None: ...


def shutdown_at_exit(provider: _ShutsDown) -> None:
    """Flush ``provider`` when the interpreter exits, unless it is gone or already shut down.

    A weak reference keeps the registration from holding a discarded provider alive.
    """
    atexit.register(_shutdown_if_alive, weakref.ref(provider))


def _shutdown_if_alive(ref: weakref.ReferenceType[_ShutsDown]) -> None:
    provider = ref()
    if provider is not None and not provider._shut_down:
        provider.shutdown()
