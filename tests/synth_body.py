"""A standing person in 3D, turned by a yaw angle and projected orthographically.

Small geometry for tests of the core (view detection, I/O): person's left is +X when
facing the camera (yaw 0), up is -y on screen.
"""

from __future__ import annotations

import numpy as np

from hipform.landmarks import LANDMARK_NAMES, N_LANDMARKS
from hipform.sequence import PoseSequence

# person-frame coordinates in metres: x = person's left, y = up, z = forward (toward camera at yaw 0)
_BODY = {
    "nose": (0.0, 1.62, 0.10),
    "left_eye_inner": (0.015, 1.66, 0.09),
    "left_eye": (0.03, 1.66, 0.085),
    "left_eye_outer": (0.045, 1.66, 0.08),
    "left_ear": (0.075, 1.63, 0.0),
    "mouth_left": (0.025, 1.58, 0.085),
    "left_shoulder": (0.19, 1.42, 0.0),
    "left_elbow": (0.22, 1.14, 0.0),
    "left_wrist": (0.23, 0.88, 0.03),
    "left_pinky": (0.235, 0.80, 0.03),
    "left_index": (0.23, 0.79, 0.05),
    "left_thumb": (0.22, 0.82, 0.06),
    "left_hip": (0.10, 0.92, 0.0),
    "left_knee": (0.10, 0.50, 0.02),
    "left_ankle": (0.10, 0.08, 0.0),
    "left_heel": (0.10, 0.03, -0.06),
    "left_foot_index": (0.10, 0.01, 0.16),
}


def body_points() -> np.ndarray:
    """(33, 3) person-frame points in metres."""
    pts = np.zeros((N_LANDMARKS, 3))
    for i, name in enumerate(LANDMARK_NAMES):
        if name in _BODY:
            pts[i] = _BODY[name]
        else:
            mirror = name.replace("right", "left") if "right" in name else name
            x, y, z = _BODY[mirror]
            pts[i] = (-x, y, z)
    return pts


def project(points: np.ndarray, yaw_deg: float, scale_px_per_m: float = 400.0, centre=(540.0, 900.0)) -> np.ndarray:
    """Turn the person by ``yaw_deg`` (positive: they turn to face image right) and project.

    Returns (..., 3) pixel x, y and a z (pixels, smaller = nearer the camera).
    """
    a = np.radians(yaw_deg)
    x, y, z = points[..., 0], points[..., 1], points[..., 2]
    # camera looks along -z of the person at yaw 0; person's left (+x) appears on image right
    xr = x * np.cos(a) + z * np.sin(a)
    zr = -x * np.sin(a) + z * np.cos(a)
    px = centre[0] + scale_px_per_m * xr
    py = centre[1] - scale_px_per_m * y
    pz = -scale_px_per_m * zr
    return np.stack([px, py, pz], axis=-1)


def standing_sequence(
    yaw_deg: float = 0.0, n: int = 60, fps: float = 30.0, noise_px: float = 1.0, seed: int = 0, face_visible=True
) -> PoseSequence:
    """A person standing still, seen at a yaw angle, with pixel noise."""
    rng = np.random.default_rng(seed)
    xyz = np.repeat(project(body_points(), yaw_deg)[None], n, axis=0)
    xyz[..., :2] += rng.normal(0, noise_px, (n, N_LANDMARKS, 2))
    vis = np.full((n, N_LANDMARKS), 0.95)
    if not face_visible:
        vis[:, :11] = 0.1
    world = np.repeat(body_points()[None], n, axis=0) * np.array([1, -1, 1])
    return PoseSequence(xyz, vis, np.arange(n) / fps, (1080, 1920), world, fps, "synthetic", "synthetic")
