"""Single-leg squat: rep counting, stance side, knee valgus, knee over toe, pelvis, trunk.

Filmed from the front (or rear) with the whole body in view. Each rep is measured at its
deepest point; see ``docs/metrics.md`` for definitions and ``docs/exercises/squat.md``
for how to film.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

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
from hipform.exercises.repflow import resolve_view, view_allows
from hipform.landmarks import other_side
from hipform.measures import (
    DURATION,
    FPPA,
    HIP_DROP_DEPTH,
    KNEE_FLEXION,
    KNEE_OVER_TOE,
    LOWERING_TIME,
    PELVIC_DROP,
    TRUNK_LEAN,
    Measure,
)
from hipform.reps import CounterConfig, RepWindow
from hipform.results import ExerciseOutcome, Rep
from hipform.sequence import PoseSequence

NAME = "single-leg-squat"

PELVIC_DROP_NOTE = (
    "pelvic drop is read from the video's hip landmarks, which move much less than the real pelvis "
    "(a true 2-8° drop read as 0-1.6° in a rendered test): a small value does not rule a drop out"
)

METRICS: tuple[Measure, ...] = (
    HIP_DROP_DEPTH,
    FPPA.where(
        description="frontal plane projection angle of the stance knee at the deepest point; + = knee toward the "
        "midline (valgus), - = outward (varus)"
    ),
    KNEE_OVER_TOE.where(
        description="stance knee's horizontal offset from the toe tip (second toe) at the deepest point; "
        "+ = inside the toe"
    ),
    PELVIC_DROP.where(
        description="free-side hip drop at the deepest point relative to standing; - = the free side hikes up"
    ),
    TRUNK_LEAN.where(
        description="sideways lean of mid-hip to mid-shoulder from vertical at the deepest point; "
        "+ = toward the stance leg"
    ),
    DURATION,
    LOWERING_TIME,
    KNEE_FLEXION.where(description="stance knee flexion at the deepest point (side view)"),
)


THRESHOLDS: tuple[ThresholdSpec, ...] = (
    *fk.counter_thresholds(),
    *fk.KNEE_THRESHOLDS,
    *fk.PELVIS_TRUNK_THRESHOLDS,
    *fk.CAMERA_THRESHOLDS,
    *fv.VALIDITY_THRESHOLDS,
)


def counter(th: Mapping[str, float]) -> CounterConfig:
    """Rep counter settings from the thresholds."""
    return fk.counter_config(th)


def rep_frames(seq: PoseSequence, window: RepWindow) -> np.ndarray:
    """Boolean mask of the frames inside a rep."""
    return (seq.t >= window.start_s) & (seq.t <= window.end_s)


def stance_of_rep(seq: PoseSequence, window: RepWindow, options: AnalysisOptions) -> str | None:
    """The stance leg of one rep: the foot that stays on the floor (lower on screen)."""
    lift = options.thresholds["stance_min_lift_rel"]
    return fk.stance_side(seq, rep_frames(seq, window), lift)


def key_landmarks(side: str | None) -> tuple[str, ...]:
    """Landmarks a rep needs: both hips and the stance leg (both legs when the side is unknown)."""
    legs = (side,) if side in fk.SIDES else fk.SIDES
    return ("left_hip", "right_hip", *(f"{s}_{p}" for s in legs for p in ("knee", "ankle", "foot_index")))


def rep_indices(seq: PoseSequence, window: RepWindow) -> tuple[int, int, int]:
    """Frame indices of a rep's start, deepest point and end."""
    return seq.index_at(window.start_s), seq.index_at(window.bottom_s), seq.index_at(window.end_s)


KNEE_NAMES = {"stance": ("knee_valgus_fppa_deg", "knee_medial_offset_shank")}


