"""Hip thrust (shoulders on a bench): lockout, arch, shins, head, and a level pelvis on one leg.

Reps are counted on the hip angle, angle(shoulder, hip, knee), continued past 180° when the
hips rise above the shoulder-knee line (:func:`thrust_signal_deg`): larger means closer to
lockout, and the resting (bottom) position is the counter's baseline. Each rep's measured
top is the frame where that angle peaks; its time is ``top_s``.

Per rep, at the top:

- ``lockout_deficit_deg``: 180 minus angle(shoulder, hip, knee), positive when short of a
  straight line (side view);
- ``back_arch_deg``: how far the line goes past straight (side view);
- ``knee_angle_top_deg``: angle(hip, knee, ankle), about 90 with vertical shins (side view);
- ``head_trunk_deg``: how far the head turned against the trunk between rest before the
  rep and the top (head line shoulder -> ear against the trunk line), positive with the
  chin toward the chest (side view);
- ``pelvic_tilt_deg``: hip line against horizontal on screen (front or rear view).

A single-leg thrust is detected (one foot off the floor at the top) unless ``--single-leg``
or ``--double-leg`` says which; the working leg is the one whose foot stays down.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from hipform.config import ThresholdSpec
from hipform.exercises import frontal_validity as fv
from hipform.exercises import thrust_variant as tv
from hipform.exercises.base import (
    AnalysisOptions,
    Exercise,
    KeySeries,
    RepContext,
    RepModel,
    RepScore,
    grade,
    register_exercise,
)
from hipform.exercises.hinge_geometry import (
    CAMERA_UP_3D,
    IMAGE_UP_2D,
    angle_at_deg,
    elevation_deg,
    head_trunk_deg,
    midpoint,
    points,
    signed_hip_angle_deg,
    unit,
)
from hipform.exercises.repflow import analyse_reps, baseline_slice, resolve_view
from hipform.geometry import distance, nanmedian_safe
from hipform.landmarks import other_side
from hipform.measures import PROVISIONAL, Measure
from hipform.reps import CounterConfig, RepWindow
from hipform.results import ExerciseOutcome, Fault, Rep
from hipform.sequence import PoseSequence
from hipform.view import SIDE_VIEWS

NAME = "hip-thrust"
SIDES = ("left", "right")

COUNTER_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "rep_enter_frac", 0.35, "fraction of range",
        "a thrust starts when the hip angle has opened this share of the clip's range from the bottom", 0.05, 0.95,
    ),
    ThresholdSpec(
        "rep_exit_frac", 0.20, "fraction of range",
        "back at the bottom when within this share of the range from the resting angle", 0.0, 0.9,
    ),
    ThresholdSpec(
        "rep_depth_frac", 0.45, "fraction of range",
        "a thrust counts only if it reaches this share of the range (low, so that short lockouts still count)",
        0.05, 1.0,
    ),
    ThresholdSpec(
        "rep_min_depth_deg", 20.0, "deg", "a thrust counts only if the hip angle opens at least this much", 0.0, 180.0,
    ),
    ThresholdSpec("rep_min_duration_s", 0.5, "s", "shortest movement counted as a rep", 0.0, 10.0),
    ThresholdSpec("rep_max_duration_s", 15.0, "s", "longer excursions are not reps", 1.0, 120.0),
    ThresholdSpec("set_gap_s", 20.0, "s", "a pause longer than this between reps starts a new set", 1.0, 600.0),
)

THRUST_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "lockout_warn_deg", 10.0, "deg", "lockout deficit at the top that earns a warning (short of straight)",
        0.0, 90.0, "spec: full lockout within 10 deg of a straight shoulder-hip-knee line",
    ),
    ThresholdSpec("lockout_fault_deg", 20.0, "deg", "lockout deficit at the top that is a fault", 0.0, 90.0),
    ThresholdSpec(
        "back_arch_warn_deg", 10.0, "deg", "line past straight at the top that earns a warning", 0.0, 90.0,
        "provisional (spec)",
    ),
    ThresholdSpec("back_arch_fault_deg", 20.0, "deg", "line past straight at the top that is a fault", 0.0, 90.0),
    ThresholdSpec(
        "knee_top_min_deg", 80.0, "deg", "knee angle at the top below this: feet too close (shins slope back)",
        0.0, 180.0, "spec: shins vertical, knee 80-100 deg",
    ),
    ThresholdSpec(
        "knee_top_max_deg", 100.0, "deg", "knee angle at the top above this: feet too far out", 0.0, 180.0,
        "spec: shins vertical, knee 80-100 deg",
    ),
    ThresholdSpec(
        "head_warn_deg", 20.0, "deg", "head line off the trunk line by this much earns a warning", 0.0, 90.0,
    ),
    ThresholdSpec("head_fault_deg", 30.0, "deg", "head line off the trunk line by this much is a fault", 0.0, 90.0),
    ThresholdSpec(
        "pelvic_tilt_warn_deg", 5.0, "deg", "hip line off horizontal at the top that earns a warning", 0.0, 45.0,
        "spec",
    ),
    ThresholdSpec(
        "pelvic_tilt_fault_deg", 10.0, "deg", "hip line off horizontal at the top that is a fault", 0.0, 45.0
    ),
    ThresholdSpec(
        "top_band_deg", 2.0, "deg",
        "frames within this of the rep's largest hip angle make up the top (a held lockout is one top)", 0.0, 30.0,
    ),
    ThresholdSpec(
        "single_leg_min_lift_shank", 0.5, "shank lengths",
        "at the top, one foot this much higher than the other means a single-leg thrust", 0.0, 5.0,
    ),
)

THRESHOLDS = COUNTER_THRESHOLDS + THRUST_THRESHOLDS + tv.VARIANT_THRESHOLDS

THRUST_LINE = (("{s}_shoulder", "{s}_hip", "{s}_knee"),)

METRICS: tuple[Measure, ...] = (
    Measure(
        "lockout_deficit_deg", "deg",
        "180 - angle(shoulder, hip, knee) at the top; positive when short of a straight line, negative past it",
        "sagittal", "lockout",
        title="hip lockout shortfall",
        sign="+ = short of a straight shoulder-hip-knee line, - = past it (see back arch)",
        better="toward_zero",
        valid_when="side camera, at the top of the rep",
        smallest_real_change=5.0,
        change_source=PROVISIONAL,
        reference=(-10.0, 10.0),
        reference_source="spec: full lockout within 10° of a straight shoulder-hip-knee line",
        draw=THRUST_LINE,
        decimals=0,
        graded=True,
        live=True,
    ),
    Measure(
        "back_arch_deg", "deg", "how far the shoulder-hip-knee line goes past straight at the top (0 if not)",
        "sagittal", "arch",
        title="back arch at the top",
        sign="unsigned: 0 = not past straight",
        better="lower",
        valid_when="side camera, at the top of the rep",
        smallest_real_change=5.0,
        change_source=PROVISIONAL,
        reference=(0.0, 10.0),
        reference_source="provisional (spec: more than 10° past straight is lumbar extension)",
        draw=THRUST_LINE,
        decimals=0,
        graded=True,
        live=True,
    ),
    Measure(
        "knee_angle_top_deg", "deg", "angle(hip, knee, ankle) of the working leg at the top; ~90 = shins vertical",
        "sagittal", "knee angle",
        title="knee angle at the top",
        sign="inner angle: 90 = shins vertical, larger = feet further away",
        better="neither",
        valid_when="side camera, at the top of the rep",
        smallest_real_change=5.0,
        change_source="provisional: video vs marker sagittal knee angle RMSE ~5° (Van Hooren 2023)",
        reference=(80.0, 100.0),
        reference_source="spec: shins near vertical at the top",
        draw=(("{s}_hip", "{s}_knee", "{s}_ankle"),),
        decimals=0,
        graded=True,
    ),
    Measure(
        "head_trunk_deg", "deg",
        "how far the head turned against the trunk from rest before the rep to the top: angle between the "
        "trunk line (mid-hip to mid-shoulder) and the head line (mid-shoulder to mid-ear), top minus rest; "
        "positive = chin toward the chest, negative = head tipped back; 0 = head moved with the trunk",
        "sagittal", "head",
        title="head–trunk alignment",
        sign="+ = chin toward the chest, - = head tipped back; both directions are graded",
        better="toward_zero",
        valid_when="side camera; not judged when the head rests on the floor (glute bridge)",
        smallest_real_change=5.0,
        change_source=PROVISIONAL,
        reference_source="no published range: the cue is head moving with the trunk",
        draw=(("mid_hip", "mid_shoulder", "mid_ear"),),
        decimals=0,
        graded=True,
    ),
    Measure(
        "pelvic_tilt_deg", "deg",
        "hip line against horizontal on screen at the top; single-leg: positive when the free-leg side is lower; "
        "two legs: positive when the left side is lower",
        "frontal", "pelvis level",
        title="pelvis level at the top",
        sign="single-leg: + = free-leg side lower; two legs: + = left side lower; both directions are graded",
        better="toward_zero",
        valid_when="front or rear camera, at a detected lockout",
        smallest_real_change=4.0,
        change_source="provisional: 3D pelvic obliquity SD ~4° (Weeks 2015)",
        reference=(-5.0, 5.0),
        reference_source="spec: single-leg thrust pelvis level, warn > 5°",
        draw=(("left_hip", "right_hip"),),
        decimals=0,
        graded=True,
    ),
)

TABLE_COLUMNS = tuple(m.name for m in METRICS)


# ---------------------------------------------------------------------------------------
# signal, counter, side
# ---------------------------------------------------------------------------------------
def thrust_signal_deg(seq: PoseSequence) -> np.ndarray:
    """Per-frame hip angle in degrees, continued past 180 when the hips rise above the line.

    ``signed_hip_angle_deg(mid-shoulder, mid-hip, knee)`` for each knee, the larger of the
    two (a free leg tucked toward the chest does not pull it down). With world landmarks
    the points are first projected onto the body's sagittal plane (perpendicular to the
    hip line, so the knees' and shoulders' sideways offsets do not count) and the sign
    comes from the camera's up axis, so that a front camera can count thrusts too;
    otherwise the angle is taken on screen. Larger = closer to lockout; each value
    depends only on its own frame.

    Returns
    -------
    numpy.ndarray
        (T,) degrees; NaN where the landmarks are missing.
    """
    world = seq.world is not None
    up = CAMERA_UP_3D if world else IMAGE_UP_2D
    sh = midpoint(seq, "left_shoulder", "right_shoulder", world)
    hip = midpoint(seq, "left_hip", "right_hip", world)
    knees = [points(seq, f"{s}_knee", world) for s in SIDES]
    if world:
        lateral = unit(points(seq, "left_hip", True) - points(seq, "right_hip", True))

        def flat(p: np.ndarray) -> np.ndarray:
            rel = p - hip
            return hip + rel - np.sum(rel * lateral, axis=-1, keepdims=True) * lateral

        sh, knees = flat(sh), [flat(k) for k in knees]
    per_side = np.vstack([signed_hip_angle_deg(sh, hip, k, up) for k in knees])
    ok = np.isfinite(per_side)
    out = np.where(ok.any(axis=0), np.max(np.where(ok, per_side, -np.inf), axis=0), np.nan)
    if world:
        screen = thrust_signal_deg(seq.replace(world=None))
        out = np.where(np.isfinite(out), out, screen)
    return out


def counter_config(th: Mapping[str, float]) -> CounterConfig:
    """Rep counter settings from the thresholds."""
    return CounterConfig(
        enter_frac=th["rep_enter_frac"],
        top_frac=min(th["rep_exit_frac"], th["rep_enter_frac"]),
        depth_frac=max(th["rep_depth_frac"], th["rep_enter_frac"]),
        min_depth=th["rep_min_depth_deg"],
        min_duration_s=th["rep_min_duration_s"],
        max_duration_s=th["rep_max_duration_s"],
        range_prior=60.0,
    )


def top_frames(seq: PoseSequence, window: RepWindow, band_deg: float = 2.0) -> np.ndarray:
    """Frames of the measured top: first to last frame of the rep near the hip angle's peak.

    Frames within ``band_deg`` of the peak count. A lockout held for a moment is one top:
    its frames are all kept, and the rep's ``top_s`` is their middle.

    Returns
    -------
    numpy.ndarray
        Contiguous frame indices containing the peak.
    """
    i = seq.index_at(window.bottom_s)
    i0, i1 = seq.index_at(window.start_s), seq.index_at(window.end_s)
    sig = thrust_signal_deg(seq.take(slice(i0, i1 + 1)))
    peak = sig[i - i0]
    if not np.isfinite(peak):
        return np.array([i])
    with np.errstate(invalid="ignore"):
        near = i0 + np.flatnonzero(sig >= peak - band_deg)
    return np.arange(min(near.min(), i), max(near.max(), i) + 1)


def foot_lift_shank(seq: PoseSequence, i: int) -> float:
    """How much higher the left foot is than the right at frame ``i``, in shank lengths.

    Height on screen (the thrust is filmed with a level camera); positive when the left
    ankle is higher. NaN when an ankle or knee is missing.
    """
    ly, ry = seq.xy("left_ankle")[i, 1], seq.xy("right_ankle")[i, 1]
    shank = np.nanmean([distance(seq.xy(f"{s}_knee")[i], seq.xy(f"{s}_ankle")[i]) for s in SIDES])
    with np.errstate(invalid="ignore", divide="ignore"):
        return float((ry - ly) / shank)


def working_side(seq: PoseSequence, window: RepWindow, options: AnalysisOptions) -> str:
    """``"both"`` for a two-leg thrust, else the working leg (the foot that stays down).

    ``options.single_leg`` forces the choice; None detects it from the feet at the top.
    """
    if options.single_leg is False:
        return "both"
    lift = nanmedian_safe(np.array([foot_lift_shank(seq, j) for j in top_frames(seq, window)]))
    need = options.thresholds["single_leg_min_lift_shank"]
    if options.single_leg is None and not (np.isfinite(lift) and abs(lift) >= need):
        return "both"
    if not np.isfinite(lift) or lift == 0:
        return "both"
    return "right" if lift > 0 else "left"


def key_landmarks(side: str | None) -> tuple[str, ...]:
    """Landmarks a rep needs to be scorable: shoulders, hips and the working knee.

    For a two-leg thrust no knee is required by name: from the side the far knee is often
    hidden, and the near one alone gives the line (see :func:`mid_or_either`).
    """
    names = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
    return (*names, f"{side}_knee") if side in SIDES else names


# ---------------------------------------------------------------------------------------
# measures and faults
# ---------------------------------------------------------------------------------------
def mid_or_either(seq: PoseSequence, part: str) -> np.ndarray:
    """(T, 2) midpoint of the left and right landmark, or whichever one is seen.

    From the side the two project almost onto each other, and the far one is often hidden.
    """
    a, b = seq.xy(f"left_{part}"), seq.xy(f"right_{part}")
    both = np.stack([a, b])
    seen = np.isfinite(both).all(axis=-1, keepdims=True)
    n = seen.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.where(seen, both, 0.0).sum(axis=0) / n, np.nan)


def _leg_points(seq: PoseSequence, side: str | None, part: str) -> np.ndarray:
    if side in SIDES:
        return seq.xy(f"{side}_{part}")
    return mid_or_either(seq, part)


def lockout_deficit_track(seq: PoseSequence, side: str | None) -> np.ndarray:
    """Per-frame 180° minus the signed shoulder–hip–knee angle on screen (deg).

    Positive short of a straight line, negative past it; ``side`` picks the leg (None: the
    midpoint of both). ``lockout_deficit_deg`` is this value at the rep's top frame.
    """
    sh = mid_or_either(seq, "shoulder")
    hip = _leg_points(seq, side, "hip")
    knee = _leg_points(seq, side, "knee")
    return 180.0 - signed_hip_angle_deg(sh, hip, knee, IMAGE_UP_2D)


def key_series(seq: PoseSequence, options: AnalysisOptions) -> KeySeries | None:
    """Per-frame lockout deficit for plots and the annotated video; None without a side view."""
    view = resolve_view(seq, options)
    if view.view not in SIDE_VIEWS:
        return None
    th = options.thresholds
    return KeySeries(
        series={"lockout deficit": lockout_deficit_track(seq, None)},
        unit="deg",
        title="Hip thrust: lockout deficit (180° − shoulder–hip–knee)",
        thresholds={"warn": th["lockout_warn_deg"], "fault": th["lockout_fault_deg"]},
        metric="lockout_deficit_deg",
    )


def measure_top(seq: PoseSequence, i: int, side: str | None) -> dict[str, float | None]:
    """Every measure at the top frame ``i`` (on screen; view gating happens later)."""
    sh = mid_or_either(seq, "shoulder")[i]
    hip = _leg_points(seq, side, "hip")[i]
    knee = _leg_points(seq, side, "knee")[i]
    ankle = _leg_points(seq, side, "ankle")[i]
    ear = mid_or_either(seq, "ear")[i]
    deficit = float(lockout_deficit_track(seq.take(slice(i, i + 1)), side)[0])
    out: dict[str, float | None] = {
        "lockout_deficit_deg": deficit,
        "back_arch_deg": max(-deficit, 0.0) if np.isfinite(deficit) else float("nan"),
        "knee_angle_top_deg": float(angle_at_deg(hip, knee, ankle)),
        "head_trunk_deg": float(head_trunk_deg(mid_or_either(seq, "hip")[i], sh, ear, IMAGE_UP_2D)),
    }
    if side in SIDES:
        low, high = other_side(side), side  # free side lower = positive
    else:
        low, high = "left", "right"
    out["pelvic_tilt_deg"] = float(
        elevation_deg(seq.xy(f"{low}_hip")[i] - seq.xy(f"{high}_hip")[i], -IMAGE_UP_2D)
    )
    return {k: (float(v) if v is not None and np.isfinite(v) else None) for k, v in out.items()}


def head_angle_at_start(seq: PoseSequence, window: RepWindow) -> float:
    """Head-trunk angle (deg, on screen) at rest before a rep: where the hip angle is lowest.

    Looks at up to 1 s before the rep's start (and the start itself) and takes the frame
    with the smallest hip angle, the resting bottom position.
    """
    base = baseline_slice(seq, window, None, span_s=1.0)
    idx = np.arange(len(seq))[base]
    sig = thrust_signal_deg(seq.take(base))
    j = int(idx[np.nanargmin(sig)]) if np.isfinite(sig).any() else seq.index_at(window.start_s)
    hip, sh, ear = (mid_or_either(seq, p)[j] for p in ("hip", "shoulder", "ear"))
    return float(head_trunk_deg(hip, sh, ear, IMAGE_UP_2D))


def _fault(code: str, metric: str, sev: str | None, value: float, warn: float, fault: float, msg: str) -> Fault | None:
    if sev is None:
        return None
    return Fault(code, sev, float(value), float(fault if sev == "fault" else warn), msg, metric)  # type: ignore[arg-type]


def thrust_faults(
    values: Mapping[str, float | None], side: str | None, rep: int, th: Mapping[str, float]
) -> list[Fault]:
    """Faults of one rep from its measured values (pure)."""
    out: list[Fault | None] = []
    deficit = values.get("lockout_deficit_deg")
    if deficit is not None:
        w, f = th["lockout_warn_deg"], th["lockout_fault_deg"]
        out.append(_fault(
            "incomplete_lockout", "lockout_deficit_deg", grade(deficit, w, f), deficit, w, f,
            f"your hips stopped {deficit:.0f}° short of a straight shoulder-hip-knee line in rep {rep} — "
            "squeeze your glutes to finish the lift",
        ))
    arch = values.get("back_arch_deg")
    if arch is not None:
        w, f = th["back_arch_warn_deg"], th["back_arch_fault_deg"]
        out.append(_fault(
            "back_arch", "back_arch_deg", grade(arch, w, f), arch, w, f,
            f"your body line went {arch:.0f}° past straight in rep {rep} — that is your lower back arching, "
            "not your hips: tuck the ribs down and stop at a straight line",
        ))
    knee = values.get("knee_angle_top_deg")
    if knee is not None:
        lo, hi = th["knee_top_min_deg"], th["knee_top_max_deg"]
        if knee < lo or knee > hi:
            where = "too close to you" if knee < lo else "too far out"
            out.append(Fault(
                "shins_not_vertical", "warn", float(knee), float(lo if knee < lo else hi),
                f"your knee angle at the top was {knee:.0f}° in rep {rep} — feet {where}; place them so the "
                "shins are vertical at the top", "knee_angle_top_deg",
            ))
    head = values.get("head_trunk_deg")
    if head is not None:
        w, f = th["head_warn_deg"], th["head_fault_deg"]
        word = "tucked toward your chest" if head > 0 else "dropped back"
        out.append(_fault(
            "head_misaligned", "head_trunk_deg", grade(abs(head), w, f), head, w, f,
            f"your head {word} {abs(head):.0f}° off your trunk line in rep {rep} — keep your gaze forward, "
            "head moving with your trunk",
        ))
    tilt = values.get("pelvic_tilt_deg")
    if tilt is not None:
        w, f = th["pelvic_tilt_warn_deg"], th["pelvic_tilt_fault_deg"]
        if side in SIDES:
            low = other_side(side) if tilt >= 0 else side
        else:
            low = "left" if tilt >= 0 else "right"
        out.append(_fault(
            "pelvis_not_level", "pelvic_tilt_deg", grade(abs(tilt), w, f), tilt, w, f,
            f"your {low} hip sat {abs(tilt):.0f}° lower than the other at the top of rep {rep} — keep the pelvis "
            "level",
        ))
    return [x for x in out if x is not None]


def score_rep(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> RepScore:
    """Measures (medians over the top frames), faults and the top time of one rep (pure)."""
    return measure_rep(seq, window, ctx)[0]


def measure_rep(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> tuple[RepScore, dict[str, str]]:
    """:func:`score_rep` and the reasons for measures withheld on this rep.

    Head alignment is withheld in a floor glute bridge and pelvis level at a top that is
    not a lockout (:mod:`~hipform.exercises.thrust_variant`).
    """
    frames = top_frames(seq, window, ctx.thresholds["top_band_deg"])
    per_frame = [measure_top(seq, int(j), ctx.side) for j in frames]
    values: dict[str, float | None] = {}
    for name in per_frame[0]:
        v = nanmedian_safe(np.array([np.nan if d[name] is None else d[name] for d in per_frame], float))
        values[name] = v if np.isfinite(v) else None
    start_head = head_angle_at_start(seq, window)
    head = values["head_trunk_deg"]
    values["head_trunk_deg"] = head - start_head if head is not None and np.isfinite(start_head) else None
    i0, i1 = seq.index_at(window.start_s), seq.index_at(window.end_s)
    signal = np.full(len(seq), np.nan)
    signal[i0 : i1 + 1] = thrust_signal_deg(seq.take(slice(i0, i1 + 1)))
    reasons = tv.withhold(
        values, seq, np.arange(i0, i1 + 1), frames, ctx.view.view, ctx.side, signal, ctx.thresholds
    )
    score = RepScore(
        metrics=values,
        faults=thrust_faults(values, ctx.side, ctx.index, ctx.thresholds),
        events={"top_s": float(np.mean(seq.t[frames]))},
    )
    return score, reasons


def headline(reps: list[Rep]) -> dict:
    """Summary figures: single- or double-leg, mean lockout deficit."""
    deficits = [r.metrics["lockout_deficit_deg"] for r in reps if r.metrics.get("lockout_deficit_deg") is not None]
    sides = {r.side for r in reps}
    return {
        "single_leg": None if not reps else bool(sides - {"both", None}),
        "lockout_deficit_deg_mean": float(np.mean(deficits)) if deficits else None,  # type: ignore[arg-type]
    }


REP_MODEL = RepModel(
    signal=thrust_signal_deg,
    counter=counter_config,
    side=working_side,
    score=score_rep,
    key_landmarks=key_landmarks,
    headline=headline,
)


def analyse(seq: PoseSequence, options: AnalysisOptions) -> ExerciseOutcome:
    """Count and score hip-thrust reps (shared engine) and say whether it was single-leg.

    Measures withheld on some reps (floor bridge: head; no lockout: pelvis) are listed
    with the reason, in ``not_judged`` when no rep was judged on them.
    """
    record = fv.RepNotes()

    def score_noting(s: PoseSequence, w: RepWindow, ctx: RepContext) -> RepScore:
        score, reasons = measure_rep(s, w, ctx)
        record.add(ctx.index, reasons, [])
        return score

    exercise = dataclasses.replace(EXERCISE, rep_model=dataclasses.replace(REP_MODEL, score=score_noting))
    outcome = analyse_reps(exercise, seq, options)
    record.apply(outcome)
    sides = [r.side for r in outcome.reps]
    single = [s for s in sides if s in SIDES]
    if single:
        how = "set with --single-leg" if options.single_leg else "detected: one foot off the floor at the top"
        outcome.notes.append(f"single-leg hip thrust ({how}); working leg " + ", ".join(sorted(set(single))))
    if single and len(single) < len(sides):
        outcome.notes.append("some reps looked two-legged (both feet down at the top)")
    return outcome


EXERCISE = register_exercise(
    Exercise(
        name=NAME,
        title="Hip thrust",
        description=(
            "Shoulders on a bench, drive the hips up to a straight shoulder-hip-knee line. A side camera shows "
            "lockout, arch, shin angle and head; a front camera shows whether the pelvis stays level on one leg."
        ),
        kind="reps",
        cutoff_hz=6.0,
        metrics=METRICS,
        thresholds=THRESHOLDS,
        analyse=analyse,
        table_columns=TABLE_COLUMNS,
        rep_model=REP_MODEL,
        preferred_views=("side-left", "side-right", "front"),
        key_series=key_series,
    )
)
