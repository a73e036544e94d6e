"""Checks on an input that the measures cannot see: still images, truncated clips, upside-down frames.

A still image is refused before any pose work (a photo is not a 1-frame clip at an
invented frame rate). A truncated video and a person upside down in the frame are
analysed but said in the report's ``notes``, so the reader of ``report.json`` knows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hipform.errors import InputError
from hipform.landmarks import LANDMARK_NAMES
from hipform.sequence import PoseSequence

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".heic", ".heif", ".avif", ".jp2"}
)
_IMAGE_MAGIC: tuple[tuple[int, bytes], ...] = (
    (0, b"\xff\xd8\xff"),  # JPEG
    (0, b"\x89PNG\r\n\x1a\n"),
    (0, b"GIF8"),
    (0, b"BM"),
    (0, b"II*\x00"),  # TIFF
    (0, b"MM\x00*"),
)
MIN_FRAMES = 2
"""Fewer decoded frames than this is a still image, not a clip."""
UPSIDE_DOWN_FRACTION = 0.5
"""The person is said to be upside down when the head is below both ankles in more than
this fraction of the frames where head and ankles are all found."""


def looks_like_image(path: Path) -> bool:
    """True when the file is a still image (by its suffix or its first bytes)."""
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError:
        return False
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return any(head[off : off + len(m)] == m for off, m in _IMAGE_MAGIC)


def refuse_still_image(path: str | Path) -> None:
    """Refuse a photo given where a video belongs.

    Raises
    ------
    InputError
        When ``path`` is a still image.
    """
    p = Path(path)
    if p.is_file() and looks_like_image(p):
        raise InputError(
            f"{p.name} is a still image, not a video: hipform needs a clip of the movement (a few seconds)"
        )


def refuse_single_frame(seq: PoseSequence, name: str) -> None:
    """Refuse a 'video' that decoded to fewer than :data:`MIN_FRAMES` frames.

    Raises
    ------
    InputError
    """
    if len(seq) < MIN_FRAMES:
        raise InputError(
            f"{name} has {len(seq)} frame: a still image, not a clip (hipform needs a few seconds of movement)"
        )


def upside_down_fraction(seq: PoseSequence) -> tuple[float, int]:
    """Fraction of frames in which the head (nose) is below both ankles in the image.

    Returns
    -------
    (float, int)
        The fraction, and the number of frames where nose and both ankles were found.
    """
    idx = [LANDMARK_NAMES.index(n) for n in ("nose", "left_ankle", "right_ankle")]
    y = seq.xyz[:, idx, 1]
    found = np.isfinite(y).all(axis=1)
    if not found.any():
        return 0.0, 0
    below = (y[found, 0] > y[found, 1]) & (y[found, 0] > y[found, 2])  # image y grows downwards
    return float(below.mean()), int(found.sum())


def upside_down_note(seq: PoseSequence) -> str | None:
    """A report note when the person is upside down in most frames (a rotated phone clip)."""
    frac, n = upside_down_fraction(seq)
    if n == 0 or frac <= UPSIDE_DOWN_FRACTION:
        return None
    return (
        f"the person is upside down in {100 * frac:.0f}% of {n} frames (head below the feet): the clip is "
        "probably rotated; rotate it upright and analyse it again, the view, sides and rep times may be wrong"
    )


def truncation_note(path: str | Path, seq: PoseSequence) -> str | None:
    """A report note when a video delivered clearly fewer frames than its container announces."""
    from hipform.video import open_video

    try:
        info = open_video(path)
    except InputError:
        return None
    announced = int(info.frame_count)
    if announced - len(seq) <= max(1, int(0.01 * announced)):  # containers often miscount by a frame
        return None
    return (
        f"the video is truncated or partly corrupt: {len(seq)} of the {announced} frames its container "
        f"announces could be decoded ({len(seq) / info.fps:.1f} s analysed)"
    )
