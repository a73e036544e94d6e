"""Pure measures shared by the single-leg squat, the forward step-up and the squat.

Everything here works on pixel landmark tracks of a :class:`~hipform.sequence.PoseSequence`
(x right, y down) and returns degrees, seconds or dimensionless ratios. NaN in gives NaN
out. Nothing assumes which side of the screen the person's left is on: the direction
"toward the body midline" is taken from the mid-hip x of each frame, so the same code
serves front and rear views.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from hipform.config import ThresholdSpec
from hipform.exercises.base import Exercise, grade
from hipform.geometry import angle_at, distance, nanmedian_safe
from hipform.landmarks import landmark_index, other_side
from hipform.reps import CounterConfig
from hipform.results import ExerciseOutcome, Fault, NotJudged
from hipform.sequence import PoseSequence

SIDES = ("left", "right")


# ---------------------------------------------------------------------------------------
# Landmark helpers
# ---------------------------------------------------------------------------------------
LEG_PER_TORSO = 1.55
"""Leg length (thigh + shank) per torso length (mid-hip to mid-shoulder), adult average of
MediaPipe landmarks standing; used only when world landmarks are missing."""

_SCALE_SEGMENTS: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"),
    ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"),
    ("left_hip", "left_knee"),
    ("right_hip", "right_knee"),
    ("left_knee", "left_ankle"),
    ("right_knee", "right_ankle"),
)


def leg_length_px(seq: PoseSequence, side: str) -> np.ndarray:
    """Per-frame thigh + shank length of one leg in the image, pixels (foreshortened when bent)."""
    hip, knee, ankle = (seq.xy(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
    return distance(hip, knee) + distance(knee, ankle)


def leg_length_world_m(seq: PoseSequence, side: str) -> np.ndarray:
    """Per-frame thigh + shank length of one leg from the world landmarks, metres (NaN without them)."""
    if seq.world is None:
        return np.full(len(seq), np.nan)
    hip, knee, ankle = (seq.world_point(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
    return distance(hip, knee) + distance(knee, ankle)


def pixels_per_metre(seq: PoseSequence) -> np.ndarray:
    """Per-frame image scale in pixels per metre at the person, from the world landmarks.

    Each body segment's image length over its world length can only be smaller than the
    true scale (a segment pointing at the camera looks short), so the largest ratio
    over the torso, pelvis, shoulders, thighs and shanks is taken. NaN without world
    landmarks.
    """
    if seq.world is None:
        return np.full(len(seq), np.nan)
    ratios = []
    for a, b in _SCALE_SEGMENTS:
        d2 = distance(seq.xy(a), seq.xy(b))
        d3 = distance(seq.world_point(a), seq.world_point(b))
        with np.errstate(invalid="ignore", divide="ignore"):
            ratios.append(np.where(d3 > 0.05, d2 / d3, np.nan))
    r = np.vstack(ratios)
    ok = np.isfinite(r).any(axis=0)
    out = np.full(len(seq), np.nan)
    out[ok] = np.nanmax(r[:, ok], axis=0)
    return out


def leg_scale_px(seq: PoseSequence) -> np.ndarray:
    """Per-frame length of a straight leg in pixels, however bent the legs are.

    World leg length (mean of both legs) times :func:`pixels_per_metre`; without world
    landmarks, the longest of the two image leg lengths and
    :data:`LEG_PER_TORSO` x the image torso length.
    """
    leg_w = nanmean_rows(np.vstack([leg_length_world_m(seq, s) for s in SIDES]))
    world = leg_w * pixels_per_metre(seq)
    torso = distance(seq.mid("left_shoulder", "right_shoulder"), seq.mid("left_hip", "right_hip"))
    cands = np.vstack([leg_length_px(seq, s) for s in SIDES] + [LEG_PER_TORSO * torso])
    ok = np.isfinite(cands).any(axis=0)
    fallback = np.full(len(seq), np.nan)
    fallback[ok] = np.nanmax(cands[:, ok], axis=0)
    return np.where(np.isfinite(world), world, fallback)


def _lowest(ys: np.ndarray) -> np.ndarray:
    """Per-column maximum ignoring NaN (NaN where a column has none)."""
    ok = np.isfinite(ys).any(axis=0)
    out = np.full(ys.shape[1], np.nan)
    out[ok] = np.nanmax(ys[:, ok], axis=0)
    return out


def lowest_ankle_y(seq: PoseSequence) -> np.ndarray:
    """Per-frame image y (pixels) of the lower ankle on screen: the foot on the floor."""
    return _lowest(np.vstack([seq.xy(f"{s}_ankle")[:, 1] for s in SIDES]))


MIN_FRAMES_CLIP_SCALE = 10
"""Frames with both a hip and a leg needed before :func:`descent_signal` uses one leg length
for the whole clip (fewer, e.g. one live frame: per-frame scale)."""


def clip_leg_length_px(seq: PoseSequence) -> float:
    """One straight-leg length in pixels for a whole clip (NaN with too few frames).

    The 90th percentile over frames of the longer image leg (thigh + shank). A bent or
    pitched leg only looks shorter, so a high percentile picks the straight standing
    leg without letting a few over-long outlier frames set the scale.
    """
    legs = np.vstack([leg_length_px(seq, s) for s in SIDES])
    ok = np.isfinite(legs).any(axis=0)
    if ok.sum() < MIN_FRAMES_CLIP_SCALE:
        return float("nan")
    return float(np.percentile(np.nanmax(legs[:, ok], axis=0), 90))


def descent_signal(seq: PoseSequence) -> np.ndarray:
    """Rep signal for squats: how far the hips have sunk toward the floor foot, in leg lengths.

    ``1 - (floor ankle y - mid-hip y) / leg length`` in the image: about 0 standing
    tall, rising as the hips drop. For a clip (at least :data:`MIN_FRAMES_CLIP_SCALE`
    usable frames) the leg length is one value, :func:`clip_leg_length_px`, so that a
    leg bending toward the camera cannot shrink the scale along with the hip drop.
    A single frame (live mode) has no clip: the leg length is then :func:`leg_scale_px`
    of that frame, and the world landmarks are preferred where present.

    The image is used for clips because MediaPipe's world landmarks miss much of the
    knee bend when the camera looks along the shin (front and, worse, rear views): on
    rendered single-leg squats from the rear, the world descent moved 0.02-0.05 leg
    lengths for a true 0.23, too little to count any rep.

    Parameters
    ----------
    seq : PoseSequence

    Returns
    -------
    numpy.ndarray
        (T,) dimensionless; NaN where the hips or ankles are missing.
    """
    hip_y = seq.mid("left_hip", "right_hip")[:, 1]
    drop_px = lowest_ankle_y(seq) - hip_y
    leg_clip = clip_leg_length_px(seq)
    if np.isfinite(leg_clip) and leg_clip > 0:
        return 1.0 - drop_px / leg_clip
    return frame_descent_signal(seq)


def frame_descent_signal(seq: PoseSequence) -> np.ndarray:
    """:func:`descent_signal` with a per-frame scale (each value from its own frame only).

    From the world landmarks (metres) where a frame has them, otherwise from the image
    with :func:`leg_scale_px`.
    """
    hip_y = seq.mid("left_hip", "right_hip")[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        image = 1.0 - (lowest_ankle_y(seq) - hip_y) / leg_scale_px(seq)
    if seq.world is None:
        return image
    w_hip = 0.5 * (seq.world_point("left_hip")[:, 1] + seq.world_point("right_hip")[:, 1])
    w_ankle = _lowest(np.vstack([seq.world_point(f"{s}_ankle")[:, 1] for s in SIDES]))
    leg_w = nanmean_rows(np.vstack([leg_length_world_m(seq, s) for s in SIDES]))
    with np.errstate(invalid="ignore", divide="ignore"):
        world = 1.0 - (w_ankle - w_hip) / leg_w
    return np.where(np.isfinite(world), world, image)


def rise_signal(seq: PoseSequence) -> np.ndarray:
    """Rep signal for the step-up: height of the hips above the image centre, in leg lengths.

    ``(image height / 2 - mid-hip y) / leg length`` with the leg length in pixels from
    :func:`leg_scale_px`. It grows as the person climbs onto the step and falls back
    when they step down. A single frame has no floor, so the rep counter's standing
    baseline supplies the zero; measuring from the image centre keeps small walks
    toward a level camera at hip height from shifting it.

    Parameters
    ----------
    seq : PoseSequence

    Returns
    -------
    numpy.ndarray
        (T,) dimensionless; NaN where the hips or both ankles are missing.
    """
    hip_y = seq.mid("left_hip", "right_hip")[:, 1]
    feet_seen = np.isfinite(lowest_ankle_y(seq))
    with np.errstate(invalid="ignore", divide="ignore"):
        rise = (0.5 * seq.image_size[1] - hip_y) / leg_scale_px(seq)
    return np.where(feet_seen, rise, np.nan)


def leg_extension(seq: PoseSequence, side: str) -> np.ndarray:
    """Per-frame hip-to-ankle distance over leg length (1 = straight leg, smaller = more bent).

    From the world landmarks where present, else from the image over :func:`leg_scale_px`.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        image = distance(seq.xy(f"{side}_hip"), seq.xy(f"{side}_ankle")) / leg_scale_px(seq)
        if seq.world is None:
            return image
        world = distance(seq.world_point(f"{side}_hip"), seq.world_point(f"{side}_ankle")) / leg_length_world_m(
            seq, side
        )
    return np.where(np.isfinite(world), world, image)


