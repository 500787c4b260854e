"""``OTELBRIDGE_SEMCONV``: the bridged OpenTracing tracer records tags under their names or the
stable semantic conventions (``otelbridge.semconv``), for its own and jaeger ``Config`` tracers."""

from __future__ import annotations

import logging

import pytest
from jaeger_client import Config
from opentracing.ext import tags

from otelbridge.bridge import install
from otelbridge.bridge.semconv import attribute_names_from_env
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from otelbridge.semconv import ENV, STABLE_NAMES


def _record(tracer) -> None:  # type: ignore[no-untyped-def]
    with tracer.start_active_span(
        "GET", tags={tags.SPAN_KIND: tags.SPAN_KIND_RPC_CLIENT, tags.HTTP_URL: "http://a/b"}
    ) as scope:
        scope.span.set_tag(tags.HTTP_STATUS_CODE, 503)
        scope.span.set_tag(tags.ERROR, True)
        scope.span.set_tag("component", "client")


def _installed(monkeypatch: pytest.MonkeyPatch, value: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv(ENV, value)
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return install(tracer_provider=provider), exporter


def test_by_default_tags_keep_their_names(monkeypatch: pytest.MonkeyPatch) -> None:
    tracer, exporter = _installed(monkeypatch, "")
    _record(tracer)
    (span,) = exporter.get_finished_spans()
    assert dict(span.attributes) == {
        "span.kind": "client",
        "http.url": "http://a/b",
        "http.status_code": 503,
        "error": True,
        "component": "client",
    }


@pytest.mark.parametrize("factory", ["bridge", "jaeger"])
def test_stable_renames_tags_and_drops_kind_and_error(
    monkeypatch: pytest.MonkeyPatch, factory: str
) -> None:
    tracer, exporter = _installed(monkeypatch, "stable")
    if factory == "jaeger":  # a Config tracer the bridge makes: same names
        tracer = Config(config={}, service_name="svc").new_tracer()
    _record(tracer)
    (span,) = exporter.get_finished_spans()
    assert dict(span.attributes) == {
        "url.full": "http://a/b",
        "http.response.status_code": 503,
        "component": "client",
    }
    assert span.kind.name == "CLIENT" and span.status.status_code.name == "ERROR"


def test_unknown_value_is_logged_and_names_kept(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(ENV, "v2")
    with caplog.at_level(logging.WARNING):
        assert attribute_names_from_env() is None
    assert "OTELBRIDGE_SEMCONV='v2' is not one of opentracing, stable" in caplog.text
    monkeypatch.setenv(ENV, " Stable ")
    assert attribute_names_from_env() is STABLE_NAMES
