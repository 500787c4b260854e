"""Exporters of the otelbridge SDK: OTLP (gRPC and HTTP/protobuf), Zipkin and the Jaeger agent."""
