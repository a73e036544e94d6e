"""``--blur-faces``: blur the person's face in stills, the annotated video and the report.

The face region comes from the pose model's face landmarks (nose, eyes, ears, mouth: the
first 11), so it follows the head wherever it turns: seen from the side only the nose,
one eye and one ear are found, and their box still covers the head. The box is grown to
at least a head's size (a share of the shoulder-to-hip length) and by a margin, because
face landmarks span only the middle of a face. When no face landmark is found in a frame
the head is placed above the shoulders, on the line from the hip centre through the
shoulder centre.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from hipform.landmarks import landmark_index
from hipform.sequence import PoseSequence

FACE = tuple(range(11))
"""Face landmark indices (nose, eyes, ears, mouth)."""

HEAD_PER_TORSO = 0.45
"""Head height as a share of the shoulder-centre to hip-centre length (adult body proportions)."""

MARGIN = 1.6
"""The blurred ellipse's half-axes are this times the head's half size."""


def face_ellipse(seq: PoseSequence, frame: int) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Centre (x, y) and half-axes (a, b) in pixels of the region to blur, or None.

    None when neither a face landmark nor the shoulders are found in the frame.
    """
    xy = seq.xyz[frame, :, :2]
    face = xy[list(FACE)]
    face = face[np.isfinite(face).all(axis=1)]
    sh = 0.5 * (xy[landmark_index("left_shoulder")] + xy[landmark_index("right_shoulder")])
    hp = 0.5 * (xy[landmark_index("left_hip")] + xy[landmark_index("right_hip")])
    torso = float(np.linalg.norm(sh - hp)) if np.isfinite(sh).all() and np.isfinite(hp).all() else math.nan
    head = HEAD_PER_TORSO * torso if math.isfinite(torso) else 0.0
    if len(face):
        centre = face.mean(axis=0)
        span = face.max(axis=0) - face.min(axis=0)
        half = np.maximum(0.5 * span, 0.5 * head)
        if not (half > 0).all():
            half = np.full(2, max(float(half.max()), 0.02 * min(seq.image_size)))
    elif math.isfinite(torso) and torso > 0:
        up = (sh - hp) / torso
        centre = sh + up * 0.6 * head
        half = np.full(2, 0.5 * head)
    else:
        return None
    a, b = MARGIN * half
    return (float(centre[0]), float(centre[1])), (float(a), float(b))


def blur_face(img: np.ndarray, seq: PoseSequence, frame: int) -> np.ndarray:
    """Blur the face region of ``frame`` in a BGR image of the clip's size, in place.

    Parameters
    ----------
    img : numpy.ndarray
        BGR image (H, W, 3) with the clip's pixel coordinates.
    seq : PoseSequence
        Landmarks of the clip (pixels).
    frame : int
        Index of ``img`` in ``seq``.

    Returns
    -------
    numpy.ndarray
        ``img``; unchanged when no face or shoulders are found in the frame.
    """
    ell = face_ellipse(seq, frame)
    if ell is None:
        return img
    (cx, cy), (a, b) = ell
    h, w = img.shape[:2]
    x0, x1 = max(0, int(cx - a) - 1), min(w, int(math.ceil(cx + a)) + 1)
    y0, y1 = max(0, int(cy - b) - 1), min(h, int(math.ceil(cy + b)) + 1)
    if x1 <= x0 or y1 <= y0:
        return img
    roi = img[y0:y1, x0:x1]
    # pixelate then smooth: no feature of the face survives, the head's colours do
    small = cv2.resize(roi, (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12)), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR), (0, 0), 3)
    mask = np.zeros(roi.shape[:2], np.uint8)
    cv2.ellipse(mask, (int(round(cx - x0)), int(round(cy - y0))), (int(round(a)), int(round(b))), 0, 0, 360, 255, -1)
    roi[mask > 0] = blurred[mask > 0]
    return img
