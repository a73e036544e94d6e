"""The engine every rep-based exercise shares: view, counting, sides, sets, gating, scoring.

An exercise supplies a :class:`~hipform.exercises.base.RepModel` (signal, side, rules);
:func:`analyse_reps` does the rest, identically for every exercise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hipform.exercises.base import AnalysisOptions, Exercise, RepContext, RepModel
from hipform.landmarks import landmark_index
from hipform.reps import RepWindow, count_reps, group_sets
from hipform.results import ExerciseOutcome, NotJudged, Rep
from hipform.sequence import PoseSequence
from hipform.view import FRONTAL_VIEWS, SIDE_VIEWS, ViewEstimate, detect_view

VIEW_WORDS = {"frontal": "a front or rear", "sagittal": "a side"}

MIN_TIMING_FPS = 15.0
"""Below this frame rate durations and lowering times are not judged."""


def resolve_view(seq: PoseSequence, options: AnalysisOptions) -> ViewEstimate:
    """The detected view, or the user's override (confidence 1)."""
    if options.view and options.view != "auto":
        return ViewEstimate(options.view, 1.0, {"override": 1.0})
    return detect_view(seq)


def view_allows(need: str, view: str) -> bool:
    """Whether a measure needing ``need`` (frontal/sagittal/any) can be judged from ``view``."""
    if need == "any":
        return True
    if need == "frontal":
        return view in FRONTAL_VIEWS
    return view in SIDE_VIEWS


def gap_reason(seq: PoseSequence, names: Sequence[str], window: RepWindow, max_gap_s: float) -> str | None:
    """Why a rep is not scorable: key landmarks missing longer than the gap limit, else None."""
    sel = (seq.t >= window.start_s) & (seq.t <= window.end_s)
    if not sel.any():
        return "no frames in the rep"
    idx = [landmark_index(n) for n in names]
    missing = ~np.isfinite(seq.xyz[sel][:, idx, 0])
    period = 1.0 / seq.fps
    worst_name, worst = None, 0.0
    for j, name in enumerate(names):
        run = longest_run(missing[:, j]) * period
        if run > worst:
            worst_name, worst = name, run
    if worst_name is not None and worst > max_gap_s + 1e-9:
        return f"{worst_name.replace('_', ' ')} not visible for {worst:.2f} s (limit {max_gap_s:.2f} s)"
    return None


def longest_run(mask: np.ndarray) -> int:
    """Length of the longest run of True in a 1-D boolean array."""
    best = cur = 0
    for m in mask:
        cur = cur + 1 if m else 0
        best = max(best, cur)
    return best


def baseline_slice(seq: PoseSequence, window: RepWindow, prev_end_s: float | None, span_s: float = 1.0) -> slice:
    """Frames of the top position just before a rep (up to ``span_s`` seconds)."""
    t0 = max(window.start_s - span_s, prev_end_s if prev_end_s is not None else -np.inf)
    i0 = int(np.searchsorted(seq.t, t0, side="left"))
    i1 = int(np.searchsorted(seq.t, window.start_s, side="right"))
    if i1 <= i0:
        i1 = min(i0 + 1, len(seq))
    return slice(i0, i1)


def analyse_reps(exercise: Exercise, seq: PoseSequence, options: AnalysisOptions) -> ExerciseOutcome:
    """Count and score the reps of a rep-based exercise.

    Parameters
    ----------
    exercise : Exercise
        Must have a ``rep_model``.
    seq : PoseSequence
        Cleaned (gap-filled, low-passed) landmarks.
    options : AnalysisOptions

    Returns
    -------
    ExerciseOutcome
    """
    model = exercise.rep_model
    if model is None:
        raise ValueError(f"exercise {exercise.name} has no rep model")
    th = options.thresholds
    view = resolve_view(seq, options)
    not_judged = gate_metrics(exercise, view)
    notes: list[str] = []
    if view.view != "unknown" and view.confidence < th["min_view_confidence"]:
        notes.append(f"camera view uncertain: looks like {view.view} (confidence {view.confidence:.2f})")
    if exercise.preferred_views and view.view not in exercise.preferred_views:
        notes.append(
            f"filmed from {view.view}; {exercise.title} is best filmed from "
            + " or ".join(exercise.preferred_views)
        )
    timing_ok = seq.fps >= MIN_TIMING_FPS
    if not timing_ok:
        notes.append(
            f"frame rate {seq.fps:.1f} fps is too low for timing (needs >= {MIN_TIMING_FPS:.0f} fps): "
            "rep durations and lowering times are not judged"
        )
        for m in exercise.metrics:
            if seq.fps < m.min_fps:
                not_judged.append(NotJudged(m.name, f"frame rate {seq.fps:.1f} fps too low for timing"))
    signal = model.signal(seq)
    windows = count_reps(seq.t, signal, model.counter(th))
    reps = score_windows(exercise, model, seq, windows, view, options, not_judged)
    sides = {r.side for r in reps if r.side}
    working = None if not sides else (sides.pop() if len(sides) == 1 else "mixed")
    if not reps:
        notes.append("no complete rep found")
    headline = model.headline(reps) if model.headline else {}
    return ExerciseOutcome(
        view=view.view,
        view_confidence=view.confidence,
        working_side=working,
        reps=reps,
        not_judged=dedupe(not_judged),
        headline=headline,
        notes=notes,
    )


def gate_metrics(exercise: Exercise, view: ViewEstimate) -> list[NotJudged]:
    """Metrics that cannot be judged from this view, with the reason."""
    out = []
    for m in exercise.metrics:
        if not view_allows(m.view, view.view):
            out.append(NotJudged(m.name, f"needs {VIEW_WORDS[m.view]} view; the camera shows {view.view}"))
    return out


def score_windows(
    exercise: Exercise,
    model: RepModel,
    seq: PoseSequence,
    windows: list[RepWindow],
    view: ViewEstimate,
    options: AnalysisOptions,
    not_judged: list[NotJudged],
) -> list[Rep]:
    """Side, set, scorability, metrics and faults of each counted rep."""
    th = options.thresholds
    skipped = {n.metric for n in not_judged}
    sides = [
        options.side if options.side in ("left", "right") else model.side(seq, w, options) for w in windows
    ]
    sets = group_sets(windows, th["set_gap_s"], sides)
    reps: list[Rep] = []
    prev_end = None
    for i, (w, side, set_no) in enumerate(zip(windows, sides, sets, strict=True), start=1):
        rep = Rep(index=i, side=side, set=set_no, start_s=w.start_s, bottom_s=w.bottom_s, end_s=w.end_s)
        reason = gap_reason(seq, model.key_landmarks(side), w, th["max_gap_s"])
        if reason:
            rep.scorable, rep.reason = False, reason
        else:
            ctx = RepContext(side, view, th, i, baseline_slice(seq, w, prev_end), options)
            score = model.score(seq, w, ctx)
            rep.metrics = {k: v for k, v in score.metrics.items() if k not in skipped}
            rep.faults = [f for f in score.faults if f.metric not in skipped]
            rep.events = dict(score.events)
        reps.append(rep)
        prev_end = w.end_s
    return reps


def dedupe(items: list[NotJudged]) -> list[NotJudged]:
    """Keep the first reason given for each metric."""
    seen: set[str] = set()
    out = []
    for n in items:
        if n.metric not in seen:
            seen.add(n.metric)
            out.append(n)
    return out
