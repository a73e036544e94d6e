"""Camera view detection from the landmarks, returned with its evidence.

View names:

- ``front``: the camera faces the person (their left side appears on the image right);
- ``rear``: the camera is behind the person;
- ``side-left``: the person's left side faces the camera (they face image left);
- ``side-right``: the person's right side faces the camera (they face image right).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hipform.geometry import distance
from hipform.sequence import PoseSequence

VIEWS: tuple[str, ...] = ("front", "rear", "side-left", "side-right")
FRONTAL_VIEWS = frozenset({"front", "rear"})
SIDE_VIEWS = frozenset({"side-left", "side-right"})

SIDE_WIDTH_RATIO = 0.32
"""Below this (shoulder+hip width) / (2 x torso height), a frame is a side view."""


@dataclass(frozen=True)
class ViewEstimate:
    """A camera view with a confidence (0..1) and the evidence behind it."""

    view: str
    confidence: float
    evidence: dict[str, float] = field(default_factory=dict)

    @property
    def frontal(self) -> bool:
        """True for a front or rear view."""
        return self.view in FRONTAL_VIEWS

    @property
    def side(self) -> bool:
        """True for a side view."""
        return self.view in SIDE_VIEWS


def width_ratio(seq: PoseSequence) -> np.ndarray:
    """Per-frame apparent body width relative to torso height (dimensionless).

    (shoulder width + hip width) / (2 x distance mid-shoulder to mid-hip): about 0.5-0.9
    facing the camera, under 0.3 side on.
    """
    sw = distance(seq.xy("left_shoulder"), seq.xy("right_shoulder"))
    hw = distance(seq.xy("left_hip"), seq.xy("right_hip"))
    torso = distance(seq.mid("left_shoulder", "right_shoulder"), seq.mid("left_hip", "right_hip"))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sw + hw) / (2 * torso)


def facing_sign(seq: PoseSequence) -> np.ndarray:
    """Per-frame direction the person faces along image x: +1 right, -1 left, NaN unknown.

    Votes of the nose ahead of the ears and the toes ahead of the heels.
    """
    nose_ahead = seq.xy("nose")[:, 0] - seq.mid("left_ear", "right_ear")[:, 0]
    toes = 0.5 * (
        (seq.xy("left_foot_index")[:, 0] - seq.xy("left_heel")[:, 0])
        + (seq.xy("right_foot_index")[:, 0] - seq.xy("right_heel")[:, 0])
    )
    votes = np.vstack([np.sign(nose_ahead), np.sign(toes)])
    ok = np.isfinite(votes)
    n = ok.sum(axis=0)
    total = np.where(ok, votes, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.sign(total / n), np.nan)


def frontal_sign(seq: PoseSequence) -> np.ndarray:
    """Per-frame +1 when the person's left shoulder/hip is on the image right (front), -1 if not.

    MediaPipe labels sides anatomically, so the order seen on screen flips between a
    front and a rear view; the face's visibility breaks ties.
    """
    d = (seq.xy("left_shoulder")[:, 0] - seq.xy("right_shoulder")[:, 0]) + (
        seq.xy("left_hip")[:, 0] - seq.xy("right_hip")[:, 0]
    )
    return np.sign(d)


def detect_view(seq: PoseSequence) -> ViewEstimate:
    """Detect the camera view of a clip from its landmarks.

    Parameters
    ----------
    seq : PoseSequence

    Returns
    -------
    ViewEstimate
        ``view`` is ``"unknown"`` with confidence 0 when too few frames show the torso.
        ``evidence`` holds the median width ratio, the share of frames voting for the
        chosen view, and the face visibility.
    """
    ratio = width_ratio(seq)
    ok = np.isfinite(ratio)
    if ok.sum() < max(3, 0.1 * len(seq)):
        return ViewEstimate("unknown", 0.0, {"frames_with_torso": float(ok.sum())})
    r = ratio[ok]
    side_share = float(np.mean(r < SIDE_WIDTH_RATIO))
    med = float(np.median(r))
    nose_vis = seq.visibility[:, 0]
    face_vis = float(np.nanmedian(nose_vis)) if np.isfinite(nose_vis).any() else float("nan")
    evidence = {"width_ratio_median": med, "side_frame_share": side_share, "nose_visibility_median": face_vis}
    if side_share >= 0.5:
        f = facing_sign(seq)[ok]
        f = f[np.isfinite(f) & (f != 0)]
        if f.size == 0:
            return ViewEstimate("side-left", 0.3 * side_share, evidence)
        left_share = float(np.mean(f < 0))
        view = "side-left" if left_share >= 0.5 else "side-right"
        agree = max(left_share, 1 - left_share)
        evidence["facing_agreement"] = agree
        return ViewEstimate(view, float(side_share * agree), evidence)
    fs = frontal_sign(seq)[ok]
    fs = fs[np.isfinite(fs) & (fs != 0)]
    front_share = float(np.mean(fs > 0)) if fs.size else 0.5
    # a hidden face is strong evidence for a rear view even if sides are mislabelled
    if np.isfinite(face_vis) and face_vis < 0.3:
        front_share *= 0.5
    view = "front" if front_share >= 0.5 else "rear"
    agree = max(front_share, 1 - front_share)
    evidence["front_agreement"] = front_share
    return ViewEstimate(view, float((1 - side_share) * agree), evidence)
