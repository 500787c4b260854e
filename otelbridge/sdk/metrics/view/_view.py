"""``View``: select instruments and customise the streams they produce."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Callable, FrozenSet, Optional, Set

from otelbridge.sdk.metrics._instrument import _Instrument
from otelbridge.sdk.metrics.view._aggregation import Aggregation

if TYPE_CHECKING:
    from otelbridge.sdk.metrics._exemplar import ExemplarReservoirBuilder


class View:
    """Selects instruments by every given criterion (all must match) and names the stream.

    ``instrument_name`` may use ``*`` and ``?`` wildcards (case-insensitive, as instrument
    names are). ``name`` renames the stream, so a view that sets it must select one instrument
    by an exact name. ``attribute_keys`` keeps only those attribute keys; ``aggregation``
    overrides the reader's default; ``aggregation_cardinality_limit`` caps attribute sets.
    ``exemplar_reservoir_factory(aggregation_class)`` returns the builder of each series'
    exemplar reservoir (default: one per bucket for explicit-bucket histograms, else one
    uniform sample).
    """

    def __init__(
        self,
        instrument_type: Optional[type] = None,
        instrument_name: Optional[str] = None,
        meter_name: Optional[str] = None,
        meter_version: Optional[str] = None,
        meter_schema_url: Optional[str] = None,
        name: Optional[str] = None,
        description: Optional[str] = None,
        attribute_keys: Optional[Set[str]] = None,
        aggregation: Optional[Aggregation] = None,
        exemplar_reservoir_factory: Optional[Callable[[type], ExemplarReservoirBuilder]] = None,
        instrument_unit: Optional[str] = None,
        aggregation_cardinality_limit: Optional[int] = None,
    ) -> None:
        criteria = (
            instrument_type,
            instrument_name,
            meter_name,
            meter_version,
            meter_schema_url,
            instrument_unit,
        )
        if all(criterion is None for criterion in criteria):
            raise ValueError("a View needs at least one instrument selection criterion")
        if name is not None and (
            instrument_name is None or "*" in instrument_name or "?" in instrument_name
        ):
            raise ValueError(
                "a View that sets name must select a single instrument by exact instrument_name"
            )
        if aggregation_cardinality_limit is not None and (
            isinstance(aggregation_cardinality_limit, bool)
            or not isinstance(aggregation_cardinality_limit, int)
            or aggregation_cardinality_limit < 1
        ):
            raise ValueError(
                "aggregation_cardinality_limit must be a positive integer, "
                f"got {aggregation_cardinality_limit!r}"
            )
        self._instrument_type = instrument_type
        self._instrument_name = None if instrument_name is None else instrument_name.lower()
        self._meter_name = meter_name
        self._meter_version = meter_version
        self._meter_schema_url = meter_schema_url
        self._instrument_unit = instrument_unit
        self._name = name
        self._description = description
        self._attribute_keys: Optional[FrozenSet[str]] = (
            None if attribute_keys is None else frozenset(attribute_keys)
        )
        self._aggregation = aggregation
        self._exemplar_reservoir_factory = exemplar_reservoir_factory
        self._aggregation_cardinality_limit = aggregation_cardinality_limit

    def _match(self, instrument: _Instrument) -> bool:
        scope = instrument.scope
        if self._instrument_type is not None and not isinstance(instrument, self._instrument_type):
            return False
        if self._instrument_name is not None and not fnmatchcase(
            instrument.name.lower(), self._instrument_name
        ):
            return False
        if self._instrument_unit is not None and instrument.unit != self._instrument_unit:
            return False
        if self._meter_name is not None and scope.name != self._meter_name:
            return False
        if self._meter_version is not None and scope.version != self._meter_version:
            return False
        return self._meter_schema_url is None or scope.schema_url == self._meter_schema_url

    def __repr__(self) -> str:
        shown = {
            "instrument_type": self._instrument_type,
            "instrument_name": self._instrument_name,
            "meter_name": self._meter_name,
            "instrument_unit": self._instrument_unit,
            "name": self._name,
        }
        return "View(" + ", ".join(f"{k}={v!r}" for k, v in shown.items() if v is not None) + ")"
