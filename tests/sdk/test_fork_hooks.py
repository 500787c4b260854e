"""``otelbridge.sdk.util.fork``: hooks hold their owner weakly, and a lock another thread held at
the fork is a new, free one in the child (forks run in a subprocess, never in pytest itself)."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import weakref

from otelbridge.sdk.util.fork import register_at_fork

# argv: the lock's owner as ``module`` or ``module:expression in it``, the lock's attribute.
HELD_AT_FORK = """
import importlib, os, sys, threading

module_name, _, expression = sys.argv[1].partition(":")
module = importlib.import_module(module_name)
owner = eval(expression, vars(module)) if expression else module
lock_name = sys.argv[2]
held, release = threading.Event(), threading.Event()


def hold():
    with getattr(owner, lock_name):
        held.set()
        release.wait()


threading.Thread(target=hold, daemon=True).start()
held.wait()
pid = os.fork()
if pid == 0:
    got = getattr(owner, lock_name).acquire(timeout=2)
    os._exit(0 if got else 1)
release.set()
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"""


def child_gets_lock(owner: str, lock: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(HELD_AT_FORK), owner, lock],
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    return result.stdout.strip()


def test_hooks_do_not_keep_their_owner_alive() -> None:
    class Owner:
        calls = 0

        def reset(self) -> None:
            self.calls += 1

    owner = Owner()
    register_at_fork(owner, after_in_child=Owner.reset)
    gone = weakref.ref(owner)
    del owner
    gc.collect()
    assert gone() is None


def test_a_lock_held_by_another_thread_at_the_fork_is_free_in_the_child() -> None:
    assert child_gets_lock("otelbridge.shims.opentracing.span", "_BAGGAGE_LOCK") == "0"
    assert (
        child_gets_lock("otelbridge.bridge.rate_limiting:RateLimitingSampler(10)", "_lock") == "0"
    )
    assert child_gets_lock("otelbridge.shims.opencensus.stats._producer:PRODUCER", "_lock") == "0"


def test_without_the_hook_the_child_would_wait_for_ever() -> None:
    # The same script on a plain lock: it stays taken in the child (the test above can fail).
    assert (
        child_gets_lock("types:SimpleNamespace(lock=__import__('threading').Lock())", "lock") == "1"
    )
