"""Real-clip pose extraction shared by the video/backend/tracking tests.

MediaPipe runs at most once per (clip, model) in a test process: results are memoised at
module level (not in pytest fixtures, so importing the fixtures into several test modules
does not repeat the work). Also small builders for synthetic clips and poses.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from hipform.landmarks import N_LANDMARKS, landmark_index
from hipform.sequence import FramePose

REPO = Path(__file__).resolve().parents[1]
SHARED_VIDEOS = REPO.parent / "shared" / "videos"

WALK = "walk_side_sports2d.mp4"
HINGE = "single_leg_hinge_pose2sim_cam01.mp4"
HINGE_TWO = "single_leg_hinge_two_people_pose2sim_cam01.mp4"


def missing_input(reason: str) -> None:
    """A test cannot run for want of something outside the repository.

    On a developer machine the test is skipped with ``reason``; under CI (``CI`` set, where
    ``.ci/run`` installs chromium and Xvfb and ``../shared`` is beside the clone) it fails,
    so a broken set-up cannot pass silently.
    """
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def shared_clip(name: str) -> Path:
    """Path of a real clip in ``../shared/videos`` (see :func:`missing_input` when absent)."""
    path = SHARED_VIDEOS / name
    if not path.is_file():
        missing_input(f"real clip not available: {path}")
    return path


def clip_detections(name: str, model: str = "full"):
    """Every candidate pose of every frame of a real clip (MediaPipe, 3 poses), memoised."""
    return _clip_detections(name, model)


def subject_sequence(name: str, model: str = "full"):
    """The chosen subject's :class:`PoseSequence` of a real clip, memoised."""
    return _subject_sequence(name, model)


@functools.cache
def _clip_detections(name: str, model: str):
    from hipform.backends import get_backend
    from hipform.extract import detect_clip

    path = shared_clip(name)
    with get_backend("mediapipe", model=model, num_poses=3) as backend:
        return detect_clip(path, backend)


@functools.cache
def _subject_sequence(name: str, model: str):
    from hipform.extract import poses_from_detections

    return poses_from_detections(_clip_detections(name, model))


def hip_centre(poses: list[FramePose]) -> np.ndarray:
    """(T, 2) pixel midpoint of the two hips (NaN unless both are found)."""
    idx = [landmark_index("left_hip"), landmark_index("right_hip")]
    return np.array([p.xyz[idx, :2].mean(axis=0) for p in poses])


# synthetic clips --------------------------------------------------------------------
def write_clip(path: Path, frames: list[np.ndarray], fps: float = 10.0) -> Path:
    """Write BGR frames to an MP4 (mp4v) with OpenCV and return the path."""
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened()
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def marker_frames(n: int, width: int = 64, height: int = 32) -> list[np.ndarray]:
    """Frames with a red stripe along the top edge and a white left half."""
    frames = []
    for _ in range(n):
        f = np.zeros((height, width, 3), np.uint8)
        f[:, : width // 2] = 255
        f[:4, :] = (0, 0, 220)
        frames.append(f)
    return frames


def ffmpeg_exe() -> str:
    """The ffmpeg binary bundled with ``imageio-ffmpeg`` (skips when not installed)."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg(*args: str) -> None:
    """Run the bundled ffmpeg quietly; fail the test on error."""
    subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", *args], check=True)


# synthetic poses --------------------------------------------------------------------
_TEMPLATE = {
    "nose": (0.0, -1.6),
    "left_shoulder": (0.25, -1.0),
    "right_shoulder": (-0.25, -1.0),
    "left_elbow": (0.35, -0.5),
    "right_elbow": (-0.35, -0.5),
    "left_wrist": (0.4, 0.0),
    "right_wrist": (-0.4, 0.0),
    "left_hip": (0.15, 0.0),
    "right_hip": (-0.15, 0.0),
    "left_knee": (0.15, 0.5),
    "right_knee": (-0.15, 0.5),
    "left_ankle": (0.15, 1.0),
    "right_ankle": (-0.15, 1.0),
}


def make_pose(cx: float, cy: float, torso_px: float, leg_swing: float = 0.0) -> FramePose:
    """A stick-figure pose with hips at (cx, cy) px and the given torso length in px.

    ``leg_swing`` moves the right knee and ankle sideways by that many torso lengths.
    """
    xyz = np.full((N_LANDMARKS, 3), np.nan)
    vis = np.full(N_LANDMARKS, 0.9)
    for name, (dx, dy) in _TEMPLATE.items():
        if name in ("right_knee", "right_ankle"):
            dx -= leg_swing * (0.5 if name == "right_knee" else 1.0)
        xyz[landmark_index(name)] = (cx + dx * torso_px, cy + dy * torso_px, 0.0)
    return FramePose(xyz, vis, None)
