"""OTLP for the otelbridge SDK.

``otelbridge.sdk.export.otlp.proto.{common,grpc,http}`` mirror
``opentelemetry.exporter.otlp.proto.{common,grpc,http}``: swap the prefix, keep the names.
A small OTLP receiver for development and tests is in :mod:`otelbridge.devtools.receiver`.
"""
