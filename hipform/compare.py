"""Progress between sessions: is a change bigger than the smallest real change of its measure.

Two ``report.json`` of the same exercise are reduced to one mean per side and measure
(over the scorable reps or steps that have a value), plus the exercise's session
measures (e.g. cadence). Everything about a measure — its smallest real change (the
smallest difference between days that is more than measurement error), which direction
is better, how to print it — comes from the measure catalogue
(:mod:`hipform.measures`); nothing is guessed from metric names, and ids the exercise
does not declare are not compared. A change is "real" only when it is at least the
smallest real change *and* each session has at least :data:`MIN_N` reps or steps for
the mean; below that it is "too few reps to tell". A TOML ``[compare]`` table overrides
the smallest real change per measure id. Differences in camera view, camera yaw, model
or frame rate between the sessions are said next to the verdicts.

Pure functions on report dicts; no files are read here except by :func:`load_compare_config`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hipform.errors import ConfigError, InputError
from hipform.measures import Measure

SIDE_ORDER = {"left": 0, "right": 1, "both": 2, "all": 3, "session": 4}

MIN_N = 3
"""Fewest reps (or steps) per side and session for a mean to be compared."""

YAW_DIFFERENCE_DEG = 5.0
"""Camera yaw differences at least this big are said next to the verdicts."""

VERDICTS = (
    "real improvement",
    "real worsening",
    "real increase",
    "real decrease",
    "within measurement error",
    "too few reps to tell",
    "not comparable",
)


@dataclass(frozen=True)
class Change:
    """The change of one measure on one side between two sessions.

    Attributes
    ----------
    side : str
        ``left``/``right``/``both``; ``all`` when reps have no side; ``session`` for
        session measures.
    metric : str
        Measure id.
    measure : Measure
        The catalogue entry (name, unit, direction, smallest real change, format).
    old, new : float or None
        Mean in each session (None when not measured there).
    n_old, n_new : int
        Reps or steps averaged.
    smallest_real_change : float
        In the measure's unit (the catalogue's, or the ``[compare]`` override).
    source : str
        Source of the smallest real change.
    verdict : str
        One of :data:`VERDICTS`.
    reason : str
        Why not comparable or too few (empty otherwise).
    """

    side: str
    metric: str
    measure: Measure
    old: float | None
    new: float | None
    n_old: int
    n_new: int
    smallest_real_change: float
    source: str
    verdict: str
    reason: str = ""

    @property
    def label(self) -> str:
        """The measure's plain name."""
        return self.measure.title

    @property
    def better(self) -> str | None:
        """Which direction is an improvement (from the catalogue)."""
        return self.measure.better

    @property
    def delta(self) -> float | None:
        """New - old, or None."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def real(self) -> bool:
        """True when the change is at least the smallest real change with enough reps."""
        return self.verdict.startswith("real ")

    def fmt(self, v: float | None) -> str:
        """A value in this measure's unit and precision."""
        return self.measure.format(v)

    def sentence(self) -> str:
        """E.g. ``"right knee valgus angle (FPPA) 17.0° → 9.0°: a real improvement"``."""
        who = "" if self.side in ("all", "session") or self.measure.side else f"{self.side} "
        head = f"{who}{self.label}"
        if self.verdict == "not comparable":
            return f"{head}: not comparable ({self.reason})"
        text = f"{head} {self.fmt(self.old)} → {self.fmt(self.new)}: "
        if self.verdict == "too few reps to tell":
            return text + f"too few reps to tell ({self.reason})"
        if self.real:
            return text + f"a {self.verdict}"
        return text + f"within measurement error (smaller than {self.fmt(self.smallest_real_change)})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "side": self.side,
            "metric": self.metric,
            "measure": self.measure.title,
            "unit": self.measure.unit,
            "old": self.old,
            "new": self.new,
            "change": self.delta,
            "n_old": self.n_old,
            "n_new": self.n_new,
            "smallest_real_change": self.smallest_real_change,
            "better": self.measure.better,
            "verdict": self.verdict,
            "sentence": self.sentence(),
        }


