"""The seven instruments.

A synchronous instrument (one path, :meth:`_Synchronous._measure`) checks the value once and
hands it to ``_recorders``: the bound ``record`` methods of its metric streams (one per reader
and matching view), fixed when the instrument is created. When the provider's exemplar filter
(its fast form ``_sample``) picks a measurement, it goes to the streams' ``offer`` methods
instead, with its context.
Asynchronous instruments run their callbacks when a reader collects.
"""

from __future__ import annotations

import logging
import sys
import time
from types import GeneratorType
from typing import TYPE_CHECKING, Any, Callable, Iterable, List, Optional, Sequence, Tuple

from opentelemetry import metrics as api
from opentelemetry.context import Context, get_current
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.util.types import Attributes

from otelbridge.sdk.util.instrumentation import InstrumentationScope

if TYPE_CHECKING:
    from opentelemetry.metrics import CallbackT

_logger = logging.getLogger(__name__)
_INF = float("inf")
#: Plain numbers are range-checked inline (no call); anything else goes through the checks below.
_PLAIN = frozenset((int, float))

Recorder = Callable[[float, Attributes], None]
Offer = Callable[[float, Attributes, Context], None]
Sampler = Callable[[float, Attributes, Optional[Context]], bool]


def _drop(instrument: _Instrument, amount: object, rule: str) -> None:
    _logger.warning(
        "%s %r dropped the value %r: %s", type(instrument).__name__, instrument.name, amount, rule
    )


def _finite(amount: Any) -> bool:
    try:
        return bool(-_INF < amount < _INF)
    except TypeError:
        return False


def _finite_non_negative(amount: Any) -> bool:
    try:
        return bool(0 <= amount < _INF)
    except TypeError:
        return False


_FINITE = "only finite numbers are recorded"
_NON_NEGATIVE = "only finite non-negative numbers are recorded"


class _Instrument:
    """Identity shared by every instrument, plus the meter's scope (used by view selection),
    and the rule its values follow (finite; :class:`_NonNegative` narrows it)."""

    _asynchronous = False
    #: The lowest plain number accepted: with ``_lowest <= amount < inf`` one chained comparison
    #: also rejects -inf and NaN (so for the finite rule it is the lowest finite float).
    _lowest: float = -sys.float_info.max
    _accepts = staticmethod(_finite)  # the same rule for any other type of value
    _rule = _FINITE

    def __init__(
        self, name: str, unit: str = "", description: str = "", *, scope: InstrumentationScope
    ) -> None:
        self.name = name
        self.unit = unit
        self.description = description
        self.scope = scope
        self._recorders: Tuple[Recorder, ...] = ()
        self._offers: Tuple[Offer, ...] = ()
        self._sample: Optional[Sampler] = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, unit={self.unit!r})"


class _NonNegative:
    """The rule of monotonic instruments: finite and not negative."""

    _lowest: float = 0
    _accepts = staticmethod(_finite_non_negative)
    _rule = _NON_NEGATIVE


class _Synchronous(_Instrument):
    """The one measurement path of the four synchronous instruments (each names it as the API
    does: ``add``, ``record``, ``set``)."""

    def __init__(
        self, name: str, unit: str = "", description: str = "", *, scope: InstrumentationScope
    ) -> None:
        super().__init__(name, unit, description, scope=scope)
        # Copied to the instance: Python 3.11 reads an instance attribute faster (~20 ns here).
        self._lowest = type(self)._lowest

    def _measure(
        self, amount: float, attributes: Attributes = None, context: Optional[Context] = None
    ) -> None:
        """Check the value (plain numbers inline, without a call), then hand it to every
        stream, as an exemplar candidate if the exemplar filter samples it."""
        if not (type(amount) in _PLAIN and self._lowest <= amount < _INF) and not self._accepts(
            amount
        ):
            _drop(self, amount, self._rule)
            return
        sample = self._sample
        if sample is None or not sample(amount, attributes, context):
            for record in self._recorders:
                record(amount, attributes)
            return
        context = get_current() if context is None else context
        for offer in self._offers:
            offer(amount, attributes, context)