def foot_height_px(seq: PoseSequence, side: str) -> np.ndarray:
    """Per-frame image y of one foot (mean of ankle, heel and toe that are visible), pixels."""
    return nanmean_rows(np.vstack([seq.xy(f"{side}_{p}")[:, 1] for p in ("ankle", "heel", "foot_index")]))


def foot_lowness(seq: PoseSequence, side: str) -> np.ndarray:
    """Per-frame height of one foot below the hips, in leg lengths (larger = nearer the floor).

    From the world landmarks where present (vertical axis, not foreshortened), else from
    the image (mean y of ankle, heel and toe over :func:`leg_scale_px`).
    """
    hip_y = seq.mid("left_hip", "right_hip")[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        image = (foot_height_px(seq, side) - hip_y) / leg_scale_px(seq)
    if seq.world is None:
        return image
    ys = np.vstack([seq.world_point(f"{side}_{p}")[:, 1] for p in ("ankle", "heel", "foot_index")])
    w_hip = 0.5 * (seq.world_point("left_hip")[:, 1] + seq.world_point("right_hip")[:, 1])
    leg_w = nanmean_rows(np.vstack([leg_length_world_m(seq, s) for s in SIDES]))
    with np.errstate(invalid="ignore", divide="ignore"):
        world = (nanmean_rows(ys) - w_hip) / leg_w
    return np.where(np.isfinite(world), world, image)


# ---------------------------------------------------------------------------------------
# Working side
# ---------------------------------------------------------------------------------------
def foot_wander(seq: PoseSequence, side: str, frames: slice | np.ndarray) -> float:
    """How much one foot moves over some frames, in leg lengths.

    Median distance in the image of the foot (mean of ankle, heel and toe) from its
    median position over the frames, divided by the median :func:`leg_scale_px`. A
    planted stance foot stays near 0; a swinging free foot does not.
    """
    pts = np.stack([seq.xy(f"{side}_{p}")[frames] for p in ("ankle", "heel", "foot_index")])
    foot = np.stack([nanmean_rows(pts[..., 0]), nanmean_rows(pts[..., 1])], axis=-1)
    ok = np.isfinite(foot).all(axis=-1)
    scale = nanmedian_safe(leg_scale_px(seq)[frames])
    if ok.sum() < 2 or not np.isfinite(scale):
        return float("nan")
    centre = np.median(foot[ok], axis=0)
    return float(np.median(np.linalg.norm(foot[ok] - centre, axis=-1)) / scale)


def stance_evidence(seq: PoseSequence, frames: slice | np.ndarray) -> float:
    """Evidence for a left (positive) or right (negative) stance leg over some frames, in leg lengths.

    The sum of two cues: how much lower the left foot is than the right (median of
    :func:`foot_lowness` differences: the free foot is off the floor), and how much
    more the right foot moves than the left (:func:`foot_wander`: the stance foot stays
    planted while the free leg swings). NaN when the feet are not seen.
    """
    low = nanmedian_safe((foot_lowness(seq, "left") - foot_lowness(seq, "right"))[frames])
    wander = foot_wander(seq, "right", frames) - foot_wander(seq, "left", frames)
    parts = [v for v in (low, wander) if np.isfinite(v)]
    return float(sum(parts)) if parts else float("nan")


def stance_side(seq: PoseSequence, frames: slice | np.ndarray, min_lift_rel: float = 0.05) -> str | None:
    """The stance (standing) leg over some frames: the planted foot nearer the floor.

    Parameters
    ----------
    seq : PoseSequence
    frames : slice or bool/index array
        Frames to look at (e.g. one rep).
    min_lift_rel : float
        :func:`stance_evidence` must be at least this large (leg lengths) either way,
        otherwise the side is unclear.

    Returns
    -------
    str or None
        ``"left"`` or ``"right"`` (the person's side); None when both feet are planted
        at the same height or the feet are not seen.
    """
    d = stance_evidence(seq, frames)
    if not np.isfinite(d) or abs(d) < min_lift_rel:
        return None
    return "left" if d > 0 else "right"


# ---------------------------------------------------------------------------------------
# Frontal-plane measures
# ---------------------------------------------------------------------------------------
def medial_direction(hip_x: np.ndarray, mid_hip_x: np.ndarray) -> np.ndarray:
    """Image x direction (+1 or -1) from a hip toward the body midline; NaN when unknown."""
    with np.errstate(invalid="ignore"):
        s = np.sign(np.asarray(mid_hip_x, float) - hip_x)
    return np.where(s == 0, np.nan, s)


def knee_fppa_deg(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, medial: np.ndarray) -> np.ndarray:
    """Signed frontal plane projection angle of the knee in degrees.

    ``180 - angle(hip, knee, ankle)`` in the image, positive when the knee lies on the
    midline side of the hip-ankle line (valgus, knee caving in), negative when it lies
    outside (varus).

    Parameters
    ----------
    hip, knee, ankle : numpy.ndarray
        (..., 2) pixel points of one leg.
    medial : numpy.ndarray
        (...,) +1/-1: image x direction toward the body midline.

    Returns
    -------
    numpy.ndarray
        Degrees; NaN where any input is NaN.
    """
    mag = 180.0 - angle_at(hip, knee, ankle)
    d = np.asarray(ankle, float) - hip
    w = np.asarray(knee, float) - hip
    # normal of the hip->ankle line, oriented toward the midline
    n = np.stack([d[..., 1], -d[..., 0]], axis=-1)
    flip = np.sign(n[..., 0]) * medial
    side = np.sign(np.sum(w * n, axis=-1)) * flip
    side = np.where(side == 0, 1.0, side)
    return mag * side


def knee_toe_offset_rel(knee_x: np.ndarray, toe_x: np.ndarray, medial: np.ndarray, shank_px: np.ndarray) -> np.ndarray:
    """Knee's horizontal offset from the toe tip toward the midline, in shank lengths.

    Seen from the front, the heel-to-toe line of a foot pointing at the camera is the
    vertical through the toe tip (MediaPipe ``foot_index``, next to the second toe), so
    this is the "knee over the second toe" cue: 0 when the knee is straight above the
    toe tip, positive when it has moved inside it.

    Parameters
    ----------
    knee_x, toe_x : numpy.ndarray
        Image x in pixels.
    medial : numpy.ndarray
        +1/-1 toward the midline.
    shank_px : numpy.ndarray or float
        Shank length in pixels (standing, so that flexion does not shorten it).

    Returns
    -------
    numpy.ndarray
        Dimensionless.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.asarray(knee_x, float) - toe_x) * medial / shank_px


def pelvic_tilt_deg(stance_hip: np.ndarray, free_hip: np.ndarray) -> np.ndarray:
    """Tilt of the hip line in degrees, positive when the free-side hip is lower on screen.

    Parameters
    ----------
    stance_hip, free_hip : numpy.ndarray
        (..., 2) pixel points.

    Returns
    -------
    numpy.ndarray
        Degrees in -90..90; works whichever side of the image the free hip is on.
    """
    d = np.asarray(free_hip, float) - stance_hip
    return np.degrees(np.arctan2(d[..., 1], np.abs(d[..., 0])))


def trunk_lateral_lean_deg(mid_hip: np.ndarray, mid_shoulder: np.ndarray, toward: np.ndarray) -> np.ndarray:
    """Sideways lean of the trunk (mid-hip to mid-shoulder) from vertical, in degrees.

    Parameters
    ----------
    mid_hip, mid_shoulder : numpy.ndarray
        (..., 2) pixel points.
    toward : numpy.ndarray
        +1/-1: the image x direction counted positive (e.g. toward the stance leg).

    Returns
    -------
    numpy.ndarray
        Degrees, positive when the shoulders are shifted in the ``toward`` direction.
    """
    d = np.asarray(mid_shoulder, float) - mid_hip
    return np.degrees(np.arctan2(d[..., 0] * toward, -d[..., 1]))


def knee_flexion_deg(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    """Knee flexion ``180 - angle(hip, knee, ankle)`` in degrees (meaningful from a side view)."""
    return 180.0 - angle_at(hip, knee, ankle)


# ---------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------
def lowering_time_s(
    t: np.ndarray, signal: np.ndarray, i_from: int, i_peak: int, base: float, lo: float = 0.05, hi: float = 0.95
) -> float:
    """Time to go from ``lo`` to ``hi`` of the way from the standing level to the peak (s).

    Used for the descent of a squat: from the last moment the signal was within ``lo``
    of the excursion from standing, to the first moment it reached ``hi`` of it.

    Parameters
    ----------
    t : numpy.ndarray
        (T,) seconds.
    signal : numpy.ndarray
        (T,) rep signal (larger = further from the top).
    i_from, i_peak : int
        Frame indices where the search starts (standing before the rep) and of the peak.
    base : float
        Standing level of the signal.
    lo, hi : float
        Fractions of the excursion.

    Returns
    -------
    float
        Seconds; NaN when the crossings cannot be found.
    """
    peak = signal[i_peak] if 0 <= i_peak < len(signal) else np.nan
    if i_peak <= i_from or not (np.isfinite(base) and np.isfinite(peak)) or peak <= base:
        return float("nan")
    rel = (signal[i_from : i_peak + 1] - base) / (peak - base)
    tt = t[i_from : i_peak + 1]
    below = np.flatnonzero(rel < lo)
    if below.size == 0:
        return float("nan")
    j = int(below[-1])
    t_lo = _first_crossing(tt[j:], rel[j:], lo)
    t_hi = _first_crossing(tt[j:], rel[j:], hi)
    return float(t_hi - t_lo) if np.isfinite(t_lo) and np.isfinite(t_hi) else float("nan")


def return_time_s(
    t: np.ndarray, signal: np.ndarray, i_peak: int, i_to: int, base: float, lo: float = 0.05, hi: float = 0.95
) -> float:
    """Time to come back from ``hi`` to ``lo`` of the excursion after the peak (s).

    Used for the lowering of a step-up: from the last moment at ``hi`` of the climb
    above the standing level ``base`` to the first moment back within ``lo`` of it.

    Parameters
    ----------
    t, signal : numpy.ndarray
        (T,) seconds and rep signal.
    i_peak, i_to : int
        Frame indices of the peak and of the end of the search (after the rep).
    base : float
        Standing level of the signal.
    lo, hi : float
        Fractions of the excursion.

    Returns
    -------
    float
        Seconds; NaN when the crossings cannot be found.
    """
    peak = signal[i_peak] if 0 <= i_peak < len(signal) else np.nan
    if i_to <= i_peak or not (np.isfinite(peak) and np.isfinite(base)) or peak <= base:
        return float("nan")
    rel = (signal[i_peak : i_to + 1] - base) / (peak - base)
    tt = t[i_peak : i_to + 1]
    above = np.flatnonzero(rel >= hi)
    if above.size == 0:
        return float("nan")
    j0 = int(above[-1])
    t_hi = _first_crossing(tt[j0:], -rel[j0:], -hi)
    t_lo = _first_crossing(tt[j0:], -rel[j0:], -lo)
    return float(t_lo - t_hi) if np.isfinite(t_lo) and np.isfinite(t_hi) else float("nan")


def _first_crossing(t: np.ndarray, y: np.ndarray, level: float) -> float:
    """Linearly interpolated time at which ``y`` first reaches ``level`` from below."""
    idx = np.flatnonzero(y >= level)
    if idx.size == 0:
        return float("nan")
    j = int(idx[0])
    if j == 0 or not np.isfinite(y[j - 1]):
        return float(t[j])
    f = (level - y[j - 1]) / (y[j] - y[j - 1])
    return float(t[j - 1] + f * (t[j] - t[j - 1]))


# ---------------------------------------------------------------------------------------
# Per-rep bundle
# ---------------------------------------------------------------------------------------
Frames = int | np.ndarray
"""A frame index or an array of frame indices (measures are medians over them)."""


def nanmean_rows(a: np.ndarray) -> np.ndarray:
    """Column-wise mean over the rows of a 2D array, ignoring NaN (NaN where a column has none)."""
    ok = np.isfinite(a)
    n = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(ok, a, 0.0).sum(axis=0) / n
    return np.where(n > 0, out, np.nan)


def baseline_value(x: np.ndarray, frames: slice | Frames) -> float:
    """Median of a per-frame measure over some frames (NaN if none is finite)."""
    return nanmedian_safe(np.atleast_1d(np.asarray(x)[frames]))


def bottom_frames(signal: np.ndarray, i_start: int, i_peak: int, i_end: int, frac: float = 0.95) -> np.ndarray:
    """Frames around the deepest point of a rep where the signal is within ``1 - frac`` of its peak.

    Measures taken "at the deepest point" are medians over these frames: one frame when
    the bottom is sharp, the whole pause when the person holds the bottom.

    Parameters
    ----------
    signal : numpy.ndarray
        (T,) rep signal, larger = deeper.
    i_start, i_peak, i_end : int
        Frame indices of the rep's start, deepest point and end.
    frac : float
        Share of the excursion (from the start level) a frame must reach.

    Returns
    -------
    numpy.ndarray
        Contiguous frame indices containing ``i_peak``.
    """
    base, peak = signal[i_start], signal[i_peak]
    if not (np.isfinite(base) and np.isfinite(peak)) or peak <= base:
        return np.array([i_peak])
    level = base + frac * (peak - base)
    lo = i_peak
    while lo - 1 >= i_start and signal[lo - 1] >= level:
        lo -= 1
    hi = i_peak
    while hi + 1 <= i_end and signal[hi + 1] >= level:
        hi += 1
    return np.arange(lo, hi + 1)


BOTTOM_HALF_WINDOW_S = 0.07
"""Squats are measured over at most this long either side of the deepest frame, in
seconds: the hip height is nearly flat around the bottom while the knee angles are not,
so a wider window would read the knee partly on the way down or up."""


def deepest_frames(t: np.ndarray, signal: np.ndarray, i_start: int, i_peak: int, i_end: int) -> np.ndarray:
    """:func:`bottom_frames` of a squat rep, kept within :data:`BOTTOM_HALF_WINDOW_S` of the deepest frame."""
    frames = bottom_frames(signal, i_start, i_peak, i_end)
    near = np.abs(np.asarray(t, float)[frames] - t[i_peak]) <= BOTTOM_HALF_WINDOW_S + 1e-9
    return frames[near] if near.any() else np.array([i_peak])


def frontal_knee_at(seq: PoseSequence, side: str, frames: Frames, base: slice) -> dict[str, float]:
    """FPPA and knee-over-toe offset of one knee (medians over ``frames``).

    Parameters
    ----------
    seq : PoseSequence
    side : {"left", "right"}
        The knee's side.
    frames : int or array of int
        Frame indices (the deepest point of a rep).
    base : slice
        Standing frames before the rep (for the shank length).

    Returns
    -------
    dict
        ``fppa_deg`` and ``medial_offset_shank`` (NaN where landmarks are missing).
    """
    hip, knee, ankle, toe = (seq.xy(f"{side}_{p}") for p in ("hip", "knee", "ankle", "foot_index"))
    mid_x = seq.mid("left_hip", "right_hip")[:, 0]
    medial = medial_direction(hip[:, 0], mid_x)
    fppa = knee_fppa_deg(hip, knee, ankle, medial)
    shank_now = distance(knee, ankle)
    shank = baseline_value(shank_now, base)
    if not np.isfinite(shank):
        shank = baseline_value(shank_now, frames)
    offset = knee_toe_offset_rel(knee[:, 0], toe[:, 0], medial, shank)
    return {"fppa_deg": baseline_value(fppa, frames), "medial_offset_shank": baseline_value(offset, frames)}


def leg_length_2d_baseline(seq: PoseSequence, side: str | None, base: slice) -> float:
    """Standing leg length (thigh + shank in the image) over the frames ``base``, pixels.

    ``side`` picks the leg; None (or ``"both"``) uses the mean of the two.
    """
    sides: Sequence[str] = SIDES if side not in SIDES else (side,)
    leg_now = nanmean_rows(np.vstack([leg_length_px(seq, s) for s in sides]))
    return baseline_value(leg_now, base)


def depth_rel(seq: PoseSequence, side: str | None, frames: Frames, base: slice) -> float:
    """Hip-centre descent at ``frames`` below the standing level, in leg lengths.

    The standing level and the leg length (thigh + shank, image plane) are medians over
    the standing frames ``base``; ``side`` picks the leg (None: mean of both). Positive
    when the hips are lower than when standing.
    """
    hip_y = seq.mid("left_hip", "right_hip")[:, 1]
    leg = leg_length_2d_baseline(seq, side, base)
    h0 = baseline_value(hip_y, base)
    if not (np.isfinite(leg) and leg > 0):
        return float("nan")
    return float((baseline_value(hip_y, frames) - h0) / leg)


def pelvic_drop_at(seq: PoseSequence, stance: str, frames: Frames, base: slice) -> float:
    """Free-side hip drop at ``frames`` relative to the standing baseline, in degrees.

    Positive when the free-side hip has dropped, negative when it has hiked up.
    """
    tilt = pelvic_tilt_deg(seq.xy(f"{stance}_hip"), seq.xy(f"{other_side(stance)}_hip"))
    t0 = baseline_value(tilt, base)
    if not np.isfinite(t0):
        t0 = 0.0
    return float(baseline_value(tilt, frames) - t0)


def trunk_lean_at(seq: PoseSequence, toward_side: str, frames: Frames) -> float:
    """Trunk lateral lean at ``frames`` in degrees, positive toward the person's ``toward_side``."""
    mid_hip = seq.mid("left_hip", "right_hip")
    mid_sh = seq.mid("left_shoulder", "right_shoulder")
    toward = medial_direction(mid_hip[:, 0], seq.xy(f"{toward_side}_hip")[:, 0])
    return baseline_value(trunk_lateral_lean_deg(mid_hip, mid_sh, toward), frames)


def knee_flexion_at(seq: PoseSequence, side: str, frames: Frames) -> float:
    """Knee flexion of one leg at ``frames`` in degrees (side view)."""
    return baseline_value(
        knee_flexion_deg(seq.xy(f"{side}_hip"), seq.xy(f"{side}_knee"), seq.xy(f"{side}_ankle")), frames
    )


def near_side(view: str) -> str | None:
    """The leg nearer the camera in a side view (``side-left`` shows the left leg)."""
    return {"side-left": "left", "side-right": "right"}.get(view)


def landmark_ok(seq: PoseSequence, names: Sequence[str], i: int) -> bool:
    """True when every named landmark has coordinates in frame ``i``."""
    return bool(np.isfinite(seq.xyz[i, [landmark_index(n) for n in names], 0]).all())


# ---------------------------------------------------------------------------------------
# Faults (pure: value + thresholds -> Fault or None)
# ---------------------------------------------------------------------------------------
def _fault(code: str, metric: str, value: float, warn: float, fault: float, message: str) -> Fault | None:
    sev = grade(value, warn, fault)
    if sev is None:
        return None
    return Fault(code, sev, float(value), float(fault if sev == "fault" else warn), message, metric)


def valgus_fault(
    fppa: float,
    side: str,
    rep: int,
    th: Mapping[str, float],
    metric: str = "knee_valgus_fppa_deg",
    when: str = "at the bottom",
) -> Fault | None:
    """``knee_valgus`` when the FPPA passes ``knee_valgus_warn_deg`` / ``knee_valgus_fault_deg``."""
    msg = f"{side} knee caved in {fppa:.0f}° {when} of rep {rep} — reduce depth until it stays over your second toe"
    return _fault("knee_valgus", metric, fppa, th["knee_valgus_warn_deg"], th["knee_valgus_fault_deg"], msg)


def medial_toe_fault(
    offset: float, side: str, rep: int, th: Mapping[str, float], metric: str = "knee_medial_offset_shank"
) -> Fault | None:
    """``knee_medial_to_toe`` when the knee is inside the second toe by more than the thresholds."""
    msg = (
        f"{side} knee moved inside your second toe ({offset:.2f} shank lengths) in rep {rep} — "
        "point the knee over the middle of your foot"
    )
    return _fault(
        "knee_medial_to_toe", metric, offset, th["knee_medial_warn_shank"], th["knee_medial_fault_shank"], msg
    )


def pelvic_drop_fault(drop: float, free: str, rep: int, th: Mapping[str, float]) -> Fault | None:
    """``pelvic_drop`` when the free-side hip drops more than the thresholds."""
    msg = (
        f"your {free} hip dropped {drop:.0f}° in rep {rep} — "
        "keep the pelvis level by squeezing the buttock of your standing leg"
    )
    return _fault("pelvic_drop", "pelvic_drop_deg", drop, th["pelvic_drop_warn_deg"], th["pelvic_drop_fault_deg"], msg)


def trunk_lean_fault(
    lean: float, rep: int, th: Mapping[str, float], positive_word: str, negative_word: str
) -> Fault | None:
    """``trunk_lean`` when the sideways lean passes the thresholds (either direction)."""
    word = positive_word if lean >= 0 else negative_word
    msg = f"your upper body leaned {abs(lean):.0f}° {word} in rep {rep} — keep your shoulders level over your hips"
    return _fault(
        "trunk_lean", "trunk_lateral_lean_deg", abs(lean), th["trunk_lean_warn_deg"], th["trunk_lean_fault_deg"], msg
    )


def fast_lowering_fault(lowering_s: float, rep: int, th: Mapping[str, float]) -> Fault | None:
    """``fast_lowering`` when the lowering time is shorter than ``lowering_warn_s`` / ``lowering_fault_s``."""
    if not np.isfinite(lowering_s):
        return None
    msg = f"you lowered yourself in {lowering_s:.1f} s in rep {rep} — come down slowly, taking at least two seconds"
    sev = grade(-lowering_s, -th["lowering_warn_s"], -th["lowering_fault_s"])
    if sev is None:
        return None
    thr = th["lowering_fault_s"] if sev == "fault" else th["lowering_warn_s"]
    return Fault("fast_lowering", sev, float(lowering_s), float(thr), msg, "eccentric_s")


def keep(*faults: Fault | None) -> list[Fault]:
    """The faults that fired."""
    return [f for f in faults if f is not None]


# ---------------------------------------------------------------------------------------
# Thresholds shared by the three exercises
# ---------------------------------------------------------------------------------------
def counter_thresholds(
    *,
    enter: float = 0.40,
    exit_: float = 0.15,
    depth: float = 0.55,
    min_depth: float = 0.06,
    min_duration: float = 0.6,
    max_duration: float = 15.0,
    set_gap: float = 20.0,
) -> tuple[ThresholdSpec, ...]:
    """The rep counter's thresholds as clinician-tunable :class:`ThresholdSpec` entries."""
    return (
        ThresholdSpec(
            "rep_enter_frac",
            enter,
            "fraction of range",
            "a rep starts when the hips have gone this share of the clip's range of motion",
            0.05,
            0.95,
        ),
        ThresholdSpec(
            "rep_exit_frac",
            exit_,
            "fraction of range",
            "back at the top when within this share of the range from standing",
            0.0,
            0.9,
        ),
        ThresholdSpec(
            "rep_depth_frac",
            depth,
            "fraction of range",
            "a rep counts only if it reaches this share of the clip's range of motion",
            0.05,
            1.0,
        ),
        ThresholdSpec(
            "rep_min_depth_rel",
            min_depth,
            "leg lengths",
            "a rep counts only if the hips move at least this far (absolute floor)",
            0.0,
            1.0,
        ),
        ThresholdSpec("rep_min_duration_s", min_duration, "s", "shortest movement counted as a rep", 0.0, 10.0),
        ThresholdSpec(
            "rep_max_duration_s",
            max_duration,
            "s",
            "longer excursions from standing are not reps (sitting down, walking away)",
            1.0,
            120.0,
        ),
        ThresholdSpec("set_gap_s", set_gap, "s", "a pause longer than this between reps starts a new set", 1.0, 600.0),
    )


def counter_config(th: Mapping[str, float]) -> CounterConfig:
    """The :class:`~hipform.reps.CounterConfig` built from an exercise's thresholds."""
    return CounterConfig(
        enter_frac=th["rep_enter_frac"],
        top_frac=min(th["rep_exit_frac"], th["rep_enter_frac"]),
        depth_frac=max(th["rep_depth_frac"], th["rep_enter_frac"]),
        min_depth=th["rep_min_depth_rel"],
        min_duration_s=th["rep_min_duration_s"],
        max_duration_s=th["rep_max_duration_s"],
    )


KNEE_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "knee_valgus_warn_deg",
        10.0,
        "deg",
        "knee valgus (FPPA) at the bottom that earns a warning",
        0.0,
        45.0,
        "Herrington 2014; Ghulam 2021 (skin-marker 2D FPPA)",
    ),
    ThresholdSpec(
        "knee_valgus_fault_deg",
        15.0,
        "deg",
        "knee valgus (FPPA) at the bottom that is a fault",
        0.0,
        45.0,
        "Herrington 2014; Ghulam 2021 (skin-marker 2D FPPA)",
    ),
    ThresholdSpec(
        "knee_medial_warn_shank",
        0.06,
        "shank lengths",
        "knee inside the second toe by this much earns a warning",
        0.0,
        1.0,
    ),
    ThresholdSpec(
        "knee_medial_fault_shank",
        0.10,
        "shank lengths",
        "knee inside the second toe by this much is a fault",
        0.0,
        1.0,
        "provisional (spec)",
    ),
)

