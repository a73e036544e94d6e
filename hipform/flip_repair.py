"""Undo whole-body left/right flips of the pose model in front, rear and oblique views.

In a view that shows the person's front (or back), MediaPipe sometimes decides for a run of
frames that it is looking at the other side of the body: every left landmark is labelled
right and the other way round, and the world landmarks put the face behind the head. On
screen the points stay where they were, so the order of the left and right hip (and of the
shoulders) across the image reverses from one frame to the next. A person who really turns
round passes through a side-on posture, where the hips and shoulders overlap on screen;
the model's flip does not.

:func:`find_body_flips` marks the frames whose hip *and* shoulder order are both clearly
reversed against the clip's usual order, in runs that start or end with a jump from a
clearly unreversed frame (a model flip, not a turn). The usual order is the one the feet
point to when they clearly point toward or away from the camera, else the majority's.
:func:`repair_body_flips` swaps every left/right landmark pair back in those frames (image
landmarks and visibility) and drops their world landmarks, whose depth the model guessed for
a body facing the other way.
"""

from __future__ import annotations

import numpy as np

from hipform.cleaning import relabel_landmarks, true_runs
from hipform.landmarks import MIRROR_ORDER
from hipform.sequence import PoseSequence

MIN_REVERSED_FRAC = 0.3
"""A frame counts as reversed when both its hip and shoulder separations on screen point the
other way by at least this share of their usual width."""

MIN_HIP_SPREAD_TORSO = 0.15
"""Narrowest usual hip width on screen, in torso lengths, for the repair to run."""

MIN_SHOULDER_SPREAD_TORSO = 0.25
"""Narrowest usual shoulder width on screen, in torso lengths. Below these two widths the
view is side-on: the left/right order is too close to zero to tell a flip from noise, and
nothing is repaired. Square front views give about 0.4 and 0.7, the oblique pose2sim views
0.22-0.31 and 0.38-0.58, side views under 0.05 and 0.2."""

TOES_DECIDE = 0.4
"""Feet pointing this clearly toward or away from the camera (:func:`toes_toward_camera`)
settle which way the person faces, even when the model's labels say otherwise in most frames
(the lite model on pose2sim cam02 is flipped in 61% of them)."""

MIN_MAJORITY = 0.6
"""Share of frames in one left/right order for that order to be taken as the true one when
the feet do not tell (the full model on pose2sim cam02 has 70% of its frames right)."""

MAX_OVERRULED_MAJORITY = 0.75
"""The feet overrule a majority of the labels only up to this share: seen from behind the
feet read poorly, and labels this consistent are trusted over them (then nothing is
repaired, and the measures that depend on the labels withhold themselves)."""

MAX_JUMP_GAP_S = 0.1
"""A run is a jump when a clearly unreversed frame lies within this time of its first or last
frame (seconds); otherwise the order changed gradually, as in a real turn, and is kept."""


def _separation(seq: PoseSequence, part: str) -> np.ndarray:
    """(T,) left minus right image x of a landmark pair (pixels); NaN when one is missing."""
    return seq.xy(f"left_{part}")[:, 0] - seq.xy(f"right_{part}")[:, 0]


def toes_toward_camera(seq: PoseSequence) -> float:
    """How clearly the feet point toward the camera (+) or away from it (-), from the image alone.

    A camera above the floor sees the nearer end of a foot lower on screen. The median over
    frames and both feet of (toe tip y - heel y), divided by the median heel-to-toe distance
    on screen, is about +1 for feet pointing at a raised camera, near 0 side-on, and negative
    when they point away. It does not depend on which foot the model calls left. From behind
    the heel hides the toes and the reading is weak (-0.7 to +0.04 on real and rendered rear
    views, against +0.5 to +1.0 from the front).

    Returns
    -------
    float
        NaN without both landmarks of a foot in any frame.
    """
    toe = np.stack([seq.xy("left_foot_index"), seq.xy("right_foot_index")])
    heel = np.stack([seq.xy("left_heel"), seq.xy("right_heel")])
    dy = toe[..., 1] - heel[..., 1]
    length = np.linalg.norm(toe - heel, axis=-1)
    ok = np.isfinite(dy) & (length > 0)
    if not ok.any():
        return float("nan")
    return float(np.median(dy[ok]) / np.median(length[ok]))


