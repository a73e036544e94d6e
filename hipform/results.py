"""What an analysis produces: reps or steps, faults, what was not judged, a summary.

These are plain data; ``hipform.report_io`` turns them into ``report.json`` and CSV.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

REPORT_SCHEMA = "hipform.report/1"

MEASUREMENT_BASIS = (
    "raw: angles and distances measured on MediaPipe's 2D image landmarks (3D world landmarks where a "
    "measure says so), with no correction factor; docs/validation.md gives each measure's bias and error"
)

Severity = Literal["warn", "fault"]


@dataclass(frozen=True)
class Fault:
    """One fault found in a rep or a step.

    Attributes
    ----------
    code : str
        Stable machine name, e.g. ``"knee_valgus"``.
    severity : {"warn", "fault"}
        ``"warn"`` past the warning threshold, ``"fault"`` past the fault threshold.
    value : float
        The measured value that triggered it, in the metric's unit.
    threshold : float
        The threshold it passed, same unit.
    message : str
        A sentence a patient understands.
    metric : str
        The metric the value comes from.
    """

    code: str
    severity: Severity
    value: float
    threshold: float
    message: str
    metric: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "code": self.code,
            "severity": self.severity,
            "value": _clean(self.value),
            "threshold": _clean(self.threshold),
            "message": self.message,
            "metric": self.metric,
        }


@dataclass(frozen=True)
class NotJudged:
    """A measure that was not judged, and why (wrong view, landmarks missing, ...)."""

    metric: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready dict."""
        return {"metric": self.metric, "reason": self.reason}


@dataclass
class Rep:
    """One repetition.

    Attributes
    ----------
    index : int
        1-based rep number within the clip.
    side : str or None
        Working (stance) side, ``"left"`` or ``"right"`` (the person's), or ``"both"``
        for two-legged exercises.
    set : int
        1-based set number (a pause longer than the set gap starts a new set).
    start_s, bottom_s, end_s : float
        Times in seconds of leaving the top, the deepest (extreme) point, and being back.
    scorable : bool
        False when key landmarks were missing for too long; ``reason`` says why.
    metrics : dict
        Metric name -> value (unit in the name suffix), None when not measured.
    faults : list of Fault
    events : dict
        Extra named times in seconds (e.g. ``{"top_s": 3.2}`` for the hip thrust).
    verdict : {"ok", "warn", "fault", "not judged"}
        Set by :func:`hipform.verdicts.assign_verdicts`; ``""`` before.
    verdict_reason : str or None
        Why the rep was not judged.
    verdicts : dict
        Measure id -> ``{"state", "reason"}`` (see :mod:`hipform.verdicts`).
    """

    index: int
    side: str | None
    set: int
    start_s: float
    bottom_s: float
    end_s: float
    scorable: bool = True
    reason: str | None = None
    metrics: dict[str, float | None] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    events: dict[str, float] = field(default_factory=dict)
    verdict: str = ""
    verdict_reason: str | None = None
    verdicts: dict[str, dict[str, str | None]] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        """Rep duration in seconds."""
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        d: dict[str, Any] = {
            "index": self.index,
            "side": self.side,
            "set": self.set,
            "start_s": _clean(self.start_s),
            "bottom_s": _clean(self.bottom_s),
            "end_s": _clean(self.end_s),
        }
        d.update({k: _clean(v) for k, v in self.events.items()})
        d.update(
            {
                "scorable": self.scorable,
                "reason": self.reason,
                "metrics": {k: _clean(v) for k, v in self.metrics.items()},
                "faults": [f.to_dict() for f in self.faults],
                "verdict": self.verdict or None,
                "verdict_reason": self.verdict_reason,
                "verdicts": self.verdicts,
            }
        )
        return d


@dataclass
class Step:
    """One stance phase of one foot (running, walking).

    Attributes
    ----------
    index : int
        1-based step number.
    side : str
        ``"left"`` or ``"right"``.
    ic_s, to_s : float
        Initial contact and toe-off times in seconds.
    metrics, faults, scorable, reason, verdict, verdict_reason, verdicts
        As for :class:`Rep`.
    """

    index: int
    side: str
    ic_s: float
    to_s: float
    scorable: bool = True
    reason: str | None = None
    metrics: dict[str, float | None] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    verdict: str = ""
    verdict_reason: str | None = None
    verdicts: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "index": self.index,
            "side": self.side,
            "ic_s": _clean(self.ic_s),
            "to_s": _clean(self.to_s),
            "scorable": self.scorable,
            "reason": self.reason,
            "metrics": {k: _clean(v) for k, v in self.metrics.items()},
            "faults": [f.to_dict() for f in self.faults],
            "verdict": self.verdict or None,
            "verdict_reason": self.verdict_reason,
            "verdicts": self.verdicts,
        }