PELVIS_TRUNK_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "pelvic_drop_warn_deg",
        5.0,
        "deg",
        "free-side hip drop that earns a warning",
        0.0,
        45.0,
        "Weeks 2015 (3D single-leg squat obliquity 3-5 +- 4 deg)",
    ),
    ThresholdSpec("pelvic_drop_fault_deg", 10.0, "deg", "free-side hip drop that is a fault", 0.0, 45.0, "Weeks 2015"),
    ThresholdSpec(
        "trunk_lean_warn_deg", 10.0, "deg", "sideways trunk lean that earns a warning", 0.0, 60.0, "provisional (spec)"
    ),
    ThresholdSpec("trunk_lean_fault_deg", 15.0, "deg", "sideways trunk lean that is a fault", 0.0, 60.0),
    ThresholdSpec(
        "stance_min_lift_rel",
        0.05,
        "leg lengths",
        "the free foot must be this much higher than the stance foot to tell the working side",
        0.0,
        1.0,
    ),
)

LOWERING_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "lowering_warn_s", 1.0, "s", "lowering faster than this earns a warning", 0.0, 10.0, "provisional (spec)"
    ),
    ThresholdSpec("lowering_fault_s", 0.5, "s", "lowering faster than this is a fault", 0.0, 10.0),
)


