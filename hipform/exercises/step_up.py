"""Forward step-up: rep counting, lead leg, knee valgus on the way up, knee drive, lowering.

One rep = step onto the box with the lead leg, drive up to standing on it (the other knee
lifting toward hip height), and lower back down under control. The rep signal is the
height of the hips in leg lengths; its standing level is the floor.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from hipform.config import ThresholdSpec
from hipform.exercises import frontal_knee as fk
from hipform.exercises.base import (
    AnalysisOptions,
    Exercise,
    RepContext,
    RepModel,
    RepScore,
    register_exercise,
)
from hipform.exercises.repflow import analyse_reps
from hipform.exercises.single_leg_squat import (
    PELVIC_DROP_NOTE,
    finite,
    knee_series,
    rep_indices,
    side_headline,
)
from hipform.landmarks import other_side
from hipform.measures import (
    DURATION,
    FPPA,
    KNEE_FLEXION,
    KNEE_OVER_TOE,
    LOWERING_TIME,
    PELVIC_DROP,
    PROVISIONAL,
    TRUNK_LEAN,
    Measure,
)
from hipform.reps import CounterConfig, RepWindow
from hipform.results import ExerciseOutcome, Fault, Rep
from hipform.sequence import PoseSequence

NAME = "step-up"

METRICS: tuple[Measure, ...] = (
    Measure(
        "hip_rise_rel",
        "leg lengths",
        "rise of the hip centre from standing on the floor to the top",
        "any",
        "rise",
        title="step height climbed (hip rise)",
        sign="unsigned: 0 = standing on the floor",
        better="neither",
        valid_when="any view with hips and feet in frame",
        smallest_real_change=0.05,
        change_source=PROVISIONAL,
        reference_source="no target range: the box height sets it",
        draw=(("mid_hip", "{s}_ankle"),),
        decimals=2,
    ),
    FPPA.where(
        description="frontal plane projection angle of the lead knee where it is most bent on the way up; "
        "+ = knee toward the midline (valgus), - = outward (varus)"
    ),
    KNEE_OVER_TOE.where(
        description="lead knee's horizontal offset from its toe tip (second toe) at the same moment; + = inside the toe"
    ),
    PELVIC_DROP.where(
        description="trailing-side hip drop at the top relative to standing; - = the trailing side hikes up",
        sign="+ = the trailing side drops, - = it hikes up",
    ),
    TRUNK_LEAN.where(
        description="sideways lean of mid-hip to mid-shoulder from vertical at the top; + = toward the lead leg",
        sign="+ = toward the lead leg, - = away; both directions are graded",
    ),
    Measure(
        "knee_drive_rel",
        "thigh lengths",
        "height of the trailing knee at the top: 0 = hanging straight down, 1 = level with the hip",
        "frontal",
        "knee drive",
        title="opposite knee drive",
        sign="0 = thigh hanging down, 1 = thigh level with the hip",
        better="higher",
        valid_when="front or rear camera",
        smallest_real_change=0.1,
        change_source=PROVISIONAL,
        reference=(1.0, math.inf),
        reference_source="the article's cue: drive the knee up to hip height",
        draw=(("{o}_hip", "{o}_knee"),),
        decimals=2,
    ),
    DURATION.where(description="time from leaving the floor level to being back at it"),
    LOWERING_TIME.where(description="lowering time: 95% to 5% of the way back down from the top", graded=True),
    KNEE_FLEXION.where(description="largest lead-knee flexion on the way up (side view)"),
)

THRESHOLDS: tuple[ThresholdSpec, ...] = (
    *fk.counter_thresholds(min_depth=0.08, min_duration=0.8),
    *fk.KNEE_THRESHOLDS,
    *fk.PELVIS_TRUNK_THRESHOLDS,
    *fk.LOWERING_THRESHOLDS,
    *fk.CAMERA_THRESHOLDS,
)


def counter(th: Mapping[str, float]) -> CounterConfig:
    """Rep counter settings from the thresholds."""
    return fk.counter_config(th)


def lead_side(seq: PoseSequence, window: RepWindow, options: AnalysisOptions) -> str | None:
    """The lead (working) leg: the foot up on the box while the other is still on the floor.

    Looks at the frames of the rep in the lower half of the climb (just after leaving
    the floor and just before landing back), where the trailing foot is on the floor
    and the lead foot on the box.
    """
    sig = fk.rise_signal(seq)
    i0, ib, i1 = rep_indices(seq, window)
    lo = max(i0 - int(round(0.5 * seq.fps)), 0)
    seg = sig[lo : i1 + 1]
    base = np.nanmin(seg) if np.isfinite(seg).any() else np.nan
    peak = sig[ib]
    idx = np.arange(lo, i1 + 1)
    if np.isfinite(base) and np.isfinite(peak) and peak > base:
        idx = idx[(seg - base) <= 0.5 * (peak - base)]
    trail = fk.stance_side(seq, idx, options.thresholds["stance_min_lift_rel"])
    return other_side(trail) if trail else None


def key_landmarks(side: str | None) -> tuple[str, ...]:
    """Both hips and the lead leg (both legs when the side is unknown)."""
    legs = (side,) if side in fk.SIDES else fk.SIDES
    return ("left_hip", "right_hip", *(f"{s}_{p}" for s in legs for p in ("knee", "ankle", "foot_index")))


def most_bent_frames(seq: PoseSequence, lead: str, i_from: int, i_to: int, tol: float = 0.02) -> np.ndarray:
    """Frames where the lead leg is most bent while its foot is on the box.

    The bend is measured as the hip-ankle distance over the leg length
    (:func:`~hipform.exercises.frontal_knee.leg_extension`); frames within ``tol`` of the
    smallest value are returned.
    """
    ratio = fk.leg_extension(seq, lead)
    lead_up = fk.foot_lowness(seq, other_side(lead)) - fk.foot_lowness(seq, lead)
    idx = np.arange(max(i_from, 0), i_to + 1)
    with np.errstate(invalid="ignore"):
        idx = idx[np.isfinite(ratio[idx]) & (lead_up[idx] > 0)]
    if idx.size == 0:
        return idx
    r = ratio[idx]
    return idx[r <= r.min() + tol]


def knee_drive_rel(seq: PoseSequence, trail: str, frames: np.ndarray, base: slice) -> float:
    """Trailing knee height at ``frames``: ``1 - (knee y - hip y) / standing thigh length``."""
    hip, knee = seq.xy(f"{trail}_hip"), seq.xy(f"{trail}_knee")
    thigh = fk.baseline_value(np.linalg.norm(knee - hip, axis=-1), base)
    if not (np.isfinite(thigh) and thigh > 0):
        return float("nan")
    return float(1.0 - fk.baseline_value(knee[:, 1] - hip[:, 1], frames) / thigh)


def step_metrics(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> dict[str, float | None]:
    """Metric values of one step-up rep."""
    lead = ctx.side
    sig = fk.rise_signal(seq)
    i0, ib, i1 = rep_indices(seq, window)
    base = ctx.baseline_slice
    top = fk.bottom_frames(sig, i0, ib, i1)
    level = fk.baseline_value(sig, base)
    leg = fk.leg_length_2d_baseline(seq, other_side(lead) if lead in fk.SIDES else None, base)
    hip_y = seq.mid("left_hip", "right_hip")[:, 1]
    rise = (fk.baseline_value(hip_y, base) - fk.baseline_value(hip_y, top)) / leg if leg > 0 else np.nan
    i_to = seq.index_at(window.end_s + 1.0)
    m: dict[str, float | None] = {
        "hip_rise_rel": rise,
        "duration_s": window.end_s - window.start_s,
        "eccentric_s": fk.return_time_s(seq.t, sig, ib, i_to, level),
    }
    names = (
        "knee_valgus_fppa_deg",
        "knee_medial_offset_shank",
        "pelvic_drop_deg",
        "trunk_lateral_lean_deg",
        "knee_drive_rel",
        "knee_flexion_deg",
    )
    m.update(dict.fromkeys(names))
    if lead in fk.SIDES:
        bent = most_bent_frames(seq, lead, base.start, ib)
        if bent.size:
            knee = fk.frontal_knee_at(seq, lead, bent, base)
            m["knee_valgus_fppa_deg"] = knee["fppa_deg"]
            m["knee_medial_offset_shank"] = knee["medial_offset_shank"]
            m["knee_flexion_deg"] = fk.knee_flexion_at(seq, lead, bent)
        m["pelvic_drop_deg"] = fk.pelvic_drop_at(seq, lead, top, base)
        m["trunk_lateral_lean_deg"] = fk.trunk_lean_at(seq, lead, top)
        m["knee_drive_rel"] = knee_drive_rel(seq, other_side(lead), top, base)
    return {k: finite(v) for k, v in m.items()}


def step_faults(m: Mapping[str, float | None], ctx: RepContext) -> list[Fault]:
    """Knee, pelvis, trunk and lowering-speed faults of one step-up rep."""
    lead, th, n = ctx.side, ctx.thresholds, ctx.index
    faults: list[Fault | None] = []
    if m.get("eccentric_s") is not None:
        faults.append(fk.fast_lowering_fault(m["eccentric_s"], n, th))
    if lead not in fk.SIDES:
        return fk.keep(*faults)
    if m.get("knee_valgus_fppa_deg") is not None:
        faults.append(fk.valgus_fault(m["knee_valgus_fppa_deg"], lead, n, th, when="on the way up"))
    if m.get("knee_medial_offset_shank") is not None:
        faults.append(fk.medial_toe_fault(m["knee_medial_offset_shank"], lead, n, th))
    if m.get("pelvic_drop_deg") is not None:
        faults.append(fk.pelvic_drop_fault(m["pelvic_drop_deg"], other_side(lead), n, th))
    if m.get("trunk_lateral_lean_deg") is not None:
        faults.append(
            fk.trunk_lean_fault(
                m["trunk_lateral_lean_deg"], n, th, f"toward your {lead} leg", f"away from your {lead} leg"
            )
        )
    return fk.keep(*faults)


def score(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> RepScore:
    """Metrics and faults of one step-up rep."""
    m = step_metrics(seq, window, ctx)
    return RepScore(metrics=m, faults=step_faults(m, ctx))


def headline(reps: list[Rep]) -> dict:
    """Per lead leg: scorable reps, mean/max valgus, knee drive and lowering time."""
    return side_headline(reps, ("knee_valgus_fppa_deg", "knee_drive_rel", "eccentric_s"))


def analyse(seq: PoseSequence, options: AnalysisOptions) -> ExerciseOutcome:
    """Whole-clip analysis through the shared rep engine, with notes on unclear sides and pelvic drop."""
    outcome = analyse_reps(EXERCISE, seq, options)
    fk.gate_camera_yaw(outcome, seq, EXERCISE, options.thresholds)
    outcome.headline = headline(outcome.reps)
    unclear = [r.index for r in outcome.reps if r.side is None]
    if unclear:
        outcome.notes.append(
            "lead leg unclear in rep(s) " + ", ".join(map(str, unclear)) + ": knee and pelvis not judged there; "
            "use --side to set it"
        )
    if any(r.metrics.get("pelvic_drop_deg") is not None for r in outcome.reps):
        outcome.notes.append(PELVIC_DROP_NOTE)
    return outcome


REP_MODEL = RepModel(
    signal=fk.rise_signal,
    counter=counter,
    side=lead_side,
    score=score,
    key_landmarks=key_landmarks,
    headline=headline,
)

EXERCISE = register_exercise(
    Exercise(
        name=NAME,
        title="Forward step-up",
        description=(
            "Counts step-ups and, per rep, finds the lead leg and measures its knee valgus (FPPA) and position over "
            "the second toe where it is most bent on the way up, pelvic drop, trunk lean and the other knee's drive "
            "at the top, and the lowering time. Film from the front or rear, camera level at hip height, with the "
            "box and the whole body in view."
        ),
        kind="reps",
        cutoff_hz=6.0,
        metrics=METRICS,
        thresholds=THRESHOLDS,
        analyse=analyse,
        table_columns=(
            "hip_rise_rel",
            "knee_valgus_fppa_deg",
            "knee_medial_offset_shank",
            "pelvic_drop_deg",
            "trunk_lateral_lean_deg",
            "knee_drive_rel",
            "eccentric_s",
            "knee_flexion_deg",
        ),
        rep_model=REP_MODEL,
        preferred_views=("front", "rear"),
        key_series=knee_series,
    )
)
