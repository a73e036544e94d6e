"""Progress between sessions: is a change bigger than the smallest real change of its measure.

Two ``report.json`` of the same exercise are reduced to one mean per side and metric
(over the scorable reps or steps that have a value), plus the numeric headline figures of
the summary. Each pair of means is judged against the smallest real change of the
measure (the smallest detectable difference between days): a change at least that big is
"real", smaller ones are "within measurement error". Defaults are in
:data:`DEFAULT_RULES`; a TOML ``[compare]`` table overrides them per metric name.

Pure functions on report dicts; no files are read here except by :func:`load_compare_config`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from hipform.errors import ConfigError, InputError

Better = Literal["lower", "higher"]

SUMMARY_SKIP = frozenset({"rep_count", "rep_count_by_side", "fault_counts", "steps_analysed"})
"""Summary keys that are counts, not measures (not compared)."""

SIDE_ORDER = {"left": 0, "right": 1, "both": 2, "all": 3, "session": 4}


@dataclass(frozen=True)
class ChangeRule:
    """Smallest real change of the measures whose name contains ``pattern``.

    Attributes
    ----------
    pattern : str
        Fragment of the metric name (first matching rule wins).
    smallest_real_change : float
        In the metric's unit.
    better : {"lower", "higher"} or None
        Which direction is an improvement; None when neither is (e.g. depth).
    source : str
        Where the number comes from ("provisional" when nowhere).
    """

    pattern: str
    smallest_real_change: float
    better: Better | None
    source: str = "provisional"


MUNRO = "2D knee valgus SDD between days ~8 deg (Munro 2012)"
DEFAULT_RULES: tuple[ChangeRule, ...] = (
    ChangeRule("valgus", 8.0, "lower", MUNRO),
    ChangeRule("fppa", 8.0, "lower", MUNRO),
    ChangeRule("over_toe", 0.05, "lower"),
    ChangeRule("knee_offset", 0.05, "lower"),
    ChangeRule("pelvic_drop", 4.0, "lower", "provisional (3D pelvic obliquity SD ~4 deg, Weeks 2015)"),
    ChangeRule("pelvic_tilt", 4.0, "lower", "provisional (3D pelvic obliquity SD ~4 deg, Weeks 2015)"),
    ChangeRule("pelvic_rotation", 5.0, "lower", "provisional (3D pelvic rotation SD 4-6 deg, Weeks 2015)"),
    ChangeRule("pelvi", 4.0, "lower"),
    ChangeRule("lumbar", 5.0, "lower"),
    ChangeRule("arch", 5.0, "lower"),
    ChangeRule("hip_extension", 5.0, "higher", "provisional (video vs mocap hip angle RMSE 5-6 deg, Van Hooren 2023)"),
    ChangeRule("lockout", 5.0, "lower"),
    ChangeRule("trunk", 5.0, "lower"),
    ChangeRule("lean", 5.0, "lower"),
    ChangeRule("overstride", 5.0, "lower"),
    ChangeRule("shank", 5.0, "lower"),
    ChangeRule("asymmetry", 5.0, "lower"),
    ChangeRule("symmetry_index", 5.0, "lower"),
    ChangeRule("lowering", 0.2, "higher"),
    ChangeRule("eccentric", 0.2, "higher"),
    ChangeRule("cadence", 3.0, None),
)
"""Rules by metric-name fragment, checked in order."""

UNIT_DEFAULTS: tuple[tuple[str, float], ...] = (
    ("_deg", 5.0),
    ("_spm", 3.0),
    ("_s", 0.1),
    ("_rel", 0.05),
    ("_pct", 5.0),
)
"""Fallback smallest real change by unit suffix (all provisional)."""

FALLBACK = 0.1


@dataclass(frozen=True)
class Change:
    """The change of one measure on one side between two sessions.

    Attributes
    ----------
    side : str
        ``left``/``right``/``both``; ``all`` when reps have no side; ``session`` for
        summary figures.
    metric : str
    label : str
        Words for the metric.
    old, new : float or None
        Mean in each session (None when not measured there).
    n_old, n_new : int
        Reps or steps averaged.
    smallest_real_change : float
    better : {"lower", "higher"} or None
    source : str
        Source of the smallest real change.
    verdict : str
        ``"real improvement"``, ``"real worsening"``, ``"real increase"``,
        ``"real decrease"``, ``"within measurement error"`` or ``"not comparable"``.
    reason : str
        Why not comparable (empty otherwise).
    """

    side: str
    metric: str
    label: str
    old: float | None
    new: float | None
    n_old: int
    n_new: int
    smallest_real_change: float
    better: Better | None
    source: str
    verdict: str
    reason: str = ""

    @property
    def delta(self) -> float | None:
        """New - old, or None."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def real(self) -> bool:
        """True when the change is at least the smallest real change."""
        return self.verdict.startswith("real ")

    def sentence(self) -> str:
        """E.g. ``"right knee valgus 17.0° → 9.0°: a real improvement"``."""
        who = "" if self.side in ("all", "session") else f"{self.side} "
        head = f"{who}{self.label}"
        if self.verdict == "not comparable":
            return f"{head}: not comparable ({self.reason})"
        text = f"{head} {fmt(self.old, self.metric)} → {fmt(self.new, self.metric)}: "
        if self.real:
            return text + f"a {self.verdict}"
        return text + f"within measurement error (smaller than {fmt(self.smallest_real_change, self.metric)})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "side": self.side,
            "metric": self.metric,
            "old": self.old,
            "new": self.new,
            "change": self.delta,
            "n_old": self.n_old,
            "n_new": self.n_new,
            "smallest_real_change": self.smallest_real_change,
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
        Differences that limit the comparison (view, working side...).
    """

    exercise: str
    old_source: str
    new_source: str
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fmt(v: float | None, metric: str) -> str:
    """A value with its unit for sentences: ``17.0°``, ``0.42 s``, ``168 steps/min``."""
    if v is None:
        return "–"
    if metric.endswith("_deg"):
        return f"{v:.1f}°"
    if metric.endswith("_spm"):
        return f"{v:.0f} steps/min"
    if metric.endswith("_s"):
        return f"{v:.2f} s"
    return f"{v:.2f}"


def rule_for(metric: str, overrides: Mapping[str, float] | None = None) -> ChangeRule:
    """The smallest-real-change rule of a metric (a ``[compare]`` override wins).

    Parameters
    ----------
    metric : str
        Metric name, e.g. ``"knee_valgus_deg"``.
    overrides : mapping, optional
        Metric name -> smallest real change, from the TOML ``[compare]`` table.
    """
    base = next((r for r in DEFAULT_RULES if r.pattern in metric), None)
    if base is None:
        size = next((v for suffix, v in UNIT_DEFAULTS if metric.endswith(suffix)), FALLBACK)
        base = ChangeRule(metric, size, None)
    if overrides and metric in overrides:
        return ChangeRule(metric, float(overrides[metric]), base.better, "your config [compare]")
    return base


def verdict(old: float, new: float, rule: ChangeRule) -> str:
    """Words for a change: real improvement/worsening/increase/decrease, or within error.

    A change counts as real when ``|new - old| >= smallest_real_change``.
    """
    d = new - old
    if abs(d) < rule.smallest_real_change - 1e-9:
        return "within measurement error"
    if rule.better is None:
        return "real increase" if d > 0 else "real decrease"
    improved = d < 0 if rule.better == "lower" else d > 0
    return "real improvement" if improved else "real worsening"


def side_means(report: Mapping[str, Any]) -> dict[tuple[str, str], tuple[float, int]]:
    """Mean of every metric per side over scorable reps/steps with a value.

    Parameters
    ----------
    report : dict
        ``report.json`` content.

    Returns
    -------
    dict
        (side, metric) -> (mean, count). Side is the rep's/step's side, ``all`` when None.
    """
    acc: dict[tuple[str, str], list[float]] = {}
    for it in report.get("reps", []) + report.get("steps", []):
        if not it.get("scorable", True):
            continue
        side = it.get("side") or "all"
        for m, v in it.get("metrics", {}).items():
            if v is None or not math.isfinite(float(v)):
                continue
            acc.setdefault((side, m), []).append(float(v))
    return {k: (sum(v) / len(v), len(v)) for k, v in acc.items()}


def summary_figures(report: Mapping[str, Any]) -> dict[tuple[str, str], float]:
    """Numeric headline figures of the summary: (side, name) -> value.

    Plain numbers get side ``session``; a dict keyed by ``left``/``right`` gives one
    entry per side. Counts (rep counts, fault counts) are skipped.
    """
    out: dict[tuple[str, str], float] = {}
    for k, v in report.get("summary", {}).items():
        if k in SUMMARY_SKIP:
            continue
        if isinstance(v, bool):
            continue
        if isinstance(v, int | float) and math.isfinite(float(v)):
            out[("session", k)] = float(v)
        elif isinstance(v, Mapping):
            for side, x in v.items():
                is_num = isinstance(x, int | float) and not isinstance(x, bool)
                if side in ("left", "right") and is_num and math.isfinite(float(x)):
                    out[(side, k)] = float(x)
    return out


def compare_reports(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    overrides: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Comparison:
    """Compare two reports of the same exercise, per side and metric.

    Parameters
    ----------
    old, new : dict
        ``report.json`` contents (earlier and later session).
    overrides : mapping, optional
        Metric name -> smallest real change (TOML ``[compare]``).
    labels : mapping, optional
        Metric name -> words (the exercise's labels); defaults to the name.

    Returns
    -------
    Comparison

    Raises
    ------
    InputError
        When the two reports are of different exercises.
    """
    if old.get("exercise") != new.get("exercise"):
        raise InputError(
            f"cannot compare different exercises: {old.get('exercise')!r} (old) vs {new.get('exercise')!r} (new)"
        )
    comp = Comparison(str(new["exercise"]), str(old.get("source", "")), str(new.get("source", "")))
    comp.notes.extend(context_notes(old, new))
    nj_old = {n["metric"]: n["reason"] for n in old.get("not_judged", [])}
    nj_new = {n["metric"]: n["reason"] for n in new.get("not_judged", [])}
    mo, mn = side_means(old), side_means(new)
    for key in sorted(set(mo) | set(mn), key=_order):
        side, metric = key
        o, n = mo.get(key), mn.get(key)
        comp.changes.append(_change(side, metric, o, n, overrides, labels, nj_old.get(metric), nj_new.get(metric)))
    so, sn = summary_figures(old), summary_figures(new)
    for key in sorted(set(so) | set(sn), key=_order):
        side, metric = key
        if key in mo or key in mn:
            continue
        o = (so[key], 1) if key in so else None
        n = (sn[key], 1) if key in sn else None
        comp.changes.append(_change(side, metric, o, n, overrides, labels, None, None))
    return comp


def _order(key: tuple[str, str]) -> tuple[int, str, str]:
    return (SIDE_ORDER.get(key[0], 9), key[1], key[0])


def _change(
    side: str,
    metric: str,
    o: tuple[float, int] | None,
    n: tuple[float, int] | None,
    overrides: Mapping[str, float] | None,
    labels: Mapping[str, str] | None,
    nj_old: str | None,
    nj_new: str | None,
) -> Change:
    rule = rule_for(metric, overrides)
    label = (labels or {}).get(metric) or words(metric)
    old_v, n_old = o if o else (None, 0)
    new_v, n_new = n if n else (None, 0)
    reason = ""
    if old_v is None or new_v is None:
        which, why = ("old", nj_old) if old_v is None else ("new", nj_new)
        reason = f"not measured in the {which} session" + (f": {why}" if why else "")
        if old_v is None and new_v is None:
            reason = "measured in neither session"
        v = "not comparable"
    else:
        v = verdict(old_v, new_v, rule)
    return Change(
        side, metric, label, old_v, new_v, n_old, n_new, rule.smallest_real_change, rule.better, rule.source, v, reason
    )


def words(metric: str) -> str:
    """A metric name in words, without its unit suffix: ``knee_valgus_deg`` -> ``knee valgus``."""
    for suffix in ("_deg", "_rel", "_spm", "_pct", "_s", "_m"):
        if metric.endswith(suffix):
            metric = metric[: -len(suffix)]
            break
    return metric.replace("_", " ")


def context_notes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Differences between the sessions that make a comparison less fair."""
    notes = []
    if old.get("view") != new.get("view"):
        notes.append(f"camera view differs: {old.get('view')} (old) vs {new.get('view')} (new)")
    if old.get("working_side") != new.get("working_side"):
        notes.append(f"working side differs: {old.get('working_side')} (old) vs {new.get('working_side')} (new)")
    fo, fn = old.get("fps") or 0, new.get("fps") or 0
    if fo and fn and abs(fo - fn) / max(fo, fn) > 0.2:
        notes.append(f"frame rate differs: {fo:.0f} fps (old) vs {fn:.0f} fps (new)")
    return notes


def load_compare_config(path: str | Path) -> dict[str, float]:
    """The ``[compare]`` table of a TOML file: metric name -> smallest real change (> 0).

    Raises
    ------
    ConfigError
        Bad file, or a value that is not a positive number.
    """
    from hipform.config import load_toml

    table = load_toml(path).get("compare", {})
    for k, v in table.items():
        if not v > 0:
            raise ConfigError(f"[compare] {k} = {v}: the smallest real change must be > 0")
    return dict(table)
