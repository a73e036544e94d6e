"""Draw pose feedback on a video frame: skeleton, joint angle, rep count, cue, status line.

Every function here only draws what it is given, on the image it is given (in place,
and returns it): no angle, count or fault is computed here. Sizes (line width, text
height) scale with the image so one style reads well from 480p to 4K. OpenCV 5 draws
text with a built-in TrueType font (dashes and degree signs included); under OpenCV 4's
ASCII-only Hershey fonts :func:`ascii_text` replaces such characters.

Used by ``hipform live`` for its window and reusable for annotated report videos::

    draw_skeleton(img, xy, visibility)
    draw_angle(img, knee_xy, 92.0, "L knee")
    draw_rep_counter(img, {"left": 3, "right": 2})
    draw_cue(img, "knee caving in — stay over your second toe", "fault")
    draw_status(img, fps=24.8, latency_ms=31.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from hipform.landmarks import LANDMARK_NAMES, SKELETON_EDGES

BGR = tuple[int, int, int]

SEVERITY_BGR: dict[str, BGR] = {
    "fault": (40, 40, 230),  # red
    "warn": (0, 170, 255),  # amber
    "ok": (70, 190, 60),  # green
    "info": (150, 150, 150),  # grey: waiting
    "not judged": (150, 150, 150),  # grey: nothing could be judged
}
"""Cue colours by severity (BGR)."""

_FACE = frozenset(range(0, 11))
"""Face landmarks (nose, eyes, ears, mouth): drawn as points only."""


@dataclass(frozen=True)
class OverlayStyle:
    """Colours (BGR) and base sizes; sizes are for a 720-pixel short side and scale with it.

    Attributes
    ----------
    left_bgr, right_bgr, centre_bgr : tuple of int
        Bone colours of the person's left side, right side, and the trunk/pelvis lines.
    joint_bgr : tuple of int
        Joint dot colour.
    line_px : float
        Bone thickness in pixels.
    joint_px : float
        Joint dot radius in pixels.
    text_scale : float
        OpenCV font scale of ordinary text.
    min_visibility : float
        Landmarks below this visibility are not drawn.
    """

    left_bgr: BGR = (255, 200, 0)
    right_bgr: BGR = (0, 200, 255)
    centre_bgr: BGR = (235, 235, 235)
    joint_bgr: BGR = (255, 255, 255)
    line_px: float = 4.0
    joint_px: float = 5.0
    text_scale: float = 0.9
    min_visibility: float = 0.5


DEFAULT_STYLE = OverlayStyle()

_FONT = cv2.FONT_HERSHEY_SIMPLEX
_TRANSLATE = str.maketrans(
    {
        "\u2014": "-",  # em dash
        "\u2013": "-",  # en dash
        "\u2212": "-",  # minus
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00b0": " deg",
        "\u00d7": "x",
        "\u2192": "->",
        "\u00b7": "-",
    }
)


UNICODE_TEXT = int(cv2.__version__.split(".")[0]) >= 5
"""OpenCV 5 draws text with a built-in TrueType font that knows dashes and the degree sign."""


def ascii_text(text: str) -> str:
    """Text OpenCV 4's Hershey fonts can draw: typographic characters replaced, others dropped."""
    return text.translate(_TRANSLATE).encode("ascii", "ignore").decode("ascii")


def drawable_text(text: str) -> str:
    """``text`` as this OpenCV can draw it (unchanged on OpenCV 5, ASCII before)."""
    return text if UNICODE_TEXT else ascii_text(text)


def size_factor(img: np.ndarray) -> float:
    """Drawing scale of an image: its short side over 720 pixels (at least 0.4)."""
    return max(min(img.shape[:2]) / 720.0, 0.4)


MAX_DRAW_COORD = 1 << 20
"""Pixel coordinates are clamped to +-this before OpenCV sees them (it needs 32-bit ints and
clips lines to the image itself); a corrupt 1e12 px landmark is then drawn off-image, not a crash."""


