"""Settings of an OTLP exporter: constructor arguments, then ``OTEL_EXPORTER_OTLP_*`` variables.

Per-signal variables (``OTEL_EXPORTER_OTLP_TRACES_*``, ``..._METRICS_*``) win over the generic ones,
and explicit constructor arguments win over both, as the specification requires. The four OTLP
constructors hand their ``locals()`` to :func:`options_of`: the names of :class:`OtlpOptions` are
the only place where a constructor parameter is tied to a setting.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Dict, Mapping, Optional, Sequence, TypedDict, Union, cast
from urllib.parse import unquote, urlsplit

from otelbridge.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_CERTIFICATE,
    OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE,
    OTEL_EXPORTER_OTLP_CLIENT_KEY,
    OTEL_EXPORTER_OTLP_COMPRESSION,
    OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_HEADERS,
    OTEL_EXPORTER_OTLP_INSECURE,
    OTEL_EXPORTER_OTLP_PROTOCOL,
    OTEL_EXPORTER_OTLP_TIMEOUT,
)
from otelbridge.sdk.export._transport import TransportConfig, parse_timeout

if TYPE_CHECKING:
    from typing_extensions import Unpack

_logger = logging.getLogger(__name__)


GRPC = "grpc"
HTTP_PROTOBUF = "http/protobuf"
HTTP_JSON = "http/json"
PROTOCOLS = (GRPC, HTTP_PROTOBUF, HTTP_JSON)
_DEFAULT_ENDPOINTS = {GRPC: "http://localhost:4317", HTTP_PROTOBUF: "http://localhost:4318"}
_HTTP_PATHS = {"traces": "v1/traces", "metrics": "v1/metrics"}


def signal_variable(generic: str, signal: str) -> str:
    """``OTEL_EXPORTER_OTLP_X`` -> ``OTEL_EXPORTER_OTLP_<SIGNAL>_X``."""
    return generic.replace("OTLP_", f"OTLP_{signal.upper()}_", 1)


def _env(generic: str, signal: str, environ: Mapping[str, str]) -> Optional[str]:
    value = environ.get(signal_variable(generic, signal))
    if value is None or not value.strip():
        value = environ.get(generic)
    return value.strip() if value and value.strip() else None


def parse_headers(text: Optional[str]) -> Dict[str, str]:
    """Parse ``key=value,key2=value2`` with URL-encoded parts (the W3C baggage-like format).

    Malformed entries are skipped with a warning that names the entry's position, never its value.
    """
    headers: Dict[str, str] = {}
    if not text:
        return headers
    for index, item in enumerate(text.split(",")):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        key = unquote(key).strip().lower()
        if not sep or not key:
            _logger.warning("Ignoring malformed OTLP header entry #%d", index + 1)
            continue
        headers[key] = unquote(value).strip()
    return headers


def resolve_protocol(signal: str, environ: Optional[Mapping[str, str]] = None) -> str:
    """The configured OTLP protocol for ``signal``: ``grpc``, ``http/protobuf`` (default) or
    ``http/json``."""
    environ = os.environ if environ is None else environ
    protocol = _env(OTEL_EXPORTER_OTLP_PROTOCOL, signal, environ) or HTTP_PROTOBUF
    if protocol not in PROTOCOLS:
        _logger.warning("Unsupported OTLP protocol %r; using %s", protocol, HTTP_PROTOBUF)
        return HTTP_PROTOBUF
    return protocol


Headers = Union[Mapping[str, str], Sequence[tuple[str, str]], str, None]


def normalize_headers(
    headers: Union[Mapping[str, str], Sequence[tuple[str, str]], str],
) -> Dict[str, str]:
    """Headers given to a constructor: a mapping, pairs, or the ``k=v,k2=v2`` variable format."""
    if isinstance(headers, str):
        return parse_headers(headers)
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {str(key).lower(): str(value) for key, value in items}


class OtlpOptions(TypedDict, total=False):
    """The constructor arguments :func:`resolve` reads, by the constructors' parameter names (the
    HTTP exporters have no ``insecure``); an absent or ``None`` one is not given."""

    endpoint: Optional[str]
    insecure: Optional[bool]
    timeout: Optional[float]
    compression: Optional[str]
    headers: Headers
    certificate_file: Optional[str]
    client_key_file: Optional[str]
    client_certificate_file: Optional[str]


def options_of(arguments: Mapping[str, object]) -> OtlpOptions:
    """The :class:`OtlpOptions` among a constructor's ``locals()``; the cast holds because the
    constructors annotate those parameters as :class:`OtlpOptions` does (a test compares them)."""
    given = {key: arguments[key] for key in OtlpOptions.__annotations__ if key in arguments}
    return cast(OtlpOptions, given)


def _flag(value: Optional[str]) -> bool:
    return (value or "").strip().lower() == "true"


def _compression(value: Optional[str]) -> Optional[str]:
    value = (value or "none").strip().lower()
    if value in ("gzip", "none"):
        return None if value == "none" else value
    _logger.warning("Unsupported OTLP compression %r; sending uncompressed", value)
    return None


def _http_endpoint(signal: str, environ: Mapping[str, str]) -> str:
    specific = environ.get(signal_variable(OTEL_EXPORTER_OTLP_ENDPOINT, signal), "").strip()
    if specific:
        return specific  # used as is
    base = environ.get(OTEL_EXPORTER_OTLP_ENDPOINT, "").strip() or _DEFAULT_ENDPOINTS[HTTP_PROTOBUF]
    return base.rstrip("/") + "/" + _HTTP_PATHS[signal]


def resolve(
    signal: str,
    protocol: str,
    *,
    environ: Optional[Mapping[str, str]] = None,
    **options: Unpack[OtlpOptions],
) -> TransportConfig:
    """Merge arguments over per-signal variables over generic variables over defaults.

    ``signal`` is ``traces`` or ``metrics``; ``timeout`` is in seconds (the variables are in
    milliseconds); ``compression`` is ``gzip`` or ``none``. On HTTP only the generic endpoint
    gets the signal's path (``/v1/traces``) appended; an argument or a per-signal variable is
    used as is.
    """
    environ = os.environ if environ is None else environ

    def env(name: str) -> Optional[str]:
        return _env(name, signal, environ)

    endpoint, insecure = options.get("endpoint"), options.get("insecure")
    timeout, headers = options.get("timeout"), options.get("headers")
    if endpoint is None:
        if protocol == GRPC:
            endpoint = env(OTEL_EXPORTER_OTLP_ENDPOINT) or _DEFAULT_ENDPOINTS[GRPC]
        else:
            endpoint = _http_endpoint(signal, environ)
    scheme = urlsplit(endpoint).scheme if "://" in endpoint else ""
    if scheme in ("http", "https"):
        # The specification: the insecure option (argument or variable) only applies to a gRPC
        # endpoint given without the http or https scheme; with one, the scheme decides.
        insecure = scheme == "http"
    elif insecure is None:
        insecure = protocol == GRPC and _flag(env(OTEL_EXPORTER_OTLP_INSECURE))
    return TransportConfig(
        endpoint=endpoint,
        insecure=insecure,
        timeout=parse_timeout(env(OTEL_EXPORTER_OTLP_TIMEOUT), OTEL_EXPORTER_OTLP_TIMEOUT)
        if timeout is None
        else timeout,
        compression=_compression(options.get("compression") or env(OTEL_EXPORTER_OTLP_COMPRESSION)),
        headers=parse_headers(env(OTEL_EXPORTER_OTLP_HEADERS))
        if headers is None
        else normalize_headers(headers),
        certificate_file=options.get("certificate_file") or env(OTEL_EXPORTER_OTLP_CERTIFICATE),
        client_key_file=options.get("client_key_file") or env(OTEL_EXPORTER_OTLP_CLIENT_KEY),
        client_certificate_file=options.get("client_certificate_file")
        or env(OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE),
    )
