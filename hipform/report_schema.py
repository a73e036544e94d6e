"""The shape of ``report.json`` (schema ``hipform.report/1``), checked when a report is read back.

``compare``, ``report`` and anything else that reads a report folder validate it with
:func:`validate_report` first, so a hand-edited or truncated report gives one line naming
the field (``reps[2].metrics.knee_valgus_deg must be a number or null, got 'abc'``)
instead of a ``KeyError`` deep in a renderer.

Required: ``schema``, ``exercise``, ``reps``, ``steps`` and ``summary``. Every other
field written by :meth:`hipform.results.Report.to_dict` is optional (older reports may
lack it) but, when present, must have its type.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from hipform.errors import InputError

SCHEMA_PREFIX = "hipform.report/"
SEVERITIES = ("warn", "fault")


class SchemaError(InputError):
    """A report does not follow the schema; the message names the field."""


Check = Callable[[Any, str], None]


def _fail(where: str, expected: str, got: Any) -> None:
    shown = repr(got)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    raise SchemaError(f"{where} must be {expected}, got {shown}")


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v))


def number_or_null(v: Any, where: str) -> None:
    """A finite number or ``null``."""
    if v is not None and not _is_number(v):
        _fail(where, "a number or null", v)


def count(v: Any, where: str) -> None:
    """A non-negative integer."""
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        _fail(where, "a whole number >= 0", v)


def text(v: Any, where: str) -> None:
    """A string."""
    if not isinstance(v, str):
        _fail(where, "a string", v)


def text_or_null(v: Any, where: str) -> None:
    """A string or ``null``."""
    if v is not None and not isinstance(v, str):
        _fail(where, "a string or null", v)


def boolean(v: Any, where: str) -> None:
    """``true`` or ``false``."""
    if not isinstance(v, bool):
        _fail(where, "true or false", v)


def mapping_of(value_check: Check) -> Check:
    """An object whose keys are strings and whose values pass ``value_check``."""

    def check(v: Any, where: str) -> None:
        if not isinstance(v, Mapping):
            _fail(where, "an object", v)
        for k, x in v.items():
            if not isinstance(k, str):
                _fail(f"{where} key", "a string", k)
            value_check(x, f"{where}.{k}")

    return check


def list_of(item_check: Check) -> Check:
    """A list whose items pass ``item_check``."""

    def check(v: Any, where: str) -> None:
        if not isinstance(v, list):
            _fail(where, "a list", v)
        for i, x in enumerate(v):
            item_check(x, f"{where}[{i}]")

    return check


def record(required: Mapping[str, Check], optional: Mapping[str, Check] | None = None) -> Check:
    """An object with required and optional fields (other fields are allowed and ignored)."""
    optional = optional or {}

    def check(v: Any, where: str) -> None:
        if not isinstance(v, Mapping):
            _fail(where, "an object", v)
        for k, c in required.items():
            if k not in v:
                raise SchemaError(f"{where}.{k} is missing" if where else f"field {k!r} is missing")
            c(v[k], f"{where}.{k}" if where else k)
        for k, c in optional.items():
            if k in v:
                c(v[k], f"{where}.{k}" if where else k)

    return check


def severity(v: Any, where: str) -> None:
    """``warn`` or ``fault``."""
    if v not in SEVERITIES:
        _fail(where, "'warn' or 'fault'", v)


FAULT = record(
    {"code": text, "severity": severity},
    {"value": number_or_null, "threshold": number_or_null, "message": text, "metric": text_or_null},
)
_ITEM_COMMON = {
    "side": text_or_null,
    "scorable": boolean,
    "reason": text_or_null,
    "metrics": mapping_of(number_or_null),
    "faults": list_of(FAULT),
}
REP = record(
    {"index": count, "metrics": mapping_of(number_or_null), "faults": list_of(FAULT)},
    {**_ITEM_COMMON, "set": count, "start_s": number_or_null, "bottom_s": number_or_null, "end_s": number_or_null},
)
STEP = record(
    {"index": count, "metrics": mapping_of(number_or_null), "faults": list_of(FAULT)},
    {**_ITEM_COMMON, "ic_s": number_or_null, "to_s": number_or_null},
)
NOT_JUDGED = record({"metric": text, "reason": text})
SUMMARY = record(
    {},
    {
        "rep_count": count,
        "rep_count_by_side": mapping_of(count),
        "fault_counts": mapping_of(count),
        "steps_analysed": count,
        "clip_faults": list_of(record({"code": text})),
    },
)


def schema_field(v: Any, where: str) -> None:
    """``hipform.report/<version>``."""
    if not isinstance(v, str) or not v.startswith(SCHEMA_PREFIX):
        _fail(where, f"'{SCHEMA_PREFIX}1'", v)


REPORT = record(
    {"schema": schema_field, "exercise": text, "reps": list_of(REP), "steps": list_of(STEP), "summary": SUMMARY},
    {
        "hipform_version": text,
        "source": text,
        "backend": text,
        "fps": number_or_null,
        "frames": count,
        "duration_s": number_or_null,
        "view": text_or_null,
        "view_confidence": number_or_null,
        "working_side": text_or_null,
        "not_judged": list_of(NOT_JUDGED),
        "notes": list_of(text),
        "data_quality": mapping_of(number_or_null),
        "thresholds": mapping_of(number_or_null),
    },
)


def validate_report(d: Any, source: str = "report.json") -> dict[str, Any]:
    """Check a parsed ``report.json`` against the schema.

    Parameters
    ----------
    d : object
        The parsed JSON.
    source : str
        Name used in the message (the file).

    Returns
    -------
    dict
        ``d`` itself, when valid.

    Raises
    ------
    SchemaError
        One line: ``<source>: <field> must be <type>, got <value>``.
    """
    if not isinstance(d, dict):
        raise SchemaError(f"{source}: not a hipform report (expected a JSON object, got {type(d).__name__})")
    if "schema" not in d:
        raise SchemaError(f"{source}: not a hipform report (no 'schema': '{SCHEMA_PREFIX}1')")
    try:
        REPORT(d, "")
    except SchemaError as e:
        raise SchemaError(f"{source}: {e}") from None
    return d