@dataclass
class ExerciseOutcome:
    """What an exercise module returns from ``analyse``.

    Attributes
    ----------
    view : str
        Camera view used: ``front``, ``rear``, ``side-left``, ``side-right`` or ``unknown``.
    view_confidence : float
        0..1.
    working_side : str or None
        ``left``, ``right``, ``both``, ``mixed`` (reps on both sides) or None.
    reps, steps : list
        Reps (rep-based exercises) or steps (gait).
    not_judged : list of NotJudged
    headline : dict
        The exercise's headline figures for the summary (JSON-ready values).
    notes : list of str
        Plain-language remarks (e.g. frame rate too low for timing).
    camera_yaw_deg : float or None
        How far the camera is turned off the view's axis (deg), where the exercise estimates it.
    """

    view: str
    view_confidence: float
    working_side: str | None = None
    reps: list[Rep] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    not_judged: list[NotJudged] = field(default_factory=list)
    headline: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    camera_yaw_deg: float | None = None


@dataclass
class Report:
    """Everything ``report.json`` holds about one analysed clip."""

    exercise: str
    source: str
    fps: float
    frames: int
    duration_s: float
    outcome: ExerciseOutcome
    backend: str = ""
    thresholds: dict[str, float] = field(default_factory=dict)
    data_quality: dict[str, Any] = field(default_factory=dict)
    hipform_version: str = ""
    session: dict[str, str] = field(default_factory=dict)
    """Subject, session date and clinician's note (``hipform.session``); {} when none was given."""

    def fault_counts(self) -> dict[str, int]:
        """Number of reps/steps with each fault code."""
        items = self.outcome.reps or self.outcome.steps
        return dict(Counter(f.code for it in items for f in it.faults))

    def summary(self) -> dict[str, Any]:
        """The report's ``summary`` block."""
        reps = self.outcome.reps
        by_side = Counter(r.side for r in reps if r.side)
        s: dict[str, Any] = {
            "rep_count": len(reps),
            "rep_count_by_side": dict(by_side),
            "reps_judged": sum(1 for r in reps if r.verdict not in ("", "not judged")),
            "fault_counts": self.fault_counts(),
        }
        if self.outcome.steps:
            s["steps_analysed"] = sum(1 for st in self.outcome.steps if st.scorable)
            s["steps_judged"] = sum(1 for st in self.outcome.steps if st.verdict not in ("", "not judged"))
        s.update(self.outcome.headline)
        return s

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict following schema ``hipform.report/1``."""
        o = self.outcome
        return {
            "schema": REPORT_SCHEMA,
            "hipform_version": self.hipform_version,
            "exercise": self.exercise,
            "source": self.source,
            "backend": self.backend,
            "fps": _clean(self.fps),
            "frames": self.frames,
            "duration_s": _clean(self.duration_s),
            "view": o.view,
            "view_confidence": _clean(o.view_confidence),
            "camera_yaw_deg": _clean(o.camera_yaw_deg),
            "measurement_basis": MEASUREMENT_BASIS,
            "working_side": o.working_side,
            "not_judged": [n.to_dict() for n in o.not_judged],
            "notes": list(o.notes),
            "data_quality": self.data_quality,
            "thresholds": {k: _clean(v) for k, v in self.thresholds.items()},
            "reps": [r.to_dict() for r in o.reps],
            "steps": [s.to_dict() for s in o.steps],
            "summary": _clean_tree(self.summary()),
            **({"session": dict(self.session)} if self.session else {}),
        }


def _clean(v: Any) -> Any:
    """Turn NaN/inf into None and numpy scalars into Python numbers, round floats."""
    if v is None or isinstance(v, bool | str):
        return v
    if isinstance(v, int):
        return v
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    if not math.isfinite(f):
        return None
    return round(f, 4)


def _clean_tree(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _clean_tree(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_clean_tree(x) for x in v]
    return _clean(v)
