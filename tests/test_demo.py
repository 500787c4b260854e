"""``otelbridge demo``: the bundled shop under the bridge, its codemod diff, the migrated run."""

from __future__ import annotations

import hashlib
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

from otelbridge.demo.app import SHOP
from otelbridge.demo.compare import Comparison, Item, metric_fields, span_fields
from otelbridge.devtools.span_tree import SpanRecord


def demo(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "otelbridge", "demo", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_step_1_one_trace_across_the_three_services_under_the_bridge() -> None:
    out = demo("--step", "1")
    assert "Step 2" not in out and "Step 3" not in out
    assert "order {'apple': 3, 'plum': 2}: 200 {'total_cents': 250}" in out
    assert out.count("\ntrace ") == 1  # OpenTracing, OpenCensus, HTTP and gRPC: one trace
    # Flask-OpenTracing's server span, the handler's span and its event, the OpenCensus
    # middleware's spans with their SQLite child, the gRPC client and server spans.
    assert "└─ place_order [SERVER]" in out and "component=Flask" in out
    assert "   └─ place_order " in out and "shop.total_cents=250" in out
    assert "      • order placed" in out
    stock = re.findall(r"[├└]─ \[GET\]http://127\.0\.0\.1:\d+/stock/(\w+) \[SERVER\]", out)
    assert stock == ["apple", "plum"]
    assert out.count("└─ SELECT stock") == 2 and "db.system=sqlite" in out
    assert "shop.Pricing/Quote [CLIENT]" in out and "└─ Quote [SERVER]" in out
    # OpenCensus stats through the bridge's stats shim: the count and the distribution view.
    metrics = out.split("\nmetrics:\n", 1)[1]
    assert "shop/stock_lookups [1] sum (otelbridge.shims.opencensus)" in metrics
    assert "  value=1 item=apple" in metrics and "  value=1 item=plum" in metrics
    assert "shop/stock_level [1] histogram" in metrics and "  count=1 sum=12 item=apple" in metrics


def test_step_2_prints_the_codemod_diff_and_leaves_the_shop_untouched() -> None:
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SHOP.glob("*.py")}
    out = demo("--step", "2")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SHOP.glob("*.py")}
    assert before == after
    assert "--- a/shop/frontend.py" in out and "+++ b/shop/pricing.py" in out
    # jaeger's B3 setting kept next to W3C; the handle kept for close() at exit
    assert (
        '+providers = configure(sampler="parentbased_always_on", service_name="shop", '
        'propagators="tracecontext,baggage,b3multi")' in out
    )
    assert "-    tracer.close()\n+    providers.shutdown()" in out
    # the Flask set-ups keep their span names through request hooks
    assert (
        "+    FlaskInstrumentor().instrument_app(app, request_hook=flask_opentracing_span)" in out
    )
    assert "+    FlaskInstrumentor().instrument_app(app, request_hook=opencensus_flask_span)" in out
    assert '+        span.update_name(f"[{request.method}]{request.url}")' in out
    assert "-        child_of=parent," in out and "\033[" not in out  # no colour when piped


def test_step_2_diff_is_coloured_on_a_terminal() -> None:
    controller, terminal = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "otelbridge", "demo", "--step", "2"],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "NO_COLOR"},
    ) as child:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.wait(timeout=60) == 0
    os.close(controller)
    out = b"".join(chunks).decode()
    assert "\033[1mStep 2" in out and "\033[31m-" in out
    assert "\033[32m+providers = configure(" in out


def test_step_3_the_migrated_shop_sends_what_step_1_sent() -> None:
    out = demo("--step", "3", "--no-events")
    assert "Step 1" not in out and "(step 1 ran first, silently" in out
    assert re.search(r"codemod: 4 files: [1-4] rewritten, \d+ sites to review", out)
    # the request hooks keep the legacy integrations' span names
    assert "└─ place_order [SERVER]" in out
    stock = re.findall(r"[├└]─ \[GET\]http://127\.0\.0\.1:\d+/stock/(\w+) \[SERVER\]", out)
    assert stock == ["apple", "plum"]
    verdict = out.split("\nmatch: ", 1)[1]
    assert verdict.startswith(
        "yes, step 3 sends what step 1 sent: 8 spans and 4 metric points, field by field\n"
        "added by OpenTelemetry instrumentations (step 1 sent none of it):\n"
    ), verdict
    added = verdict.splitlines()[2:4]
    assert added[0].startswith("  opentelemetry.instrumentation.flask: span attributes (spans): ")
    assert "http.route (1)" in added[0] and "http.target (3)" in added[0]
    assert added[1] == (
        "  opentelemetry.instrumentation.flask: metrics (points): "
        "http.server.active_requests (2), http.server.duration (2)"
    )


