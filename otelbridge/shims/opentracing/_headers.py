"""Reading OpenTracing ``HTTP_HEADERS`` carriers, whose header names may have any case."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional

from opentelemetry.propagators.textmap import Getter


def _as_strings(value: Any) -> List[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (bytes, bytearray)):
        return [bytes(value).decode("latin-1")]
    if isinstance(value, (list, tuple)):
        return [item if isinstance(item, str) else str(item) for item in value]
    return [str(value)]


class HeadersGetter(Getter[Mapping[str, Any]]):
    """Looks a header up by its exact name, then case-insensitively.

    Values may be strings, bytes or lists of them (as web frameworks hand them over).
    """

    def get(self, carrier: Mapping[str, Any], key: str) -> Optional[List[str]]:
        value = carrier.get(key)
        if value is None:
            wanted = key.lower()
            for name, candidate in carrier.items():
                if isinstance(name, str) and name.lower() == wanted:
                    value = candidate
                    break
            else:
                return None
        return _as_strings(value)

    def keys(self, carrier: Mapping[str, Any]) -> List[str]:
        return [name for name in carrier if isinstance(name, str)]


HEADERS_GETTER = HeadersGetter()