@dataclass
class Comparison:
    """Everything ``hipform compare`` shows.

    Attributes
    ----------
    exercise : str
    old_source, new_source : str
        The clips the two reports came from.
    changes : list of Change
    notes : list of str
        Differences that limit the comparison (view, camera yaw, model, working side...).
    """

    exercise: str
    old_source: str
    new_source: str
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def smallest_real_change(measure: Measure, overrides: Mapping[str, float] | None = None) -> tuple[float, str]:
    """The smallest real change of a measure and its source (a ``[compare]`` override wins)."""
    if overrides and measure.name in overrides:
        return float(overrides[measure.name]), "your config [compare]"
    return measure.smallest_real_change, measure.change_source


def verdict(old: float, new: float, measure: Measure, src: float | None = None) -> str:
    """Words for a change of means with enough reps: real improvement/worsening/increase/decrease, or within error.

    A change counts as real when ``|new - old| >= src`` (the measure's smallest real
    change unless given). Direction comes from ``measure.better``: ``toward_zero``
    measures improve when the absolute value falls.
    """
    src = measure.smallest_real_change if src is None else src
    d = new - old
    if abs(d) < src - 1e-9:
        return "within measurement error"
    if measure.better == "lower":
        return "real improvement" if d < 0 else "real worsening"
    if measure.better == "higher":
        return "real improvement" if d > 0 else "real worsening"
    if measure.better == "toward_zero":
        if abs(new) == abs(old):
            return "real increase" if d > 0 else "real decrease"
        return "real improvement" if abs(new) < abs(old) else "real worsening"
    return "real increase" if d > 0 else "real decrease"


def item_side(item: Mapping[str, Any], measure: Measure) -> str:
    """The side a rep's or step's value of ``measure`` belongs to."""
    return measure.side or item.get("side") or "all"


def side_values(report: Mapping[str, Any], measures: tuple[Measure, ...]) -> dict[tuple[str, str], list[float]]:
    """Values of every comparable measure per side over the scorable reps/steps that have one.

    Parameters
    ----------
    report : dict
        ``report.json`` content.
    measures : tuple of Measure
        The exercise's per-rep (per-step) measures.

    Returns
    -------
    dict
        (side, measure id) -> values, in rep order.
    """
    acc: dict[tuple[str, str], list[float]] = {}
    for it in [*report.get("reps", []), *report.get("steps", [])]:
        if not it.get("scorable", True):
            continue
        values = it.get("metrics", {})
        for m in measures:
            v = values.get(m.name)
            if not m.comparable or v is None or not math.isfinite(float(v)):
                continue
            acc.setdefault((item_side(it, m), m.name), []).append(float(v))
    return acc


def side_means(report: Mapping[str, Any], measures: tuple[Measure, ...]) -> dict[tuple[str, str], tuple[float, int]]:
    """Mean and count of every comparable measure per side (see :func:`side_values`)."""
    return {k: (sum(v) / len(v), len(v)) for k, v in side_values(report, measures).items()}


def session_figures(
    report: Mapping[str, Any], measures: tuple[Measure, ...]
) -> dict[tuple[str, str], tuple[float, int]]:
    """Session measures of the summary: (``session``, id) -> (value, steps or reps behind it)."""
    summary = report.get("summary", {})
    n = int(summary.get("steps_analysed", summary.get("rep_count", 0)) or 0)
    out: dict[tuple[str, str], tuple[float, int]] = {}
    for m in measures:
        v = summary.get(m.name)
        if m.comparable and isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v)):
            out[("session", m.name)] = (float(v), n)
    return out


