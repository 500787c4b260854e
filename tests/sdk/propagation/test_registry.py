"""Names: our entry points, the otelbridge_* aliases, the clash, and OTEL_PROPAGATORS end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from opentelemetry.propagators.composite import CompositePropagator

from otelbridge.sdk.propagation import B3SingleFormat, TraceContextTextMapPropagator
from otelbridge.sdk.propagation.registry import (
    ALIAS_PREFIX,
    ENTRY_POINT_GROUP,
    PROPAGATORS,
    get_propagator,
    propagator_from_env,
)
from otelbridge.sdk.util.entry_points import entry_points_in

NAMES = [
    "tracecontext",
    "baggage",
    "b3",
    "b3multi",
    "jaeger",
    "ottrace",
    "opencensus",
    "xcloudtrace",
]


def registered() -> list:
    """Every entry point of the propagator group, duplicates included (Python 3.9's
    ``entry_points()`` has no ``group=`` selection)."""
    from importlib.metadata import entry_points

    found = entry_points()
    if hasattr(found, "select"):
        return list(found.select(group=ENTRY_POINT_GROUP))
    return list(found.get(ENTRY_POINT_GROUP, ()))


def test_every_name_and_alias_is_registered_to_ours() -> None:
    assert sorted(PROPAGATORS) == sorted(NAMES)
    for name in NAMES:
        # Python 3.9 lists a distribution once per place it is found (an editable install's
        # egg-info beside its dist-info): count distinct entry points.
        ours = {
            ep.value: ep
            for ep in registered()
            if ep.name == name and ep.value.startswith("otelbridge.")
        }
        assert len(ours) == 1, name
        assert next(iter(ours.values())).load() is PROPAGATORS[name]
        alias = entry_points_in(ENTRY_POINT_GROUP)[ALIAS_PREFIX + name]
        assert alias.load() is PROPAGATORS[name]


def test_clash_exists_for_names_other_packages_register() -> None:
    """opentelemetry-api and the contrib propagators register some of the same names."""
    owners: dict[str, set[str]] = {}
    for ep in registered():
        owners.setdefault(ep.name, set()).add(ep.value.split(".")[0])
    for name in ("tracecontext", "baggage", "b3", "b3multi", "jaeger", "ottrace"):
        assert owners[name] == {"otelbridge", "opentelemetry"}, name
    assert owners["xcloudtrace"] == {"otelbridge"}


def test_get_propagator_prefers_ours() -> None:
    assert type(get_propagator("b3")) is B3SingleFormat
    assert type(get_propagator(" otelbridge_tracecontext ")) is TraceContextTextMapPropagator
    with pytest.raises(ValueError, match="nosuch"):
        get_propagator("nosuch")


def test_propagator_from_env_value() -> None:
    composite = propagator_from_env("tracecontext, b3 ,b3,,baggage")
    assert isinstance(composite, CompositePropagator)
    assert [type(p) for p in composite._propagators] == [
        PROPAGATORS["tracecontext"],
        PROPAGATORS["b3"],
        PROPAGATORS["baggage"],
    ]
    assert propagator_from_env("b3,none")._propagators == []
    assert composite.fields == {"traceparent", "tracestate", "b3", "baggage"}


SCRIPT = """
import json
from opentelemetry import propagate
from otelbridge.sdk.propagation import propagator_from_env
loaded = propagate.get_global_textmap()._propagators
chosen = [type(p).__module__ + "." + type(p).__name__ for p in loaded]
ours = [type(p).__module__ for p in propagator_from_env()._propagators]
carrier = {
    "uber-trace-id": "abc:def:0:1",
    "b3": "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
}
from opentelemetry import trace
span = trace.get_current_span(propagate.extract(carrier)).get_span_context()
print(json.dumps({"chosen": chosen, "ours": ours, "trace_id": span.trace_id}))
"""


def run_with(propagators: str) -> dict[str, object]:
    env = {**os.environ, "OTEL_PROPAGATORS": propagators}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_otel_propagators_with_aliases_loads_ours_in_opentelemetry_propagate() -> None:
    got = run_with("otelbridge_jaeger,otelbridge_b3")
    assert got["chosen"] == [
        "otelbridge.sdk.propagation.jaeger.JaegerPropagator",
        "otelbridge.sdk.propagation.b3.B3SingleFormat",
    ]
    # The composite runs them in order, each on the previous result: the last one that finds wins.
    assert got["trace_id"] == 0x80F198EE56343BA864FE8B2A57D3EFF7
    assert run_with("otelbridge_b3,otelbridge_jaeger")["trace_id"] == 0xABC


def test_otel_propagators_plain_names_are_ambiguous_but_our_builder_is_not() -> None:
    got = run_with("b3,jaeger")
    for chosen in got["chosen"]:  # type: ignore[attr-defined]
        assert chosen.startswith(("otelbridge.", "opentelemetry.propagators."))
    assert got["ours"] == ["otelbridge.sdk.propagation.b3", "otelbridge.sdk.propagation.jaeger"]


def test_sys_path_order_decides_the_clash_and_get_propagator_does_not(tmp_path: Path) -> None:
    """A distribution earlier on sys.path that registers ``b3`` wins in opentelemetry.propagate;
    get_propagator still gives ours, and falls back to entry points for names we do not have."""
    dist = tmp_path / "clashing_propagators-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: clashing-propagators\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text(
        "[opentelemetry_propagator]\n"
        "b3 = opentelemetry.propagators.b3:B3SingleFormat\n"
        "thirdparty = opentelemetry.propagators.ot_trace:OTTracePropagator\n"
    )
    script = (
        "import json\n"
        "from opentelemetry import propagate\n"
        "from otelbridge.sdk.propagation import get_propagator\n"
        "print(json.dumps([type(p).__module__ for p in propagate.get_global_textmap()._propagators]"
        " + [type(get_propagator(n)).__module__ for n in ('b3', 'thirdparty')]))\n"
    )
    env = {**os.environ, "OTEL_PROPAGATORS": "b3"}
    result = subprocess.run(  # ``-c`` puts the working directory first on sys.path
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(result.stdout) == [
        "opentelemetry.propagators.b3",
        "otelbridge.sdk.propagation.b3",
        "opentelemetry.propagators.ot_trace",
    ]