class Counter(_NonNegative, _Synchronous, api.Counter):
    """Monotonic sums: negative, NaN and infinite amounts are dropped with a warning."""

    add = _Synchronous._measure


class UpDownCounter(_Synchronous, api.UpDownCounter):
    """Sums that may go down."""

    add = _Synchronous._measure


class Histogram(_Synchronous, api.Histogram):
    """Distributions; ``explicit_bucket_boundaries_advisory`` seeds the default buckets."""

    def __init__(
        self,
        name: str,
        unit: str = "",
        description: str = "",
        explicit_bucket_boundaries_advisory: Optional[Sequence[float]] = None,
        *,
        scope: InstrumentationScope,
    ) -> None:
        super().__init__(name, unit, description, scope=scope)
        self.explicit_bucket_boundaries_advisory = explicit_bucket_boundaries_advisory

    record = _Synchronous._measure


class Gauge(_Synchronous, api._Gauge):
    """Synchronous gauge: the last value set per attribute set."""

    set = _Synchronous._measure


def _as_function(callback: CallbackT) -> Callable[[CallbackOptions], Iterable[Observation]]:
    """Generator callbacks are primed once and then sent the options at every collection."""
    if not isinstance(callback, GeneratorType):
        return callback  # type: ignore[return-value]  # not a generator: the callable form
    next(callback)

    def send(options: CallbackOptions) -> Iterable[Observation]:
        try:
            return callback.send(options)  # type: ignore[no-any-return]  # yields observations
        except StopIteration:
            return ()

    return send


class _Asynchronous(_Instrument):
    """Callbacks run at collection; a failing callback is logged and the others still report."""

    _asynchronous = True

    def __init__(
        self,
        name: str,
        callbacks: Optional[Sequence[CallbackT]] = None,
        unit: str = "",
        description: str = "",
        *,
        scope: InstrumentationScope,
    ) -> None:
        super().__init__(name, unit, description, scope=scope)
        self._callbacks: List[Callable[[CallbackOptions], Iterable[Observation]]] = []
        self._add_callbacks(callbacks or ())

    def _add_callbacks(self, callbacks: Iterable[CallbackT]) -> None:
        self._callbacks.extend(_as_function(callback) for callback in callbacks)

    def _observe(self, deadline: float) -> Tuple[List[Observation], int]:
        """Every valid observation of every callback, in callback order, and how many callbacks
        were skipped because the collection's ``deadline`` (``time.monotonic()``) had passed.

        Each callback is told the time left (``CallbackOptions.timeout_millis``); a running
        callback cannot be interrupted, so the deadline is checked before each one.
        """
        observed: List[Observation] = []
        callbacks = list(self._callbacks)
        for index, callback in enumerate(callbacks):
            remaining_millis = (deadline - time.monotonic()) * 1000
            if remaining_millis <= 0:
                return observed, len(callbacks) - index
            options = CallbackOptions(timeout_millis=remaining_millis)
            try:
                for observation in callback(options) or ():
                    if self._accepts(observation.value):
                        observed.append(observation)
                    else:
                        _drop(self, observation.value, self._rule)
            except Exception:
                _logger.exception("A callback of %s %r failed", type(self).__name__, self.name)
        return observed, 0


class ObservableCounter(_NonNegative, _Asynchronous, api.ObservableCounter):
    """Reports monotonic totals observed by callbacks."""


class ObservableUpDownCounter(_Asynchronous, api.ObservableUpDownCounter):
    """Reports totals that may go down, observed by callbacks."""


class ObservableGauge(_Asynchronous, api.ObservableGauge):
    """Reports current values observed by callbacks."""


INSTRUMENT_CLASSES: Tuple[type, ...] = (
    Counter,
    UpDownCounter,
    Histogram,
    Gauge,
    ObservableCounter,
    ObservableUpDownCounter,
    ObservableGauge,
)