def compare_reports(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    overrides: Mapping[str, float] | None = None,
) -> Comparison:
    """Compare two reports of the same exercise, per side and measure.

    Parameters
    ----------
    old, new : dict
        ``report.json`` contents (earlier and later session).
    overrides : mapping, optional
        Measure id -> smallest real change (TOML ``[compare]``).

    Returns
    -------
    Comparison

    Raises
    ------
    InputError
        When the two reports are of different exercises, or of an exercise hipform does not know.
    """
    from hipform.exercises import get_exercise

    if old.get("exercise") != new.get("exercise"):
        raise InputError(
            f"cannot compare different exercises: {old.get('exercise')!r} (old) vs {new.get('exercise')!r} (new)"
        )
    ex = get_exercise(str(new["exercise"]))
    comp = Comparison(ex.name, str(old.get("source", "")), str(new.get("source", "")))
    comp.notes.extend(context_notes(old, new))
    unit = "steps" if ex.kind == "steps" else "reps"
    nj_old = {n["metric"]: n["reason"] for n in old.get("not_judged", [])}
    nj_new = {n["metric"]: n["reason"] for n in new.get("not_judged", [])}
    per_item = {m.name: m for m in ex.metrics}
    per_session = {m.name: m for m in ex.session_measures}
    for means, catalogue in (
        ((side_means(old, ex.metrics), side_means(new, ex.metrics)), per_item),
        ((session_figures(old, ex.session_measures), session_figures(new, ex.session_measures)), per_session),
    ):
        mo, mn = means
        for key in sorted(set(mo) | set(mn), key=_order):
            side, metric = key
            comp.changes.append(
                _change(
                    side, catalogue[metric], mo.get(key), mn.get(key), overrides, unit,
                    nj_old.get(metric), nj_new.get(metric),
                )
            )
    return comp


def _order(key: tuple[str, str]) -> tuple[int, str, str]:
    return (SIDE_ORDER.get(key[0], 9), key[1], key[0])


def _change(
    side: str,
    measure: Measure,
    o: tuple[float, int] | None,
    n: tuple[float, int] | None,
    overrides: Mapping[str, float] | None,
    unit: str,
    nj_old: str | None,
    nj_new: str | None,
) -> Change:
    src, source = smallest_real_change(measure, overrides)
    old_v, n_old = o if o else (None, 0)
    new_v, n_new = n if n else (None, 0)
    reason = ""
    if old_v is None or new_v is None:
        which, why = ("old", nj_old) if old_v is None else ("new", nj_new)
        reason = f"not measured in the {which} session" + (f": {why}" if why else "")
        v = "not comparable"
    elif min(n_old, n_new) < MIN_N:
        v = "too few reps to tell"
        reason = f"{n_old} vs {n_new} {unit}; a mean needs at least {MIN_N} per session"
    else:
        v = verdict(old_v, new_v, measure, src)
    return Change(side, measure.name, measure, old_v, new_v, n_old, n_new, src, source, v, reason)


def context_notes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Differences between the sessions that make a comparison less fair (camera, model, side, fps)."""
    notes = []
    if old.get("view") != new.get("view"):
        notes.append(f"camera view differs: {old.get('view')} (old) vs {new.get('view')} (new)")
    yo, yn = old.get("camera_yaw_deg"), new.get("camera_yaw_deg")
    if isinstance(yo, int | float) and isinstance(yn, int | float) and abs(yo - yn) >= YAW_DIFFERENCE_DEG:
        notes.append(
            f"camera angle differs: about {yo:.0f}° (old) vs {yn:.0f}° (new) off the {new.get('view')} axis; "
            "part of any change may be the camera"
        )
    if old.get("backend") != new.get("backend"):
        notes.append(f"pose model differs: {old.get('backend')} (old) vs {new.get('backend')} (new)")
    if old.get("working_side") != new.get("working_side"):
        notes.append(f"working side differs: {old.get('working_side')} (old) vs {new.get('working_side')} (new)")
    fo, fn = old.get("fps") or 0, new.get("fps") or 0
    if fo and fn and abs(fo - fn) / max(fo, fn) > 0.2:
        notes.append(f"frame rate differs: {fo:.0f} fps (old) vs {fn:.0f} fps (new)")
    return notes


def load_compare_config(path: str | Path) -> dict[str, float]:
    """The ``[compare]`` table of a TOML file: measure id -> smallest real change (> 0).

    Raises
    ------
    ConfigError
        Bad file, or a value that is not a positive number.
    """
    from hipform.config import load_toml
    from hipform.exercises import available_exercises, get_exercise

    table = load_toml(path).get("compare", {})
    exercises = [get_exercise(e) for e in available_exercises()]
    known = {m.name for ex in exercises for m in (*ex.metrics, *ex.session_measures)}
    for k, v in table.items():
        if k not in known:
            raise ConfigError(f"[compare] {k}: not a measure hipform reports (see `hipform exercises`)")
        if not v > 0:
            raise ConfigError(f"[compare] {k} = {v}: the smallest real change must be > 0")
    return dict(table)
