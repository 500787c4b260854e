"""LibCST codemods that rewrite legacy tracing calls to the OpenTelemetry API.

Imports nothing of otelbridge's runtime.
"""
