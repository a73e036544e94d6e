"""Pure measures for the single-leg Romanian deadlift and the hip thrust.

Functions take landmark arrays and return degrees or ratios; NaN in gives NaN out. Most
work on 2D pixel points and on 3D world points alike (the last axis is the coordinate
axis). World landmarks (MediaPipe, metres, origin between the hips) are aligned with the
camera, not with gravity, so 3D measures take an explicit ``up`` axis, estimated from the
person's own standing posture (:func:`standing_up_axis`).
"""

from __future__ import annotations

import numpy as np

from hipform.landmarks import landmark_index
from hipform.sequence import PoseSequence

SIDES = ("left", "right")

IMAGE_UP_2D = np.array([0.0, -1.0])
"""Straight up on screen (image y points down)."""

CAMERA_UP_3D = np.array([0.0, -1.0, 0.0])
"""The camera's up axis in MediaPipe world coordinates (y points down)."""


# ---------------------------------------------------------------------------------------
# vectors
# ---------------------------------------------------------------------------------------
def unit(v: np.ndarray) -> np.ndarray:
    """Vectors scaled to length 1 along the last axis (NaN for zero length or NaN input)."""
    v = np.asarray(v, float)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, v / n, np.nan)


def angle_between_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unsigned angle in degrees (0..180) between vectors of any dimension.

    Parameters
    ----------
    u, v : numpy.ndarray
        (..., D) vectors (broadcast against each other).

    Returns
    -------
    numpy.ndarray
        Degrees; NaN where either vector is NaN or of zero length.
    """
    c = np.sum(unit(u) * unit(v), axis=-1)
    return np.degrees(np.arccos(np.clip(c, -1.0, 1.0)))


def angle_at_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Unsigned angle ABC at vertex B in degrees, for 2D or 3D points."""
    return angle_between_deg(np.asarray(a, float) - b, np.asarray(c, float) - b)


