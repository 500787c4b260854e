"""OpenCensus' Prometheus stats exporter -> otelbridge's ``PrometheusMetricReader``.

``prometheus.new_stats_exporter(prometheus.Options(namespace=, port=, address=))`` serves the
views over HTTP from the moment it is made. OpenTelemetry's counterpart is a pull reader in
``configure(metric_readers=[...])`` serving the same way once started: the reader is bound to
a module-level name, handed to ``configure()``, and started (``start_http_server``) at OpenCensus'
port and address (all interfaces unless one was given, as OpenCensus did). Metric names change
(OpenTelemetry's Prometheus rules: unit suffix, ``_total`` on counters, no namespace prefix): a
note says so, since dashboards and alerts query them.
"""

from __future__ import annotations

from typing import Callable, Optional

import libcst as cst

from otelbridge.migration_tool.transforms.base import arg, has_star_args, literal

FACTORY = "opencensus.ext.prometheus.stats_exporter.new_stats_exporter"
OPTIONS = "opencensus.ext.prometheus.stats_exporter.Options"
READER = ("otelbridge.sdk.export.prometheus", "PrometheusMetricReader")
#: ``Options`` arguments, in their order; ``registry`` is not mapped.
_ORDER = ("namespace", "port", "address")
#: OpenCensus' defaults: port 8000 on every interface.
_DEFAULTS = {"port": cst.Integer("8000"), "address": cst.SimpleString('"0.0.0.0"')}


def options(
    call: cst.BaseExpression, names: Callable[[cst.CSTNode], set[str]]
) -> Optional[dict[str, cst.BaseExpression]]:
    """The ``Options`` of a ``new_stats_exporter(Options(...))`` call that maps, by name."""
    if not (isinstance(call, cst.Call) and FACTORY in names(call.func) and len(call.args) == 1):
        return None
    given, named = call.args[0].value, call.args[0].keyword
    if (named is not None and named.value != "option") or not (
        isinstance(given, cst.Call) and OPTIONS in names(given.func)
    ):
        return None
    if has_star_args(given) or len(given.args) > len(_ORDER):
        return None
    found: dict[str, cst.BaseExpression] = {}
    for position, name in enumerate(_ORDER):
        value = arg(given, name, position)
        if value is not None:
            found[name] = value.value
    if any(a.keyword is not None and a.keyword.value not in _ORDER for a in given.args):
        return None
    return found


INSTALL_NOTE = "pip install 'otelbridge[prometheus]' (prometheus-client, which serves the reader)"


def names_note(given: dict[str, cst.BaseExpression]) -> str:
    """What happens to the Prometheus metric names."""
    namespace = literal(given["namespace"]) if "namespace" in given else ""
    prefix = f"no '{namespace}_' prefix" if namespace else "no namespace prefix"
    return (
        "Prometheus metric names follow OpenTelemetry's rules now (unit suffix, _total on "
        f"counters, {prefix}): update the dashboards and alerts that query them"
    )


def start_arguments(given: dict[str, cst.BaseExpression]) -> list[cst.Arg]:
    """``start_http_server(host, port)`` at OpenCensus' address and port."""
    address = given.get("address")
    if address is None or literal(address) == "":
        address = _DEFAULTS["address"]
    return [cst.Arg(address), cst.Arg(given.get("port", _DEFAULTS["port"]))]
