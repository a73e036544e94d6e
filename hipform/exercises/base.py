"""What an exercise module declares, and the registry that lists them.

A new exercise is one new module that builds an :class:`Exercise` and calls
:func:`register_exercise` at import time, plus its tests; ``hipform/exercises/__init__.py``
imports the built-in modules so they register themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from hipform.config import ThresholdSpec
from hipform.errors import InputError
from hipform.measures import Measure

if TYPE_CHECKING:
    import numpy as np

    from hipform.reps import CounterConfig, RepWindow
    from hipform.results import ExerciseOutcome, Fault
    from hipform.sequence import PoseSequence
    from hipform.view import ViewEstimate

MetricSpec = Measure
"""Former name of :class:`~hipform.measures.Measure` (one catalogue entry)."""


@dataclass(frozen=True)
class AnalysisOptions:
    """User choices and settings passed to an exercise's ``analyse``.

    Attributes
    ----------
    thresholds : mapping
        Threshold name -> value (defaults merged with the user's TOML).
    side : {"auto", "left", "right"}
        Working-side override.
    view : str
        ``"auto"`` or one of the view names, overriding detection.
    single_leg : bool or None
        For the hip thrust: force single- (True) or double-leg (False); None detects.
    unfiltered : PoseSequence or None
        The gap-filled but unsmoothed sequence, for event detection.
    """

    thresholds: Mapping[str, float] = field(default_factory=dict)
    side: str = "auto"
    view: str = "auto"
    single_leg: bool | None = None
    unfiltered: PoseSequence | None = None


@dataclass
class RepContext:
    """What a rep scorer knows besides the sequence and the rep window.

    Attributes
    ----------
    side : str or None
        Working side of this rep (``left``/``right``), or ``both``.
    view : ViewEstimate
    thresholds : mapping
    index : int
        1-based rep number.
    baseline_slice : slice
        Frames of standing (top position) before this rep, for baselines.
    options : AnalysisOptions
    """

    side: str | None
    view: ViewEstimate
    thresholds: Mapping[str, float]
    index: int
    baseline_slice: slice
    options: AnalysisOptions


@dataclass
class RepScore:
    """What a rep scorer returns: metric values and faults (before view gating)."""

    metrics: dict[str, float | None] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    events: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RepModel:
    """The pieces of a rep-based exercise that offline and live mode share.

    Attributes
    ----------
    signal : callable
        ``(seq) -> (T,) array``: the 1-D rep signal, larger = further from the top,
        NaN where the landmarks it needs are missing. A value may depend on its own
        frame and on the sequence passed in (e.g. a clip-wide body scale) but never on
        later frames: live mode passes the trailing seconds and uses the last value.
    counter : callable
        ``(thresholds) -> CounterConfig``.
    side : callable
        ``(seq, window, options) -> str | None``: the working side of one rep
        (``"left"``/``"right"``, or ``"both"``).
    score : callable
        ``(seq, window, ctx) -> RepScore``: pure rules on one rep.
    key_landmarks : callable
        ``(side) -> tuple[str, ...]``: landmarks a rep needs to be scorable.
    headline : callable
        ``(reps) -> dict``: the summary's headline figures.
    """

    signal: Callable[[PoseSequence], np.ndarray]
    counter: Callable[[Mapping[str, float]], CounterConfig]
    side: Callable[[PoseSequence, RepWindow, AnalysisOptions], str | None]
    score: Callable[[PoseSequence, RepWindow, RepContext], RepScore]
    key_landmarks: Callable[[str | None], tuple[str, ...]]
    headline: Callable[[list], dict] | None = None


@dataclass(frozen=True)
class KeySeries:
    """Per-frame values of an exercise's key measure(s), for plots and the annotated video.

    Returned by an exercise's optional ``Exercise.key_series`` hook. The values must come
    from the same functions the exercise's rules use (measure once, draw many times):
    report plots and ``annotated.mp4`` only draw what is here.

    Attributes
    ----------
    series : dict of str to numpy.ndarray
        Label -> (T,) values, one per frame of the sequence passed in, NaN where not
        measurable. Labels are shown to users, e.g. ``"left knee valgus"``. Put the
        person's side first when a series belongs to one side (``"left ..."`` /
        ``"right ..."``) so the video can show the working side's value.
    unit : str
        Unit of every series, e.g. ``"deg"``.
    title : str
        Plot title / name of the measure in words, e.g. ``"Knee valgus (FPPA)"``.
    thresholds : dict of str to float
        Horizontal lines to draw on the plot: label -> value in ``unit``, e.g.
        ``{"warn": 10.0, "fault": 15.0}`` (take them from the resolved thresholds).
    metric : str
        Name of the :class:`MetricSpec` the series measures (``""`` when none).
    """

    series: dict[str, np.ndarray]
    unit: str
    title: str
    thresholds: dict[str, float] = field(default_factory=dict)
    metric: str = ""


@dataclass(frozen=True)
class Exercise:
    """A registered exercise.

    Attributes
    ----------
    name : str
        Command-line name, e.g. ``"single-leg-squat"``.
    title : str
        Human title.
    description : str
        One paragraph: what is measured and from which camera view.
    kind : {"reps", "steps"}
    cutoff_hz : float
        Low-pass cut-off applied to the landmarks before measuring (Hz).
    metrics : tuple of Measure
        Per-rep (or per-step) measures, from the catalogue (:mod:`hipform.measures`).
    thresholds : tuple of ThresholdSpec
    analyse : callable
        ``(seq, options) -> ExerciseOutcome`` for the whole clip.
    table_columns : tuple of str
        Metric names shown in the terminal table, in order.
    rep_model : RepModel or None
        For rep-based exercises (used by live mode).
    preferred_views : tuple of str
        Views the exercise is meant to be filmed from, best first.
    key_series : callable or None
        Optional hook ``(seq, options) -> KeySeries | None`` giving the per-frame values
        of the key measure (e.g. knee valgus per frame for the single-leg squat, thigh
        angle for running), computed with the exercise's own measuring functions on the
        same cleaned sequence ``analyse`` received. ``report.html`` plots it with the reps
        shaded and the thresholds drawn, and ``annotated.mp4`` prints its value live.
        Return None when nothing can be measured (e.g. wrong view). Without the hook the
        report says there is no per-frame series for this exercise.
    session_measures : tuple of Measure
        Whole-clip figures of the summary that are measures in their own right (e.g.
        cadence); ``hipform compare`` compares them besides the per-rep means.
    """

    name: str
    title: str
    description: str
    kind: Literal["reps", "steps"]
    cutoff_hz: float
    metrics: tuple[MetricSpec, ...]
    thresholds: tuple[ThresholdSpec, ...]
    analyse: Callable[[PoseSequence, AnalysisOptions], ExerciseOutcome]
    table_columns: tuple[str, ...] = ()
    rep_model: RepModel | None = None
    preferred_views: tuple[str, ...] = ()
    key_series: Callable[[PoseSequence, AnalysisOptions], KeySeries | None] | None = None
    session_measures: tuple[Measure, ...] = ()

    def metric(self, name: str) -> Measure:
        """Look up one of the exercise's measures (per rep/step or per session) by id."""
        for m in (*self.metrics, *self.session_measures):
            if m.name == name:
                return m
        raise KeyError(name)

    def find_measure(self, name: str) -> Measure | None:
        """Like :meth:`metric`, None for an id the exercise does not declare."""
        try:
            return self.metric(name)
        except KeyError:
            return None


_REGISTRY: dict[str, Exercise] = {}


def register_exercise(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (called by each exercise module on import)."""
    if exercise.name in _REGISTRY and _REGISTRY[exercise.name] is not exercise:
        raise ValueError(f"exercise {exercise.name!r} is already registered")
    _REGISTRY[exercise.name] = exercise
    return exercise


def get_exercise(name: str) -> Exercise:
    """Return the registered exercise called ``name``.

    Raises
    ------
    InputError
        For an unknown name; the message lists the known ones.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise InputError(f"unknown exercise {name!r}; choose one of: {known}") from None


def available_exercises() -> list[str]:
    """Names of the registered exercises, sorted."""
    return sorted(_REGISTRY)


def grade(value: float | None, warn: float, fault: float) -> str | None:
    """Severity of a value against warn/fault thresholds (larger is worse).

    Returns ``"fault"`` when value >= fault, ``"warn"`` when value >= warn, else None
    (also None for a missing value).
    """
    if value is None or value != value:  # NaN
        return None
    if value >= fault:
        return "fault"
    if value >= warn:
        return "warn"
    return None
