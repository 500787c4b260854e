"""A small OTLP receiver (gRPC, HTTP/protobuf, HTTP/JSON; traces and metrics) for tests and dev.

It decodes requests with the official generated types, then hands each one to a ``consumer``
callable. A consumer that raises :class:`Throttled` makes the receiver answer the way a busy
collector does (gRPC ``UNAVAILABLE`` with ``RetryInfo``, HTTP 503 with ``Retry-After``), so
clients can be tested against real backpressure. Production users run an OpenTelemetry Collector.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import math
import socket
import ssl
import threading
import zlib
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, NamedTuple, Optional, Set, Union

import grpc
from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from otelbridge.sdk.export._transport._rpc_status import STATUS_DETAILS_KEY, encode_status
from otelbridge.sdk.export.otlp.proto.common._json import (
    CONTENT_TYPE as JSON_CONTENT_TYPE,
)
from otelbridge.sdk.export.otlp.proto.common._json import dumps as json_dumps
from otelbridge.sdk.export.otlp.proto.common._json import from_otlp_json

_logger = logging.getLogger(__name__)

ExportRequest = Union[
    trace_service_pb2.ExportTraceServiceRequest, metrics_service_pb2.ExportMetricsServiceRequest
]


class Rejected(NamedTuple):
    """Returned by a consumer that accepted only part of a request (OTLP partial success)."""

    items: int
    message: str


Consumer = Callable[[ExportRequest], Optional[Rejected]]

_MAX_MESSAGE = 64 * 1024 * 1024
#: Seconds :meth:`OTLPReceiver.stop` waits for its servers beyond the grace period.
STOP_SLACK = 5.0
_UNAVAILABLE = 14  # google.rpc.Code.UNAVAILABLE


class Throttled(Exception):
    """Raised by a consumer to ask the client to retry after ``retry_after`` seconds."""

    def __init__(self, retry_after: float, message: str = "receiver is busy") -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _response(response_type: Any, rejected: Optional[Rejected]) -> Any:
    response = response_type()
    if rejected is not None:
        partial = response.partial_success
        field = "rejected_spans" if hasattr(partial, "rejected_spans") else "rejected_data_points"
        setattr(partial, field, rejected.items)
        partial.error_message = rejected.message
    return response


# HTTP path -> (request type, response type)
_HTTP_ROUTES: Dict[str, tuple[Any, Any]] = {
    "/v1/traces": (
        trace_service_pb2.ExportTraceServiceRequest,
        trace_service_pb2.ExportTraceServiceResponse,
    ),
    "/v1/metrics": (
        metrics_service_pb2.ExportMetricsServiceRequest,
        metrics_service_pb2.ExportMetricsServiceResponse,
    ),
}


def _consume_grpc(
    consumer: Consumer, request: ExportRequest, context: grpc.ServicerContext, response_type: Any
) -> Any:
    try:
        rejected = consumer(request)
    except Throttled as throttled:
        details = encode_status(_UNAVAILABLE, str(throttled), throttled.retry_after)
        context.set_trailing_metadata(((STATUS_DETAILS_KEY, details),))
        context.abort(grpc.StatusCode.UNAVAILABLE, str(throttled))
    return _response(response_type, rejected)


class _TraceService(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, consumer: Consumer) -> None:
        self._consumer = consumer

    def Export(self, request: Any, context: Any) -> Any:
        return _consume_grpc(
            self._consumer, request, context, trace_service_pb2.ExportTraceServiceResponse
        )


class _MetricsService(metrics_service_pb2_grpc.MetricsServiceServicer):
    def __init__(self, consumer: Consumer) -> None:
        self._consumer = consumer

    def Export(self, request: Any, context: Any) -> Any:
        return _consume_grpc(
            self._consumer, request, context, metrics_service_pb2.ExportMetricsServiceResponse
        )


class _HttpHandler(BaseHTTPRequestHandler):
    server: _HttpServer
    protocol_version = "HTTP/1.1"  # keep-alive, as collectors do

    def do_POST(self) -> None:
        route = _HTTP_ROUTES.get(self.path.split("?", 1)[0])
        if route is None:
            self._reply(404, b"", "text/plain")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request_type, response_type = route
        # The response uses the request's encoding, as OTLP/HTTP requires.
        as_json = self.headers.get("Content-Type", "").startswith(JSON_CONTENT_TYPE)
        try:
            if self.headers.get("Content-Encoding", "").lower() == "gzip":
                body = gzip.decompress(body)
            if as_json:
                request = from_otlp_json(json.loads(body), request_type)
            else:
                request = request_type.FromString(body)
        except (OSError, EOFError, zlib.error, ValueError, json_format.ParseError) as error:
            self._reply_status(400, 3, f"cannot decode request: {error}", as_json)
            return
        try:
            rejected = self.server.consumer(request)
        except Throttled as throttled:
            headers = {"Retry-After": str(math.ceil(throttled.retry_after))}
            self._reply_status(
                503, _UNAVAILABLE, str(throttled), as_json, throttled.retry_after, headers
            )
            return
        response = _response(response_type, rejected)
        if as_json:
            self._reply(200, json_dumps(response), JSON_CONTENT_TYPE)
        else:
            self._reply(200, response.SerializeToString())

    def _reply_status(
        self,
        status: int,
        code: int,
        message: str,
        as_json: bool,
        retry_after: Optional[float] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        """An error response whose body is a ``google.rpc.Status``: binary with its RetryInfo,
        or JSON with code and message (the delay is then in ``Retry-After`` only)."""
        if as_json:
            body = json.dumps({"code": code, "message": message}).encode()
            self._reply(status, body, JSON_CONTENT_TYPE, headers)
        else:
            self._reply(status, encode_status(code, message, retry_after), headers=headers)

    def _reply(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/x-protobuf",
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        _logger.debug("otlp http receiver: " + format, *args)


class _HttpServer(ThreadingHTTPServer):
    """Tracks its keep-alive connections so that :meth:`close_connections` can end them, as a
    collector that stops does (otherwise a handler thread would go on serving its client)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], consumer: Consumer) -> None:
        super().__init__(address, _HttpHandler)
        self.consumer = consumer
        self._connections: Set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


