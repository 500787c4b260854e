"""Run a bridge half's patching once the legacy modules *and* the shim package are imported.

A half is triggered by ``wrapt`` post-import hooks on legacy modules, but the shim it patches
with imports those same modules: a hook can therefore fire while the shim package is only
half imported (the application imported the shim after ``install()``), when patching from it
would fail. The shim package gets a post-import hook too: while it is mid-import, patching
waits for that hook, which fires once the package is complete.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable, Sequence

import wrapt


class AfterImports:
    """Calls ``apply`` (under ``lock``) once any of ``triggers`` is imported and ``shim`` is not
    mid-import; ``apply`` decides itself whether anything is pending."""

    def __init__(
        self,
        triggers: Sequence[str],
        shim: str,
        apply: Callable[[], None],
        lock: threading.RLock,
    ) -> None:
        self._triggers = tuple(triggers)
        self._shim = shim
        self._apply = apply
        self._lock = lock
        self._registered = False
        self._shim_complete = False
        self._applying = False  # apply's own imports fire the hooks again: ignored meanwhile

    def arm(self) -> None:
        """Register the hooks (once; a hook runs at once for a module already imported), or
        re-check now when they are registered already (a later ``install()``)."""
        with self._lock:
            if self._registered:
                self._maybe_apply(None)
                return
            self._registered = True
            wrapt.register_post_import_hook(self._on_shim, self._shim)
            for name in self._triggers:
                wrapt.register_post_import_hook(self._maybe_apply, name)

    def _on_shim(self, module: Any) -> None:
        with self._lock:
            self._shim_complete = True
            self._maybe_apply(module)

    def _maybe_apply(self, module: Any) -> None:
        with self._lock:
            if not any(name in sys.modules for name in self._triggers):
                return
            if self._applying or (self._shim in sys.modules and not self._shim_complete):
                return  # mid-import: _on_shim applies when the package is complete
            self._applying = True
            try:
                self._apply()
            finally:
                self._applying = False
