"""OTEL_EXPORTER_OTLP_* resolution: precedence, formats and defaults from the specification."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from otelbridge.sdk.export.otlp._config import parse_headers, resolve, resolve_protocol


def test_defaults_per_protocol():
    grpc = resolve("traces", "grpc", environ={})
    http = resolve("metrics", "http/protobuf", environ={})
    assert (grpc.endpoint, grpc.insecure, grpc.timeout, grpc.compression) == (
        "http://localhost:4317",
        True,
        10.0,
        None,
    )
    assert http.endpoint == "http://localhost:4318/v1/metrics"


def test_signal_variables_win_over_generic_ones_and_arguments_win_over_both():
    environ = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "https://generic:4318/base/",
        "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "1500",
        "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
        "OTEL_EXPORTER_OTLP_HEADERS": "a=1",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "b=2",
        "OTEL_EXPORTER_OTLP_CERTIFICATE": "/ca.pem",
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY": "/key.pem",
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": "/client.pem",
    }
    traces = resolve("traces", "http/protobuf", environ=environ)
    assert traces.endpoint == "https://generic:4318/base/v1/traces"  # generic: path appended
    assert traces.timeout == 1.5  # milliseconds in the variables
    assert traces.compression == "gzip"
    assert traces.headers == {"b": "2"}
    assert (traces.certificate_file, traces.client_key_file, traces.client_certificate_file) == (
        "/ca.pem",
        "/key.pem",
        "/client.pem",
    )
    metrics = resolve("metrics", "http/protobuf", environ=environ)
    assert metrics.timeout == 2.5 and metrics.headers == {"a": "1"}
    specific = {**environ, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://exact:1/custom"}
    assert resolve("traces", "http/protobuf", environ=specific).endpoint == "http://exact:1/custom"
    explicit = resolve("traces", "http/protobuf", timeout=7, headers={}, environ=environ)
    assert explicit.timeout == 7 and explicit.headers == {}


@pytest.mark.parametrize(
    ("endpoint", "flag", "insecure"),
    [
        ("http://collector:4317", None, True),
        ("https://collector:4317", "true", False),  # the scheme decides
        ("collector:4317", None, False),
        ("collector:4317", "true", True),  # no scheme: the flag decides
    ],
)
def test_grpc_insecure_rules(endpoint, flag, insecure):
    environ = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": endpoint}
    if flag:
        environ["OTEL_EXPORTER_OTLP_INSECURE"] = flag
    assert resolve("traces", "grpc", environ=environ).insecure is insecure


def test_headers_are_url_decoded_and_malformed_entries_skipped_without_values(caplog):
    with caplog.at_level(logging.WARNING):
        headers = parse_headers("Api-Key=s%3Dcr%2Ct ,bad-secret-entry, tenant = a%20b,=x")
    assert headers == {"api-key": "s=cr,t", "tenant": "a b"}
    assert "bad-secret-entry" not in caplog.text and "#2" in caplog.text


@given(
    st.dictionaries(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), st.text(max_size=20))
)
def test_headers_round_trip_through_url_encoding(headers):
    from urllib.parse import quote

    text = ",".join(f"{key}={quote(value, safe='')}" for key, value in headers.items())
    assert parse_headers(text) == {key: value.strip() for key, value in headers.items()}


def test_protocol_selection_and_fallback(caplog):
    assert resolve_protocol("traces", {}) == "http/protobuf"
    assert resolve_protocol("traces", {"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}) == "grpc"
    environ = {
        "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
        "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "http/protobuf",
    }
    assert resolve_protocol("metrics", environ) == "http/protobuf"
    assert resolve_protocol("traces", {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}) == "http/json"
    assert (
        resolve_protocol("traces", {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/xml"}) == "http/protobuf"
    )
    assert "Unsupported OTLP protocol 'http/xml'" in caplog.text


def test_invalid_values_fall_back_to_defaults(caplog):
    config = resolve(
        "traces",
        "grpc",
        environ={"OTEL_EXPORTER_OTLP_TIMEOUT": "soon", "OTEL_EXPORTER_OTLP_COMPRESSION": "brotli"},
    )
    assert config.timeout == 10.0 and config.compression is None
    assert "soon" in caplog.text and "brotli" in caplog.text


def test_headers_never_appear_in_the_config_repr():
    config = resolve("traces", "grpc", headers={"authorization": "Bearer hunter2"}, environ={})
    assert "hunter2" not in repr(config)


@pytest.mark.parametrize(
    ("endpoint", "argument", "flag", "insecure"),
    [
        ("https://collector:4317", True, None, False),  # the scheme wins over the argument
        ("http://collector:4317", False, None, True),
        ("collector:4317", True, "false", True),  # no scheme: the argument wins over the flag
        ("collector:4317", False, "true", False),
        ("unix:///tmp/otlp.sock", None, "true", True),  # not http(s): the option applies
    ],
)
def test_grpc_insecure_argument_applies_only_without_an_http_scheme(
    endpoint, argument, flag, insecure
):
    environ = {"OTEL_EXPORTER_OTLP_INSECURE": flag} if flag else {}
    config = resolve("traces", "grpc", endpoint=endpoint, insecure=argument, environ=environ)
    assert config.insecure is insecure


def test_insecure_variable_is_for_grpc_only():
    environ = {"OTEL_EXPORTER_OTLP_INSECURE": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "c:4318"}
    assert resolve("traces", "grpc", environ=environ).insecure is True
    assert resolve("traces", "http/protobuf", environ=environ).insecure is False


def test_grpc_endpoints_are_used_as_given_without_a_signal_path():
    generic = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317/"}
    assert resolve("metrics", "grpc", environ=generic).endpoint == "http://collector:4317/"
    specific = {**generic, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "https://metrics:4317"}
    assert resolve("metrics", "grpc", environ=specific).endpoint == "https://metrics:4317"
    assert resolve("traces", "grpc", environ=specific).endpoint == "http://collector:4317/"


def test_an_endpoint_argument_is_used_as_given_on_http():
    environ = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318"}
    config = resolve("traces", "http/protobuf", endpoint="http://exact:1/in", environ=environ)
    assert config.endpoint == "http://exact:1/in"


def test_blank_signal_variables_fall_back_to_the_generic_ones():
    environ = {
        "OTEL_EXPORTER_OTLP_TIMEOUT": "3000",
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": " ",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "",
    }
    config = resolve("traces", "http/protobuf", environ=environ)
    assert (config.timeout, config.endpoint) == (3.0, "http://generic:4318/v1/traces")


_CONSTRUCTORS = [
    ("otelbridge.sdk.export.otlp.proto.grpc.trace_exporter", "OTLPSpanExporter", "grpc"),
    ("otelbridge.sdk.export.otlp.proto.grpc.metric_exporter", "OTLPMetricExporter", "grpc"),
    ("otelbridge.sdk.export.otlp.proto.http.trace_exporter", "OTLPSpanExporter", "http/protobuf"),
    (
        "otelbridge.sdk.export.otlp.proto.http.metric_exporter",
        "OTLPMetricExporter",
        "http/protobuf",
    ),
    ("otelbridge.sdk.export.otlp.proto.http.trace_exporter", "OTLPSpanExporter", "http/json"),
    ("otelbridge.sdk.export.otlp.proto.http.metric_exporter", "OTLPMetricExporter", "http/json"),
]


@pytest.mark.parametrize(("module_name", "class_name", "protocol"), _CONSTRUCTORS)
def test_every_constructor_resolves_through_the_one_resolver(
    monkeypatch, module_name, class_name, protocol
):
    """Each exporter gets the resolver's answer for its own signal: per-signal variables over
    generic ones, constructor arguments over both."""
    import importlib

    module = importlib.import_module(module_name)
    signal = "metrics" if "metric" in module_name else "traces"
    seen = []

    def spy(*args, **kwargs):
        seen.append(resolve(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(module, "resolve", spy)
    for name, value in {
        "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4999",
        "OTEL_EXPORTER_OTLP_TIMEOUT": "2000",
        f"OTEL_EXPORTER_OTLP_{signal.upper()}_TIMEOUT": "1250",
        "OTEL_EXPORTER_OTLP_HEADERS": "tenant=generic",
        f"OTEL_EXPORTER_OTLP_{signal.upper()}_HEADERS": "tenant=specific",
        "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
    }.items():
        monkeypatch.setenv(name, value)
    exporter_class = getattr(module, class_name)
    from_env = exporter_class()
    explicit = exporter_class(endpoint="http://given:5000", timeout=3, compression="none")
    try:
        by_env, by_arguments = seen
        suffix = "" if protocol == "grpc" else f"/v1/{signal}"
        assert by_env.endpoint == "http://generic:4999" + suffix
        assert (by_env.timeout, by_env.headers, by_env.compression) == (
            1.25,
            {"tenant": "specific"},
            "gzip",
        )
        assert (by_arguments.endpoint, by_arguments.timeout, by_arguments.compression) == (
            "http://given:5000",
            3,
            None,
        )
        assert by_arguments.headers == {"tenant": "specific"}
    finally:
        from_env.shutdown()
        explicit.shutdown()


# One row per setting: (protocol, option, variable suffix, generic value, signal value, argument,
# then the resolved value at each level: default, generic only, signal over generic, argument).
_PRECEDENCE = [
    ("grpc", "endpoint", "ENDPOINT", "http://g:1", "http://s:2", "http://a:3",
     ("http://localhost:4317", "http://g:1", "http://s:2", "http://a:3")),
    ("http/protobuf", "endpoint", "ENDPOINT", "http://g:1/", "http://s:2/in", "http://a:3/at",
     ("http://localhost:4318/v1/{signal}", "http://g:1/v1/{signal}", "http://s:2/in",
      "http://a:3/at")),
    ("grpc", "timeout", "TIMEOUT", "2000", "3000", 4, (10.0, 2.0, 3.0, 4)),
    ("http/protobuf", "compression", "COMPRESSION", "gzip", "none", "gzip",
     (None, "gzip", None, "gzip")),
    ("grpc", "headers", "HEADERS", "a=1", "b=2", {"c": "3"},
     ({}, {"a": "1"}, {"b": "2"}, {"c": "3"})),
    ("http/protobuf", "certificate_file", "CERTIFICATE", "/g", "/s", "/a",
     (None, "/g", "/s", "/a")),
    ("grpc", "client_key_file", "CLIENT_KEY", "/g", "/s", "/a", (None, "/g", "/s", "/a")),
    ("http/protobuf", "client_certificate_file", "CLIENT_CERTIFICATE", "/g", "/s", "/a",
     (None, "/g", "/s", "/a")),
    ("grpc", "insecure", "INSECURE", "true", "false", True, (False, True, False, True)),
]  # fmt: skip


@pytest.mark.parametrize("signal", ["traces", "metrics"])
@pytest.mark.parametrize(
    ("protocol", "option", "suffix", "generic", "specific", "argument", "expected"), _PRECEDENCE
)
def test_each_setting_argument_over_signal_variable_over_generic_variable_over_default(
    signal, protocol, option, suffix, generic, specific, argument, expected
):
    # insecure applies only to a gRPC endpoint without a scheme: give the test one
    base = {"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"} if option == "insecure" else {}
    generic_env = {**base, f"OTEL_EXPORTER_OTLP_{suffix}": generic}
    both = {**generic_env, f"OTEL_EXPORTER_OTLP_{signal.upper()}_{suffix}": specific}
    levels = [(base, {}), (generic_env, {}), (both, {}), (both, {option: argument})]
    found = [
        getattr(resolve(signal, protocol, environ=environ, **options), option)
        for environ, options in levels
    ]
    assert found == [
        value.format(signal=signal) if isinstance(value, str) else value for value in expected
    ]


def test_options_of_picks_the_resolver_options_from_a_constructors_locals():
    from otelbridge.sdk.export.otlp._config import options_of

    given = {"self": object(), "endpoint": "http://x:1", "credentials": None, "timeout": None}
    assert options_of(given) == {"endpoint": "http://x:1", "timeout": None}


@pytest.mark.parametrize(("module_name", "class_name", "protocol"), _CONSTRUCTORS[:4])
def test_constructor_parameters_are_the_resolver_options_by_name_and_annotation(
    module_name, class_name, protocol
):
    """What makes ``options_of(locals())`` safe: renaming or retyping a constructor parameter
    without the matching :class:`OtlpOptions` entry fails here instead of being dropped."""
    import importlib
    import inspect
    import typing

    from otelbridge.sdk.export.otlp._config import OtlpOptions

    module = importlib.import_module(module_name)
    parameters = inspect.signature(getattr(module, class_name).__init__).parameters
    wanted = {
        name: annotation
        for name, annotation in typing.get_type_hints(OtlpOptions).items()
        if protocol == "grpc" or name != "insecure"
    }
    annotations = {  # the source is ours; a missing parameter is a KeyError, a failure too
        name: eval(parameters[name].annotation, vars(module)) for name in wanted
    }
    assert annotations == wanted
