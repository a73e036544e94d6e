"""Bilateral (two-legged) squat: rep counting, depth, both knees' valgus, trunk lean, timing.

The same machinery as the single-leg squat (:mod:`hipform.exercises.single_leg_squat`):
one rep signal (hip descent toward the feet in leg lengths), the shared hysteresis rep
counter, and measures at the deepest point of every rep, here for both knees.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from hipform.config import ThresholdSpec
from hipform.exercises import frontal_knee as fk
from hipform.exercises import frontal_validity as fv
from hipform.exercises.base import (
    AnalysisOptions,
    Exercise,
    KeySeries,
    RepContext,
    RepModel,
    RepScore,
    register_exercise,
)
from hipform.exercises.single_leg_squat import finite, knee_series, rep_indices, side_headline
from hipform.measures import (
    DURATION,
    FPPA,
    HIP_DROP_DEPTH,
    KNEE_FLEXION,
    KNEE_OVER_TOE,
    LOWERING_TIME,
    TRUNK_LEAN,
    Measure,
)
from hipform.reps import CounterConfig, RepWindow
from hipform.results import ExerciseOutcome, Fault, Rep
from hipform.sequence import PoseSequence

NAME = "squat"


KNEE_MEASURES = (
    FPPA.where(
        description="frontal plane projection angle of the {side} knee at the deepest point; + = toward the midline "
        "(valgus), - = outward (varus)"
    ),
    KNEE_OVER_TOE.where(
        description="{side} knee's horizontal offset from its toe tip (second toe) at the deepest point; "
        "+ = inside the toe"
    ),
)

METRICS: tuple[Measure, ...] = (
    HIP_DROP_DEPTH,
    *(m.for_side("left") for m in KNEE_MEASURES),
    *(m.for_side("right") for m in KNEE_MEASURES),
    TRUNK_LEAN.where(
        description="sideways lean of mid-hip to mid-shoulder from vertical at the deepest point; "
        "+ = toward the person's right",
        sign="+ = toward the person's right, - = toward the left; both directions are graded",
    ),
    DURATION,
    LOWERING_TIME,
    KNEE_FLEXION.where(description="knee flexion of the leg nearer the camera at the deepest point (side view)"),
)

THRESHOLDS: tuple[ThresholdSpec, ...] = (
    *fk.counter_thresholds(),
    *fk.KNEE_THRESHOLDS,
    *(s for s in fk.PELVIS_TRUNK_THRESHOLDS if s.name.startswith("trunk_")),
    *fk.CAMERA_THRESHOLDS,
    *fv.VALIDITY_THRESHOLDS,
)


def counter(th: Mapping[str, float]) -> CounterConfig:
    """Rep counter settings from the thresholds."""
    return fk.counter_config(th)


def both_sides(seq: PoseSequence, window: RepWindow, options: AnalysisOptions) -> str:
    """A bilateral squat works both legs."""
    return "both"


def key_landmarks(side: str | None) -> tuple[str, ...]:
    """Both hips and both legs."""
    return ("left_hip", "right_hip", *(f"{s}_{p}" for s in fk.SIDES for p in ("knee", "ankle", "foot_index")))


KNEE_NAMES = {s: (f"knee_valgus_fppa_{s}_deg", f"knee_medial_offset_{s}_shank") for s in fk.SIDES}


def squat_measure(
    seq: PoseSequence, window: RepWindow, ctx: RepContext
) -> tuple[dict[str, float | None], dict[str, fv.KneeReading]]:
    """Metric values of one bilateral squat rep, and each knee's reading (what was withheld, why)."""
    sig = fk.descent_signal(seq)
    i0, ib, i1 = rep_indices(seq, window)
    frames = fk.deepest_frames(seq.t, sig, i0, ib, i1)
    base = ctx.baseline_slice
    m: dict[str, float | None] = {
        "depth_hip_drop_rel": fk.depth_rel(seq, None, frames, base),
        "duration_s": window.end_s - window.start_s,
        "eccentric_s": fk.lowering_time_s(seq.t, sig, base.start, ib, fk.baseline_value(sig, base)),
        "trunk_lateral_lean_deg": fk.trunk_lean_at(seq, "right", frames),
    }
    knees = {side: fv.read_knee(seq, side, frames, base, ctx.thresholds) for side in fk.SIDES}
    for side, knee in knees.items():
        m[KNEE_NAMES[side][0]] = knee.fppa_deg
        m[KNEE_NAMES[side][1]] = knee.medial_offset_shank
    near = fk.near_side(ctx.view.view)
    m["knee_flexion_deg"] = fk.knee_flexion_at(seq, near, frames) if near else None
    return {k: finite(v) for k, v in m.items()}, knees


