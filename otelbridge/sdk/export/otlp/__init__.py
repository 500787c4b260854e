"""OTLP for the otelbridge SDK.

``otelbridge.sdk.export.otlp.proto.{common,grpc,http}`` mirror
``opentelemetry.exporter.otlp.proto.{common,grpc,http}``: swap the prefix, keep the names.
:mod:`otelbridge.sdk.export.otlp.receiver` is a small OTLP receiver for development and tests.
"""
