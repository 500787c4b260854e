"""``Meter``: creates instruments, enforcing the spec's name syntax and duplicate rules."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence

from opentelemetry import metrics as api

from otelbridge.sdk.metrics._instrument import (
    Counter,
    Gauge,
    Histogram,
    ObservableCounter,
    ObservableGauge,
    ObservableUpDownCounter,
    UpDownCounter,
    _Asynchronous,
    _Instrument,
)
from otelbridge.sdk.metrics._validation import instrument_problem
from otelbridge.sdk.util.fork import renew_locks_after_fork
from otelbridge.sdk.util.instrumentation import InstrumentationScope

if TYPE_CHECKING:
    from opentelemetry.metrics import CallbackT

_logger = logging.getLogger(__name__)

_NO_OP: Dict[type, Callable[..., api.Instrument]] = {
    Counter: api.NoOpCounter,
    UpDownCounter: api.NoOpUpDownCounter,
    Histogram: api.NoOpHistogram,
    Gauge: api._NoOpGauge,
    ObservableCounter: api.NoOpObservableCounter,
    ObservableUpDownCounter: api.NoOpObservableUpDownCounter,
    ObservableGauge: api.NoOpObservableGauge,
}


class Meter(api.Meter):
    """Creates instruments for one instrumentation scope.

    An invalid name or unit logs a warning and yields a no-op instrument. Asking again for an
    instrument with the same name (case-insensitive), kind, unit and description returns the
    first one (observable callbacks are added to it); a same-named instrument that differs
    in any of those logs a warning and is created as a separate stream.
    """

    def __init__(
        self, scope: InstrumentationScope, register: Callable[[_Instrument], None]
    ) -> None:
        super().__init__(scope.name, scope.version, scope.schema_url)
        self._scope = scope
        self._register = register
        self._lock = threading.Lock()
        renew_locks_after_fork(self, "_lock")
        self._by_name: Dict[str, List[_Instrument]] = {}

    def _create(
        self,
        cls: type,
        name: str,
        unit: str,
        description: str,
        callbacks: Optional[Sequence[CallbackT]] = None,
        **extra: Any,
    ) -> Any:  # the SDK ``cls`` or its API no-op: no one signature names that pair
        unit = "" if unit is None else unit
        description = "" if description is None else description
        problem = instrument_problem(name, unit)
        if problem is not None:
            _logger.warning("%s; returning a no-op %s", problem, cls.__name__)
            no_op = _NO_OP[cls]
            if callbacks is not None:
                return no_op(name, callbacks, unit=unit, description=description)
            return no_op(name, unit=unit, description=description, **extra)
        key = name.lower()
        with self._lock:
            same_name = self._by_name.get(key, [])
            for existing in same_name:
                same = (type(existing), existing.unit, existing.description)
                if same == (cls, unit, description):
                    self._reuse(existing, callbacks, extra)
                    return existing
            if same_name:
                _logger.warning(
                    "Instrument %r conflicts with %r created earlier by meter %r (kind, unit or "
                    "description differ); both are reported as separate streams",
                    name,
                    same_name[0],
                    self._scope.name,
                )
            if callbacks is not None:
                instrument = cls(name, callbacks, unit, description, scope=self._scope)
            else:
                instrument = cls(name, unit, description, scope=self._scope, **extra)
            self._register(instrument)
            self._by_name.setdefault(key, []).append(instrument)
        return instrument

    @staticmethod
    def _reuse(
        existing: _Instrument, callbacks: Optional[Sequence[CallbackT]], extra: Dict[str, object]
    ) -> None:
        if isinstance(existing, _Asynchronous) and callbacks:
            existing._add_callbacks(callbacks)
        advisory = extra.get("explicit_bucket_boundaries_advisory")
        if advisory is not None and advisory != getattr(
            existing, "explicit_bucket_boundaries_advisory", None
        ):
            _logger.warning(
                "Histogram %r exists with other advisory boundaries; keeping the first ones",
                existing.name,
            )

    def create_counter(self, name: str, unit: str = "", description: str = "") -> api.Counter:
        return self._create(Counter, name, unit, description)  # type: ignore[no-any-return]  # see _create

    def create_up_down_counter(
        self, name: str, unit: str = "", description: str = ""
    ) -> api.UpDownCounter:
        return self._create(UpDownCounter, name, unit, description)  # type: ignore[no-any-return]  # see _create

    def create_histogram(
        self,
        name: str,
        unit: str = "",
        description: str = "",
        *,
        explicit_bucket_boundaries_advisory: Optional[Sequence[float]] = None,
    ) -> api.Histogram:
        return self._create(  # type: ignore[no-any-return]  # see _create
            Histogram,
            name,
            unit,
            description,
            explicit_bucket_boundaries_advisory=explicit_bucket_boundaries_advisory,
        )

    def create_gauge(self, name: str, unit: str = "", description: str = "") -> api._Gauge:
        return self._create(Gauge, name, unit, description)  # type: ignore[no-any-return]  # see _create

    def create_observable_counter(
        self,
        name: str,
        callbacks: Optional[Sequence[CallbackT]] = None,
        unit: str = "",
        description: str = "",
    ) -> api.ObservableCounter:
        return self._create(  # type: ignore[no-any-return]  # see _create
            ObservableCounter, name, unit, description, callbacks or ()
        )

    def create_observable_up_down_counter(
        self,
        name: str,
        callbacks: Optional[Sequence[CallbackT]] = None,
        unit: str = "",
        description: str = "",
    ) -> api.ObservableUpDownCounter:
        return self._create(  # type: ignore[no-any-return]  # see _create
            ObservableUpDownCounter, name, unit, description, callbacks or ()
        )

    def create_observable_gauge(
        self,
        name: str,
        callbacks: Optional[Sequence[CallbackT]] = None,
        unit: str = "",
        description: str = "",
    ) -> api.ObservableGauge:
        return self._create(  # type: ignore[no-any-return]  # see _create
            ObservableGauge, name, unit, description, callbacks or ()
        )