# ---------------------------------------------------------------------------------------
# Camera alignment
# ---------------------------------------------------------------------------------------
CAMERA_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "max_camera_yaw_deg",
        10.0,
        "deg",
        "frontal-plane measures are not judged when the estimated camera yaw off the front/rear axis is larger",
        0.0,
        90.0,
        "rendered bench: each degree of yaw shifts the FPPA of a bent knee by 1.2-1.9°; the estimate errs by "
        "up to 15° (docs/metrics.md)",
    ),
)


def camera_yaw_deg(seq: PoseSequence) -> float:
    """How far the camera is off the person's front/rear axis, in degrees (0 = square on).

    Per frame, the signed angle of the hip line and of the shoulder line out of the
    image plane (world landmarks, metres) are averaged, and the absolute value of the
    median over frames is returned. Averaging signed angles keeps what the two lines
    share (the camera's yaw) and cancels what they do not (a twist of the shoulders
    against the pelvis, or MediaPipe's depth turning the two lines opposite ways, which
    the heavy model did on square-on rendered clips). NaN without world landmarks.

    The estimate is rough: on rendered clips it was off by up to 15° (see
    ``docs/metrics.md``), so it only catches grossly oblique cameras.
    """
    if seq.world is None:
        return float("nan")
    yaws = []
    for part in ("hip", "shoulder"):
        d = seq.world_point(f"left_{part}") - seq.world_point(f"right_{part}")
        with np.errstate(invalid="ignore"):
            yaws.append(np.degrees(np.arctan2(d[:, 2], np.abs(d[:, 0]))))
    return abs(nanmedian_safe(nanmean_rows(np.vstack(yaws))))