def elevation_deg(v: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Angle in degrees of a vector above the plane perpendicular to ``up`` (-90..90).

    Parameters
    ----------
    v : numpy.ndarray
        (..., D) vectors.
    up : numpy.ndarray
        (D,) or (..., D) up direction (need not be unit length).

    Returns
    -------
    numpy.ndarray
        Positive when ``v`` points upward.
    """
    s = np.sum(unit(v) * unit(up), axis=-1)
    return np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))


# ---------------------------------------------------------------------------------------
# landmark access (pixels or world metres)
# ---------------------------------------------------------------------------------------
def points(seq: PoseSequence, name: str, world: bool) -> np.ndarray:
    """(T, 2) pixel or (T, 3) world coordinates of a landmark (NaN where missing)."""
    if world:
        w = seq.world_point(name)
        if w is None:
            raise ValueError("the sequence has no world landmarks")
        return w
    return seq.xy(name)


def midpoint(seq: PoseSequence, a: str, b: str, world: bool) -> np.ndarray:
    """Midpoint of two landmarks, pixels or world metres."""
    return 0.5 * (points(seq, a, world) + points(seq, b, world))


def has_world(seq: PoseSequence, names: tuple[str, ...] = ("left_hip", "right_hip")) -> bool:
    """True when the sequence has world landmarks for the named points in some frame."""
    if seq.world is None:
        return False
    idx = [landmark_index(n) for n in names]
    return bool(np.isfinite(seq.world[:, idx, 0]).all(axis=1).any())


# ---------------------------------------------------------------------------------------
# single-leg RDL
# ---------------------------------------------------------------------------------------
STANDING_TRUNK_TO_LEG = 0.62
"""Typical ratio of the trunk's height (mid-shoulder to mid-hip) to the stance leg's height
(mid-hip to ankle) in MediaPipe landmarks of a person standing upright."""


def trunk_height_ratio(seq: PoseSequence) -> np.ndarray:
    """Trunk height / stance-leg height, both measured vertically on screen (dimensionless).

    The trunk height (mid-shoulder down to mid-hip) shrinks as the trunk tips forward,
    whichever way the camera looks. The stance-leg height is from mid-hip down to the
    lower ankle (the foot on the floor), which stays upright in a hinge; it is blind to
    the left/right labels, which pose models swap now and then in oblique views.
    NaN where the shoulders, hips or both ankles are missing.
    """
    mid_sh = seq.mid("left_shoulder", "right_shoulder")
    mid_hip = seq.mid("left_hip", "right_hip")
    ankles_y = np.vstack([seq.xy(f"{s}_ankle")[:, 1] for s in SIDES])
    seen = np.isfinite(ankles_y).any(axis=0)
    floor_y = np.where(seen, np.max(np.where(np.isfinite(ankles_y), ankles_y, -np.inf), axis=0), np.nan)
    leg = floor_y - mid_hip[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(leg > 0, (mid_hip[:, 1] - mid_sh[:, 1]) / leg, np.nan)


def hinge_signal_deg(seq: PoseSequence) -> np.ndarray:
    """Per-frame hinge signal in degrees: how far the trunk has tipped from upright.

    With world landmarks: the angle between the trunk (mid-hip -> mid-shoulder) and the
    camera's up axis. MediaPipe's world axes follow the camera, so a standing person
    reads the camera's tilt (often 10-30°) rather than 0; the rep counter works on
    changes from the standing level, so that offset does no harm.

    Without world landmarks: the larger of the trunk's angle from vertical on screen
    (right from a side view) and an apparent angle from the trunk's foreshortening,
    ``arccos(trunk_height_ratio / 0.62)`` (front and rear views).

    Each value depends only on its own frame (live mode can use it).

    Parameters
    ----------
    seq : PoseSequence

    Returns
    -------
    numpy.ndarray
        (T,) degrees; NaN where the needed landmarks are missing.
    """
    mid_hip2 = seq.mid("left_hip", "right_hip")
    mid_sh2 = seq.mid("left_shoulder", "right_shoulder")
    on_screen = angle_between_deg(mid_sh2 - mid_hip2, IMAGE_UP_2D)
    ratio = trunk_height_ratio(seq)
    apparent = np.degrees(np.arccos(np.clip(ratio / STANDING_TRUNK_TO_LEG, 0.0, 1.0)))
    both = np.vstack([on_screen, apparent])
    ok = np.isfinite(both).all(axis=0)
    fallback = np.where(ok, np.max(np.where(ok, both, 0.0), axis=0), np.nan)
    if seq.world is None:
        return fallback
    world = angle_between_deg(
        midpoint(seq, "left_shoulder", "right_shoulder", True) - midpoint(seq, "left_hip", "right_hip", True),
        CAMERA_UP_3D,
    )
    return np.where(np.isfinite(world), world, fallback)


def standing_up_axis(seq: PoseSequence, frames: slice | np.ndarray) -> np.ndarray:
    """World "up" of the person standing: mean direction from mid-ankle to mid-shoulder.

    MediaPipe's world axes follow the camera, so a raised or tilted camera leaves gravity
    off the world y axis; the person's standing body axis before a rep is the reference
    the hinge and the hip line are measured against.

    Parameters
    ----------
    seq : PoseSequence
        Must have world landmarks.
    frames : slice or index array
        Standing frames.

    Returns
    -------
    numpy.ndarray
        (3,) unit vector; NaN when no standing frame has the landmarks.
    """
    shoulders = midpoint(seq, "left_shoulder", "right_shoulder", True)
    axis = unit(shoulders - midpoint(seq, "left_ankle", "right_ankle", True))
    a = axis[frames]
    a = a[np.isfinite(a).all(axis=1)]
    if not len(a):
        return np.full(3, np.nan)
    return unit(a.mean(axis=0))


def trunk_angle_from_vertical(mid_hip: np.ndarray, mid_shoulder: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Angle in degrees of the trunk (mid-hip -> mid-shoulder) from the ``up`` axis.

    Works in 2D (``up`` = :data:`IMAGE_UP_2D`, for a side view) and in 3D (world points
    with the standing up axis). 0 upright, 90 horizontal.
    """
    return angle_between_deg(np.asarray(mid_shoulder, float) - mid_hip, up)


def hip_line_elevation_deg(stance_hip: np.ndarray, free_hip: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Elevation in degrees of the stance-hip -> free-hip line above horizontal.

    Positive when the free-leg side hip is higher (the pelvis "opening"). In 2D pass
    :data:`IMAGE_UP_2D`; then it is the on-screen tilt of the hip line.
    """
    return elevation_deg(np.asarray(free_hip, float) - stance_hip, up)


def chord_shortening_pct(length: np.ndarray, standing_length: float) -> np.ndarray:
    """How much shorter a segment is than when standing, in percent (negative = longer)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return 100.0 * (1.0 - np.asarray(length, float) / standing_length)


def line_yaw_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle in degrees (0..90) between a world line and the image plane.

    For the shoulder or hip line this is how far the camera is turned off a square front
    or rear view: 0 when the line lies across the image, 90 when it points at the camera.
    """
    d = np.asarray(b, float) - a
    return np.degrees(np.arctan2(np.abs(d[..., 2]), np.hypot(d[..., 0], d[..., 1])))


def foot_travel_rel(seq: PoseSequence, side: str, frames: np.ndarray, ref: np.ndarray, leg_px: float) -> float:
    """Median distance (in leg lengths) of one foot from where it stood, over some frames.

    Parameters
    ----------
    seq : PoseSequence
    side : {"left", "right"}
    frames : numpy.ndarray
        Boolean mask or indices of the frames (one rep).
    ref : numpy.ndarray
        Boolean mask or indices of the standing frames before the rep.
    leg_px : float
        Leg length in pixels.

    Returns
    -------
    float
        Median over the frames and the foot's three landmarks: the free foot swings far,
        the stance foot stays put. NaN when unseen.
    """
    travel = []
    for part in ("ankle", "heel", "foot_index"):
        p = seq.xy(f"{side}_{part}")
        seen = np.isfinite(p[ref]).all(axis=1)
        home = np.median(p[ref][seen], axis=0) if seen.any() else np.full(2, np.nan)
        travel.append(np.linalg.norm(p[frames] - home, axis=-1))
    d = np.vstack(travel)
    d = d[np.isfinite(d)]
    if not d.size or not np.isfinite(leg_px) or leg_px <= 0:
        return float("nan")
    return float(np.median(d) / leg_px)


# ---------------------------------------------------------------------------------------
# hip thrust
# ---------------------------------------------------------------------------------------
def signed_hip_angle_deg(shoulder: np.ndarray, hip: np.ndarray, knee: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Angle(shoulder, hip, knee) in degrees, continued past 180 when the hip rises above the line.

    Below 180 the hip sags under the shoulder-knee line; above 180 the line is arched
    past straight (the hip is higher than the line, along ``up``).

    Parameters
    ----------
    shoulder, hip, knee : numpy.ndarray
        (..., 2) pixels (``up`` = :data:`IMAGE_UP_2D`) or (..., 3) world points.
    up : numpy.ndarray
        Up direction, same dimension.

    Returns
    -------
    numpy.ndarray
        Degrees in 0..360; NaN where a point is missing.
    """
    shoulder = np.asarray(shoulder, float)
    knee = np.asarray(knee, float)
    ang = angle_at_deg(shoulder, hip, knee)
    # height of the hip above the shoulder-knee line, along up
    d = knee - shoulder
    w = np.asarray(hip, float) - shoulder
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.sum(w * d, axis=-1) / np.sum(d * d, axis=-1)
    foot = shoulder + f[..., None] * d
    above = np.sum((np.asarray(hip, float) - foot) * unit(up), axis=-1)
    return np.where(above > 0, 360.0 - ang, ang)


def head_trunk_deg(hip: np.ndarray, shoulder: np.ndarray, ear: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Angle in degrees between the trunk line (hip -> shoulder) and the head line (shoulder -> ear).

    Positive when the ear is above the trunk line continued past the shoulder (chin
    toward the chest, when lying face up), negative when the head drops back.
    """
    trunk = np.asarray(shoulder, float) - hip
    head = np.asarray(ear, float) - shoulder
    ang = angle_between_deg(trunk, head)
    # which side of the continued trunk line is the ear on, along up
    t = unit(trunk)
    perp = head - np.sum(head * t, axis=-1, keepdims=True) * t
    sign = np.sign(np.sum(perp * unit(up), axis=-1))
    sign = np.where(sign == 0, 1.0, sign)
    return ang * sign
