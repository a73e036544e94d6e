"""Which hip thrust this is, and whether its top is a lockout (used by :mod:`hipform.exercises.hip_thrust`).

Bench or floor
--------------
On a bench the shoulders rest on it, a bench height (40-45 cm, about one shank length)
above the feet on the floor; in a floor glute bridge the shoulders and the head lie on
the floor, level with the feet. The shoulders' height above the lower ankle, on screen
in shank lengths (median over the rep), tells them apart: below
``bench_min_height_shank`` (0.5, half a bench) it is a floor bridge. With the head on the
floor the head line against the trunk changes by however far the trunk rises, so
``head_trunk_deg`` says nothing about the neck there and is not judged.

Lockout
-------
Pelvis level is judged at the top only when the top is a lockout: the hip within
``lockout_warn_deg`` of straight. With world landmarks (or from the side) the hip angle
is the rep signal itself (:func:`~hipform.exercises.hip_thrust.thrust_signal_deg`). From
the front without world landmarks the depth is lost, but a level camera still shows
heights: on a straight shoulder-hip-knee line the hip sits at a share
``TRUNK_SHARE`` = trunk / (trunk + thigh) of the way from the shoulder height to the
knee height. A hip short of straight by ``d`` sits lower than that by about
``sin(d) * trunk * thigh / (trunk + thigh)``, which is ``SAG_PER_SIN * sin(d)`` shank
lengths (the shank is vertical, so seen whole, at the top).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from hipform.config import ThresholdSpec
from hipform.geometry import distance, nanmedian_safe
from hipform.sequence import PoseSequence
from hipform.view import SIDE_VIEWS

SIDES = ("left", "right")

TRUNK_SHARE = 0.53
"""Trunk (hip joint to shoulder joint) over trunk + thigh, adult proportions (0.50 / 0.94 m
in the synthetic model; 0.29 H / (0.29 H + 0.245 H) by Drillis and Contini's segment tables)."""

SAG_PER_SIN = 0.55
"""Hip sag below the straight line per sin(deficit), in shank lengths:
trunk x thigh / (trunk + thigh) / shank = 0.50 x 0.44 / 0.94 / 0.42 m."""

VARIANT_THRESHOLDS: tuple[ThresholdSpec, ...] = (
    ThresholdSpec(
        "bench_min_height_shank",
        0.5,
        "shank lengths",
        "shoulders at least this far above the feet mean a bench hip thrust; lower: a floor glute bridge "
        "(head on the floor, head alignment not judged)",
        0.0,
        5.0,
        "half a 40-45 cm bench (one shank length)",
    ),
)


def shank_px(seq: PoseSequence, frames: np.ndarray) -> float:
    """Longest (90th percentile) image shank over ``frames``, pixels: a shank only looks shorter than it is."""
    lengths = np.concatenate([distance(seq.xy(f"{s}_knee"), seq.xy(f"{s}_ankle"))[frames] for s in SIDES])
    ok = np.isfinite(lengths)
    return float(np.percentile(lengths[ok], 90)) if ok.any() else float("nan")


def shoulder_height_shank(seq: PoseSequence, frames: np.ndarray) -> float:
    """Median height of the mid-shoulder above the lower ankle over ``frames``, in shank lengths (on screen)."""
    sh = seq.mid("left_shoulder", "right_shoulder")[frames, 1]
    ankles = np.vstack([seq.xy(f"{s}_ankle")[frames, 1] for s in SIDES])
    ok = np.isfinite(ankles).any(axis=0)
    lower = np.full(len(sh), np.nan)
    lower[ok] = np.nanmax(ankles[:, ok], axis=0)
    scale = shank_px(seq, frames)
    if not (np.isfinite(scale) and scale > 0):
        return float("nan")
    return nanmedian_safe((lower - sh) / scale)


def floor_bridge_reason(seq: PoseSequence, frames: np.ndarray, th: Mapping[str, float]) -> str | None:
    """Why head alignment is not judged (a floor bridge: shoulders level with the feet), else None."""
    height = shoulder_height_shank(seq, frames)
    need = th["bench_min_height_shank"]
    if not np.isfinite(height) or height >= need:
        return None
    return (
        f"floor glute bridge: shoulders {height:.2f} shank lengths above the feet (a bench puts them at least "
        f"{need:.2f} up), so the head rests on the floor and its angle to the trunk only follows the hips"
    )


def front_deficit_deg(seq: PoseSequence, frames: np.ndarray, side: str | None) -> float:
    """Hip angle short of straight at ``frames`` from a level front/rear camera without depth, degrees.

    From heights on screen only (see the module notes): the hip's sag below the straight
    shoulder-knee line over :data:`SAG_PER_SIN` shank lengths, as an angle. ``side`` picks
    the working knee (None: the higher knee, as the rep signal does).
    """
    up = -1.0  # image y grows downward
    sh = up * seq.mid("left_shoulder", "right_shoulder")[frames, 1]
    hip = up * seq.mid("left_hip", "right_hip")[frames, 1]
    sides = (side,) if side in SIDES else SIDES
    knees = np.vstack([up * seq.xy(f"{s}_knee")[frames, 1] for s in sides])
    ok = np.isfinite(knees).any(axis=0)
    knee = np.full(len(frames), np.nan)
    knee[ok] = np.nanmax(knees[:, ok], axis=0)
    scale = shank_px(seq, frames)
    if not (np.isfinite(scale) and scale > 0):
        return float("nan")
    sag = nanmedian_safe((sh + TRUNK_SHARE * (knee - sh) - hip) / scale)
    if not np.isfinite(sag):
        return float("nan")
    return float(np.degrees(np.arcsin(np.clip(sag / SAG_PER_SIN, -1.0, 1.0))))


def top_deficit_deg(seq: PoseSequence, frames: np.ndarray, view: str, side: str | None, signal: np.ndarray) -> float:
    """How far short of straight the hip is at the top, degrees (negative past straight).

    ``signal`` is the rep signal (hip angle, world landmarks' sagittal plane where present);
    from the front without world landmarks, :func:`front_deficit_deg`.
    """
    if seq.world is not None or view in SIDE_VIEWS:
        return float(180.0 - nanmedian_safe(signal[frames]))
    return front_deficit_deg(seq, frames, side)


def no_lockout_reason(deficit: float, th: Mapping[str, float]) -> str | None:
    """Why pelvis level is not judged at this top (not a lockout, or not measurable), else None."""
    limit = th["lockout_warn_deg"]
    if not np.isfinite(deficit):
        return "lockout not measurable at the top, so the top may not be a lockout"
    if deficit <= limit:
        return None
    return (
        f"no lockout at the top: the hip stayed about {deficit:.0f}° short of straight (judged only at a lockout, "
        f"within {limit:.0f}°), where the pelvis is still moving"
    )


def withhold(
    values: dict[str, float | None],
    seq: PoseSequence,
    rep_frames: np.ndarray,
    top: np.ndarray,
    view: str,
    side: str | None,
    signal: np.ndarray,
    th: Mapping[str, float],
) -> dict[str, str]:
    """Set ``head_trunk_deg`` (floor bridge) and ``pelvic_tilt_deg`` (no lockout) to None, in place.

    Parameters
    ----------
    values : dict
        One rep's measures.
    rep_frames, top : numpy.ndarray
        Frame indices of the whole rep and of its top.
    view, side : str
        Camera view and working side (``"both"`` for two legs).
    signal : numpy.ndarray
        (T,) rep signal of the whole sequence (hip angle, deg).

    Returns
    -------
    dict
        Metric -> why it was not judged.
    """
    reasons: dict[str, str] = {}
    bridge = floor_bridge_reason(seq, rep_frames, th)
    if bridge and values.get("head_trunk_deg") is not None:
        values["head_trunk_deg"] = None
        reasons["head_trunk_deg"] = bridge
    why = no_lockout_reason(top_deficit_deg(seq, top, view, side, signal), th)
    if why and values.get("pelvic_tilt_deg") is not None:
        values["pelvic_tilt_deg"] = None
        reasons["pelvic_tilt_deg"] = why
    return reasons
