"""``otelbridge run``: real subprocesses, bridged before their first line, exit codes passed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "legacy_inventory.py"


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OTEL_") and key != "PYTHONPATH"
    }
    environ.update(
        {
            "OTEL_TRACES_EXPORTER": "console",
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_LOGS_EXPORTER": "none",
            "OTEL_SERVICE_NAME": "inventory",
        },
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "otelbridge", "run", "--", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
        cwd=tmp_path,
        check=False,
    )


def test_legacy_app_runs_bridged_and_its_exit_code_passes_through(tmp_path) -> None:
    ok = run([sys.executable, str(EXAMPLE), "apple", "plum"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "reserved ['apple', 'plum']" in ok.stdout
    for name in ("inventory.reserve", "inventory.check_stock", "warehouse.notify"):
        assert name in ok.stdout  # printed by the console exporter configured from OTEL_*
    assert "inventory" in ok.stdout  # OTEL_SERVICE_NAME reached the resource

    short = run([sys.executable, str(EXAMPLE), "pear"], tmp_path)
    assert short.returncode == 1, short.stderr


def test_bridge_is_in_place_before_the_first_line_and_sitecustomize_chains(tmp_path) -> None:
    existing = tmp_path / "site-hooks"
    existing.mkdir()
    (existing / "sitecustomize.py").write_text("import builtins\nbuiltins.HOOK_RAN = True\n")
    app = tmp_path / "app.py"
    app.write_text(
        textwrap.dedent(
            """
            import builtins, sys
            import opentracing
            from opentelemetry import trace
            tracer = opentracing.global_tracer()
            print(type(tracer).__name__, type(trace.get_tracer_provider()).__module__)
            print("hook", getattr(builtins, "HOOK_RAN", False), sys.argv[1:])
            import subprocess  # a child Python process is bridged too
            probe = "import opentracing; print(type(opentracing.global_tracer()).__name__)"
            child = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
            print("child", child.stdout.strip())
            sys.exit(int(sys.argv[1]))
            """
        )
    )
    result = run(
        [sys.executable, str(app), "42", "two words"],
        tmp_path,
        PYTHONPATH=str(existing),
        OTEL_TRACES_EXPORTER="none",
    )
    assert result.returncode == 42, result.stderr
    assert "TracerShim otelbridge.sdk.trace" in result.stdout
    assert "hook True ['42', 'two words']" in result.stdout
    assert "child TracerShim" in result.stdout


def test_killed_by_a_signal_is_reported_like_the_program(tmp_path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX signals")
    result = run(
        [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"],
        tmp_path,
        OTEL_TRACES_EXPORTER="none",
    )
    assert result.returncode == -15


def test_missing_program_and_missing_command(tmp_path) -> None:
    missing = run(["no-such-program-anywhere"], tmp_path)
    assert missing.returncode == 127
    assert "cannot start" in missing.stderr
    assert run([], tmp_path).returncode == 2


def test_a_jaeger_client_app_runs_unchanged_on_the_bridge(tmp_path) -> None:
    app = tmp_path / "jaeger_app.py"
    app.write_text(
        textwrap.dedent(
            """
            from jaeger_client import Config  # imported after the bridge: patched on import

            config = Config(
                config={"sampler": {"type": "const", "param": 1}, "logging": False},
                service_name="legacy-billing",
            )
            tracer = config.initialize_tracer()
            print("tracer:", type(tracer).__name__)
            with tracer.start_active_span("bill") as scope:
                scope.span.set_tag("amount", 42)
            tracer.close()
            """
        )
    )
    result = run([sys.executable, str(app)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "tracer: TracerShim" in result.stdout
    assert "bill" in result.stdout and "legacy-billing" in result.stdout
