"""Fork hooks for long-lived objects: a forked child inherits every lock in the state it had at
the fork, also a lock another parent thread held (mid-record, mid-export), which no thread of
the child will ever release; the owner of the lock must replace it in the child.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Callable, Optional, TypeVar

__all__ = ["new_lock_like", "register_at_fork", "renew_locks_after_fork"]

T = TypeVar("T")
Hook = Callable[[T], None]
_RLOCK = type(threading.RLock())


def new_lock_like(lock: object) -> object:
    """A new, free lock of the same kind (``RLock`` or ``Lock``)."""
    return threading.RLock() if isinstance(lock, _RLOCK) else threading.Lock()


def register_at_fork(
    owner: T,
    *,
    before: Optional[Hook[T]] = None,
    after_in_parent: Optional[Hook[T]] = None,
    after_in_child: Optional[Hook[T]] = None,
) -> None:
    """``os.register_at_fork`` with hooks that get ``owner``, held weakly (handlers cannot be
    unregistered, so a strong reference would keep every owner alive); a hook is skipped once
    the owner is gone. Does nothing where the platform cannot fork."""
    if not hasattr(os, "register_at_fork"):
        return
    ref = weakref.ref(owner)

    def bound(hook: Hook[T]) -> Callable[[], None]:
        def call() -> None:
            alive = ref()
            if alive is not None:
                hook(alive)

        return call

    hooks = {"before": before, "after_in_parent": after_in_parent, "after_in_child": after_in_child}
    os.register_at_fork(**{when: bound(hook) for when, hook in hooks.items() if hook is not None})


def renew_locks_after_fork(owner: object, *names: str) -> None:
    """In a forked child, replace the locks ``owner.<name>`` (a module works too) by new ones
    of the same kind, whoever held them in the parent. What they guard is kept as it was at
    the fork: an update another parent thread had half done stays half done in the child."""

    def renew(alive: object) -> None:
        for name in names:
            setattr(alive, name, new_lock_like(getattr(alive, name)))

    register_at_fork(owner, after_in_child=renew)
