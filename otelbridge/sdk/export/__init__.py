"""Exporters of the otelbridge SDK: OTLP (gRPC and HTTP/protobuf), Zipkin, the Jaeger agent and
Prometheus (a pull metric reader)."""
