"""OTLP/HTTP (binary protobuf) exporters (mirrors ``opentelemetry.exporter.otlp.proto.http``)."""
