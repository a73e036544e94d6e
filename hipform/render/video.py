"""``annotated.mp4``: the clip with skeleton, live angle, rep counter and fault marker.

The source video is decoded again as a stream (one frame in memory at a time) and each
frame is written as soon as it is drawn, so memory stays flat in clip length. The output
has the same size, frame rate and frame count as the input. It is written to a
temporary file and renamed, so a failure never leaves a half-written video.

Everything drawn comes from the analysis: the cleaned landmarks, the exercise's key
series (:class:`~hipform.exercises.base.KeySeries`) and the report's reps / steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from hipform.errors import OutputError

if TYPE_CHECKING:
    from hipform.exercises.base import KeySeries
    from hipform.sequence import PoseSequence

FAULT_HOLD_S = 1.0
"""A rep's fault marker stays on screen this long after the rep ends (seconds)."""

FOURCC = "mp4v"


@dataclass(frozen=True)
class FrameState:
    """What the overlay shows on one frame (all values read from the analysis).

    Attributes
    ----------
    counts : dict of str to int
        Reps (or steps) completed by this frame, per side.
    kind : {"rep", "step"}
    values : list of (label, value)
        Live values of the key series at this frame, e.g. ``("left knee valgus", 12.3)``
        (NaN where not measured).
    fault : str or None
        Message of the worst fault of the current (or just finished) rep/step.
    severity : {"fault", "warn"} or None
    """

    counts: dict[str, int]
    kind: str
    values: list[tuple[str, float]]
    fault: str | None
    severity: str | None


class OverlayTimeline:
    """Per-frame overlay state from a report and a key series (no measuring).

    Parameters
    ----------
    report : dict
        ``report.json`` content.
    key : KeySeries or None
        Per-frame values of the key measure (None shows no live value).
    """

    def __init__(self, report: Mapping[str, Any], key: KeySeries | None) -> None:
        self.steps = bool(report["steps"])
        items = report["steps"] if self.steps else report["reps"]
        if self.steps:
            # a step whose toe-off was not found has no window (it still counts at contact)
            self.windows = [(s["ic_s"], s["to_s"], s) for s in items if None not in (s.get("ic_s"), s.get("to_s"))]
            done = [(s["ic_s"], s.get("side") or "all") for s in items if s.get("ic_s") is not None]
        else:
            self.windows = [(r["start_s"], r["end_s"], r) for r in items]
            done = [(r["end_s"], r.get("side") or "all") for r in items]
        self.done = sorted(done)
        self.sides = list(dict.fromkeys(side for _, side in sorted(done, key=lambda d: d[1])))
        self.key = key

    def state(self, frame: int, t_s: float) -> FrameState:
        """The overlay state of frame ``frame`` at time ``t_s`` (seconds)."""
        counts = dict.fromkeys(self.sides, 0)
        for t_done, side in self.done:
            if t_done <= t_s + 1e-9:
                counts[side] += 1
        current = None
        for t0, t1, item in self.windows:
            if t0 <= t_s <= t1 + (0.0 if self.steps else FAULT_HOLD_S):
                current = item
        fault = severity = None
        if current is not None and current.get("faults"):
            worst = sorted(current["faults"], key=lambda f: f["severity"] != "fault")[0]
            fault, severity = worst["message"], worst["severity"]
        return FrameState(counts, "step" if self.steps else "rep", self.values(frame, current), fault, severity)

    def values(self, frame: int, current: Mapping[str, Any] | None) -> list[tuple[str, float]]:
        """Key-series values at a frame; only the current rep's side when it has one."""
        if self.key is None:
            return []
        side = current.get("side") if current else None
        out = []
        for label, v in self.key.series.items():
            first = label.split(" ", 1)[0].lower()
            if side in ("left", "right") and first in ("left", "right") and first != side:
                continue
            out.append((label, float(v[frame]) if 0 <= frame < len(v) else float("nan")))
        return out


ANCHORS = ("knee", "hip", "ankle", "shoulder", "heel")
"""Joint words looked for in a series label to place its live value next to that joint."""


def anchor_landmark(label: str) -> str:
    """Landmark next to which a series' value is written: ``left knee valgus`` -> ``left_knee``.

    Labels without a side or a joint word are placed at the hip centre (``mid_hip``).
    """
    words = label.lower().replace("-", " ").split()
    side = words[0] if words and words[0] in ("left", "right") else None
    joint = next((j for j in ANCHORS if any(w.startswith(j) for w in words)), None)
    if joint is None and any(w.startswith(("pelvi", "thigh")) for w in words):
        joint = "hip"
    if side and joint:
        return f"{side}_{joint}"
    return "mid_hip"


def draw_state(img: np.ndarray, seq: PoseSequence, frame: int, state: FrameState, unit: str) -> np.ndarray:
    """Draw the rep counter, the live values and the fault marker on a frame, in place."""
    from hipform.render import overlay
    from hipform.render.stills import landmark_xy

    overlay.draw_rep_counter(img, state.counts, title=f"{state.kind}s")
    if unit in ("deg", "degrees"):
        for label, value in state.values:
            overlay.draw_angle(img, landmark_xy(seq, frame, anchor_landmark(label)), value, label)
    if state.fault:
        overlay.draw_cue(img, state.fault, state.severity or "fault")
    return img


def write_annotated_video(
    video: str | Path,
    seq: PoseSequence,
    report: Mapping[str, Any],
    key: KeySeries | None,
    out_path: str | Path,
) -> int:
    """Write the annotated copy of a clip, frame by frame.

    Parameters
    ----------
    video : str or Path
        The source video (the one the landmarks were extracted from).
    seq : PoseSequence
        The cleaned landmarks (one frame per video frame).
    report : dict
        ``report.json`` content.
    key : KeySeries or None
        Live values to print.
    out_path : str or Path
        Where to write the ``.mp4``.

    Returns
    -------
    int
        Frames written.

    Raises
    ------
    OutputError
        When no video writer can be opened.
    """
    from hipform.landmark_io import atomic_path
    from hipform.render import overlay
    from hipform.video import VideoFileSource

    timeline = OverlayTimeline(report, key)
    n = 0
    with VideoFileSource(video) as source, atomic_path(out_path, suffix=".mp4") as tmp:
        info = source.info
        writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*FOURCC), info.fps, (info.width, info.height))
        if not writer.isOpened():
            raise OutputError(f"cannot open a video writer for {out_path}")
        try:
            for fr in source:
                i = fr.index if len(seq) == info.frame_count or fr.index < len(seq) else seq.index_at(fr.t_s)
                i = min(i, len(seq) - 1)
                img = fr.bgr
                overlay.draw_skeleton(img, seq.xyz[i, :, :2], seq.visibility[i])
                draw_state(img, seq, i, timeline.state(i, float(seq.t[i])), key.unit if key else "")
                writer.write(img)
                n += 1
        finally:
            writer.release()
    return n
