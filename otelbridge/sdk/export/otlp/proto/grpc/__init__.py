"""OTLP/gRPC exporters (mirrors ``opentelemetry.exporter.otlp.proto.grpc``)."""
