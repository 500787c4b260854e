"""``otelbridge run``: real subprocesses, bridged before their first line, exit codes passed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "legacy_inventory.py"


def run(
    args: list[str], tmp_path: Path, instrument: bool = False, **env: str
) -> subprocess.CompletedProcess:
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
        [
            sys.executable,
            "-m",
            "otelbridge",
            "run",
            *(["--instrument"] if instrument else []),
            "--",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
        cwd=tmp_path,
        check=False,
    )


def console_spans(text: str) -> list[dict]:
    """The spans the console exporter printed (indented JSON objects, one after another)."""
    decoder = json.JSONDecoder()
    spans, index = [], text.find("{")
    while index != -1:
        span, end = decoder.raw_decode(text, index)
        spans.append(span)
        index = text.find("{", end)
    return spans


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


# -- one error policy (issue 15, item 5) -------------------------------------------------------
@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("OTEL_TRACES_EXPORTER", "consol", "none, console, "),
        ("OTEL_METRICS_EXPORTER", "promethus", "none, console, "),
        ("OTEL_PROPAGATORS", "tracecontext,jaegr", "none, tracecontext, baggage, "),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/jsn", "grpc, http/protobuf, http/json"),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grcp", "grpc, http/protobuf, http/json"),
        ("OTEL_TRACES_SAMPLER", "always", "always_on, always_off, traceidratio, "),
    ],
)
def test_a_bad_setting_stops_the_launch_with_one_line(tmp_path, variable, value, accepted) -> None:
    started = tmp_path / "started"
    program = [sys.executable, "-c", f"open({str(started)!r}, 'w').close()"]
    result = run(program, tmp_path, **{variable: value})
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    bad = value.split(",")[-1]
    assert line.startswith(
        f"otelbridge run: {variable}={bad!r} is not supported; accepted values: "
    )
    assert accepted in line
    values = line.split("accepted values: ")[1].split(", ")
    assert len(values) == len(set(values))  # each accepted value once
    assert not started.exists()


def test_install_and_configure_raise_the_same_one_line(monkeypatch) -> None:
    from otelbridge.bridge import install
    from otelbridge.sdk import configure
    from otelbridge.sdk.configuration import ConfigurationError

    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "consol")
    with pytest.raises(ConfigurationError) as from_install:
        install()
    with pytest.raises(ConfigurationError) as from_configure:
        configure(set_global=False)
    assert str(from_install.value) == str(from_configure.value)
    assert "\n" not in str(from_install.value)
    assert str(from_install.value).startswith("OTEL_TRACES_EXPORTER='consol' is not supported")


def test_an_override_is_not_blamed_for_the_environment(monkeypatch) -> None:
    from otelbridge.sdk import configure

    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "consol")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always")
    providers = configure(
        set_global=False, span_exporters=[], sampler="always_on", metric_exporters=[]
    )
    providers.shutdown()


# -- the interpreter (item 6) ------------------------------------------------------------------
def _python_without_otelbridge(tmp_path: Path) -> Path:
    """A ``bin`` folder whose ``python`` is the base interpreter, outside any virtualenv."""
    bin_dir = tmp_path / "elsewhere" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(os.path.realpath(sys._base_executable))
    return bin_dir


PROBE = "import sys, opentracing; print(sys.executable, type(opentracing.global_tracer()).__name__)"


def test_a_bare_python_without_otelbridge_is_replaced_once(tmp_path) -> None:
    bin_dir = _python_without_otelbridge(tmp_path)
    path = os.pathsep.join([str(bin_dir), os.environ["PATH"]])
    probe = subprocess.run(
        [str(bin_dir / "python"), "-c", "import otelbridge"],
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    assert probe.returncode != 0  # the premise: that interpreter cannot import otelbridge
    result = run(["python", "-c", PROBE], tmp_path, PATH=path, OTEL_TRACES_EXPORTER="none")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [sys.executable, "TracerShim"]
    (line,) = result.stderr.splitlines()
    assert "cannot import otelbridge; running the program with" in line


def test_a_python_given_by_path_without_otelbridge_is_refused_with_the_fix(tmp_path) -> None:
    python = _python_without_otelbridge(tmp_path) / "python"
    result = run([str(python), "-c", PROBE], tmp_path, OTEL_TRACES_EXPORTER="none")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"otelbridge run: {python} cannot import otelbridge; install")
    assert "-m pip install otelbridge" in line


def test_the_boot_hook_in_a_python_without_otelbridge_says_so_in_one_line(tmp_path) -> None:
    from otelbridge.bridge.launcher import BOOT_DIR

    python = _python_without_otelbridge(tmp_path) / "python"
    result = subprocess.run(
        [str(python), "-c", "print('ran')"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": BOOT_DIR, "PATH": os.environ["PATH"]},
        check=False,
    )
    assert result.stdout == "ran\n"
    (line,) = result.stderr.splitlines()
    assert "cannot import otelbridge, so the program runs without the bridge" in line


# -- --instrument ------------------------------------------------------------------------------
def test_instrument_activates_the_installed_instrumentations_after_the_bridge(tmp_path) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        textwrap.dedent(
            """
            import sqlite3
            import opentracing

            with opentracing.global_tracer().start_active_span("legacy-job"):
                connection = sqlite3.connect(":memory:")
                connection.cursor().execute("select 1")
                connection.close()
            """
        )
    )
    plain = run([sys.executable, str(app)], tmp_path)
    instrumented = run(
        [sys.executable, str(app)],
        tmp_path,
        OTEL_PYTHON_DISABLED_INSTRUMENTATIONS="flask",
        instrument=True,
    )
    assert plain.returncode == instrumented.returncode == 0, instrumented.stderr
    assert '"name": "select"' not in plain.stdout
    spans = console_spans(instrumented.stdout)
    by_name = {span["name"]: span for span in spans}
    assert set(by_name) == {"legacy-job", "select"}
    assert by_name["select"]["parent_id"] == by_name["legacy-job"]["context"]["span_id"]
    assert instrumented.stderr == ""


def test_a_partly_migrated_program_configuring_the_sdk_runs_without_warnings(tmp_path) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        textwrap.dedent(
            """
            import opentracing
            from opentelemetry import trace
            from otelbridge.sdk import configure

            configure(service_name="checkout", span_exporters=["console"])
            with opentracing.global_tracer().start_active_span("legacy"):
                with trace.get_tracer("migrated").start_as_current_span("native"):
                    pass
            """
        )
    )
    result = run([sys.executable, str(app)], tmp_path, OTEL_TRACES_EXPORTER="none")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    spans = console_spans(result.stdout)
    assert {span["name"] for span in spans} == {"legacy", "native"}
    assert {span["resource"]["attributes"]["service.name"] for span in spans} == {"checkout"}


# -- exit without a collector (item 4) ---------------------------------------------------------
def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("protocol", "path"), [("http/protobuf", "/v1/traces"), ("grpc", "")])
def test_the_last_line_says_how_many_spans_nothing_accepted_and_where(
    tmp_path, protocol, path
) -> None:
    endpoint = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    program = [
        sys.executable,
        "-c",
        "import opentracing\n"
        "for n in range(3):\n"
        "    opentracing.global_tracer().start_span(f'lost-{n}').finish()\n"
        "print('done')",
    ]
    result = run(
        program,
        tmp_path,
        OTEL_TRACES_EXPORTER="otlp",
        OTEL_EXPORTER_OTLP_PROTOCOL=protocol,
        OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
        OTEL_EXPORTER_OTLP_TIMEOUT="2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "done\n"
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"otelbridge: 3 span(s) not accepted at {endpoint}{path}. ")
    assert "otelbridge collect" in last
    assert result.stderr.count("span(s) not accepted") == 1


def test_no_line_when_every_span_was_delivered(tmp_path) -> None:
    result = run([sys.executable, "-c", "import opentracing"], tmp_path)
    assert result.returncode == 0
    assert "not accepted" not in result.stderr