def single_leg_metrics(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> dict[str, float | None]:
    """Metric values of one single-leg squat rep at its deepest point, and its timing."""
    return single_leg_measure(seq, window, ctx)[0]


def single_leg_measure(
    seq: PoseSequence, window: RepWindow, ctx: RepContext
) -> tuple[dict[str, float | None], dict[str, fv.KneeReading]]:
    """:func:`single_leg_metrics` and the stance knee's reading (what was withheld, why)."""
    side = ctx.side
    sig = fk.descent_signal(seq)
    i0, ib, i1 = rep_indices(seq, window)
    frames = fk.deepest_frames(seq.t, sig, i0, ib, i1)
    base = ctx.baseline_slice
    m: dict[str, float | None] = {
        "depth_hip_drop_rel": fk.depth_rel(seq, side, frames, base),
        "duration_s": window.end_s - window.start_s,
        "eccentric_s": fk.lowering_time_s(seq.t, sig, base.start, ib, fk.baseline_value(sig, base)),
    }
    knees: dict[str, fv.KneeReading] = {}
    if side in fk.SIDES:
        knee = knees["stance"] = fv.read_knee(seq, side, frames, base, ctx.thresholds)
        m["knee_valgus_fppa_deg"] = knee.fppa_deg
        m["knee_medial_offset_shank"] = knee.medial_offset_shank
        m["pelvic_drop_deg"] = fk.pelvic_drop_at(seq, side, frames, base)
        m["trunk_lateral_lean_deg"] = fk.trunk_lean_at(seq, side, frames)
        m["knee_flexion_deg"] = fk.knee_flexion_at(seq, side, frames)
    else:
        for k in ("knee_valgus_fppa_deg", "knee_medial_offset_shank", "pelvic_drop_deg", "trunk_lateral_lean_deg"):
            m[k] = None
        near = fk.near_side(ctx.view.view)
        m["knee_flexion_deg"] = fk.knee_flexion_at(seq, near, frames) if near else None
    return {k: finite(v) for k, v in m.items()}, knees


def score(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> RepScore:
    """Metrics and faults of one single-leg squat rep."""
    m = single_leg_metrics(seq, window, ctx)
    return RepScore(metrics=m, faults=single_leg_faults(m, ctx))


def single_leg_faults(m: Mapping[str, float | None], ctx: RepContext) -> list:
    """Knee, pelvis and trunk faults of one single-leg rep from its metrics."""
    side, th, n = ctx.side, ctx.thresholds, ctx.index
    if side not in fk.SIDES:
        return []
    faults = fv.knee_faults(m.get("knee_valgus_fppa_deg"), m.get("knee_medial_offset_shank"), side, n, th,
                            *KNEE_NAMES["stance"])
    if m.get("pelvic_drop_deg") is not None:
        faults.append(fk.pelvic_drop_fault(m["pelvic_drop_deg"], other_side(side), n, th))
    if m.get("trunk_lateral_lean_deg") is not None:
        faults.append(
            fk.trunk_lean_fault(
                m["trunk_lateral_lean_deg"], n, th, f"toward your {side} leg", f"away from your {side} leg"
            )
        )
    return fk.keep(*faults)


def headline(reps: list[Rep]) -> dict:
    """Per-side figures: scorable reps, mean/max valgus, mean depth, mean pelvic drop."""
    return side_headline(reps, ("knee_valgus_fppa_deg", "depth_hip_drop_rel", "pelvic_drop_deg"))


def side_headline(reps: list[Rep], metrics: tuple[str, ...]) -> dict:
    """Summary figures per working side (counts match ``rep_count_by_side``).

    For each side: ``reps`` (all counted), ``scorable_reps``, and ``<metric>_mean`` and
    ``<metric>_max`` over the scorable reps for each metric that was judged.
    """
    out: dict[str, dict[str, float | int | None]] = {}
    for side in sorted({r.side for r in reps if r.side}):
        mine = [r for r in reps if r.side == side]
        ok = [r for r in mine if r.scorable]
        d: dict[str, float | int | None] = {"reps": len(mine), "scorable_reps": len(ok)}
        for name in metrics:
            vals = np.array([r.metrics[name] for r in ok if r.metrics.get(name) is not None], float)
            if vals.size:
                d[f"{name}_mean"] = float(np.mean(vals))
                d[f"{name}_max"] = float(np.max(vals))
        out[side] = d
    return {"by_side": out} if out else {}


def analyse(seq: PoseSequence, options: AnalysisOptions) -> ExerciseOutcome:
    """Whole-clip analysis: the shared rep engine plus notes.

    Notes say which reps had an unclear side, how far pelvic drop can be trusted, and where knee angles were
    withheld (leg pointing at the camera) or disagreed.
    """
    outcome = fv.analyse_noting_knees(EXERCISE, single_leg_measure, single_leg_faults, KNEE_NAMES, seq, options)
    outcome.headline = headline(outcome.reps)
    add_single_leg_notes(outcome)
    if not outcome.reps:
        add_clip_stance(outcome, seq, options)
    return outcome


def add_clip_stance(outcome: ExerciseOutcome, seq: PoseSequence, options: AnalysisOptions) -> None:
    """When no rep was counted, still say which leg the person stood on over the clip."""
    if options.side in fk.SIDES:
        return
    side = fk.stance_side(seq, slice(None), options.thresholds["stance_min_lift_rel"])
    if side is None:
        outcome.notes.append("no squat rep counted, and the stance leg is unclear over the clip")
    else:
        outcome.working_side = side
        outcome.headline["stance_side_clip"] = side
        outcome.notes.append(f"no squat rep counted; over the clip the person stood on the {side} leg")


def add_single_leg_notes(outcome: ExerciseOutcome) -> None:
    """Say which reps had no clear stance leg, and how far pelvic drop can be trusted."""
    unclear = [r.index for r in outcome.reps if r.side is None]
    if unclear:
        outcome.notes.append(
            "stance leg unclear (both feet at the same height) in rep(s) "
            + ", ".join(map(str, unclear))
            + ": knee and pelvis not judged there; use --side to set it"
        )
    if any(r.metrics.get("pelvic_drop_deg") is not None for r in outcome.reps):
        outcome.notes.append(PELVIC_DROP_NOTE)


def finite(v: float | None) -> float | None:
    """The value as a float, or None when it is missing or not finite."""
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def knee_series(seq: PoseSequence, options: AnalysisOptions) -> KeySeries | None:
    """Per-frame knee valgus (FPPA) of both knees, for plots and the annotated video.

    None when the view cannot show valgus (side view).
    """
    view = resolve_view(seq, options)
    if not view_allows("frontal", view.view):
        return None
    mid_x = seq.mid("left_hip", "right_hip")[:, 0]
    series = {}
    for side in fk.SIDES:
        hip, knee, ankle = (seq.xy(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
        series[f"{side} knee valgus"] = fk.knee_fppa_deg(hip, knee, ankle, fk.medial_direction(hip[:, 0], mid_x))
    th = options.thresholds
    return KeySeries(
        series=series,
        unit="deg",
        title="Knee valgus (FPPA)",
        thresholds={"warn": th["knee_valgus_warn_deg"], "fault": th["knee_valgus_fault_deg"]},
        metric="knee_valgus_fppa_deg",
    )


REP_MODEL = RepModel(
    signal=fk.descent_signal,
    counter=counter,
    side=stance_of_rep,
    score=score,
    key_landmarks=key_landmarks,
    headline=headline,
)

EXERCISE = register_exercise(
    Exercise(
        name=NAME,
        title="Single-leg squat",
        description=(
            "Counts single-leg squats and, per rep, finds the stance leg and measures depth, knee valgus (FPPA), "
            "knee over the second toe, pelvic drop and sideways trunk lean at the deepest point, plus timing. "
            "Film from the front or rear with the whole body in view; knee flexion needs a side view."
        ),
        kind="reps",
        cutoff_hz=6.0,
        metrics=METRICS,
        thresholds=THRESHOLDS,
        analyse=analyse,
        table_columns=(
            "depth_hip_drop_rel",
            "knee_valgus_fppa_deg",
            "knee_medial_offset_shank",
            "pelvic_drop_deg",
            "trunk_lateral_lean_deg",
            "eccentric_s",
            "knee_flexion_deg",
        ),
        rep_model=REP_MODEL,
        preferred_views=("front", "rear"),
        key_series=knee_series,
    )
)
