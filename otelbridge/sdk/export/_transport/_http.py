"""The HTTP transport of the OTLP/HTTP exporters and the Zipkin exporter (urllib3, pooled)."""

from __future__ import annotations

import email.utils
import gzip
import json
import time
from typing import Any, Dict, Optional

import urllib3

from otelbridge.sdk.export._transport._base import Attempt, TransportConfig
from otelbridge.sdk.export._transport._rpc_status import decode_status
from otelbridge.version import __version__

# Retryable per the OTLP specification; every other 4xx/5xx is permanent.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _json_status_message(data: bytes) -> str:
    """The ``message`` of a JSON ``google.rpc.Status`` body; empty when it is not one."""
    try:
        status = json.loads(data)
    except ValueError:
        return ""
    message = status.get("message") if isinstance(status, dict) else None
    return message if isinstance(message, str) else ""


class HttpTransport:
    """POSTs bodies (``application/x-protobuf`` by default, ``application/json`` for OTLP/JSON)
    over a keep-alive connection pool."""

    def __init__(
        self, config: TransportConfig, content_type: str = "application/x-protobuf"
    ) -> None:
        self._url = config.endpoint
        self._gzip = config.compression == "gzip"
        headers = {
            "Content-Type": content_type,
            "User-Agent": f"otelbridge-otlp/{__version__}",
            **config.headers,
        }
        if self._gzip:
            headers["Content-Encoding"] = "gzip"
        self._headers = headers
        tls: Dict[str, Any] = {}
        if config.endpoint.startswith("https:"):
            tls = {
                "cert_reqs": "CERT_REQUIRED",
                "ca_certs": config.certificate_file,
                "cert_file": config.client_certificate_file,
                "key_file": config.client_key_file,
            }
        self._tls = tls
        self._pool = self._new_pool()

    def _new_pool(self) -> urllib3.PoolManager:
        return urllib3.PoolManager(num_pools=2, maxsize=2, retries=False, **self._tls)

    def prepare(self, body: bytes) -> bytes:
        return gzip.compress(body, compresslevel=6) if self._gzip else body

    def send(self, payload: bytes, timeout: float) -> Attempt:
        try:
            response = self._pool.request(
                "POST",
                self._url,
                body=payload,
                headers=self._headers,
                timeout=urllib3.Timeout(total=timeout),
                retries=False,
            )
        except urllib3.exceptions.HTTPError as error:  # refused, reset, timed out
            return Attempt(ok=False, retryable=True, error=type(error).__name__, broken=True)
        status = response.status
        if 200 <= status < 300:
            return Attempt(ok=True, response=response.data)
        message, retry_info = "", None
        response_type = response.headers.get("Content-Type", "")
        if response_type.startswith("application/x-protobuf"):
            message, retry_info = decode_status(response.data or b"")
        elif response_type.startswith("application/json"):
            message = _json_status_message(response.data or b"")
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Attempt(
            ok=False,
            retryable=status in RETRYABLE_STATUSES,
            retry_after=retry_after if retry_after is not None else retry_info,
            error=f"HTTP {status}" + (f": {message}" if message else ""),
        )

    def reconnect(self) -> None:
        """A new pool; the old one's sockets are left to the garbage collector, not shut down:
        in a forked child they are the parent's too."""
        self._pool = self._new_pool()

    def close(self) -> None:
        self._pool.clear()
