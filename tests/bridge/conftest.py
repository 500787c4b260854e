"""Every bridge test leaves the process as it found it: uninstalled, globals unchanged."""

from __future__ import annotations

from typing import Iterator

import opentracing
import pytest
from opentelemetry import metrics, propagate
from opentelemetry import trace as trace_api

from otelbridge.bridge import installed_tracer, uninstall


@pytest.fixture(autouse=True)
def leaves_no_trace() -> Iterator[None]:
    before = (
        trace_api._TRACER_PROVIDER,
        metrics.get_meter_provider(),
        propagate.get_global_textmap(),
        opentracing.global_tracer(),
        opentracing.is_global_tracer_registered(),
    )
    yield
    uninstall()
    assert installed_tracer() is None
    after = (
        trace_api._TRACER_PROVIDER,
        metrics.get_meter_provider(),
        propagate.get_global_textmap(),
        opentracing.global_tracer(),
        opentracing.is_global_tracer_registered(),
    )
    assert after == before