def facing_sign(seq: PoseSequence, share_left_on_right: float) -> float | None:
    """+1 when the person faces the camera, -1 when their back is to it, None when unsure.

    Parameters
    ----------
    seq : PoseSequence
    share_left_on_right : float
        Share of frames whose labels put the left hip and shoulder to the image right.

    Notes
    -----
    The labels' majority decides when it is clear (at least ``MIN_MAJORITY``) and the feet
    do not clearly point the other way. Feet that clearly point toward or away from the
    camera decide against a contested majority (under ``MAX_OVERRULED_MAJORITY``). A clear
    majority that the feet contradict, or a split majority the feet do not settle, is
    unsure: nothing is repaired then.
    """
    majority = 1.0 if share_left_on_right >= 0.5 else -1.0
    share = max(share_left_on_right, 1.0 - share_left_on_right)
    toes = toes_toward_camera(seq)
    feet = (1.0 if toes > 0 else -1.0) if abs(toes) >= TOES_DECIDE else None
    if feet == majority:
        return majority
    if feet is None:
        return majority if share >= MIN_MAJORITY else None
    return feet if share < MAX_OVERRULED_MAJORITY else None


def usual_order(seq: PoseSequence) -> tuple[float, float, float] | None:
    """The clip's true left/right order on screen.

    Which way the person faces comes from :func:`facing_sign`: the labels' clear majority,
    or the feet where they clearly point toward or away from the camera and the labels are
    split.

    Returns
    -------
    (sign, hip_width_px, shoulder_width_px) or None
        ``sign`` is +1 when the left hip and shoulder belong to the image right of the
        right ones (the person faces the camera), -1 when to the left (the back is seen);
        the widths are the median separations with that order. None when the order cannot
        be told (no frames with both pairs, or a side-on view).
    """
    hip, sh = _separation(seq, "hip"), _separation(seq, "shoulder")
    both = np.isfinite(hip) & np.isfinite(sh)
    if both.sum() < 3:
        return None
    sign = facing_sign(seq, float(np.mean(hip[both] + sh[both] > 0)))
    if sign is None:
        return None
    agree = both & (hip * sign > 0) & (sh * sign > 0)
    if agree.sum() < 3:
        return None
    hip_w, sh_w = float(np.median(hip[agree] * sign)), float(np.median(sh[agree] * sign))
    torso = np.linalg.norm(seq.mid("left_shoulder", "right_shoulder") - seq.mid("left_hip", "right_hip"), axis=-1)
    torso_px = float(np.nanmedian(torso[agree])) if np.isfinite(torso[agree]).any() else float("nan")
    if not np.isfinite(torso_px) or torso_px <= 0:
        return None
    if hip_w < MIN_HIP_SPREAD_TORSO * torso_px or sh_w < MIN_SHOULDER_SPREAD_TORSO * torso_px:
        return None
    return sign, hip_w, sh_w


def find_body_flips(seq: PoseSequence, min_frac: float = MIN_REVERSED_FRAC) -> np.ndarray:
    """Frames in which the pose model flipped the whole body's left and right.

    Parameters
    ----------
    seq : PoseSequence
        Raw landmarks (before gap filling and smoothing, which would blur a flip).
    min_frac : float
        Share of the usual hip and shoulder width by which both must be reversed.

    Returns
    -------
    numpy.ndarray
        (T,) bool, True in the flipped frames. All False in side views and when the usual
        order cannot be told.
    """
    flipped = np.zeros(len(seq), dtype=bool)
    order = usual_order(seq)
    if order is None:
        return flipped
    sign, hip_w, sh_w = order
    hip = _separation(seq, "hip") * sign / hip_w
    sh = _separation(seq, "shoulder") * sign / sh_w
    with np.errstate(invalid="ignore"):
        reversed_ = (hip <= -min_frac) & (sh <= -min_frac)
        clear = (hip >= min_frac) & (sh >= min_frac)
    seen = np.isfinite(hip) & np.isfinite(sh)
    # runs of reversed frames among those with hips and shoulders (frames without them
    # inside a run do not break it)
    seen_idx = np.flatnonzero(seen)
    clear_idx = np.flatnonzero(clear)
    for start, stop in true_runs(reversed_[seen_idx]):
        a, b = seen_idx[start], seen_idx[stop - 1]
        before = clear_idx[clear_idx < a]
        after = clear_idx[clear_idx > b]
        jump_in = before.size > 0 and seq.t[a] - seq.t[before[-1]] <= MAX_JUMP_GAP_S
        jump_out = after.size > 0 and seq.t[after[0]] - seq.t[b] <= MAX_JUMP_GAP_S
        if jump_in or jump_out:
            flipped[a : b + 1] = True
    return flipped & seen


def repair_body_flips(seq: PoseSequence, min_frac: float = MIN_REVERSED_FRAC) -> tuple[PoseSequence, int]:
    """Relabel the frames found by :func:`find_body_flips` (left <-> right; world landmarks dropped).

    Returns
    -------
    PoseSequence, int
        The repaired sequence and the number of frames repaired.
    """
    flipped = find_body_flips(seq, min_frac)
    if not flipped.any():
        return seq, 0

    # the model's depth guesses for a body it thought was turned away are not the real ones
    # mirrored (on the pose2sim clips they were off in either reading): dropped, not guessed
    return (
        relabel_landmarks(seq, flipped, MIRROR_ORDER, drop_world=True),
        int(flipped.sum()),
    )