def gate_camera_yaw(outcome: ExerciseOutcome, seq: PoseSequence, exercise: Exercise, th: Mapping[str, float]) -> None:
    """Report the camera's yaw and withhold frontal-plane measures when it is too oblique.

    Adds a note with the estimated yaw (front/rear views only). Above
    ``max_camera_yaw_deg`` every frontal metric is removed from the reps (and its
    faults), and listed in ``not_judged`` with the reason.
    """
    if outcome.view not in ("front", "rear"):
        return
    yaw = camera_yaw_deg(seq)
    if not np.isfinite(yaw):
        outcome.notes.append("camera alignment not checked (no world landmarks)")
        return
    limit = th["max_camera_yaw_deg"]
    outcome.camera_yaw_deg = float(yaw)
    outcome.notes.append(
        f"camera about {yaw:.0f}° off the {outcome.view} axis (estimated from the hip and shoulder lines)"
    )
    if yaw <= limit:
        return
    frontal = {m.name for m in exercise.metrics if m.view == "frontal"}
    already = {n.metric for n in outcome.not_judged}
    for name in sorted(frontal - already):
        outcome.not_judged.append(
            NotJudged(
                name,
                f"camera about {yaw:.0f}° off the {outcome.view} axis (limit {limit:.0f}°): "
                "frontal-plane angles would mostly show the camera angle",
            )
        )
    for rep in outcome.reps:
        rep.metrics = {k: v for k, v in rep.metrics.items() if k not in frontal}
        rep.faults = [f for f in rep.faults if f.metric not in frontal]
