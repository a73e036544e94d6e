"""MediaPipe Pose landmark names, left/right pairs and skeleton edges."""

from __future__ import annotations

from enum import IntEnum

LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
"""The 33 MediaPipe Pose landmarks, lower case, in model output order."""

N_LANDMARKS = len(LANDMARK_NAMES)

Landmark = IntEnum("Landmark", {name.upper(): i for i, name in enumerate(LANDMARK_NAMES)}, start=0)
"""Index of each landmark, e.g. ``Landmark.LEFT_HIP == 23``."""

SIDES: tuple[str, str] = ("left", "right")


def other_side(side: str) -> str:
    """Return ``"right"`` for ``"left"`` and vice versa.

    Parameters
    ----------
    side : str
        ``"left"`` or ``"right"`` (the person's side).

    Returns
    -------
    str
        The opposite side.
    """
    if side not in SIDES:
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    return "right" if side == "left" else "left"


def landmark_index(name: str) -> int:
    """Return the index of a landmark given its lower-case MediaPipe name.

    Raises
    ------
    KeyError
        If the name is not one of :data:`LANDMARK_NAMES`.
    """
    try:
        return LANDMARK_NAMES.index(name)
    except ValueError:
        raise KeyError(f"unknown landmark {name!r}") from None


def _mirror_index(i: int) -> int:
    name = LANDMARK_NAMES[i]
    if name.startswith("left_"):
        return LANDMARK_NAMES.index("right_" + name[5:])
    if name.startswith("right_"):
        return LANDMARK_NAMES.index("left_" + name[6:])
    if name == "mouth_left":
        return LANDMARK_NAMES.index("mouth_right")
    if name == "mouth_right":
        return LANDMARK_NAMES.index("mouth_left")
    return i


MIRROR_ORDER: tuple[int, ...] = tuple(_mirror_index(i) for i in range(N_LANDMARKS))
"""Index permutation that swaps every left landmark with its right partner."""

LEFT_LEG: tuple[int, ...] = tuple(
    landmark_index(n) for n in ("left_hip", "left_knee", "left_ankle", "left_heel", "left_foot_index")
)
RIGHT_LEG: tuple[int, ...] = tuple(MIRROR_ORDER[i] for i in LEFT_LEG)

SKELETON_EDGES: tuple[tuple[int, int], ...] = tuple(
    (landmark_index(a), landmark_index(b))
    for a, b in (
        ("left_shoulder", "right_shoulder"),
        ("left_hip", "right_hip"),
        ("left_shoulder", "left_hip"),
        ("right_shoulder", "right_hip"),
        ("left_shoulder", "left_elbow"),
        ("left_elbow", "left_wrist"),
        ("right_shoulder", "right_elbow"),
        ("right_elbow", "right_wrist"),
        ("left_hip", "left_knee"),
        ("left_knee", "left_ankle"),
        ("left_ankle", "left_heel"),
        ("left_heel", "left_foot_index"),
        ("left_ankle", "left_foot_index"),
        ("right_hip", "right_knee"),
        ("right_knee", "right_ankle"),
        ("right_ankle", "right_heel"),
        ("right_heel", "right_foot_index"),
        ("right_ankle", "right_foot_index"),
        ("nose", "left_ear"),
        ("nose", "right_ear"),
    )
)
"""Pairs of landmark indices joined when a skeleton is drawn."""
