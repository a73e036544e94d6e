"""Still frames for the HTML report: each rep at its deepest point, skeleton and angle lines.

The frame comes from the source video (decoded again, streaming, keeping only the frames
needed) or, for a landmark-CSV input, is a blank canvas of the clip's size. The skeleton
is drawn by :mod:`hipform.render.overlay`; this module adds the lines between the
landmarks each reported metric uses (e.g. hip-knee-ankle and heel-toe for knee valgus)
and prints the value the report holds. It draws, it does not measure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from hipform.landmarks import landmark_index, other_side
from hipform.measures import Measure
from hipform.sequence import PoseSequence

CANVAS_BGR = (236, 236, 236)
"""Background of a still drawn without video (landmark-CSV input)."""

MAX_STILL_WIDTH = 560
"""Stills are scaled to at most this width (pixels) before embedding."""

MAX_STILL_HEIGHT = 640
"""... and at most this height (pixels)."""

MAX_ZOOM = 2.0
"""A small person is enlarged at most this much."""

SEVERITY_BGR = {"fault": (40, 40, 220), "warn": (0, 150, 245), "ok": (60, 170, 60), None: (150, 120, 90)}
"""Line and label colour of a measure by the rep's verdict on it (BGR): green only for a judged ok;
a measure reported for information (no verdict) is drawn blue-grey."""

MISMATCH_BGR = (200, 40, 200)
"""Line and label colour of a metric whose drawn geometry contradicts its value (magenta, BGR)."""

MISMATCH_TEXT = "geometry does not match the value"
"""Appended to the label of such a metric."""


@dataclass(frozen=True)
class AngleLines:
    """The lines to draw for one metric on one still.

    Attributes
    ----------
    metric : str
        Metric name.
    text : str
        Label with the reported value, e.g. ``"knee valgus 14.2°"``.
    polylines : tuple of tuple of str
        Landmark names joined in order (``mid_hip``/``mid_shoulder`` are midpoints).
    severity : {"fault", "warn", "ok"} or None
        The rep's verdict on this measure (sets the colour); None when it is not graded.
    """

    metric: str
    text: str
    polylines: tuple[tuple[str, ...], ...]
    severity: str | None
    value: float = float("nan")
    mismatch: str | None = None

    @property
    def colour(self) -> tuple[int, int, int]:
        """BGR colour: :data:`MISMATCH_BGR` when the drawing contradicts the value, else by severity."""
        return MISMATCH_BGR if self.mismatch else SEVERITY_BGR[self.severity]

    @property
    def label(self) -> str:
        """The legend text, with the mismatch said when there is one."""
        return f"{self.text}: {MISMATCH_TEXT}" if self.mismatch else self.text


def lines_for_metric(measure: Measure, side: str | None) -> tuple[tuple[str, ...], ...]:
    """Polylines of the landmarks a measure uses (its catalogue ``draw``), for one side.

    Parameters
    ----------
    measure : Measure
        The catalogue entry; ``{s}`` in its polylines is the side the value belongs to and
        ``{o}`` the other side.
    side : str or None
        The rep's side: ``"left"``, ``"right"``; ``"both"``/None draw both legs. A per-leg
        measure (``measure.side``) uses its own side.

    Returns
    -------
    tuple of tuple of str
    """
    own = measure.side or side
    sides = (own,) if own in ("left", "right") else ("left", "right")
    out: list[tuple[str, ...]] = []
    for pl in measure.draw:
        if any("{s}" in n or "{o}" in n for n in pl):
            out.extend(tuple(n.format(s=s, o=other_side(s)) for n in pl) for s in sides)
        else:
            out.append(pl)
    return tuple(dict.fromkeys(out))


def angle_lines_for_item(item: Mapping[str, Any], measures: Sequence[Measure]) -> list[AngleLines]:
    """What to draw on a rep's (or step's) still: one entry per reported measure.

    Parameters
    ----------
    item : dict
        A rep or step from ``report.json`` (with its ``verdicts``).
    measures : sequence of Measure
        Measures to consider, in order (the exercise's table columns).

    Returns
    -------
    list of AngleLines
        Faulted measures first, then warnings, then the rest; measures without a value are skipped.
    """
    states = item.get("verdicts") or {}
    out: list[AngleLines] = []
    for m in measures:
        v = item.get("metrics", {}).get(m.name)
        lines = lines_for_metric(m, item.get("side"))
        if v is None or not lines:
            continue
        state = (states.get(m.name) or {}).get("state")
        severity = state if state in ("fault", "warn", "ok") else None
        out.append(AngleLines(m.name, f"{m.title} {m.format(float(v))}", lines, severity, float(v)))
    out = [a for a in out if taken_at_still(item, a.metric)]
    out.sort(key=lambda a: {"fault": 0, "warn": 1}.get(a.severity or "", 2))
    return out


def landmark_xy(seq: PoseSequence, frame: int, name: str) -> np.ndarray:
    """Pixel (x, y) of a landmark (or ``mid_hip``/``mid_shoulder``) in one frame; NaN if missing."""
    if name.startswith("mid_"):
        part = name[4:]
        a = seq.xyz[frame, landmark_index(f"left_{part}"), :2]
        b = seq.xyz[frame, landmark_index(f"right_{part}"), :2]
        return (a + b) / 2.0
    return seq.xyz[frame, landmark_index(name), :2]


def draw_angle_lines(
    img: np.ndarray,
    seq: PoseSequence,
    frame: int,
    lines: Sequence[AngleLines],
    zoom: float = 1.0,
    origin: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Draw each metric's landmark lines and a legend with the reported values, in place.

    Parameters
    ----------
    img : numpy.ndarray
        (H, W, 3) BGR image, same size as the sequence's frames.
    seq : PoseSequence
        Landmarks in pixels.
    frame : int
        Frame index in ``seq``.
    lines : sequence of AngleLines
    zoom : float
        Size of ``img`` relative to the clip's frames (landmark pixels are multiplied by it).
    origin : tuple of float
        Top-left corner (x, y) of ``img`` in the clip's frame pixels (when cropped).

    Returns
    -------
    numpy.ndarray
        ``img``.
    """
    h, w = img.shape[:2]
    scale = max(min(w, h) / 600.0, 0.5)
    thick = max(2, round(3 * scale))
    for a in reversed(lines):  # worst verdict drawn last, on top of a shared line
        colour = a.colour
        for pl in a.polylines:
            pts = zoom * (np.array([landmark_xy(seq, frame, n) for n in pl], dtype=float) - origin)
            for p, q in zip(pts[:-1], pts[1:], strict=True):
                if np.isfinite(p).all() and np.isfinite(q).all():
                    cv2.line(img, _pt(p), _pt(q), colour, thick, cv2.LINE_AA)
            for p in pts:
                if np.isfinite(p).all():
                    cv2.circle(img, _pt(p), thick + 2, colour, -1, cv2.LINE_AA)
    _legend(img, [(a.label, a.colour) for a in lines], scale)
    return img


def _pt(p: np.ndarray) -> tuple[int, int]:
    return (round(float(p[0])), round(float(p[1])))


def _legend(img: np.ndarray, rows: Sequence[tuple[str, tuple[int, int, int]]], scale: float) -> None:
    font = cv2.FONT_HERSHEY_SIMPLEX
    fs = max(0.45, 0.6 * scale)
    th = max(1, round(1.5 * scale))
    y = round(12 * scale) + 4
    for text, colour in rows:
        text = text.replace("°", " deg")  # Hershey fonts have no degree sign
        (tw, tht), base = cv2.getTextSize(text, font, fs, th)
        cv2.rectangle(img, (6, y), (14 + tw, y + tht + base + 8), (255, 255, 255), -1)
        cv2.putText(img, text, (10, y + tht + 4), font, fs, colour, th, cv2.LINE_AA)
        y += tht + base + 14


def read_frames(video: str | Path, indices: Iterable[int]) -> dict[int, np.ndarray]:
    """Decode a video once, keeping only the frames asked for (memory holds only those).

    Parameters
    ----------
    video : str or Path
    indices : iterable of int
        0-based frame numbers.

    Returns
    -------
    dict
        Frame number -> BGR image; frames beyond the end are absent.
    """
    from hipform.video import iter_frames

    wanted = set(indices)
    out: dict[int, np.ndarray] = {}
    if not wanted:
        return out
    last = max(wanted)
    for fr in iter_frames(video):
        if fr.index in wanted:
            out[fr.index] = fr.bgr.copy()
        if fr.index >= last:
            break
    return out


def blank_frame(seq: PoseSequence) -> np.ndarray:
    """A light-grey canvas the size of the clip's frames."""
    w, h = seq.image_size
    img = np.empty((h, w, 3), np.uint8)
    img[:] = CANVAS_BGR
    return img


def crop_box(seq: PoseSequence, frame: int, margin: float = 0.2) -> tuple[int, int, int, int]:
    """The part of a frame around the person: landmark bounding box plus a margin, in pixels.

    Parameters
    ----------
    seq : PoseSequence
    frame : int
    margin : float
        Added on every side, as a fraction of the box's longer side.

    Returns
    -------
    tuple of int
        (x0, y0, x1, y1) clamped to the frame; the whole frame when nobody was found.
    """
    w, h = seq.image_size
    xy = seq.xyz[frame, :, :2]
    ok = np.isfinite(xy).all(axis=1)
    if not ok.any():
        return 0, 0, w, h
    lo, hi = xy[ok].min(axis=0), xy[ok].max(axis=0)
    pad = margin * float(max(hi - lo))
    x0, y0 = (max(0, int(v - pad)) for v in lo)
    x1, y1 = min(w, int(hi[0] + pad) + 1), min(h, int(hi[1] + pad) + 1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return 0, 0, w, h
    return x0, y0, x1, y1


def render_still(
    base: np.ndarray,
    seq: PoseSequence,
    frame: int,
    lines: Sequence[AngleLines],
) -> np.ndarray:
    """Skeleton (via the overlay module) and the metric lines on a crop of a frame around the person.

    Parameters
    ----------
    base : numpy.ndarray
        The video frame, or :func:`blank_frame`.
    seq : PoseSequence
        The cleaned landmarks the report was measured on.
    frame : int
        Frame index in ``seq``.
    lines : sequence of AngleLines

    Returns
    -------
    numpy.ndarray
        A new BGR image of the person's surroundings, at most :data:`MAX_STILL_WIDTH`
        wide and :data:`MAX_STILL_HEIGHT` high (drawn after scaling, so lines and text
        stay legible).
    """
    from hipform.render import overlay

    x0, y0, x1, y1 = crop_box(seq, frame)
    crop = base[y0:y1, x0:x1]
    h, w = crop.shape[:2]
    zoom = min(MAX_ZOOM, MAX_STILL_WIDTH / w, MAX_STILL_HEIGHT / h)
    size = (max(1, round(w * zoom)), max(1, round(h * zoom)))
    img = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if zoom < 1 else cv2.INTER_LINEAR)
    origin = (float(x0), float(y0))
    overlay.draw_skeleton(img, zoom * (seq.xyz[frame, :, :2] - origin), seq.visibility[frame])
    draw_angle_lines(img, seq, frame, check_geometry(lines, seq, frame), zoom, origin)
    return img


def encode_jpeg(img: np.ndarray, quality: int = 85) -> bytes:
    """JPEG bytes of a BGR image."""
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("could not encode the still as JPEG")
    return buf.tobytes()


def frame_for_time(seq: PoseSequence, t_s: float) -> int:
    """Index of the sequence frame nearest a reported time (seconds)."""
    return seq.index_at(t_s)


def still_times(report: Mapping[str, Any], max_steps_per_side: int = 2) -> list[tuple[str, dict[str, Any], float]]:
    """Which stills to draw: every rep at its deepest point; for gait, a few steps at toe-off.

    Parameters
    ----------
    report : dict
        ``report.json`` content.
    max_steps_per_side : int
        Steps drawn per side for running / walking (the first scorable ones).

    Returns
    -------
    list of (caption, item, time_s)
    """
    out: list[tuple[str, dict[str, Any], float]] = []
    for r in report["reps"]:
        out.append(
            (
                f"Rep {r['index']} ({r.get('side') or 'side unknown'}), measured at {measured_time_s(r):.2f} s",
                r,
                measured_time_s(r),
            )
        )
    counts: dict[str, int] = {}
    for s in report["steps"]:
        side = s.get("side") or "?"
        if not s.get("scorable", True) or s.get("to_s") is None or counts.get(side, 0) >= max_steps_per_side:
            continue
        counts[side] = counts.get(side, 0) + 1
        out.append((f"Step {s['index']} ({side}), toe-off at {s['to_s']:.2f} s", s, s["to_s"]))
    return out


# ---------------------------------------------------------------------------------------
# Which frame a value was taken at, and whether the drawing agrees with it
# ---------------------------------------------------------------------------------------
MEASURED_TIME_KEYS = ("measured_s", "deepest_s", "top_s")
"""Rep keys holding the time its per-rep values were taken, in order of preference
(``measured_s`` set by the exercise; ``deepest_s``: single-leg RDL; ``top_s``: hip thrust)."""


def measured_time_s(item: Mapping[str, Any]) -> float:
    """The time (s) a rep's or step's values were taken: the frame its still must show.

    The first of :data:`MEASURED_TIME_KEYS` the item has; else the rep's ``bottom_s``
    (the counter's extreme, which is where squats measure) or a step's ``to_s``; NaN
    when the item has no time.
    """
    for key in MEASURED_TIME_KEYS:
        v = item.get(key)
        if v is not None:
            return float(v)
    for key in ("bottom_s", "to_s"):
        if item.get(key) is not None:
            return float(item[key])
    return float("nan")


def taken_at_still(item: Mapping[str, Any], metric: str, tol_s: float = 1e-3) -> bool:
    """Whether a metric was taken at the frame the item's still shows (else it is not drawn there)."""
    if item.get(f"{metric}_at_s") is None:
        return True
    return bool(abs(metric_time_s(item, metric) - measured_time_s(item)) <= tol_s)


def metric_time_s(item: Mapping[str, Any], metric: str) -> float:
    """When one metric was taken: ``<metric>_at_s`` when the exercise gives it, else :func:`measured_time_s`."""
    v = item.get(f"{metric}_at_s")
    return float(v) if v is not None else measured_time_s(item)


FPPA_TOLERANCE_DEG = 10.0
"""A still's redrawn FPPA may differ from the reported one by this much (the value is a
median over a few frames, the drawing one frame) before it is called a contradiction."""

SIGN_MARGIN_DEG = 5.0
"""Opposite signs count as a contradiction only when both the drawing and the value are
at least this far from zero (degrees)."""


def _line_side(a: AngleLines) -> str | None:
    for pl in a.polylines:
        for n in pl:
            for s in ("left", "right"):
                if n.startswith(f"{s}_"):
                    return s
    return None


def facing_sign(seq: PoseSequence, frame: int) -> float:
    """+1 when the person faces image right in ``frame`` (heel -> toe of the feet), -1 left, NaN unknown."""
    d = [
        landmark_xy(seq, frame, f"{s}_foot_index")[0] - landmark_xy(seq, frame, f"{s}_heel")[0]
        for s in ("left", "right")
    ]
    v = float(np.nansum(d)) if np.isfinite(d).any() else float("nan")
    return float(np.sign(v)) if np.isfinite(v) and v != 0 else float("nan")


def drawn_value(metric: str, seq: PoseSequence, frame: int, side: str | None) -> float:
    """The metric as the drawn landmarks of one frame show it (degrees); NaN when there is no check.

    Knee valgus (FPPA) is redrawn with :func:`hipform.exercises.frontal_knee.knee_fppa_deg`;
    hip extension is the thigh (hip -> knee) behind the vertical, toward the back of the
    feet (positive = knee behind the hip).
    """
    from hipform.exercises.frontal_knee import knee_fppa_deg, medial_direction

    name = metric.lower()
    if side not in ("left", "right"):
        return float("nan")
    hip, knee, ankle = (landmark_xy(seq, frame, f"{side}_{p}") for p in ("hip", "knee", "ankle"))
    if "fppa" in name or "valgus" in name:
        mid_x = landmark_xy(seq, frame, "mid_hip")[0]
        return float(knee_fppa_deg(hip, knee, ankle, medial_direction(np.array(hip[0]), np.array(mid_x))))
    if "hip_ext" in name or "hip_extension" in name:
        facing = facing_sign(seq, frame)
        d = knee - hip
        return float(np.degrees(np.arctan2(-facing * d[0], d[1])))
    return float("nan")


def geometry_mismatch(metric: str, value: float, drawn: float) -> str | None:
    """Why a drawing contradicts its value (opposite signs, or an FPPA off by more than the tolerance)."""
    if not (np.isfinite(value) and np.isfinite(drawn)):
        return None
    if min(abs(value), abs(drawn)) >= SIGN_MARGIN_DEG and np.sign(value) != np.sign(drawn):
        return f"drawn {drawn:.0f}°, reported {value:.0f}° (opposite sign)"
    name = metric.lower()
    if ("fppa" in name or "valgus" in name) and abs(value - drawn) > FPPA_TOLERANCE_DEG:
        return f"drawn {drawn:.0f}°, reported {value:.0f}°"
    return None


def check_geometry(lines: Sequence[AngleLines], seq: PoseSequence, frame: int) -> list[AngleLines]:
    """The lines with ``mismatch`` set where the frame's landmarks contradict the reported value."""
    out = []
    for a in lines:
        why = geometry_mismatch(a.metric, a.value, drawn_value(a.metric, seq, frame, _line_side(a)))
        out.append(dataclasses.replace(a, mismatch=why) if why else a)
    return out