def _span(
    name: str, span_id: int, parent: int | None, scope: str = "app", **attributes: object
) -> SpanRecord:
    return SpanRecord(name, 1, span_id, parent, span_id, span_id + 1, attributes, scope=scope)


def differences(before: dict[str, Item], after: dict[str, Item], what: str) -> list[str]:
    comparison = Comparison()
    comparison.add(before, after, what)
    return comparison.differences


def test_spans_compare_by_tree_position_with_ports_ids_and_times_aside() -> None:
    before = [_span("GET", 1, None, url="http://127.0.0.1:4000/a"), _span("db", 2, 1, rows=3)]
    same = [
        SpanRecord("GET", 9, 7, None, 50, 90, {"url": "http://127.0.0.1:5123/a"}),
        SpanRecord("db", 9, 8, 7, 60, 70, {"rows": 3}),
    ]
    assert differences(span_fields(before), span_fields(same), "span") == []
    changed = [_span("GET", 1, None, url="http://127.0.0.1:1/a"), _span("db", 2, 1, rows=4)]
    assert differences(span_fields(before), span_fields(changed), "span") == [
        "span GET > db: attribute rows 3 → 4"
    ]
    moved = [_span("GET", 1, None, url="http://127.0.0.1:1/a"), _span("db", 2, None, rows=3)]
    assert differences(span_fields(before), span_fields(moved), "span") == [
        "span GET > db: missing after migration",
        "span db: new after migration",
    ]


def test_what_only_an_instrumentation_sends_is_listed_apart_and_the_rest_differs() -> None:
    flask = "opentelemetry.instrumentation.flask"
    before = [_span("GET", 1, None, scope="legacy", url="/a"), _span("db", 2, 1, rows=3)]
    after = [
        _span("GET", 1, None, scope=flask, url="/a", **{"http.route": "/a"}),
        _span("db", 2, 1, rows=3, cache="miss"),  # the application's own code: a difference
        _span("GET /b", 3, None, scope=flask),
    ]
    comparison = Comparison()
    comparison.add(span_fields(before), span_fields(after), "span")
    assert comparison.differences == ["span GET > db: attribute cache new after migration"]
    assert comparison.added_lines() == [
        f"  {flask}: span attributes (spans): http.route (1)",
        f"  {flask}: spans: GET /b (1)",
    ]
    missing = [_span("GET", 1, None, scope=flask), _span("db", 2, 1, rows=3)]
    assert differences(span_fields(before), span_fields(missing), "span") == [
        "span GET: attribute url missing after migration"
    ]


def _metrics(
    count: int, name: str = "shop/stock_level", scope: str = "app"
) -> ExportMetricsServiceRequest:
    request = ExportMetricsServiceRequest()
    scope_metrics = request.resource_metrics.add().scope_metrics.add()
    scope_metrics.scope.name = scope
    metric = scope_metrics.metrics.add()
    metric.name, metric.unit = name, "1"
    point = metric.histogram.data_points.add(count=count, sum=19.0)
    point.explicit_bounds.extend([1.0, 10.0])
    point.bucket_counts.extend([0, count, 0])
    point.attributes.append(KeyValue(key="item", value=AnyValue(string_value="plum")))
    return request


def test_metric_points_compare_by_name_and_attributes() -> None:
    before = metric_fields([_metrics(2)])
    assert differences(before, metric_fields([_metrics(2)]), "metric") == []
    assert differences(before, metric_fields([_metrics(3)]), "metric") == [
        "metric shop/stock_level {'item': 'plum'}: count 2 → 3",
        "metric shop/stock_level {'item': 'plum'}: buckets (0, 2, 0) → (0, 3, 0)",
    ]
    assert differences(before, {}, "metric") == [
        "metric shop/stock_level {'item': 'plum'}: missing after migration"
    ]


def test_the_shell_s_otel_settings_do_not_reach_the_demo_s_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from otelbridge.demo.app import demo_environment

    monkeypatch.setenv("OTELBRIDGE_SEMCONV", "stable")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    monkeypatch.setenv("HOME_OF_THE_SHOP", "kept")
    env = demo_environment()
    assert "OTELBRIDGE_SEMCONV" not in env and "OTEL_TRACES_SAMPLER" not in env
    assert env["HOME_OF_THE_SHOP"] == "kept"


