"""Resource creation, merging and the environment."""

from __future__ import annotations

import logging
import os
import sys
from unittest import mock
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from otelbridge.sdk.resources import (
    HostResourceDetector,
    ProcessResourceDetector,
    Resource,
    ResourceDetector,
    get_aggregated_resources,
)
from otelbridge.version import __version__


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (
        "OTEL_RESOURCE_ATTRIBUTES",
        "OTEL_SERVICE_NAME",
        "OTEL_EXPERIMENTAL_RESOURCE_DETECTORS",
    ):
        monkeypatch.delenv(name, raising=False)


def test_create_has_sdk_attributes_and_default_service_name() -> None:
    attrs = Resource.create().attributes
    assert attrs["telemetry.sdk.name"] == "otelbridge"
    assert attrs["telemetry.sdk.language"] == "python"
    assert attrs["telemetry.sdk.version"] == __version__
    assert attrs["service.name"] == f"unknown_service:{os.path.basename(sys.executable)}"


def test_env_attributes_percent_decoded_and_service_name_wins(monkeypatch) -> None:
    monkeypatch.setenv(
        "OTEL_RESOURCE_ATTRIBUTES",
        " service.name=from-attrs , team=a%2Cb%3Dc, deployment.environment=prod ",
    )
    monkeypatch.setenv("OTEL_SERVICE_NAME", "checkout")
    attrs = Resource.create({"deployment.environment": "staging"}).attributes
    assert attrs["service.name"] == "checkout"
    assert attrs["team"] == "a,b=c"
    assert attrs["deployment.environment"] == "staging"  # explicit wins over env


def test_malformed_env_attributes_discarded(monkeypatch, caplog) -> None:
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "ok=1,broken")
    with caplog.at_level(logging.ERROR):
        attrs = Resource.create().attributes
    assert "ok" not in attrs
    assert any("OTEL_RESOURCE_ATTRIBUTES" in r.getMessage() for r in caplog.records)


def test_merge_other_wins_and_schema_rules(caplog) -> None:
    a = Resource({"k": 1, "x": "a"}, "https://s/1")
    b = Resource({"x": "b"})
    merged = a.merge(b)
    assert dict(merged.attributes) == {"k": 1, "x": "b"} and merged.schema_url == "https://s/1"
    with caplog.at_level(logging.ERROR):
        assert a.merge(Resource({"y": 1}, "https://s/2")) is a
    assert caplog.records


def test_invalid_attributes_dropped_and_immutable() -> None:
    resource = Resource({"ok": "v", "bad": None, "seq": ["a"]})
    assert dict(resource.attributes) == {"ok": "v", "seq": ("a",)}
    with pytest.raises(TypeError):
        resource.attributes["new"] = 1  # type: ignore[index]
    assert resource == Resource({"ok": "v", "seq": ("a",)})
    assert hash(resource) == hash(Resource({"ok": "v", "seq": ("a",)}))
    assert '"ok": "v"' in resource.to_json()


def test_process_and_host_detectors(monkeypatch) -> None:
    process = ProcessResourceDetector().detect().attributes
    assert process["process.pid"] == os.getpid()
    assert process["process.runtime.name"] == "cpython"
    assert HostResourceDetector().detect().attributes["host.name"]
    monkeypatch.setenv("OTEL_EXPERIMENTAL_RESOURCE_DETECTORS", "process,host,nonsense")
    attrs = Resource.create().attributes
    assert attrs["process.pid"] == os.getpid() and "host.name" in attrs


def test_aggregated_resources_skip_failing_detectors(caplog) -> None:
    class Failing(ResourceDetector):
        def detect(self) -> Resource:
            raise RuntimeError("no metadata server")

    class Fixed(ResourceDetector):
        def detect(self) -> Resource:
            return Resource({"cloud.provider": "test"})

    with caplog.at_level(logging.WARNING):
        resource = get_aggregated_resources([Failing(), Fixed()], Resource.get_empty())
    assert dict(resource.attributes) == {"cloud.provider": "test"}
    with pytest.raises(RuntimeError):
        get_aggregated_resources([Failing(raise_on_error=True)], Resource.get_empty())


@given(
    st.dictionaries(
        st.text(min_size=1).filter(lambda k: k.strip() == k and k != "service.name"),
        st.text().filter(lambda v: v.strip() == v),
        max_size=5,
    )
)
def test_env_attributes_round_trip_percent_encoding(attributes) -> None:
    raw = ",".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in attributes.items())
    with mock.patch.dict(os.environ, {"OTEL_RESOURCE_ATTRIBUTES": raw}):
        created = Resource.create().attributes
    assert {key: created[key] for key in attributes} == attributes


def test_service_instance_id_is_one_uuid_per_process_and_configurable(monkeypatch) -> None:
    import uuid

    from otelbridge.sdk.resources import SERVICE_INSTANCE_ID, ServiceInstanceIdResourceDetector

    first = Resource.create().attributes[SERVICE_INSTANCE_ID]
    assert uuid.UUID(first).version == 4
    assert Resource.create().attributes[SERVICE_INSTANCE_ID] == first
    assert ServiceInstanceIdResourceDetector().is_process_dependent()
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=pod-7")
    assert Resource.create().attributes[SERVICE_INSTANCE_ID] == "pod-7"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child gets its own id
        os.write(
            write_end,
            ServiceInstanceIdResourceDetector().detect().attributes[SERVICE_INSTANCE_ID].encode(),
        )
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read_end, 64).decode() not in ("", first)


def test_process_command_args_only_on_request() -> None:
    plain = ProcessResourceDetector().detect().attributes
    assert "process.command_args" not in plain and "process.command_line" not in plain
    assert plain["process.command"]
    full = ProcessResourceDetector(include_command_args=True).detect().attributes
    assert list(full["process.command_args"]) == list(getattr(sys, "orig_argv", sys.argv))
    assert full["process.command_line"] == " ".join(full["process.command_args"])
    assert ProcessResourceDetector().is_process_dependent()
    assert not HostResourceDetector().is_process_dependent()
