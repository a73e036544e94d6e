"""``annotated.mp4``: the clip with skeleton, live angle, rep counter and fault marker.

The video is H.264 (yuv420p, ``+faststart``) at about the source's bit rate, written by
the ffmpeg binary that the ``imageio-ffmpeg`` package ships (no system ffmpeg needed), so
it plays in web browsers and can be embedded in ``report.html``.

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

CODEC = "libx264"
MIN_BITRATE = 300_000
"""Lowest bit rate written (bits per second), for sources that are tiny or whose size is unknown."""


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
    judged : bool
        False during a rep or step that was not scorable (drawn in grey).
    reason : str or None
        Why that rep or step was not judged.
    """

    counts: dict[str, int]
    kind: str
    values: list[tuple[str, float]]
    fault: str | None
    severity: str | None
    judged: bool = True
    reason: str | None = None


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
        judged = current is None or bool(current.get("scorable", True))
        reason = None if judged else (current.get("reason") or "not scorable")  # type: ignore[union-attr]
        kind = "step" if self.steps else "rep"
        return FrameState(counts, kind, self.values(frame, current), fault, severity, judged, reason)

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
    overlay.draw_side_legend(img)
    if not state.judged:
        overlay.draw_cue(img, f"{state.kind} not judged: {state.reason}", "info")
        return img
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
    *,
    blur_faces: bool = False,
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
    blur_faces : bool
        Blur the face (from the face landmarks) before drawing.

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
    from hipform.render.privacy import blur_face
    from hipform.video import VideoFileSource

    timeline = OverlayTimeline(report, key)
    n = 0
    with VideoFileSource(video) as source, atomic_path(out_path, suffix=".mp4") as tmp:
        info = source.info
        with H264Writer(tmp, (info.width, info.height), info.fps, source_bitrate(info.path, info)) as writer:
            for fr in source:
                i = fr.index if len(seq) == info.frame_count or fr.index < len(seq) else seq.index_at(fr.t_s)
                i = min(i, len(seq) - 1)
                img = fr.bgr
                if blur_faces:
                    blur_face(img, seq, i)
                state = timeline.state(i, float(seq.t[i]))
                style = overlay.DEFAULT_STYLE if state.judged else overlay.NOT_JUDGED_STYLE
                overlay.draw_skeleton(img, seq.xyz[i, :, :2], seq.visibility[i], style=style)
                draw_state(img, seq, i, state, key.unit if key else "")
                writer.write(img)
                n += 1
    return n


def source_bitrate(path: str | Path, info: Any) -> int:
    """The source video's mean bit rate in bits per second (file size over duration).

    Falls back to :data:`MIN_BITRATE` when the duration is unknown.
    """
    try:
        size = Path(path).stat().st_size
    except OSError:
        return MIN_BITRATE
    duration = info.frame_count / info.fps if info.fps and info.fps > 0 and info.frame_count > 0 else 0.0
    if duration <= 0:
        return MIN_BITRATE
    return max(MIN_BITRATE, int(size * 8 / duration))


class H264Writer:
    """Write BGR frames to an H.264 ``.mp4`` through imageio-ffmpeg's bundled ffmpeg.

    Odd frame sizes are padded by one pixel (yuv420p needs even sizes), so the video
    keeps the frames' content and position.

    Parameters
    ----------
    path : Path
        The ``.mp4`` to write.
    size : (int, int)
        Frame width and height in pixels.
    fps : float
        Frame rate.
    bitrate : int
        Target bit rate in bits per second.

    Raises
    ------
    OutputError
        When imageio-ffmpeg is missing or ffmpeg fails.
    """

    def __init__(self, path: str | Path, size: tuple[int, int], fps: float, bitrate: int) -> None:
        try:
            import imageio_ffmpeg
        except ImportError:
            raise OutputError("the annotated video needs imageio-ffmpeg: pip install imageio-ffmpeg") from None
        self.size = size
        self.even = (size[0] + size[0] % 2, size[1] + size[1] % 2)
        self._gen = imageio_ffmpeg.write_frames(
            str(path),
            self.even,
            pix_fmt_in="bgr24",
            pix_fmt_out="yuv420p",
            fps=fps,
            quality=None,
            bitrate=str(int(bitrate)),
            codec=CODEC,
            macro_block_size=1,
            ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart", "-preset", "veryfast", "-maxrate", str(int(1.5 * bitrate)),
                           "-bufsize", str(int(2 * bitrate))],
        )
        try:
            self._gen.send(None)
        except (OSError, RuntimeError) as e:
            raise OutputError(f"cannot start the H.264 encoder for {path}: {e}") from None
        self.path = path

    def write(self, bgr: np.ndarray) -> None:
        """Encode one BGR frame of the writer's size."""
        if self.even != self.size:
            bgr = cv2.copyMakeBorder(bgr, 0, self.even[1] - self.size[1], 0, self.even[0] - self.size[0],
                                     cv2.BORDER_REPLICATE)
        try:
            self._gen.send(np.ascontiguousarray(bgr))
        except (OSError, RuntimeError, StopIteration) as e:
            raise OutputError(f"H.264 encoding of {self.path} failed: {e}") from None

    def close(self) -> None:
        """Finish the file (flushes the encoder)."""
        try:
            self._gen.close()
        except (OSError, RuntimeError) as e:
            raise OutputError(f"H.264 encoding of {self.path} failed: {e}") from None

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
