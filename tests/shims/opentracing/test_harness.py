"""OpenTracing's own compatibility harness, run whole against the shim.

``APICompatibilityCheckMixin`` holds 25 cases (BINARY round trip and mandatory formats included),
``ScopeCompatibilityCheckMixin`` 8, run here once on plain threads and once inside asyncio.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional

import pytest
from opentracing.harness.api_check import APICompatibilityCheckMixin
from opentracing.harness.scope_check import ScopeCompatibilityCheckMixin

from otelbridge.shims.opentracing import ScopeManagerShim, SpanShim, TracerShim


class TestAPICompatibility(APICompatibilityCheckMixin):
    @pytest.fixture(autouse=True)
    def _shim(self, tracer: TracerShim) -> None:
        self._tracer = tracer

    def tracer(self) -> TracerShim:
        return self._tracer

    def is_parent(self, parent: Optional[SpanShim], span: SpanShim) -> bool:
        recorded_parent = span.unwrap().parent
        if parent is None:
            return recorded_parent is None
        expected = parent.unwrap().get_span_context()
        return recorded_parent is not None and (
            recorded_parent.trace_id,
            recorded_parent.span_id,
        ) == (expected.trace_id, expected.span_id)


class TestScopeCompatibilityThreads(ScopeCompatibilityCheckMixin):
    def scope_manager(self) -> ScopeManagerShim:
        return ScopeManagerShim()

    def run_test(self, test_fn: Callable[[], None]) -> None:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(test_fn).result()


class TestScopeCompatibilityAsyncio(ScopeCompatibilityCheckMixin):
    def scope_manager(self) -> ScopeManagerShim:
        return ScopeManagerShim()

    def run_test(self, test_fn: Callable[[], None]) -> None:
        async def in_task() -> None:
            assert asyncio.current_task() is not None
            test_fn()

        asyncio.run(in_task())


def test_harness_sizes() -> None:
    """The counts quoted in the docs: the harness really has 25 and 8 cases."""

    def cases(cls: type) -> list[str]:
        return [name for name in dir(cls) if name.startswith("test_")]

    assert len(cases(APICompatibilityCheckMixin)) == 25
    assert len(cases(ScopeCompatibilityCheckMixin)) == 8
