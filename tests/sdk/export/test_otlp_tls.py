"""TLS and mutual TLS: certificate, client key and client certificate settings, for real."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from otelbridge.devtools.receiver import OTLPReceiver, ServerTLS
from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter
from otelbridge.sdk.export.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter
from otelbridge.sdk.trace.export import SpanExportResult

from .conftest import make_spans

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")


def openssl(*args: str, cwd: Path) -> None:
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"openssl {args[0]} failed: {result.stderr}"


def issue(name: str, cwd: Path, extension: str) -> None:
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{name}.key", cwd=cwd)
    openssl(
        "req", "-new", "-key", f"{name}.key", "-subj", f"/CN={name}", "-out", f"{name}.csr", cwd=cwd
    )
    (cwd / f"{name}.ext").write_text(extension)
    openssl(
        "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-out", f"{name}.pem", "-extfile", f"{name}.ext",
        cwd=cwd,
    )  # fmt: skip


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Path:
    cwd = tmp_path_factory.mktemp("pki")
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key", cwd=cwd)
    openssl(
        "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=test-ca", "-days", "2",
        "-out", "ca.pem", cwd=cwd,
    )  # fmt: skip
    issue("server", cwd, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    issue("client", cwd, "extendedKeyUsage=clientAuth\n")
    return cwd


@pytest.mark.parametrize("mutual", [False, True])
def test_grpc_and_http_over_tls(pki, collected, mutual):
    tls = ServerTLS(
        str(pki / "server.pem"), str(pki / "server.key"), str(pki / "ca.pem") if mutual else None
    )
    client = (
        {
            "client_key_file": str(pki / "client.key"),
            "client_certificate_file": str(pki / "client.pem"),
        }
        if mutual
        else {}
    )
    spans = make_spans(2)
    with OTLPReceiver(collected, grpc_port=0, http_port=0, tls=tls) as receiver:
        assert receiver.grpc_endpoint.startswith("https://")
        exporters = [
            GrpcExporter(receiver.grpc_endpoint, certificate_file=str(pki / "ca.pem"), **client),
            HttpExporter(
                receiver.http_endpoint + "/v1/traces",
                certificate_file=str(pki / "ca.pem"),
                **client,
            ),
        ]
        for exporter in exporters:
            assert exporter.export(spans) is SpanExportResult.SUCCESS
            exporter.shutdown()
    assert len(collected.spans()) == 4


def test_untrusted_server_or_missing_client_certificate_fails(pki, collected):
    tls = ServerTLS(str(pki / "server.pem"), str(pki / "server.key"), str(pki / "ca.pem"))
    with OTLPReceiver(collected, grpc_port=0, http_port=0, tls=tls) as receiver:
        no_client_cert = [
            GrpcExporter(receiver.grpc_endpoint, certificate_file=str(pki / "ca.pem"), timeout=1),
            HttpExporter(
                receiver.http_endpoint + "/v1/traces",
                certificate_file=str(pki / "ca.pem"),
                timeout=1,
            ),
        ]
        untrusted = HttpExporter(receiver.http_endpoint + "/v1/traces", timeout=1)  # system CAs
        for exporter in [*no_client_cert, untrusted]:
            assert exporter.export(make_spans(1)) is SpanExportResult.FAILURE
            exporter.shutdown()
    assert collected.spans() == []