class ServerTLS(NamedTuple):
    """PEM files for serving TLS; with ``client_ca_file`` clients must present a certificate
    signed by that CA (mutual TLS)."""

    cert_file: str
    key_file: str
    client_ca_file: Optional[str] = None

    def grpc_credentials(self) -> grpc.ServerCredentials:
        key, cert = _read(self.key_file), _read(self.cert_file)
        return grpc.ssl_server_credentials(
            [(key, cert)],
            root_certificates=_read(self.client_ca_file) if self.client_ca_file else None,
            require_client_auth=self.client_ca_file is not None,
        )

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        if self.client_ca_file is not None:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(self.client_ca_file)
        return context


class OTLPReceiver:
    """Listens for OTLP over gRPC and HTTP; ``port=0`` picks a free port (see the properties).

    Plaintext unless ``tls`` is given. Use as a context manager or call :meth:`start` and
    :meth:`stop`.
    """

    def __init__(
        self,
        consumer: Consumer,
        host: str = "127.0.0.1",
        grpc_port: Optional[int] = 4317,
        http_port: Optional[int] = 4318,
        workers: int = 4,
        tls: Optional[ServerTLS] = None,
    ) -> None:
        self._consumer = consumer
        self._tls = tls
        self._scheme = "https" if tls else "http"
        self._host = host
        self._requested = (grpc_port, http_port)
        self._workers = workers
        self._grpc_server: Optional[grpc.Server] = None
        self._http_server: Optional[_HttpServer] = None
        self._http_thread: Optional[threading.Thread] = None
        self.grpc_port: Optional[int] = None
        self.http_port: Optional[int] = None

    @property
    def grpc_endpoint(self) -> str:
        """``http://host:port`` for OTLP/gRPC exporters."""
        return f"{self._scheme}://{self._host}:{self.grpc_port}"

    @property
    def http_endpoint(self) -> str:
        """``http://host:port`` base for OTLP/HTTP exporters (add ``/v1/traces`` etc.)."""
        return f"{self._scheme}://{self._host}:{self.http_port}"

    def start(self) -> OTLPReceiver:
        grpc_port, http_port = self._requested
        try:
            if grpc_port is not None:
                server = grpc.server(
                    futures.ThreadPoolExecutor(self._workers, thread_name_prefix="otlp-grpc"),
                    options=[("grpc.max_receive_message_length", _MAX_MESSAGE)],
                )
                trace_service_pb2_grpc.add_TraceServiceServicer_to_server(  # type: ignore[no-untyped-call]  # generated code
                    _TraceService(self._consumer), server
                )
                metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(  # type: ignore[no-untyped-call]  # ditto
                    _MetricsService(self._consumer), server
                )
                address = f"{self._host}:{grpc_port}"
                if self._tls is None:
                    self.grpc_port = server.add_insecure_port(address)
                else:
                    self.grpc_port = server.add_secure_port(address, self._tls.grpc_credentials())
                if not self.grpc_port:
                    raise OSError(f"cannot listen on {self._host}:{grpc_port} for OTLP/gRPC")
                server.start()
                self._grpc_server = server
            if http_port is not None:
                self._http_server = _HttpServer((self._host, http_port), self._consumer)
                if self._tls is not None:
                    self._http_server.socket = self._tls.ssl_context().wrap_socket(
                        self._http_server.socket, server_side=True
                    )
                self.http_port = self._http_server.server_address[1]
                self._http_thread = threading.Thread(
                    target=self._http_server.serve_forever,
                    kwargs={"poll_interval": 0.1},
                    name="otlp-http",
                    daemon=True,
                )
                self._http_thread.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, grace: float = 1.0) -> None:
        """Stop listening; gRPC calls in progress get ``grace`` seconds to finish. Waits are
        bounded (by ``grace`` plus :data:`STOP_SLACK`): a stuck handler is logged and left
        behind (its threads are daemons) rather than hanging the caller."""
        if self._grpc_server is not None:
            if not self._grpc_server.stop(grace).wait(grace + STOP_SLACK):
                _logger.warning("OTLP receiver: the gRPC server did not stop in time")
            self._grpc_server = None
        if self._http_server is not None:
            if self._http_thread is not None:
                # shutdown() waits for serve_forever() without a bound: from a thread, bounded
                stopper = threading.Thread(target=self._http_server.shutdown, daemon=True)
                stopper.start()
                self._http_thread.join(grace + STOP_SLACK)
                if self._http_thread.is_alive():
                    _logger.warning("OTLP receiver: the HTTP server did not stop in time")
            self._http_server.close_connections()
            self._http_server.server_close()
            self._http_server = self._http_thread = None

    def __enter__(self) -> OTLPReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
