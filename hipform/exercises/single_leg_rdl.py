"""Single-leg Romanian deadlift: hinge depth, hips square, knee over the second toe, back.

Reps are counted on how far the trunk has tipped from upright
(:func:`~hipform.exercises.hinge_geometry.hinge_signal_deg`). The stance (working) leg of each
rep is the one whose foot stays put while the free foot swings back.

Per rep, at the deepest point of the hinge:

- ``trunk_angle_deg``: trunk (mid-hip -> mid-shoulder) from vertical. Side view: on
  screen. Other views: from the trunk's foreshortening against standing (level camera).
- ``pelvic_rotation_deg``: elevation of the stance-hip -> free-hip line above horizontal,
  relative to standing (the hips "opening"); world landmarks in any view, or the hip line
  on screen from a square front/rear view.
- ``knee_medial_offset_shank``: standing knee inside the toe tip (front/rear view).
- ``standing_knee_flexion_deg``: standing knee bend (side view).
- ``back_rounding_proxy_pct``: shoulder-hip distance lost against standing. A proxy:
  MediaPipe has no spine landmarks; a straight trunk swinging about the hips keeps its
  length, a rounding back brings the shoulders closer to the hips.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from hipform.cleaning import repair_left_right_swaps
from hipform.config import ThresholdSpec
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
from hipform.exercises.frontal_knee import KNEE_THRESHOLDS, knee_toe_offset_rel, medial_direction, medial_toe_fault
from hipform.exercises.hinge_geometry import (
    IMAGE_UP_2D,
    chord_shortening_pct,
    foot_travel_rel,
    has_world,
    hinge_signal_deg,
    hip_line_elevation_deg,
    line_yaw_deg,
    midpoint,
    points,
    standing_up_axis,
    trunk_angle_from_vertical,
    trunk_height_ratio,
    unit,
)
from hipform.exercises.repflow import analyse_reps, baseline_slice, resolve_view
from hipform.geometry import angle_at, distance, nanmedian_safe
from hipform.landmarks import landmark_index, other_side
from hipform.measures import KNEE_OVER_TOE, PROVISIONAL, Measure
from hipform.reps import CounterConfig, RepWindow
from hipform.results import ExerciseOutcome, Fault, NotJudged, Rep
from hipform.sequence import PoseSequence
from hipform.view import FRONTAL_VIEWS, SIDE_VIEWS

NAME = "single-leg-rdl"
SIDES = ("left", "right")

# ---------------------------------------------------------------------------------------
# thresholds
# ---------------------------------------------------------------------------------------
COUNTER_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "rep_enter_frac", 0.50, "fraction of range",
        "a hinge starts when the trunk has tipped this share of the clip's range", 0.05, 0.95,
    ),
    ThresholdSpec(
        "rep_exit_frac", 0.40, "fraction of range",
        "back at the top when within this share of the range from standing (people often finish "
        "a single-leg hinge by stepping out, not fully upright)", 0.0, 0.9,
    ),
    ThresholdSpec(
        "rep_depth_frac", 0.60, "fraction of range", "a hinge counts only if it reaches this share of the range",
        0.05, 1.0,
    ),
    ThresholdSpec(
        "rep_min_depth_deg", 15.0, "deg",
        "a hinge counts only if the trunk tips at least this far from its standing angle", 0.0, 90.0,
    ),
    ThresholdSpec("rep_min_duration_s", 0.6, "s", "shortest movement counted as a rep", 0.0, 10.0),
    ThresholdSpec("rep_max_duration_s", 15.0, "s", "longer excursions from standing are not reps", 1.0, 120.0),
    ThresholdSpec(
        "rep_live_range_deg", 30.0, "deg",
        "live mode: trunk tip expected before the first hinge has been seen (then learned from the reps)",
        5.0, 90.0,
    ),
    ThresholdSpec("set_gap_s", 20.0, "s", "a pause longer than this between reps starts a new set", 1.0, 600.0),
)

RDL_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "pelvic_rotation_warn_deg", 10.0, "deg", "hip line tilting (hips opening) more than this earns a warning",
        0.0, 60.0, "provisional (spec; 3D single-leg squat pelvic rotation 4-8 +- 4-6 deg, Weeks 2015)",
    ),
    ThresholdSpec(
        "pelvic_rotation_fault_deg", 15.0, "deg", "hip line tilting more than this is a fault", 0.0, 60.0,
        "provisional (spec)",
    ),
    ThresholdSpec(
        "shallow_hinge_warn_deg", 60.0, "deg", "a trunk angle at the bottom below this earns a warning",
        0.0, 90.0, "provisional (spec)",
    ),
    ThresholdSpec(
        "shallow_hinge_fault_deg", 40.0, "deg", "a trunk angle at the bottom below this is a fault", 0.0, 90.0,
    ),
    ThresholdSpec(
        "locked_knee_warn_deg", 10.0, "deg", "standing knee bent less than this at the bottom earns a warning",
        0.0, 45.0,
    ),
    ThresholdSpec(
        "locked_knee_fault_deg", 5.0, "deg", "standing knee bent less than this at the bottom is a fault (locked)",
        0.0, 45.0,
    ),
    ThresholdSpec(
        "back_rounding_warn_pct", 12.0, "%",
        "shoulder-hip distance lost at the bottom (rounding proxy) that earns a warning", 0.0, 100.0,
        "provisional: views of one real rep spread 0-10%; a 100-deg spinal curve shortens it ~12%",
    ),
    ThresholdSpec(
        "back_rounding_fault_pct", 20.0, "%", "shoulder-hip distance lost at the bottom that is a fault", 0.0, 100.0,
    ),
    ThresholdSpec(
        "stance_min_travel_rel", 0.10, "leg lengths",
        "the free foot must travel this much further than the standing foot to tell the working side", 0.0, 2.0,
    ),
    ThresholdSpec(
        "max_camera_yaw_deg", 15.0, "deg",
        "the on-screen knee-over-toe measure needs the camera within this angle of a square front or rear view",
        0.0, 90.0,
    ),
    ThresholdSpec(
        "free_side_min_visibility", 0.5, "0..1",
        "below this visibility of the free knee and ankle at the bottom, the free side is hidden behind the "
        "body and the hip line is not judged", 0.0, 1.0,
    ),
)

THRESHOLDS: tuple[ThresholdSpec, ...] = COUNTER_THRESHOLDS + RDL_THRESHOLDS + tuple(
    s for s in KNEE_THRESHOLDS if s.name.startswith("knee_medial")
)

METRICS: tuple[Measure, ...] = (
    Measure(
        "trunk_angle_deg", "deg",
        "hinge depth: trunk (mid-hip to mid-shoulder) from vertical at the bottom; 0 upright, 90 horizontal. "
        "On screen from a side view, else from the trunk's foreshortening against standing (level camera)",
        "any", "hinge",
        title="hinge depth (trunk angle)",
        sign="0 = upright, 90 = trunk horizontal",
        better="higher",
        valid_when="side view on screen; other views from foreshortening with a level camera (raised cameras bias it)",
        smallest_real_change=5.0,
        change_source=PROVISIONAL,
        reference=(60.0, math.inf),
        reference_source="provisional (spec: warn below 60°)",
        draw=(("mid_shoulder", "mid_hip"),),
        decimals=0,
        graded=True,
        live=True,
    ),
    Measure(
        "pelvic_rotation_deg", "deg",
        "tilt of the stance-hip to free-hip line above horizontal at the bottom, minus standing; positive when "
        "the free-leg hip rises (hips opening). World landmarks, or on screen from a square front/rear view",
        "any", "hips square",
        title="pelvic rotation (hips opening)",
        sign="+ = the free-leg hip rises (hips open), - = it sinks; both directions are graded",
        better="toward_zero",
        valid_when="world landmarks of both hips at the bottom, or a square front/rear view",
        smallest_real_change=5.0,
        change_source="provisional: 3D pelvic rotation SD 4-6° (Weeks 2015)",
        reference=(-10.0, 10.0),
        reference_source="provisional (spec: warn > 10°; 3D single-leg squat rotation 4-8 ± 4-6°, Weeks 2015)",
        draw=(("left_hip", "right_hip"),),
        decimals=0,
        graded=True,
        live=True,
    ),
    KNEE_OVER_TOE.where(
        description="standing knee's horizontal offset from the toe tip at the bottom, positive toward the midline"
    ),
    Measure(
        "standing_knee_flexion_deg", "deg", "standing knee flexion 180 - angle(hip, knee, ankle) at the bottom",
        "sagittal", "standing knee",
        title="standing knee bend",
        sign="0 = knee locked straight, + = bent",
        better="neither",
        valid_when="side camera",
        smallest_real_change=5.0,
        change_source="provisional: video vs marker sagittal knee angle RMSE ~5° (Van Hooren 2023)",
        reference_source="the spec's cue: slightly bent, not locked (no published range)",
        draw=(("{s}_hip", "{s}_knee", "{s}_ankle"),),
        decimals=0,
        graded=True,
    ),
    Measure(
        "back_rounding_proxy_pct", "%",
        "PROXY (no spine landmarks): shoulder-hip distance lost at the bottom against standing; a straight "
        "trunk keeps it, a rounding back shortens it. On screen from a side view, else world landmarks",
        "any", "back proxy",
        title="back rounding (proxy)",
        sign="+ = shoulder-hip distance lost (rounding), - = lengthened",
        better="lower",
        valid_when="a proxy: MediaPipe has no spine landmarks; side view on screen, else world landmarks",
        smallest_real_change=5.0,
        change_source=PROVISIONAL,
        reference_source="no published range for this proxy",
        draw=(("mid_shoulder", "mid_hip"),),
        decimals=0,
        graded=True,
    ),
)

TABLE_COLUMNS = tuple(m.name for m in METRICS)

PROXY_NOTE = (
    "back_rounding_proxy_pct is a proxy, not a spine measure: MediaPipe has no spine landmarks, so it only "
    "says how much closer the shoulders came to the hips than when standing"
)


# ---------------------------------------------------------------------------------------
# rep signal, counter, side
# ---------------------------------------------------------------------------------------
def rep_signal(seq: PoseSequence) -> np.ndarray:
    """The hinge signal in degrees (see :func:`~hipform.exercises.hinge_geometry.hinge_signal_deg`)."""
    return hinge_signal_deg(seq)


def counter_config(th: Mapping[str, float]) -> CounterConfig:
    """Rep counter settings from the thresholds."""
    return CounterConfig(
        enter_frac=th["rep_enter_frac"],
        top_frac=min(th["rep_exit_frac"], th["rep_enter_frac"]),
        depth_frac=max(th["rep_depth_frac"], th["rep_enter_frac"]),
        min_depth=th["rep_min_depth_deg"],
        min_duration_s=th["rep_min_duration_s"],
        max_duration_s=th["rep_max_duration_s"],
        range_prior=th["rep_live_range_deg"],
    )


def _rep_frames(seq: PoseSequence, window: RepWindow) -> np.ndarray:
    return (seq.t >= window.start_s) & (seq.t <= window.end_s)


def standing_leg_px(seq: PoseSequence, frames: slice | np.ndarray) -> float:
    """Median over some frames of the longer hip-ankle distance on screen (pixels)."""
    legs = np.vstack([distance(seq.xy(f"{s}_hip"), seq.xy(f"{s}_ankle")) for s in SIDES])
    seen = np.isfinite(legs).any(axis=0)
    longer = np.where(seen, np.max(np.where(np.isfinite(legs), legs, -np.inf), axis=0), np.nan)
    return nanmedian_safe(longer[frames])


def stance_side(seq: PoseSequence, window: RepWindow, options: AnalysisOptions) -> str | None:
    """The standing leg of one rep: the foot that stayed where it stood while the other swung.

    Works on the unsmoothed landmarks when the pipeline provides them (smoothing blurs
    label swaps into in-between positions). Pose models sometimes swap the leg labels for
    part of a rep in oblique views; the legs are therefore also tried with swaps undone by
    track continuity (:func:`~hipform.cleaning.repair_left_right_swaps`; the feet of a
    single-leg hinge never pass each other), and the reading that tells the feet apart
    more clearly wins.

    Returns ``"left"``/``"right"``, or None when both feet travelled about as far.
    """
    th = options.thresholds
    raw = options.unfiltered if options.unfiltered is not None else seq
    base = baseline_slice(raw, window, None, span_s=0.5)
    raw = raw.take(slice(base.start, int(np.searchsorted(raw.t, window.end_s, side="right"))))
    base = slice(0, base.stop - base.start)
    frames = _rep_frames(raw, window)
    ref = np.arange(len(raw))[base]
    best: tuple[float, str] | None = None
    for variant in (raw, repair_left_right_swaps(raw)[0]):
        leg = standing_leg_px(variant, base)
        travel = {s: foot_travel_rel(variant, s, frames, ref, leg) for s in SIDES}
        if not all(np.isfinite(v) for v in travel.values()):
            continue
        margin = abs(travel["left"] - travel["right"])
        side = "left" if travel["left"] < travel["right"] else "right"
        if best is None or margin > best[0]:
            best = (margin, side)
    if best is None or best[0] < th["stance_min_travel_rel"]:
        return None
    return best[1]


def key_landmarks(side: str | None) -> tuple[str, ...]:
    """Landmarks a rep needs to be scorable."""
    names = ["left_shoulder", "right_shoulder", "left_hip", "right_hip"]
    if side in SIDES:
        names += [f"{side}_knee", f"{side}_ankle"]
    return tuple(names)


# ---------------------------------------------------------------------------------------
# measures of one rep
# ---------------------------------------------------------------------------------------
@dataclass
class RepMeasures:
    """Values measured on one rep and, for those left out, why."""

    values: dict[str, float | None] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    events: dict[str, float] = field(default_factory=dict)
    camera_yaw_deg: float = float("nan")

    def set(self, name: str, value: float | None, reason: str | None = None) -> None:
        """Record a value, or None with the reason it was not judged."""
        if value is None or not np.isfinite(value):
            self.values[name] = None
            self.reasons[name] = reason or "landmarks missing at the bottom of the rep"
        else:
            self.values[name] = float(value)


def camera_yaw_deg(seq: PoseSequence, frames: slice | np.ndarray) -> float:
    """How far the camera is turned off a square front/rear view (deg), from world landmarks.

    Median over ``frames`` of the angle between the shoulder and hip lines and the image
    plane; NaN without world landmarks.
    """
    if not has_world(seq):
        return float("nan")
    yaw_sh = line_yaw_deg(points(seq, "left_shoulder", True), points(seq, "right_shoulder", True))
    yaw_hip = line_yaw_deg(points(seq, "left_hip", True), points(seq, "right_hip", True))
    return nanmedian_safe(0.5 * (yaw_sh + yaw_hip)[frames])


def measure_trunk(seq: PoseSequence, i: int, base: slice | np.ndarray, view: str, m: RepMeasures) -> None:
    """``trunk_angle_deg`` and ``back_rounding_proxy_pct`` at frame ``i``."""
    track = trunk_angle_track(seq, base, view)
    m.set(
        "trunk_angle_deg", None if track is None else float(track[i]),
        "no standing frames with shoulders, hips and ankles before the rep",
    )
    world = view not in SIDE_VIEWS
    if world and not has_world(seq):
        m.set(
            "back_rounding_proxy_pct", None,
            f"needs a side view or world landmarks; the camera shows {view} and the data has no world landmarks",
        )
        return
    length = np.linalg.norm(
        midpoint(seq, "left_shoulder", "right_shoulder", world) - midpoint(seq, "left_hip", "right_hip", world), axis=-1
    )
    standing = nanmedian_safe(length[base])
    m.set("back_rounding_proxy_pct", float(chord_shortening_pct(length[i], standing)), "no standing trunk length")


def labels_flip(seq: PoseSequence, frames: np.ndarray, base: slice | np.ndarray, world: bool) -> bool:
    """True when the hip line turns more than 90° from standing within the frames.

    That happens when the pose model swaps the person's left and right (mistaking front
    for back) partway through the rep.
    """
    line = unit(points(seq, "right_hip", world) - points(seq, "left_hip", world))
    ref = unit(np.nanmean(line[base], axis=0))
    with np.errstate(invalid="ignore"):
        dots = np.sum(line[frames] * ref, axis=-1)
    return bool(np.any(dots < 0))


def measure_pelvis(
    seq: PoseSequence, i: int, base: slice | np.ndarray, stance: str | None, view: str, th: Mapping[str, float],
    m: RepMeasures,
) -> None:
    """``pelvic_rotation_deg`` at frame ``i`` (free hip up = positive), relative to standing."""
    name = "pelvic_rotation_deg"
    if stance not in SIDES:
        m.set(name, None, "working side unknown (both feet moved alike)")
        return
    free = other_side(stance)
    world = has_world(seq)
    if not world and view not in FRONTAL_VIEWS:
        m.set(name, None, f"needs world landmarks or a front/rear view; the camera shows {view}")
        return
    vis = seq.visibility[:, [landmark_index(f"{free}_knee"), landmark_index(f"{free}_ankle")]]
    near = slice(max(i - int(0.15 * seq.fps), 0), i + int(0.15 * seq.fps) + 1)
    free_vis = nanmedian_safe(vis[near].ravel())
    if free_vis < th["free_side_min_visibility"]:
        m.set(name, None, f"the {free} (free) leg is hidden behind the body at the bottom (visibility {free_vis:.2f})")
        return
    up = standing_up_axis(seq, base) if world else IMAGE_UP_2D
    elev = hip_line_elevation_deg(points(seq, f"{stance}_hip", world), points(seq, f"{free}_hip", world), up)
    elev0 = nanmedian_safe(elev[base])
    bottom = nanmedian_safe(elev[near])  # median over +-0.15 s: one noisy frame does not decide
    if world and not np.isfinite(bottom) and np.isfinite(seq.mid("left_hip", "right_hip")[near]).any():
        # image hips seen, world hips not: the flip repair dropped the model's depth there
        m.set(
            name, None,
            "the pose model flipped the person's left and right (front/back confusion) at the bottom of the "
            "rep; the labels were put back but its depth for those frames is not trusted",
        )
        return
    m.set(name, bottom - elev0 if np.isfinite(elev0) else None, "no standing frames before the rep")


def measure_knee(
    seq: PoseSequence, i: int, base: slice | np.ndarray, stance: str | None, view: str, m: RepMeasures
) -> None:
    """``knee_medial_offset_shank`` and ``standing_knee_flexion_deg`` of the standing knee."""
    if stance not in SIDES:
        m.set("knee_medial_offset_shank", None, "working side unknown (both feet moved alike)")
        m.set("standing_knee_flexion_deg", None, "working side unknown (both feet moved alike)")
        return
    if view in FRONTAL_VIEWS:
        m.set("knee_medial_offset_shank", knee_offset_at(seq, stance, i, base))
    flex = 180.0 - angle_at(seq.xy(f"{stance}_hip")[i], seq.xy(f"{stance}_knee")[i], seq.xy(f"{stance}_ankle")[i])
    m.set("standing_knee_flexion_deg", float(flex))


def trunk_angle_track(seq: PoseSequence, base: slice | np.ndarray, view: str) -> np.ndarray | None:
    """Per-frame trunk angle from vertical (deg) as ``trunk_angle_deg`` measures it, or None.

    Side view: the trunk's angle from the image vertical. Front, rear and oblique views:
    from the trunk's foreshortening, ``arccos(ratio / standing ratio)`` where ratio is
    :func:`~hipform.exercises.hinge_geometry.trunk_height_ratio` (trunk height over
    stance-leg height, both vertical on screen) and the standing ratio is its median over
    ``base``. A level camera is assumed: a raised camera biases it by 10-20° (pose2sim clips,
    synthetic raised views). MediaPipe's world depth was not used: on a rendered
    front view with known angles it read a 64-67° hinge as 31-35°.
    """
    if view in SIDE_VIEWS:
        return trunk_angle_from_vertical(
            midpoint(seq, "left_hip", "right_hip", False), midpoint(seq, "left_shoulder", "right_shoulder", False),
            IMAGE_UP_2D,
        )
    ratio = trunk_height_ratio(seq)
    standing = nanmedian_safe(ratio[base])
    if not np.isfinite(standing) or standing <= 0:
        return None
    return np.degrees(np.arccos(np.clip(ratio / standing, -1.0, 1.0)))


def key_series(seq: PoseSequence, options: AnalysisOptions) -> KeySeries | None:
    """Per-frame trunk angle from vertical (the hinge) for plots and the annotated video.

    Standing frames for the front-view foreshortening are those whose rep signal is in the
    lowest fifth of the clip. None when the trunk cannot be measured.
    """
    view = resolve_view(seq, options)
    signal = rep_signal(seq)
    ok = np.isfinite(signal)
    if not ok.any():
        return None
    base = np.flatnonzero(ok & (signal <= np.nanpercentile(signal, 20)))
    track = trunk_angle_track(seq, base, view.view)
    if track is None:
        return None
    th = options.thresholds
    return KeySeries(
        series={"trunk angle": track},
        unit="deg",
        title="Hinge: trunk angle from vertical",
        thresholds={
            "shallow (warn below)": th["shallow_hinge_warn_deg"],
            "shallow (fault below)": th["shallow_hinge_fault_deg"],
        },
        metric="trunk_angle_deg",
    )


def deepest_frame(seq: PoseSequence, window: RepWindow, base: slice | np.ndarray, view: str) -> int:
    """Frame of the largest trunk angle within the rep (the signal's peak when unmeasurable)."""
    frames = np.flatnonzero(_rep_frames(seq, window))
    track = trunk_angle_track(seq, base, view)
    if track is None or not frames.size or not np.isfinite(track[frames]).any():
        return seq.index_at(window.bottom_s)
    return int(frames[np.nanargmax(track[frames])])


def standing_frames(seq: PoseSequence, window: RepWindow, base: slice, tolerance: float = 0.003) -> np.ndarray:
    """Indices of the most upright frames before a rep, for standing baselines.

    The rep counter's baseline window can reach into the start of the hinge (a rep starts
    when the trunk leaves the top band). With world landmarks, keep the frames in which
    the body is tallest (mid-ankle to mid-shoulder distance within ``tolerance`` of its
    largest value, or within three times its frame-to-frame jitter when the landmarks are
    noisier than that): hinging shortens it whatever the camera angle. Without them, keep the
    frames whose hinge signal is within 15% of the rep's excursion from its lowest value.

    Returns
    -------
    numpy.ndarray
        Frame indices (all of ``base`` when the landmarks are missing there).
    """
    idx = np.arange(len(seq))[base]
    if has_world(seq):
        tall = np.linalg.norm(
            midpoint(seq, "left_shoulder", "right_shoulder", True) - midpoint(seq, "left_ankle", "right_ankle", True),
            axis=-1,
        )[idx]
        if np.isfinite(tall).any():
            # widen the band to the frame-to-frame jitter of the length (noisy landmarks)
            steps = np.diff(tall[np.isfinite(tall)])
            jitter = float(np.median(np.abs(steps))) / 0.6745 if steps.size else 0.0
            top = np.nanmax(tall)
            keep = idx[tall >= top - max(tolerance * top, 3.0 * jitter)]
            return keep if keep.size >= 3 else idx[np.argsort(-np.nan_to_num(tall, nan=-1.0))[:3]]
        return idx
    sig = hinge_signal_deg(seq)
    finite = sig[idx][np.isfinite(sig[idx])]
    peak = sig[seq.index_at(window.bottom_s)]
    if not finite.size or not np.isfinite(peak) or peak <= finite.min():
        return idx
    lo = float(finite.min())
    keep = idx[sig[idx] <= lo + 0.15 * (peak - lo)]
    return keep if keep.size else idx


def knee_offset_at(seq: PoseSequence, side: str, i: int, base: slice | np.ndarray) -> float:
    """Knee-over-second-toe offset of one knee at frame ``i`` (shank lengths, + toward the midline).

    The shank length is the standing one (median over ``base``), so knee flexion does not
    inflate the ratio.
    """
    hip, knee, ankle, toe = (seq.xy(f"{side}_{p}") for p in ("hip", "knee", "ankle", "foot_index"))
    medial = medial_direction(hip[i, 0], seq.mid("left_hip", "right_hip")[i, 0])
    shank = nanmedian_safe(distance(knee, ankle)[base])
    if not np.isfinite(shank):
        shank = float(distance(knee[i], ankle[i]))
    return float(knee_toe_offset_rel(knee[i, 0], toe[i, 0], medial, shank))


def measure_rep(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> RepMeasures:
    """Every measure of one rep at its deepest point, with reasons for those left out."""
    m = RepMeasures()
    base = standing_frames(seq, window, ctx.baseline_slice)
    view = ctx.view.view
    i = deepest_frame(seq, window, base, view)
    m.events["deepest_s"] = float(seq.t[i])
    frames = _rep_frames(seq, window)
    measure_trunk(seq, i, base, view, m)
    m.camera_yaw_deg = camera_yaw_deg(seq, base)
    side = ctx.side
    world = has_world(seq)
    if side in SIDES and (world or view in FRONTAL_VIEWS) and labels_flip(seq, frames, base, world):
        why = "the pose model swapped the person's left and right during the rep (front/back confusion)"
        for name in ("pelvic_rotation_deg", "knee_medial_offset_shank", "standing_knee_flexion_deg"):
            m.set(name, None, why)
        return m
    measure_pelvis(seq, i, base, side, view, ctx.thresholds, m)
    measure_knee(seq, i, base, side, view, m)
    yaw = m.camera_yaw_deg
    max_yaw = ctx.thresholds["max_camera_yaw_deg"]
    if view in FRONTAL_VIEWS and np.isfinite(yaw) and yaw > max_yaw:
        m.set(
            "knee_medial_offset_shank", None,
            f"the camera looks {yaw:.0f}° off a square {view} view (limit {max_yaw:.0f}°): on screen the knee "
            "and toe shift against each other with the angle",
        )
    return m


# ---------------------------------------------------------------------------------------
# faults
# ---------------------------------------------------------------------------------------
def _fault(code: str, metric: str, sev: str | None, value: float, threshold: float, msg: str) -> Fault | None:
    return None if sev is None else Fault(code, sev, float(value), float(threshold), msg, metric)  # type: ignore[arg-type]


def pelvic_rotation_fault(value: float | None, free: str, rep: int, th: Mapping[str, float]) -> Fault | None:
    """``pelvic_rotation`` when the hip line tilts (either way) past the thresholds."""
    if value is None:
        return None
    warn, fault = th["pelvic_rotation_warn_deg"], th["pelvic_rotation_fault_deg"]
    sev = grade(abs(value), warn, fault)
    word = "opened (rose)" if value >= 0 else "dropped"
    msg = (
        f"your {free} hip {word} {abs(value):.0f}° at the bottom of rep {rep} — keep both hips level, "
        "pointing at the floor"
    )
    return _fault("pelvic_rotation", "pelvic_rotation_deg", sev, value, fault if sev == "fault" else warn, msg)


def shallow_hinge_fault(value: float | None, rep: int, th: Mapping[str, float]) -> Fault | None:
    """``shallow_hinge`` when the trunk angle at the bottom is below the thresholds."""
    if value is None:
        return None
    warn, fault = th["shallow_hinge_warn_deg"], th["shallow_hinge_fault_deg"]
    sev = grade(-value, -warn, -fault)
    msg = f"you hinged to {value:.0f}° in rep {rep} — tip further forward from the hips, toward horizontal"
    return _fault("shallow_hinge", "trunk_angle_deg", sev, value, fault if sev == "fault" else warn, msg)


def locked_knee_fault(value: float | None, side: str, rep: int, th: Mapping[str, float]) -> Fault | None:
    """``locked_knee`` when the standing knee is (nearly) straight at the bottom."""
    if value is None:
        return None
    warn, fault = th["locked_knee_warn_deg"], th["locked_knee_fault_deg"]
    sev = grade(-value, -warn, -fault)
    msg = f"your {side} knee was almost straight ({value:.0f}°) in rep {rep} — keep a soft bend in the standing knee"
    return _fault("locked_knee", "standing_knee_flexion_deg", sev, value, fault if sev == "fault" else warn, msg)


def back_rounding_fault(value: float | None, rep: int, th: Mapping[str, float]) -> Fault | None:
    """``back_rounding_proxy`` when the shoulders came much closer to the hips than standing."""
    if value is None:
        return None
    warn, fault = th["back_rounding_warn_pct"], th["back_rounding_fault_pct"]
    sev = grade(value, warn, fault)
    msg = (
        f"your shoulders came {value:.0f}% closer to your hips in rep {rep}, which suggests a rounding back "
        "(a proxy: there are no spine landmarks) — keep your back long, chest forward"
    )
    return _fault("back_rounding_proxy", "back_rounding_proxy_pct", sev, value, fault if sev == "fault" else warn, msg)


def rep_faults(values: Mapping[str, float | None], side: str | None, rep: int, th: Mapping[str, float]) -> list[Fault]:
    """Every fault of one rep from its measured values."""
    out: list[Fault | None] = [
        shallow_hinge_fault(values.get("trunk_angle_deg"), rep, th),
        back_rounding_fault(values.get("back_rounding_proxy_pct"), rep, th),
    ]
    if side in SIDES:
        out.append(pelvic_rotation_fault(values.get("pelvic_rotation_deg"), other_side(side), rep, th))
        out.append(locked_knee_fault(values.get("standing_knee_flexion_deg"), side, rep, th))
        offset = values.get("knee_medial_offset_shank")
        if offset is not None:
            out.append(medial_toe_fault(offset, side, rep, th))
    return [f for f in out if f is not None]


def score_rep(seq: PoseSequence, window: RepWindow, ctx: RepContext) -> RepScore:
    """Measures and faults of one rep (pure)."""
    m = measure_rep(seq, window, ctx)
    return RepScore(dict(m.values), rep_faults(m.values, ctx.side, ctx.index, ctx.thresholds), dict(m.events))


def headline(reps: list[Rep]) -> dict:
    """Summary figures: reps per side, mean hinge depth, largest hip opening."""
    def vals(name: str) -> list[float]:
        return [r.metrics[name] for r in reps if r.metrics.get(name) is not None]  # type: ignore[misc]

    trunk = vals("trunk_angle_deg")
    pelvis = vals("pelvic_rotation_deg")
    return {
        "trunk_angle_deg_mean": float(np.mean(trunk)) if trunk else None,
        "pelvic_rotation_deg_max_abs": float(np.max(np.abs(pelvis))) if pelvis else None,
    }


REP_MODEL = RepModel(
    signal=rep_signal,
    counter=counter_config,
    side=stance_side,
    score=score_rep,
    key_landmarks=key_landmarks,
    headline=headline,
)


# ---------------------------------------------------------------------------------------
# whole clip
# ---------------------------------------------------------------------------------------
def analyse(seq: PoseSequence, options: AnalysisOptions) -> ExerciseOutcome:
    """Count and score single-leg RDL reps; say which measures could not be judged and why.

    The shared engine (:func:`~hipform.exercises.repflow.analyse_reps`) counts, sides,
    groups and gates by view; this wrapper collects the per-rep reasons for measures left
    out (labels swapped, free leg hidden, camera off square, no world landmarks) and
    lists a measure in ``not_judged`` when no rep could be judged on it.
    """
    reasons: dict[int, dict[str, str]] = {}
    yaws: list[float] = []

    def score(s: PoseSequence, w: RepWindow, ctx: RepContext) -> RepScore:
        m = measure_rep(s, w, ctx)
        reasons[ctx.index] = dict(m.reasons)
        yaws.append(m.camera_yaw_deg)
        return RepScore(dict(m.values), rep_faults(m.values, ctx.side, ctx.index, ctx.thresholds), dict(m.events))

    exercise = dataclasses.replace(EXERCISE, rep_model=dataclasses.replace(REP_MODEL, score=score))
    outcome = analyse_reps(exercise, seq, options)
    add_reasons(outcome, reasons)
    yaw = nanmedian_safe(np.array(yaws, float))
    if outcome.view in FRONTAL_VIEWS and np.isfinite(yaw):
        outcome.camera_yaw_deg = float(yaw)
        outcome.notes.append(
            f"camera about {yaw:.0f}° off the {outcome.view} axis (world hip and shoulder lines, standing before "
            "each rep; an estimate from MediaPipe's depth)"
        )
    if outcome.reps:
        outcome.notes.append(PROXY_NOTE)
    unknown = [r.index for r in outcome.reps if r.side is None]
    if unknown:
        outcome.notes.append(
            "working side not recognised in rep(s) " + ", ".join(map(str, unknown))
            + ": both feet moved about as much (use --side to set it)"
        )
    return outcome


def add_reasons(outcome: ExerciseOutcome, reasons: Mapping[int, Mapping[str, str]]) -> None:
    """Turn per-rep reasons into ``not_judged`` entries (no rep judged) or notes (some reps)."""
    gated = {n.metric for n in outcome.not_judged}
    scored = [r for r in outcome.reps if r.scorable]
    for metric in TABLE_COLUMNS:
        if metric in gated or not scored:
            continue
        missing = [r for r in scored if r.metrics.get(metric) is None]
        if not missing:
            continue
        why = reasons.get(missing[0].index, {}).get(metric, "not measurable")
        if len(missing) == len(scored):
            outcome.not_judged.append(NotJudged(metric, why))
        else:
            idx = ", ".join(str(r.index) for r in missing)
            outcome.notes.append(f"{metric} not judged in rep(s) {idx}: {why}")


EXERCISE = register_exercise(
    Exercise(
        name=NAME,
        title="Single-leg Romanian deadlift",
        description=(
            "Hinge on one leg. A side camera shows hinge depth, the standing knee and the back proxy; a front "
            "camera shows the standing knee over the second toe and the hips staying square (world landmarks "
            "let the hip line be judged from oblique views too)."
        ),
        kind="reps",
        cutoff_hz=6.0,
        metrics=METRICS,
        thresholds=THRESHOLDS,
        analyse=analyse,
        table_columns=TABLE_COLUMNS,
        rep_model=REP_MODEL,
        preferred_views=("front", "side-left", "side-right"),
        key_series=key_series,
    )
)