def test_demo_says_so_in_one_line_without_the_bundled_shop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from otelbridge.demo import app

    monkeypatch.setattr(app, "SHOP", tmp_path / "shop")
    with pytest.raises(app.DemoError, match="runs from a source checkout"):
        app.shop_dir()


def test_verdict_says_yes_only_when_nothing_differs_and_the_app_did_not_fail() -> None:
    from otelbridge.demo.app import Run
    from otelbridge.demo.compare import verdict

    spans = [_span("GET", 1, None), _span("db", 2, 1, rows=3)]
    step_1 = Run("order: 200", spans, [_metrics(2)])
    same = Run("order: 200", list(spans), [_metrics(2)])
    assert verdict(step_1, same) == [
        "match: yes, step 3 sends what step 1 sent: 2 spans and 1 metric points, field by field"
    ]
    failed = Run("", list(spans), [_metrics(2)], failure="the shop exited with 1: Boom")
    assert verdict(step_1, failed) == [
        "match: NO, step 3 differs from step 1 in 1 place(s), of 2 spans and 1 metric points:",
        "  the migrated shop failed: the shop exited with 1: Boom",
    ]
    http = _metrics(1, name="http.server.duration", scope="opentelemetry.instrumentation.flask")
    instrumented = Run("order: 200", list(spans), [_metrics(2), http])
    assert verdict(step_1, instrumented) == [
        "match: yes, step 3 sends what step 1 sent: 2 spans and 1 metric points, field by field",
        "added by OpenTelemetry instrumentations (step 1 sent none of it):",
        "  opentelemetry.instrumentation.flask: metrics (points): http.server.duration (1)",
    ]
    app_metric = Run("order: 200", list(spans), [_metrics(2), _metrics(1, name="extra")])
    assert verdict(step_1, app_metric)[1:] == [
        "  metric extra {'item': 'plum'}: new after migration"
    ]


def _installed_with(distribution: str, extra: str) -> set[str]:
    """Normalised names of what ``pip install distribution[extra]`` brings, transitively."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    done: set[tuple[str, frozenset[str]]] = set()
    pending = [(distribution, frozenset({extra}))]
    while pending:
        name, extras = pending.pop()
        if (canonicalize_name(name), extras) in done:
            continue
        done.add((canonicalize_name(name), extras))
        try:
            declared = requires(name) or []
        except PackageNotFoundError:
            continue  # excluded by its marker on this interpreter
        for requirement in map(Requirement, declared):
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in extras | {""}):
                pending.append((requirement.name, frozenset(requirement.extras)))
    return {name for name, _ in done}


def _owners_of_files() -> dict[str, str]:
    """Installed file (absolute path) → the normalised name of its distribution."""
    from importlib.metadata import distributions

    from packaging.utils import canonicalize_name

    owners = {}
    for dist in distributions():
        for file in dist.files or ():
            path = str(Path(dist.locate_file(file)).resolve())
            owners[path] = canonicalize_name(dist.metadata["Name"])
    return owners


def test_the_demo_extra_installs_what_the_migrated_shop_imports(tmp_path: Path) -> None:
    """Step 3 runs the migrated shop: each module it imports comes with ``[demo]`` (the test
    extras must not hide a missing one, as they once hid the Flask instrumentation)."""
    import ast
    import importlib.util
    import shutil

    from otelbridge.cli import main

    shop = tmp_path / "shop"
    shutil.copytree(SHOP, shop)
    assert main(["migrate", "--write", "--jobs", "1", str(shop)]) in (0, 1)
    local = {path.stem for path in shop.glob("*.py")}
    modules: set[str] = set()
    for path in shop.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # ``from opentelemetry import trace``: the module may be a namespace package
                modules |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    third_party = {
        module
        for module in modules
        if module.split(".")[0] not in local | set(sys.stdlib_module_names) | {"otelbridge"}
    }
    assert "opentelemetry.instrumentation.flask" in third_party  # the shop was migrated
    owners, provided = _owners_of_files(), _installed_with("otelbridge", "demo")
    missing = []
    for module in sorted(third_party):
        try:
            spec = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            continue  # ``a.b.name`` where ``a.b`` is a plain module: ``a.b`` itself is checked
        if spec is None or spec.origin is None:
            continue  # a name imported from a module, or a namespace package (parts checked)
        owner = owners.get(str(Path(spec.origin).resolve()))
        assert owner, module
        if owner not in provided:
            missing.append(f"{module} ({owner})")
    assert not missing
