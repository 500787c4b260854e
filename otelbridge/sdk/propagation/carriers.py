"""A getter and a setter for every header carrier applications pass to ``extract``/``inject``.

Frameworks hand over headers in many shapes: a ``dict``, werkzeug's ``Headers`` and
``EnvironHeaders`` (whose iteration yields ``(name, value)`` pairs, not names),
``http.client.HTTPMessage``/``email.message.Message``, Django's ``request.META`` (``HTTP_*`` keys),
gRPC metadata (a sequence of ``(key, value)`` pairs, or ``grpc.aio.Metadata``), aiohttp's
``CIMultiDict`` and starlette's ``Headers``. All of them either have ``items()`` giving every
``(name, value)`` pair (repeated names included) or are a sequence of such pairs, so one pair walk
reads them all. Names match case-insensitively (HTTP header names are), values may be text, bytes
or lists of them, and a repeated header gives all its values.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Optional, Tuple

from opentelemetry.propagators.textmap import Getter, Setter

_DJANGO_PREFIX = "HTTP_"


def _text(item: object) -> str:
    if type(item) is str:
        return item
    if isinstance(item, (bytes, bytearray)):
        return bytes(item).decode("latin-1")
    return str(item)


def _values(value: object) -> List[str]:
    if isinstance(value, (list, tuple)):
        return [_text(item) for item in value]
    return [_text(value)]


def _pairs(carrier: Any) -> Iterable[Tuple[object, object]]:
    """Every ``(name, value)`` of ``carrier``; entries that are not pairs are skipped.

    ``carrier`` is of no one type: it is walked by its shape (``items()``, or pairs)."""
    items = getattr(carrier, "items", None)
    if items is not None:
        return items()  # type: ignore[no-any-return]  # a mapping's items(): pairs
    return (
        (entry[0], entry[1])
        for entry in carrier
        if isinstance(entry, (tuple, list)) and len(entry) == 2
    )


def _header_name(name: object) -> Optional[str]:
    """The header name a carrier key stands for (Django's ``HTTP_X_Y`` is ``x-y``), or None."""
    if isinstance(name, (bytes, bytearray)):
        text = bytes(name).decode("latin-1")
    elif isinstance(name, str):
        text = name
    else:
        return None
    if text.startswith(_DJANGO_PREFIX) and text.isupper():
        return text[len(_DJANGO_PREFIX) :].replace("_", "-").lower()
    return text


class CarrierGetter(Getter[object]):
    """Reads any of the carriers above; never raises for a carrier it cannot walk."""

    def get(self, carrier: object, key: str) -> Optional[List[str]]:
        if type(carrier) is dict:  # the common case: an exact hit needs no walk
            value = carrier.get(key)
            if value is not None:
                return _values(value)
        wanted = key.lower()
        found: List[str] = []
        try:
            for name, value in _pairs(carrier):
                header = _header_name(name)
                if value is not None and header is not None and header.lower() == wanted:
                    found.extend(_values(value))
        except (TypeError, ValueError):
            return None
        return found or None

    def keys(self, carrier: object) -> List[str]:
        names: List[str] = []
        seen = set()
        try:
            for name, _ in _pairs(carrier):
                header = _header_name(name)
                if header is not None and header.lower() not in seen:
                    seen.add(header.lower())
                    names.append(header)
        except (TypeError, ValueError):
            return []
        return names


class CarrierSetter(Setter[Any]):
    """Writes one value per header, replacing earlier values of that header (any case).

    Mappings are assigned to (``Message``, whose assignment appends, has the old value deleted
    first); a ``list`` of pairs (gRPC metadata being built) gets its old pairs removed and the new
    one appended.
    """

    def set(self, carrier: Any, key: str, value: str) -> None:
        if isinstance(carrier, list):
            wanted = key.lower()
            carrier[:] = [
                entry
                for entry in carrier
                if not (isinstance(entry, (tuple, list)) and _text(entry[0]).lower() == wanted)
            ]
            carrier.append((key, value))
            return
        if hasattr(carrier, "replace_header"):  # email.message.Message / HTTPMessage
            del carrier[key]
        carrier[key] = value


carrier_getter = CarrierGetter()
carrier_setter = CarrierSetter()


def is_readable(carrier: object) -> bool:
    """Whether ``carrier`` has one of the shapes :class:`CarrierGetter` reads."""
    return hasattr(carrier, "items") or isinstance(carrier, (list, tuple))


def is_writable(carrier: object) -> bool:
    """Whether :class:`CarrierSetter` can write into ``carrier``."""
    return isinstance(carrier, list) or hasattr(carrier, "__setitem__")