def _pt(xy: Sequence[float]) -> tuple[int, int]:
    x, y = (min(max(float(v), -MAX_DRAW_COORD), MAX_DRAW_COORD) for v in xy[:2])
    return int(round(x)), int(round(y))


def _bone_colour(a: int, b: int, style: OverlayStyle) -> BGR:
    na, nb = LANDMARK_NAMES[a], LANDMARK_NAMES[b]
    if na.startswith("left_") and nb.startswith("left_"):
        return style.left_bgr
    if na.startswith("right_") and nb.startswith("right_"):
        return style.right_bgr
    return style.centre_bgr


def draw_skeleton(
    img: np.ndarray,
    xy: np.ndarray,
    visibility: np.ndarray | None = None,
    *,
    style: OverlayStyle = DEFAULT_STYLE,
    highlight: Mapping[int, BGR] | None = None,
) -> np.ndarray:
    """Draw bones and joints of one pose.

    Parameters
    ----------
    img : numpy.ndarray
        (H, W, 3) uint8 BGR image, drawn on in place.
    xy : numpy.ndarray
        (33, 2) landmark pixels in this image's coordinates; NaN = not drawn.
    visibility : numpy.ndarray, optional
        (33,) visibility; landmarks below ``style.min_visibility`` are not drawn.
    style : OverlayStyle
    highlight : mapping of int to colour, optional
        Landmark index -> colour for joints to emphasise (e.g. a faulty knee).

    Returns
    -------
    numpy.ndarray
        ``img``.
    """
    xy = np.asarray(xy, float)
    ok = np.isfinite(xy).all(axis=1)
    if visibility is not None:
        ok &= np.asarray(visibility, float) >= style.min_visibility
    k = size_factor(img)
    thick = max(int(round(style.line_px * k)), 1)
    radius = max(int(round(style.joint_px * k)), 2)
    for a, b in SKELETON_EDGES:
        if ok[a] and ok[b]:
            cv2.line(img, _pt(xy[a]), _pt(xy[b]), _bone_colour(a, b, style), thick, cv2.LINE_AA)
    for i in np.flatnonzero(ok):
        r = radius if i not in _FACE else max(radius // 2, 1)
        cv2.circle(img, _pt(xy[i]), r, style.joint_bgr, -1, cv2.LINE_AA)
    for i, colour in (highlight or {}).items():
        if ok[i]:
            cv2.circle(img, _pt(xy[i]), 2 * radius, colour, max(thick // 2, 2), cv2.LINE_AA)
    return img


def _text_box(
    img: np.ndarray,
    lines: Sequence[str],
    origin: tuple[int, int],
    scale: float,
    colour: BGR,
    *,
    thickness: int,
    fill: BGR | None = (0, 0, 0),
    alpha: float = 0.55,
    anchor: str = "top-left",
) -> tuple[int, int, int, int]:
    """Draw lines of text on a translucent box; returns the box (x0, y0, x1, y1)."""
    sizes = [cv2.getTextSize(s, _FONT, scale, thickness) for s in lines]
    line_h = max((h + base for (_, h), base in sizes), default=0)
    gap = int(0.35 * line_h)
    pad = int(0.4 * line_h) + 2
    width = max((w for (w, _), _ in sizes), default=0) + 2 * pad
    height = len(lines) * line_h + (len(lines) - 1) * gap + 2 * pad
    x0, y0 = origin
    if "right" in anchor:
        x0 -= width
    if "bottom" in anchor:
        y0 -= height
    if "centre" in anchor:
        x0 -= width // 2
    H, W = img.shape[:2]
    x0, y0 = max(0, min(x0, W - width)), max(0, min(y0, H - height))
    x1, y1 = min(W, x0 + width), min(H, y0 + height)
    if fill is not None and x1 > x0 and y1 > y0:
        roi = img[y0:y1, x0:x1]
        box = np.empty_like(roi)
        box[:] = fill
        cv2.addWeighted(box, alpha, roi, 1 - alpha, 0, dst=roi)
    y = y0 + pad
    for s, ((_, h), _base) in zip(lines, sizes, strict=True):
        y += line_h
        cv2.putText(img, s, (x0 + pad, y - (line_h - h) // 2 - 1), _FONT, scale, colour, thickness, cv2.LINE_AA)
        y += gap
    return x0, y0, x1, y1


def draw_angle(
    img: np.ndarray,
    at_xy: Sequence[float],
    angle_deg: float | None,
    label: str = "",
    *,
    colour: BGR = (255, 255, 255),
    toward: str = "right",
    style: OverlayStyle = DEFAULT_STYLE,
) -> np.ndarray:
    """Write a joint angle next to the joint.

    Parameters
    ----------
    img : numpy.ndarray
        BGR image, drawn on in place.
    at_xy : sequence of float
        Joint position in pixels; nothing is drawn when it or the angle is NaN/None.
    angle_deg : float or None
        The angle to show, in degrees (shown rounded to 1 degree).
    label : str
        Short prefix, e.g. ``"L knee"``.
    colour : tuple of int
        Text colour (BGR).
    toward : {"right", "left"}
        Image side of the joint the label goes on (away from the body keeps it readable).
    style : OverlayStyle

    Returns
    -------
    numpy.ndarray
        ``img``.
    """
    if angle_deg is None or not np.isfinite(angle_deg) or not np.isfinite(np.asarray(at_xy, float)).all():
        return img
    k = size_factor(img)
    text = drawable_text(f"{label} {angle_deg:.0f}\u00b0".strip())
    x, y = _pt(at_xy)
    offset = int(14 * k)
    left = toward == "left"
    _text_box(
        img, [text], (x - offset if left else x + offset, y - offset), 0.7 * style.text_scale * k, colour,
        thickness=max(int(round(2 * k)), 1), alpha=0.45, anchor="top-right" if left else "top-left",
    )
    return img


def draw_rep_counter(
    img: np.ndarray,
    counts: Mapping[str, int],
    *,
    phase: str | None = None,
    title: str = "reps",
    style: OverlayStyle = DEFAULT_STYLE,
) -> np.ndarray:
    """Draw the rep count per side in the top-left corner.

    Parameters
    ----------
    img : numpy.ndarray
        BGR image, drawn on in place.
    counts : mapping of str to int
        Side (``"left"``, ``"right"``, ``"both"``, ...) -> reps counted; empty = 0 reps.
    phase : str, optional
        Counter phase to show under the counts (e.g. ``"in rep"``).
    title : str
        Heading (e.g. the exercise name).
    style : OverlayStyle

    Returns
    -------
    numpy.ndarray
        ``img``.
    """
    k = size_factor(img)
    lines = [drawable_text(title)]
    if counts:
        lines += [f"{side}: {n}" for side, n in counts.items()]
    else:
        lines.append("0")
    if phase:
        lines.append(drawable_text(f"({phase})"))
    m = int(12 * k)
    _text_box(img, lines, (m, m), 1.1 * style.text_scale * k, (255, 255, 255), thickness=max(int(round(2.5 * k)), 1))
    return img


def wrap_text(text: str, max_width_px: int, scale: float, thickness: int) -> list[str]:
    """Split text into lines no wider than ``max_width_px`` in OpenCV's font."""
    words = drawable_text(text).split()
    lines: list[str] = []
    cur = ""
    for w in words:
        cand = f"{cur} {w}".strip()
        if cur and cv2.getTextSize(cand, _FONT, scale, thickness)[0][0] > max_width_px:
            lines.append(cur)
            cur = w
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def draw_cue(
    img: np.ndarray,
    text: str | Iterable[str],
    severity: str | None,
    *,
    style: OverlayStyle = DEFAULT_STYLE,
) -> np.ndarray:
    """Draw a large coaching cue across the lower part of the image, coloured by severity.

    Parameters
    ----------
    img : numpy.ndarray
        BGR image, drawn on in place.
    text : str or iterable of str
        The cue (several messages are drawn as separate lines); wrapped to the width.
    severity : {"fault", "warn", "ok", "info"} or None
        Colour of the banner (:data:`SEVERITY_BGR`); None = ``"info"``.
    style : OverlayStyle

    Returns
    -------
    numpy.ndarray
        ``img``.
    """
    messages = [text] if isinstance(text, str) else list(text)
    if not messages:
        return img
    H, W = img.shape[:2]
    k = size_factor(img)
    scale = 1.5 * style.text_scale * k
    thick = max(int(round(3 * k)), 2)
    lines: list[str] = []
    for msg in messages:
        lines += wrap_text(msg, int(0.9 * W), scale, thick)
    colour = SEVERITY_BGR.get(severity or "info", SEVERITY_BGR["info"])
    x0, y0, x1, y1 = _text_box(
        img, lines, (W // 2, H - int(20 * k)), scale, (255, 255, 255),
        thickness=thick, fill=colour, alpha=1.0, anchor="bottom-centre",
    )
    cv2.rectangle(img, (x0, y0), (x1 - 1, y1 - 1), colour, max(thick, 2))
    return img


def draw_status(
    img: np.ndarray,
    fps: float | None,
    latency_ms: float | None,
    *,
    dropped_share: float | None = None,
    extra: str = "",
    style: OverlayStyle = DEFAULT_STYLE,
) -> np.ndarray:
    """Draw the processing rate and latency in the top-right corner.

    Parameters
    ----------
    img : numpy.ndarray
        BGR image, drawn on in place.
    fps : float or None
        Frames processed per second.
    latency_ms : float or None
        Capture-to-display delay in milliseconds.
    dropped_share : float, optional
        Share (0..1) of captured frames not processed.
    extra : str
        One more line (e.g. ``"q: quit"``).
    style : OverlayStyle

    Returns
    -------
    numpy.ndarray
        ``img``.
    """
    k = size_factor(img)

    def fmt(v: float | None, spec: str) -> str:
        return "-" if v is None or not np.isfinite(v) else format(v, spec)

    lines = [f"{fmt(fps, '.1f')} fps", f"latency {fmt(latency_ms, '.0f')} ms"]
    if dropped_share is not None:
        lines.append(f"dropped {fmt(100 * dropped_share, '.0f')}%")
    if extra:
        lines.append(drawable_text(extra))
    m = int(12 * k)
    _text_box(
        img, lines, (img.shape[1] - m, m), 0.7 * style.text_scale * k, (255, 255, 255),
        thickness=max(int(round(2 * k)), 1), anchor="top-right",
    )
    return img


NOT_JUDGED_STYLE = OverlayStyle(left_bgr=(150, 150, 150), right_bgr=(150, 150, 150), centre_bgr=(150, 150, 150),
                                joint_bgr=(190, 190, 190))
"""Skeleton colours during a rep or step that was not judged (unscorable): all grey."""


def draw_side_legend(img: np.ndarray, style: OverlayStyle = DEFAULT_STYLE) -> np.ndarray:
    """Draw the left/right colour legend in the top-right corner, in place.

    The words are written in the bone colours of each side (the person's left and right,
    not the image's), so a reader can tell the legs apart in any view.
    """
    k = size_factor(img)
    m = int(12 * k)
    scale = 0.8 * style.text_scale * k
    thick = max(int(round(2 * k)), 1)
    y = m
    for word, colour in (("left", style.left_bgr), ("right", style.right_bgr)):
        y = _text_box(img, [word], (img.shape[1] - m, y), scale, colour, thickness=thick, anchor="top-right")[3]
    return img
