"""Patient and session facts a clinician adds to a report: subject, date, note.

They come from ``--subject``, ``--session-date`` and ``--note`` or from a ``[session]``
table in the thresholds TOML file (the command line wins)::

    [session]
    subject = "P-017"
    date = 2026-03-02          # a TOML date, or "2026-03-02"
    note = "left knee pain on stairs; 6 weeks after ACL reconstruction"

They are written into ``report.json`` (``"session"``) and printed at the top of every page.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hipform.errors import ConfigError

SESSION_KEYS = ("subject", "date", "note")


def read_session_table(path: str | Path) -> dict[str, str]:
    """The ``[session]`` table of a TOML file ({} when it has none).

    Raises
    ------
    ConfigError
        When the file is unreadable or the table holds an unknown key or a bad date.
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{p}: cannot read the [session] table ({e})") from None
    table = data.get("session", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{p}: session must be a table like [session]")
    unknown = sorted(set(table) - set(SESSION_KEYS))
    if unknown:
        raise ConfigError(f"{p}: unknown key {unknown[0]!r} in [session] (expected subject, date, note)")
    out = {k: str(v) for k, v in table.items()}
    if "date" in out:
        out["date"] = check_date(out["date"], f"{p}: [session] date")
    return out


def check_date(text: str, what: str = "--session-date") -> str:
    """``YYYY-MM-DD`` of a date given as text (a TOML datetime keeps only its date)."""
    try:
        return dt.date.fromisoformat(str(text).strip()[:10]).isoformat()
    except ValueError:
        raise ConfigError(f"{what} must be a date like 2026-03-02, got {text!r}") from None


def session_info(
    subject: str | None = None,
    date: str | None = None,
    note: str | None = None,
    config: str | Path | None = None,
) -> dict[str, str]:
    """Session facts from the command line, filled in from the TOML ``[session]`` table."""
    out = read_session_table(config) if config else {}
    for key, value in (("subject", subject), ("date", date), ("note", note)):
        if value is not None and str(value).strip():
            out[key] = check_date(value) if key == "date" else str(value).strip()
    return {k: out[k] for k in SESSION_KEYS if out.get(k)}


def clinician_thresholds(report: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Thresholds of a report that differ from the exercise's defaults: name -> (value, default)."""
    from hipform.config import COMMON_THRESHOLDS
    from hipform.exercises import get_exercise

    try:
        specs = (*COMMON_THRESHOLDS, *get_exercise(report["exercise"]).thresholds)
    except Exception:  # noqa: BLE001 - an unknown exercise has no defaults to compare with
        return {}
    defaults = {s.name: s.default for s in specs}
    out = {}
    for name, value in (report.get("thresholds") or {}).items():
        d = defaults.get(name)
        if d is not None and value is not None and abs(float(value) - d) > 1e-9 * max(1.0, abs(d)):
            out[name] = (float(value), float(d))
    return out
