"""Thresholds: defaults declared by each exercise, overridable from a TOML file.

File layout (every key optional)::

    [analysis]                 # applies to every exercise
    max_gap_s = 0.15

    [single-leg-squat]         # one table per exercise name
    knee_valgus_warn_deg = 8
    knee_valgus_fault_deg = 12

Unknown tables or keys, and values outside a threshold's allowed range, are errors
that name the offending key.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hipform.errors import ConfigError


@dataclass(frozen=True)
class ThresholdSpec:
    """A named threshold with its default, unit and allowed range.

    Attributes
    ----------
    name : str
        Key in the TOML table and the report (unit as a suffix, e.g. ``_deg``).
    default : float
        Default value.
    unit : str
        Unit in words (``"deg"``, ``"s"``, ``"shank lengths"``...).
    description : str
        One line a clinician understands.
    minimum, maximum : float
        Allowed range (inclusive).
    source : str
        Where the default comes from (literature, or "provisional").
    """

    name: str
    default: float
    unit: str
    description: str
    minimum: float = -math.inf
    maximum: float = math.inf
    source: str = "provisional"


COMMON_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec("max_gap_s", 0.15, "s", "longest landmark gap filled by interpolation", 0.0, 2.0, "spec"),
    ThresholdSpec(
        "visibility_min", 0.5, "0..1", "landmarks less visible than this are treated as missing", 0.0, 1.0,
        "MediaPipe default confidence",
    ),
    ThresholdSpec("min_view_confidence", 0.5, "0..1", "below this the camera view is reported as uncertain", 0.0, 1.0),
)


class Thresholds(Mapping[str, float]):
    """The thresholds of one analysis: read-only, built only by :func:`resolve_thresholds`.

    Reading a name the exercise does not declare raises ``KeyError`` naming it: there is
    no fallback value, so no literal in the measuring code can drift from the declared
    default. :meth:`changed` lists the values that differ from the defaults (the
    clinician's own).
    """

    def __init__(self, values: Mapping[str, float], defaults: Mapping[str, float], owner: str) -> None:
        self._values = dict(values)
        self._defaults = dict(defaults)
        self._owner = owner

    def __getitem__(self, key: str) -> float:
        try:
            return self._values[key]
        except KeyError:
            raise KeyError(f"threshold {key!r} is not declared by {self._owner}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Thresholds({self._owner}: {self._values!r})"

    def changed(self) -> dict[str, tuple[float, float]]:
        """Name -> (default, value) of every threshold set to something other than its default."""
        return {k: (self._defaults[k], v) for k, v in self._values.items() if v != self._defaults.get(k)}


def load_toml(path: str | Path) -> dict[str, dict[str, float]]:
    """Read a thresholds TOML file.

    Raises
    ------
    ConfigError
        When the file is missing, is not valid TOML, or is not made of tables of numbers.
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file not found: {p}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{p}: not valid TOML ({e})") from None
    out: dict[str, dict[str, float]] = {}
    for table, values in data.items():
        if table == "session":  # patient and session facts: read by hipform.session
            continue
        if not isinstance(values, dict):
            raise ConfigError(f"{p}: top-level key {table!r} must be a table like [{table}]")
        for key, v in values.items():
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ConfigError(f"{p}: [{table}] {key} must be a number, got {v!r}")
        out[table] = {k: float(v) for k, v in values.items()}
    return out


def resolve_thresholds(
    exercise: str,
    specs: Sequence[ThresholdSpec],
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    *,
    known_exercises: Sequence[str] = (),
) -> dict[str, float]:
    """Merge defaults with overrides for one exercise.

    Parameters
    ----------
    exercise : str
        Exercise name (the TOML table that applies besides ``[analysis]``).
    specs : sequence of ThresholdSpec
        The exercise's thresholds (common ones are added automatically).
    overrides : mapping, optional
        As returned by :func:`load_toml`.
    known_exercises : sequence of str
        Names of every registered exercise: tables for other exercises are allowed and
        ignored, anything else is an error.

    Returns
    -------
    Thresholds
        Threshold name -> value (read-only).
    """
    all_specs = {s.name: s for s in (*COMMON_THRESHOLDS, *specs)}
    values = {name: s.default for name, s in all_specs.items()}
    overrides = overrides or {}
    for table, table_values in overrides.items():
        if table not in ("analysis", exercise):
            if table in known_exercises or table == "compare":  # [compare]: read by hipform.compare
                continue
            raise ConfigError(f"unknown table [{table}] in config (expected [analysis] or an exercise name)")
        for key, v in table_values.items():
            spec = all_specs.get(key)
            if spec is None or (table == "analysis" and key not in {c.name for c in COMMON_THRESHOLDS}):
                raise ConfigError(f"unknown threshold {key!r} in [{table}] (see `hipform exercises`)")
            if not (spec.minimum <= v <= spec.maximum):
                raise ConfigError(f"[{table}] {key} = {v} is outside the allowed range {spec.minimum}..{spec.maximum}")
            values[key] = float(v)
    check_warn_fault_order(all_specs.values(), values)
    return Thresholds(values, {name: s.default for name, s in all_specs.items()}, f"exercise {exercise!r}")


def check_warn_fault_order(specs: Iterable[ThresholdSpec], values: Mapping[str, float]) -> None:
    """Refuse a warn threshold that lies beyond its fault threshold.

    A pair is ``<x>_warn_<unit>`` / ``<x>_fault_<unit>``. Its direction is read from the
    defaults: when the default warn is below the default fault, higher values are worse
    and the warn value must not exceed the fault value; otherwise the reverse.

    Raises
    ------
    ConfigError
        Naming both keys and values.
    """
    by_name = {s.name: s for s in specs}
    for name, spec in by_name.items():
        if "_warn_" not in name:
            continue
        fault = by_name.get(name.replace("_warn_", "_fault_", 1))
        if fault is None or spec.default == fault.default:
            continue
        w, f = values.get(name, spec.default), values.get(fault.name, fault.default)
        higher_is_worse = spec.default < fault.default
        if (higher_is_worse and w > f) or (not higher_is_worse and w < f):
            relation = "at most" if higher_is_worse else "at least"
            raise ConfigError(
                f"{name} = {w:g} lies beyond {fault.name} = {f:g}: the warn threshold must be {relation} "
                f"the fault threshold (a warning comes before a fault)"
            )
