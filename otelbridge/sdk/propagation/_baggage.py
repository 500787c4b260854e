"""Baggage limits shared by every format that carries baggage, and the one-copy context update.

The W3C limits (8192 bytes, 180 members, 4096 bytes per member) also bound ``uberctx-*`` and
``ot-baggage-*`` headers: a sender over them is refused as a whole, never half-read.
"""

from __future__ import annotations

import logging
import re
from typing import Dict, Iterator, Mapping, Optional, Tuple
from urllib.parse import quote, unquote

from opentelemetry import context as context_api
from opentelemetry.baggage import _BAGGAGE_KEY
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import CarrierT, Getter

from otelbridge.sdk.propagation._carrier import keys_mentioning, single_value
from otelbridge.sdk.propagation._context import with_value

_logger = logging.getLogger(__name__)
MAX_BYTES = 8192
MAX_MEMBERS = 180
MAX_MEMBER_BYTES = 4096
#: RFC 9110 token: what a baggage key (and a header name suffix) may contain.
TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
IS_TOKEN = re.compile(TOKEN)
_PRINTABLE = re.compile(r"[\x20-\x7e]*")
#: Characters a value may carry unescaped (W3C baggage-octet except ``%``, which starts an escape).
SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '",;\\%')


def base_of(context: Optional[Context]) -> Context:
    """The context baggage is read from and added to: ``context``, else the current one."""
    return context_api.get_current() if context is None else context


def baggage_of(context: Context) -> Mapping[str, object]:
    """The baggage ``context`` holds (a dict, as the API stores it), else an empty mapping."""
    found = context.get(_BAGGAGE_KEY)
    return found if found and isinstance(found, dict) else {}


def with_baggage(entries: Dict[str, str], context: Optional[Context]) -> Context:
    """``context`` (default: current, as the API's baggage propagator) with ``entries`` added.

    ``entries`` is stored as is when the context has no baggage yet: callers pass a fresh dict.
    """
    base = base_of(context)
    existing = baggage_of(base)
    return with_value(base, _BAGGAGE_KEY, {**existing, **entries} if existing else entries)


def prefixed_entries(
    getter: Getter[CarrierT], carrier: CarrierT, prefix: str, decode: bool
) -> Optional[Dict[str, str]]:
    """Baggage sent as one header per entry (``uberctx-<key>``, ``ot-baggage-<key>``).

    Header names match ``prefix`` case-insensitively and keys are lower-cased; ``decode``
    percent-decodes values. ``None`` when a value is not text or the limits are exceeded: the
    caller refuses the carrier.
    """
    entries: Dict[str, str] = {}
    size = 0
    skip = len(prefix)
    for header in keys_mentioning(getter, carrier, prefix):
        if not isinstance(header, str) or header[:skip].lower() != prefix:
            continue
        value = single_value(getter, carrier, header)
        if value is None or len(header) == skip:
            return None
        member = len(header) + len(value)
        size += member
        if len(entries) == MAX_MEMBERS or member > MAX_MEMBER_BYTES or size > MAX_BYTES:
            return None
        if decode and "%" in value:
            try:
                value = unquote(value, errors="strict")
            except UnicodeDecodeError:
                return None
        entries[header[skip:].lower()] = value
    return entries


def sendable_entries(
    context: Optional[Context], encode: bool, overhead: int
) -> Iterator[Tuple[str, str]]:
    """The context's baggage as (key, value) pairs fit for headers, within the limits.

    ``overhead`` is what each entry costs besides key and value (separators, a header prefix).
    Entries that would not survive as a header are skipped: keys must be tokens, and unencoded
    values must be printable ASCII (anything else could split or forge headers).
    """
    count = size = 0
    for key, raw in baggage_of(base_of(context)).items():
        try:
            value = quote(str(raw), safe=SAFE) if encode else str(raw)
        except UnicodeEncodeError:  # a lone surrogate: no UTF-8 form to send
            continue
        if (
            type(key) is not str
            or IS_TOKEN.fullmatch(key) is None
            or not _PRINTABLE.fullmatch(value)
        ):
            _logger.debug("Baggage entry %r cannot be sent as a header", key)
            continue
        member = overhead + len(key) + len(value)
        if member > MAX_MEMBER_BYTES:
            continue
        if count == MAX_MEMBERS or size + member > MAX_BYTES:
            return
        count += 1
        size += member
        yield key, value
