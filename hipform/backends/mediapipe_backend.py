"""MediaPipe Tasks ``PoseLandmarker`` in VIDEO mode.

Each frame gives up to ``num_poses`` candidate poses. Normalised image landmarks become
pixels (x * width, y * height, z * width); world landmarks stay in metres; landmarks
whose visibility is below 0.5 become NaN. The landmarker must be closed explicitly
(``close()`` or a ``with`` block).
"""

from __future__ import annotations

import math
from types import TracebackType
from typing import Any

import cv2
import numpy as np

from hipform.backends import register_backend
from hipform.errors import ModelError
from hipform.landmarks import N_LANDMARKS
from hipform.models import MODEL_NAMES, model_path
from hipform.sequence import DEFAULT_VISIBILITY_THRESHOLD, FramePose

MAX_POSES = 3
"""Largest ``num_poses`` accepted."""

DETECTION_CONFIDENCE = 0.3
"""Default ``min_pose_detection_confidence``: below MediaPipe's 0.5 so that a person with
a covered or blurred face (the detector keys on the face) is still found; the subject
tracker discards the extra false candidates."""

PRESENCE_CONFIDENCE = 0.5
"""Default ``min_pose_presence_confidence`` (MediaPipe's; lower lets more broken poses
through, which costs the walker of the sample clip more frames than it gains)."""


def landmarks_to_arrays(landmarks: Any, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Convert one pose's normalised landmarks to pixel coordinates.

    Parameters
    ----------
    landmarks : sequence of NormalizedLandmark
        33 landmarks with ``x, y`` in 0..1 of the image and ``z`` in the scale of ``x``.
    width, height : int
        Image size in pixels.

    Returns
    -------
    xyz : numpy.ndarray
        (33, 3) pixels: x * width, y * height, z * width.
    visibility : numpy.ndarray
        (33,) visibility in 0..1 (NaN when the model gives none).
    """
    raw = np.array(
        [(lm.x, lm.y, lm.z, np.nan if lm.visibility is None else lm.visibility) for lm in landmarks],
        dtype=float,
    ).reshape(N_LANDMARKS, 4)
    xyz = raw[:, :3] * np.array([width, height, width], dtype=float)
    return xyz, raw[:, 3]


def world_to_array(landmarks: Any) -> np.ndarray:
    """(33, 3) world landmarks in metres (origin between the hips)."""
    return np.array([(lm.x, lm.y, lm.z) for lm in landmarks], dtype=float).reshape(N_LANDMARKS, 3)


def mask_low_visibility(
    xyz: np.ndarray, visibility: np.ndarray, world: np.ndarray | None, threshold: float
) -> tuple[np.ndarray, np.ndarray | None]:
    """Set landmarks with visibility below ``threshold`` (or NaN) to NaN in xyz and world."""
    low = ~(visibility >= threshold)
    xyz = xyz.copy()
    xyz[low] = np.nan
    if world is not None:
        world = world.copy()
        world[low] = np.nan
    return xyz, world


class _MsClock:
    """Integer millisecond timestamps, strictly increasing as MediaPipe VIDEO mode needs."""

    def __init__(self) -> None:
        self.last_ms = -1

    def __call__(self, t_s: float) -> int:
        ms = int(round(t_s * 1000.0)) if math.isfinite(t_s) else self.last_ms + 1
        ms = max(ms, self.last_ms + 1)
        self.last_ms = ms
        return ms


class MediaPipeBackend:
    """MediaPipe pose landmarker (Tasks API, VIDEO mode).

    Parameters
    ----------
    model : str
        ``"lite"``, ``"full"`` or ``"heavy"`` (bundle verified by :func:`model_path`).
    num_poses : int
        Most people reported per frame, 1..3.
    min_detection_confidence, min_presence_confidence, min_tracking_confidence : float
        MediaPipe thresholds in 0..1.
    visibility_threshold : float
        Landmarks below this visibility become NaN.
    """

    def __init__(
        self,
        model: str = "full",
        num_poses: int = MAX_POSES,
        *,
        min_detection_confidence: float = DETECTION_CONFIDENCE,
        min_presence_confidence: float = PRESENCE_CONFIDENCE,
        min_tracking_confidence: float = 0.5,
        visibility_threshold: float = DEFAULT_VISIBILITY_THRESHOLD,
    ) -> None:
        if model not in MODEL_NAMES:
            raise ModelError(f"unknown pose model {model!r}: expected one of {', '.join(MODEL_NAMES)}")
        if not 1 <= int(num_poses) <= MAX_POSES:
            raise ModelError(f"num_poses must be 1..{MAX_POSES}, got {num_poses}")
        from mediapipe.tasks.python import BaseOptions, vision

        self.model = model
        self.num_poses = int(num_poses)
        self.name = f"mediapipe-{model}"
        self.visibility_threshold = float(visibility_threshold)
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path(model))),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=self.num_poses,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        try:
            self._landmarker: Any = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as e:
            raise ModelError(f"cannot load pose model {model!r}: {str(e).splitlines()[0]}") from None
        self._clock = _MsClock()

    # context manager
    def __enter__(self) -> MediaPipeBackend:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the landmarker (safe to call twice)."""
        landmarker, self._landmarker = self._landmarker, None
        if landmarker is not None:
            landmarker.close()

    def infer(self, frame_bgr: np.ndarray, t_s: float) -> Any:
        """Run the landmarker on one frame and return MediaPipe's raw result."""
        import mediapipe as mp

        if self._landmarker is None:
            raise RuntimeError("MediaPipeBackend is closed")
        rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        return self._landmarker.detect_for_video(image, self._clock(t_s))

    def detect_all(self, frame_bgr: np.ndarray, t_s: float) -> list[FramePose]:
        """Return every pose found in one frame.

        Parameters
        ----------
        frame_bgr : numpy.ndarray
            (height, width, 3) uint8 BGR image.
        t_s : float
            Frame time in seconds (strictly increasing between calls).

        Returns
        -------
        list of FramePose
            One per person found, in MediaPipe's order; empty when nobody is found.
        """
        height, width = frame_bgr.shape[:2]
        result = self.infer(frame_bgr, t_s)
        worlds = result.pose_world_landmarks or []
        poses = []
        for k, lms in enumerate(result.pose_landmarks or []):
            xyz, vis = landmarks_to_arrays(lms, width, height)
            world = world_to_array(worlds[k]) if k < len(worlds) else None
            xyz, world = mask_low_visibility(xyz, vis, world, self.visibility_threshold)
            poses.append(FramePose(xyz, vis, world))
        return poses

    def detect(self, frame_bgr: np.ndarray, t_s: float) -> FramePose:
        """Return the largest pose in one frame, or an all-NaN pose when nobody is found."""
        poses = self.detect_all(frame_bgr, t_s)
        if not poses:
            return FramePose.missing(with_world=True)
        return max(poses, key=_pose_extent)


def _pose_extent(pose: FramePose) -> float:
    """Bounding-box diagonal of the found landmarks in pixels (0 when none)."""
    xy = pose.xyz[:, :2]
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) < 2:
        return 0.0
    return float(np.hypot(*(xy.max(axis=0) - xy.min(axis=0))))


@register_backend("mediapipe")
def _make(model: str = "full", num_poses: int = MAX_POSES, **opts: Any) -> MediaPipeBackend:
    return MediaPipeBackend(model, num_poses, **opts)
