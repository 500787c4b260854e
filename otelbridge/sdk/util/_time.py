"""Timestamp formatting used by console output and ``to_json``."""

from __future__ import annotations


def ns_to_iso_str(nanoseconds: int) -> str:
    """An ISO 8601 UTC string (microsecond precision) for a ``time.time_ns()`` value."""
    import datetime  # here: importing otelbridge.sdk.util must stay cheap (see sdk/__init__.py)

    moment = datetime.datetime.fromtimestamp(nanoseconds / 1e9, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
