"""Video file -> pose backend -> subject tracking -> :class:`PoseSequence`.

Frames are decoded on a background thread (:class:`~hipform.video.VideoFileSource`)
while the backend runs on the caller's thread; only the small per-frame candidate poses
are kept, so memory stays flat in clip length. The subject is chosen once the whole
clip has been seen (:func:`hipform.tracking.select_subject`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hipform.backends import PoseBackend, get_backend
from hipform.errors import NoPersonError
from hipform.sequence import FramePose, PoseSequence
from hipform.tracking import Selection, TrackerConfig, select_subject
from hipform.video import DEFAULT_QUEUE_SIZE, VideoFileSource, VideoInfo

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""``progress(frames_done, frames_total)``; ``frames_total`` is the container's count."""


@dataclass(frozen=True)
class ClipDetections:
    """Every candidate pose of every frame of one clip.

    Attributes
    ----------
    candidates : list of list of FramePose
        Per frame, every person the backend found (pixels; NaN below visibility 0.5).
    t : numpy.ndarray
        (T,) frame times in seconds, strictly increasing.
    info : VideoInfo
        Container facts (fps, announced frame count, upright size).
    backend : str
        Backend name, e.g. ``"mediapipe-full"``.
    truncated : bool
        True when the file ended before the announced frame count.
    """

    candidates: list[list[FramePose]]
    t: np.ndarray
    info: VideoInfo
    backend: str
    truncated: bool = False

    @property
    def n_frames(self) -> int:
        """Frames decoded."""
        return len(self.candidates)

    @property
    def anyone(self) -> bool:
        """True when at least one frame has a candidate."""
        return any(self.candidates)


def detect_candidates(backend: PoseBackend, frame_bgr: np.ndarray, t_s: float) -> list[FramePose]:
    """Every pose ``backend`` finds in one frame (``detect_all`` when it has one)."""
    detect_all = getattr(backend, "detect_all", None)
    if callable(detect_all):
        return list(detect_all(frame_bgr, t_s))
    pose = backend.detect(frame_bgr, t_s)
    return [pose] if pose.found else []


def detect_clip(
    video_path: str | Path,
    backend: PoseBackend,
    progress: ProgressCallback | None = None,
    queue_size: int = DEFAULT_QUEUE_SIZE,
) -> ClipDetections:
    """Run ``backend`` on every frame of a video file.

    Parameters
    ----------
    video_path : str or pathlib.Path
        The clip.
    backend : PoseBackend
        An open backend (not closed here).
    progress : callable, optional
        Called as ``progress(frames_done, frames_total)`` after each frame.
    queue_size : int
        Decoded frames buffered ahead of the backend.

    Returns
    -------
    ClipDetections

    Raises
    ------
    InputError
        The file is missing, not a video or has no decodable frame.
    """
    candidates: list[list[FramePose]] = []
    times: list[float] = []
    with VideoFileSource(video_path, queue_size) as source:
        total = source.info.frame_count
        for frame in source:
            candidates.append(detect_candidates(backend, frame.bgr, frame.t_s))
            times.append(frame.t_s)
            if progress is not None:
                progress(len(candidates), max(total, len(candidates)))
        truncated = source.truncated
    if progress is not None and truncated:
        progress(len(candidates), len(candidates))
    return ClipDetections(candidates, np.asarray(times, dtype=float), source.info, backend.name, truncated)


def sequence_from_selection(clip: ClipDetections, selection: Selection) -> PoseSequence:
    """Build the subject's :class:`PoseSequence` from a clip's detections and the choice."""
    return PoseSequence.from_frames(
        selection.poses,
        clip.t,
        clip.info.size,
        fps=clip.info.fps,
        source=clip.info.path.name,
        backend=clip.backend,
    )


def poses_from_detections(clip: ClipDetections, tracker: TrackerConfig | None = None) -> PoseSequence:
    """Pick the subject among a clip's candidates and return their pose sequence.

    Raises
    ------
    NoPersonError
        Nobody was found in any frame.
    """
    if not clip.anyone:
        raise NoPersonError(f"nobody was detected in any of the {clip.n_frames} frames of {clip.info.path.name}")
    selection = select_subject(clip.candidates, clip.info.fps, tracker)
    if not selection.found:
        raise NoPersonError(f"no person could be tracked in {clip.info.path.name}")
    log.info(
        "%s: %d track(s); subject track %s present in %.0f%% of frames",
        clip.info.path.name,
        selection.n_tracks,
        selection.track_id,
        100 * selection.scores[0].presence,
    )
    return sequence_from_selection(clip, selection)


def extract_poses(
    video_path: str | Path,
    model: str = "full",
    num_poses: int = 3,
    progress: ProgressCallback | None = None,
    *,
    backend: PoseBackend | None = None,
    tracker: TrackerConfig | None = None,
) -> PoseSequence:
    """Find the subject's pose in every frame of a video file.

    Parameters
    ----------
    video_path : str or pathlib.Path
        The clip.
    model : str
        MediaPipe model, ``"lite"``, ``"full"`` or ``"heavy"`` (ignored with ``backend``).
    num_poses : int
        Most people looked for per frame, 1..3 (ignored with ``backend``).
    progress : callable, optional
        ``progress(frames_done, frames_total)`` after each frame (for a progress bar).
    backend : PoseBackend, optional
        Use this open backend instead of creating (and closing) a MediaPipe one.
    tracker : TrackerConfig, optional
        Subject-tracking tuning.

    Returns
    -------
    PoseSequence
        One pose per decoded frame, times from the container, NaN where the subject was
        not found; ``backend`` e.g. ``"mediapipe-full"``, ``source`` the file name.

    Raises
    ------
    InputError
        Missing, unreadable or empty video.
    ModelError
        Model bundle missing or corrupt.
    NoPersonError
        Nobody in the whole clip.
    """
    if backend is not None:
        clip = detect_clip(video_path, backend, progress)
    else:
        with get_backend("mediapipe", model=model, num_poses=num_poses) as own:
            clip = detect_clip(video_path, own, progress)
    return poses_from_detections(clip, tracker)