def squat_metrics(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> dict[str, float | None]:
    """Metric values of one bilateral squat rep."""
    return squat_measure(seq, window, ctx)[0]


def squat_faults(m: Mapping[str, float | None], ctx: RepContext) -> list[Fault]:
    """Knee and trunk faults of one bilateral squat rep (no knee fault where FPPA and knee-over-toe disagree)."""
    th, n = ctx.thresholds, ctx.index
    faults: list[Fault | None] = []
    for side in fk.SIDES:
        fppa_name, offset_name = KNEE_NAMES[side]
        faults.extend(fv.knee_faults(m.get(fppa_name), m.get(offset_name), side, n, th, fppa_name, offset_name))
    lean = m.get("trunk_lateral_lean_deg")
    if lean is not None:
        faults.append(fk.trunk_lean_fault(lean, n, th, "to your right", "to your left"))
    return fk.keep(*faults)


def score(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> RepScore:
    """Metrics and faults of one bilateral squat rep."""
    m = squat_metrics(seq, window, ctx)
    return RepScore(metrics=m, faults=squat_faults(m, ctx))


def headline(reps: list[Rep]) -> dict:
    """Mean/max valgus of each knee and mean depth over the scorable reps."""
    d = side_headline(reps, ("knee_valgus_fppa_left_deg", "knee_valgus_fppa_right_deg", "depth_hip_drop_rel"))
    both = d.get("by_side", {}).get("both")
    return {"both_legs": both} if both else {}


def key_series(seq: PoseSequence, options: AnalysisOptions) -> KeySeries | None:
    """Per-frame valgus (FPPA) of both knees."""
    ks = knee_series(seq, options)
    return None if ks is None else dataclasses.replace(ks, metric="knee_valgus_fppa_left_deg")


def analyse(seq: PoseSequence, options: AnalysisOptions) -> ExerciseOutcome:
    """Whole-clip analysis through the shared rep engine.

    Frontal measures are withheld from an oblique camera, and knee angles from legs pointing at the camera
    (with the reasons per rep).
    """
    outcome = fv.analyse_noting_knees(EXERCISE, squat_measure, squat_faults, KNEE_NAMES, seq, options)
    outcome.headline = headline(outcome.reps)
    return outcome


REP_MODEL = RepModel(
    signal=fk.descent_signal,
    counter=counter,
    side=both_sides,
    score=score,
    key_landmarks=key_landmarks,
    headline=headline,
)

EXERCISE = register_exercise(
    Exercise(
        name=NAME,
        title="Squat",
        description=(
            "Counts two-legged squats and, per rep, measures depth, both knees' valgus (FPPA) and position over the "
            "second toe, and sideways trunk lean at the deepest point, plus timing. Film from the front or rear with "
            "the whole body in view; knee flexion needs a side view."
        ),
        kind="reps",
        cutoff_hz=6.0,
        metrics=METRICS,
        thresholds=THRESHOLDS,
        analyse=analyse,
        table_columns=(
            "depth_hip_drop_rel",
            "knee_valgus_fppa_left_deg",
            "knee_valgus_fppa_right_deg",
            "knee_medial_offset_left_shank",
            "knee_medial_offset_right_shank",
            "trunk_lateral_lean_deg",
            "eccentric_s",
            "knee_flexion_deg",
        ),
        rep_model=REP_MODEL,
        preferred_views=("front", "rear"),
        key_series=key_series,
    )
)
