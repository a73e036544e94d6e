"""Live feedback: pose, rep count and coaching cue on every camera frame, as it happens.

The pieces are the offline ones, fed one frame at a time:

capture thread (:mod:`hipform.camera`, newest frame only) -> pose backend (+ online
subject tracking) -> visibility threshold -> causal One-Euro filter -> the exercise's
per-frame rep signal -> :class:`~hipform.reps.RepCounter` -> at each completed rep, the
exercise's side and scoring rules on the filtered landmarks recorded so far -> cue.

Nothing looks ahead: a rep is scored on the frame where the counter sees the person back
at the top. At the end of the session the raw landmarks recorded are analysed by
:func:`hipform.pipeline.analyse_sequence` and written by
:func:`hipform.report_io.write_report_folder`, exactly as ``hipform analyze`` would do
with them, plus ``live.json`` with what live mode showed.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hipform.camera import CapturedFrame, LiveSource
from hipform.cleaning import OneEuroFilter, interpolate_gaps, repair_left_right_swaps
from hipform.errors import CameraError, HipformError, InputError
from hipform.exercises import AnalysisOptions, Exercise, RepContext, get_exercise
from hipform.exercises.repflow import baseline_slice, gap_reason, gate_metrics, resolve_view
from hipform.flip_repair import repair_body_flips
from hipform.geometry import angle_at
from hipform.landmarks import N_LANDMARKS, landmark_index
from hipform.pipeline import MIN_SWAP_REPAIR_FPS, Settings
from hipform.reps import RepCounter, RepWindow
from hipform.results import NotJudged, Rep
from hipform.sequence import FramePose, PoseSequence
from hipform.verdicts import judge_item
from hipform.view import SIDE_VIEWS

log = logging.getLogger(__name__)

LIVE_JSON = "live.json"
CUE_HOLD_S = 3.0
"""Seconds a cue stays on screen after the rep that triggered it."""

SCORING_CONTEXT_S = 10.0
"""Seconds of landmarks before a rep's start that its scoring and the exercise's whole-clip
checks see: enough for the standing baseline and the camera view, and it bounds the time a
rep's cue takes (about 30-60 ms at 30 fps on a busy 2-core machine)."""

LIVE_NUM_POSES = 1
"""People the pose model looks for per frame live. With one, MediaPipe follows that person
from frame to frame and runs its person detector only when it loses them, which roughly
halves the time per frame; the subject is whoever the detector finds first."""

WARM_UP_RUNS = 3
"""Pose-model runs on the preview frame before the session starts."""

LATENCY_WINDOW = 30
"""Frames over which the on-screen latency is the median."""

_SEVERITY_RANK = {"fault": 2, "warn": 1}


@dataclass(frozen=True)
class LiveFilterConfig:
    """Causal One-Euro filter settings for live landmarks.

    Coordinates are filtered in image heights (pixels / frame height), so the speed
    coefficient does not depend on the camera resolution.

    Attributes
    ----------
    min_cutoff_hz : float
        Cut-off when still (Hz): lower = steadier skeleton, more lag.
    beta : float
        Speed coefficient, per (image height per second): higher = less lag in fast moves.
    d_cutoff_hz : float
        Cut-off of the speed estimate (Hz).
    """

    min_cutoff_hz: float = 1.5
    beta: float = 10.0
    d_cutoff_hz: float = 1.0

    def make(self) -> OneEuroFilter:
        """A fresh filter with these settings."""
        return OneEuroFilter(self.min_cutoff_hz, self.beta, self.d_cutoff_hz)


@dataclass(frozen=True)
class Cue:
    """The feedback shown for one completed rep.

    Attributes
    ----------
    rep_index : int
        1-based rep number.
    side : str or None
        Working side of the rep.
    severity : {"fault", "warn", "ok", "not judged"}
        The rep's verdict (:mod:`hipform.verdicts`): worst fault severity; ``ok`` when a
        graded measure was judged without fault; ``not judged`` (grey) when nothing was.
    messages : tuple of str
        What to tell the person, worst first.
    codes : tuple of str
        Fault codes with their severity, e.g. ``("knee_valgus:fault",)``.
    t_s : float
        Stream time (seconds) of the frame on which the cue was first shown.
    """

    rep_index: int
    side: str | None
    severity: str
    messages: tuple[str, ...]
    codes: tuple[str, ...]
    t_s: float

    @property
    def text(self) -> str:
        """The messages joined into one line."""
        return " / ".join(self.messages)


def make_cue(rep: Rep, t_s: float) -> Cue:
    """The cue for a judged rep: its fault messages (worst first), 'good rep', or why not judged.

    ``rep`` must carry its verdict (:func:`hipform.verdicts.judge_item`).
    """
    faults = sorted(rep.faults, key=lambda f: -_SEVERITY_RANK.get(f.severity, 0))
    codes = tuple(f"{f.code}:{f.severity}" for f in faults)
    if not faults and rep.verdict == "ok":
        return Cue(rep.index, rep.side, "ok", ("good rep",), codes, t_s)
    if not faults:
        why = rep.verdict_reason or rep.reason or "nothing could be judged"
        return Cue(rep.index, rep.side, "not judged", (f"not judged: {why}",), codes, t_s)
    messages: list[str] = []
    for f in faults:
        if f.message not in messages:
            messages.append(f.message)
    return Cue(rep.index, rep.side, faults[0].severity, tuple(messages), codes, t_s)


@dataclass
class LiveRep:
    """A rep as live mode saw it: the scored rep and the cue shown for it."""

    rep: Rep
    cue: Cue
    latency_ms: float = float("nan")
    """Capture-to-cue delay of the frame on which the rep was completed (milliseconds)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            **self.rep.to_dict(),
            "cue": {
                "t_s": self.cue.t_s,
                "severity": self.cue.severity,
                "messages": list(self.cue.messages),
                "codes": list(self.cue.codes),
                "latency_ms": None if not np.isfinite(self.latency_ms) else round(self.latency_ms, 1),
            },
        }


@dataclass(frozen=True)
class JointAngle:
    """A joint angle to show next to the joint.

    Attributes
    ----------
    label : str
        E.g. ``"L knee"``.
    xy : tuple of float
        Joint position in pixels.
    angle_deg : float
        Interior angle at the joint in degrees.
    outward : {"left", "right"}
        Image side away from the body's midline (where the label reads best).
    """

    label: str
    xy: tuple[float, float]
    angle_deg: float
    outward: str = "right"


@dataclass
class FrameState:
    """Everything the overlay draws for one frame (all computed before drawing).

    Attributes
    ----------
    t_s : float
        Stream time in seconds.
    xy : numpy.ndarray
        (33, 2) filtered landmark pixels (NaN = not found).
    visibility : numpy.ndarray
        (33,) visibility.
    angles : list of JointAngle
    counts : dict
        Reps counted per side so far.
    phase : str
        Counter phase (``top`` / ``in rep``).
    cue : Cue or None
        The cue to show (the latest, while it is fresh).
    rep : LiveRep or None
        The rep completed on this frame, if any.
    """

    t_s: float
    xy: np.ndarray
    visibility: np.ndarray
    angles: list[JointAngle] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    phase: str = "top"
    cue: Cue | None = None
    rep: LiveRep | None = None


SIGNAL_HISTORY_S = 10.0
"""Seconds of past frames the rep signal is computed on in live mode."""


class _Growing:
    """An array that grows along axis 0 by doubling (append one row at a time)."""

    def __init__(self, row_shape: tuple[int, ...]) -> None:
        self._a = np.full((64, *row_shape), np.nan)
        self.n = 0

    def append(self, row: np.ndarray) -> None:
        if self.n == len(self._a):
            grown = np.full((2 * len(self._a), *self._a.shape[1:]), np.nan)
            grown[: self.n] = self._a
            self._a = grown
        self._a[self.n] = row
        self.n += 1

    def view(self, start: int = 0) -> np.ndarray:
        return self._a[start : self.n]


_L_HIP, _R_HIP = landmark_index("left_hip"), landmark_index("right_hip")

_ANGLES_BY_EXERCISE: dict[str, tuple[str, ...]] = {
    "single-leg-rdl": ("hip",),
    "hip-thrust": ("hip",),
}
"""Joint angle shown live per exercise (default: the knee)."""


class LiveAnalyser:
    """Causal, frame-by-frame analysis of one exercise.

    Parameters
    ----------
    settings : Settings
        Exercise, side/view overrides and thresholds, as for ``hipform analyze``.
    image_size : tuple of int
        (width, height) of the frames in pixels.
    source : str
        Name of the source (stored in the recorded sequence).
    backend : str
        Name of the pose backend.
    filter_config : LiveFilterConfig
        Causal filter settings.

    Raises
    ------
    InputError
        When the exercise is not rep-based (live mode counts reps).
    """

    def __init__(
        self,
        settings: Settings,
        image_size: tuple[int, int],
        *,
        source: str = "",
        backend: str = "",
        filter_config: LiveFilterConfig | None = None,
    ) -> None:
        self.settings = settings
        self.exercise: Exercise = get_exercise(settings.exercise)
        model = self.exercise.rep_model
        if model is None:
            raise InputError(
                f"live feedback counts reps; {self.exercise.name} has no rep model "
                "(use `hipform analyze` for it)"
            )
        self.model = model
        self.thresholds = settings.thresholds()
        self.visibility_min = float(self.thresholds["visibility_min"])
        self.max_gap_s = float(self.thresholds["max_gap_s"])
        self.image_size = (int(image_size[0]), int(image_size[1]))
        self.source = source
        self.backend = backend
        self.filter_config = filter_config or LiveFilterConfig()
        self._filter = self.filter_config.make()
        self._world_filter = self.filter_config.make()
        self.counter = RepCounter(model.counter(self.thresholds))
        self._t = _Growing(())
        self._raw = _Growing((N_LANDMARKS, 3))
        self._vis = _Growing((N_LANDMARKS,))
        self._world = _Growing((N_LANDMARKS, 3))
        self._filt = _Growing((N_LANDMARKS, 3))
        self._filt_world = _Growing((N_LANDMARKS, 3))
        self._has_world = False
        self.reps: list[LiveRep] = []
        self.not_judged: list[NotJudged] = []
        """Measures withheld at the last rep, and why (view, frame rate, camera angle...)."""
        self._windows: list[RepWindow] = []
        self.signal_values = _Growing(())
        """The rep signal fed to the counter, one value per recorded frame."""
        joints = _ANGLES_BY_EXERCISE.get(self.exercise.name, ("knee",))
        self._angle_triples = [
            (f"{side[0].upper()} {joint}", *_joint_triple(side, joint))
            for joint in joints
            for side in ("left", "right")
        ]

    # recording ------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        """Frames recorded so far."""
        return self._t.n

    def counts(self) -> dict[str, int]:
        """Reps counted so far, per working side."""
        out: dict[str, int] = {}
        for r in self.reps:
            key = r.rep.side or "side unclear"
            out[key] = out.get(key, 0) + 1
        return out

    def _sequence(self, xyz: np.ndarray, world: np.ndarray | None, start: int = 0) -> PoseSequence:
        return PoseSequence(
            xyz,
            self._vis.view(start),
            self._t.view(start),
            self.image_size,
            world,
            source=self.source,
            backend=self.backend,
        )

    def raw_sequence(self) -> PoseSequence:
        """The landmarks as the backend gave them (what the report is computed from)."""
        world = self._world.view() if self._has_world else None
        return self._sequence(self._raw.view(), world)

    def filtered_sequence(self, start: int = 0) -> PoseSequence:
        """Visibility-thresholded, causally filtered landmarks from frame ``start`` on."""
        world = self._filt_world.view(start) if self._has_world else None
        return self._sequence(self._filt.view(start), world, start)

    # per frame --------------------------------------------------------------------
    def add(self, t_s: float, pose: FramePose) -> FrameState:
        """Analyse one frame.

        Parameters
        ----------
        t_s : float
            Frame time in seconds; frames not later than the previous one are ignored.
        pose : FramePose
            The subject's pose (all NaN when nobody was found).

        Returns
        -------
        FrameState
            Filtered landmarks, angles, counts, and the rep completed on this frame.
        """
        if self._t.n and t_s <= self._t.view()[-1]:
            return self._state(t_s, np.full((N_LANDMARKS, 2), np.nan), np.full(N_LANDMARKS, np.nan), None)
        h = float(self.image_size[1])
        low = ~(pose.visibility >= self.visibility_min)
        xyz = pose.xyz.copy()
        xyz[low] = np.nan
        filt = self._filter(t_s, xyz / h) * h
        world = pose.world
        if world is not None:
            self._has_world = True
            w = world.copy()
            w[low] = np.nan
            filt_world = self._world_filter(t_s, w)
        else:
            world = filt_world = np.full((N_LANDMARKS, 3), np.nan)
        self._t.append(t_s)
        self._raw.append(pose.xyz)
        self._vis.append(pose.visibility)
        self._world.append(world)
        self._filt.append(filt)
        self._filt_world.append(filt_world)
        value = self._signal_now(filt, pose.visibility, filt_world, t_s)
        self.signal_values.append(value)
        window = self.counter.update(t_s, value)
        live_rep = None
        if window is not None:
            live_rep = self._complete(window, t_s)
        return self._state(t_s, filt[:, :2], pose.visibility, live_rep)

    def _signal_now(self, xyz: np.ndarray, vis: np.ndarray, world: np.ndarray, t_s: float) -> float:
        """The rep signal at the newest frame, computed on the trailing history only.

        Signals may use a clip-wide scale (e.g. the squats' straight-leg length); live
        mode gives them the last :data:`SIGNAL_HISTORY_S` seconds, which keeps the value
        causal. ``xyz``, ``vis`` and ``world`` are the newest frame, already appended.
        """
        t = self._t.view()
        start = int(np.searchsorted(t, t_s - SIGNAL_HISTORY_S, side="left"))
        history = PoseSequence(
            self._filt.view(start),
            self._vis.view(start),
            t[start:],
            self.image_size,
            self._filt_world.view(start) if self._has_world else None,
        )
        return float(np.asarray(self.model.signal(history), float)[-1])

    def _state(self, t_s: float, xy: np.ndarray, vis: np.ndarray, rep: LiveRep | None) -> FrameState:
        angles = []
        mid_x = float(np.nanmean(xy[[_L_HIP, _R_HIP], 0])) if np.isfinite(xy[[_L_HIP, _R_HIP], 0]).any() else np.nan
        for label, a, b, c in self._angle_triples:
            value = float(angle_at(xy[a], xy[b], xy[c]))
            if np.isfinite(value):
                outward = "left" if xy[b, 0] < mid_x else "right"
                angles.append(JointAngle(label, (float(xy[b, 0]), float(xy[b, 1])), value, outward))
        cue = self.reps[-1].cue if self.reps and t_s - self.reps[-1].cue.t_s <= CUE_HOLD_S else None
        return FrameState(t_s, xy, vis, angles, self.counts(), self.counter.phase, cue, rep)

    # scoring ----------------------------------------------------------------------
    def _context_start(self, window: RepWindow) -> int:
        t = self._t.view()
        return int(np.searchsorted(t, window.start_s - SCORING_CONTEXT_S, side="left"))

    def _scoring_sequences(self, start: int) -> tuple[PoseSequence, PoseSequence]:
        """(smoothed, unfiltered) sequences from frame ``start`` to now, gap-filled."""
        raw_world = self._world.view(start) if self._has_world else None
        unfiltered = self._sequence(self._raw.view(start), raw_world, start)
        unfiltered = unfiltered.with_visibility_threshold(self.visibility_min)
        smoothed = self.filtered_sequence(start)
        if unfiltered.fps >= MIN_SWAP_REPAIR_FPS:
            # as in the offline pipeline; by the rep's end its frames are all in the past
            repaired, flips = repair_body_flips(unfiltered)
            if flips:
                unfiltered = repaired
                smoothed = causal_filter(repaired, self.filter_config)
        side_view = self.settings.view in SIDE_VIEWS or (
            self.settings.view == "auto" and resolve_view(smoothed, self._options(None)).view in SIDE_VIEWS
        )
        if side_view:
            repaired, swaps = repair_left_right_swaps(unfiltered)
            if swaps:
                unfiltered = repaired
                smoothed = causal_filter(repaired, self.filter_config)
        return interpolate_gaps(smoothed, self.max_gap_s), interpolate_gaps(unfiltered, self.max_gap_s)

    def _options(self, unfiltered: PoseSequence | None) -> AnalysisOptions:
        s = self.settings
        return AnalysisOptions(
            thresholds=self.thresholds, side=s.side, view=s.view, single_leg=s.single_leg, unfiltered=unfiltered
        )

    def _complete(self, window: RepWindow, t_s: float) -> LiveRep:
        """Score a rep the counter just completed, on what has been recorded so far."""
        seq, unfiltered = self._scoring_sequences(self._context_start(window))
        options = self._options(unfiltered)
        rep = score_rep(self.exercise, seq, window, options, len(self.reps) + 1, self._windows, self.reps)
        self.not_judged = clip_gating(self.exercise, seq, options)
        withhold(rep, self.not_judged)
        judge_item(rep, self.exercise.metrics, {n.metric: n.reason for n in self.not_judged})
        self._windows.append(window)
        live = LiveRep(rep, make_cue(rep, t_s))
        self.reps.append(live)
        return live


def causal_filter(seq: PoseSequence, config: LiveFilterConfig) -> PoseSequence:
    """Run the live One-Euro filter forward over a whole sequence (causal: no look-ahead)."""
    h = float(seq.image_size[1])
    f, fw = config.make(), config.make()
    xyz = np.empty_like(seq.xyz)
    world = None if seq.world is None else np.empty_like(seq.world)
    for i, t in enumerate(seq.t):
        xyz[i] = f(float(t), seq.xyz[i] / h) * h
        if world is not None and seq.world is not None:
            world[i] = fw(float(t), seq.world[i])
    return seq.replace(xyz=xyz, world=world)


def score_rep(
    exercise: Exercise,
    seq: PoseSequence,
    window: RepWindow,
    options: AnalysisOptions,
    index: int,
    previous: list[RepWindow],
    previous_reps: list[LiveRep],
) -> Rep:
    """Side, set, scorability, metrics and faults of one rep, as the offline engine does.

    Parameters
    ----------
    exercise : Exercise
    seq : PoseSequence
        Filtered, gap-filled landmarks up to the rep's end (no later frame).
    window : RepWindow
    options : AnalysisOptions
    index : int
        1-based rep number.
    previous : list of RepWindow
        The reps before this one (for the set number and the standing baseline).
    previous_reps : list of LiveRep
        Their scored reps (for the set number).

    Returns
    -------
    Rep
    """
    model = exercise.rep_model
    assert model is not None
    th = options.thresholds
    view = resolve_view(seq, options)
    not_judged: list[NotJudged] = gate_metrics(exercise, view)
    reason = f"frame rate {seq.fps:.1f} fps too low for timing"
    not_judged += [NotJudged(m.name, reason) for m in exercise.metrics if seq.fps < m.min_fps]
    skipped = {n.metric for n in not_judged}
    side = options.side if options.side in ("left", "right") else model.side(seq, window, options)
    set_no = 1
    prev_end = None
    if previous and previous_reps:
        last = previous_reps[-1].rep
        prev_end = previous[-1].end_s
        gap = window.start_s - prev_end
        set_no = last.set + (1 if gap > th["set_gap_s"] or side != last.side else 0)
    rep = Rep(index=index, side=side, set=set_no, start_s=window.start_s, bottom_s=window.bottom_s, end_s=window.end_s)
    reason = gap_reason(seq, model.key_landmarks(side), window, th["max_gap_s"])
    if reason:
        rep.scorable, rep.reason = False, reason
        return rep
    ctx = RepContext(side, view, th, index, baseline_slice(seq, window, prev_end), options)
    score = model.score(seq, window, ctx)
    rep.metrics = {k: v for k, v in score.metrics.items() if k not in skipped}
    rep.faults = [f for f in score.faults if f.metric not in skipped]
    rep.events = dict(score.events)
    return rep


def clip_gating(exercise: Exercise, seq: PoseSequence, options: AnalysisOptions) -> list[NotJudged]:
    """Measures the exercise withholds on the landmarks recorded so far, with the reasons.

    Runs the exercise's own whole-clip ``analyse`` on the past frames only (so it stays
    causal), and keeps its ``not_judged`` list: view gating, frame-rate limits and any
    check an exercise adds on the whole clip (e.g. a camera too oblique for frontal
    angles) then apply to live reps exactly as to offline ones.
    """
    try:
        return list(exercise.analyse(seq, options).not_judged)
    except (ValueError, IndexError, HipformError) as e:
        log.warning("whole-clip checks of %s failed on the live context: %s", exercise.name, e)
        return []


def withhold(rep: Rep, not_judged: list[NotJudged]) -> None:
    """Drop the metrics listed in ``not_judged`` (and their faults) from a rep, in place."""
    skipped = {n.metric for n in not_judged}
    rep.metrics = {k: v for k, v in rep.metrics.items() if k not in skipped}
    rep.faults = [f for f in rep.faults if f.metric not in skipped]


def _joint_triple(side: str, joint: str) -> tuple[int, int, int]:
    names = {
        "knee": ("hip", "knee", "ankle"),
        "hip": ("shoulder", "hip", "knee"),
    }[joint]
    a, b, c = (landmark_index(f"{side}_{n}") for n in names)
    return a, b, c


# ---------------------------------------------------------------------------------
# the session loop
# ---------------------------------------------------------------------------------
@dataclass
class LiveStats:
    """Timing of a session.

    Attributes
    ----------
    captured : int
        Frames the source delivered.
    processed : int
        Frames analysed.
    dropped : int
        Frames replaced by a newer one before they could be analysed.
    latencies_ms : list of float
        Per processed frame, capture to cue/overlay ready (milliseconds).
    wall_s : float
        Session length in seconds.
    """

    captured: int = 0
    processed: int = 0
    dropped: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def dropped_share(self) -> float:
        """Dropped / captured (0..1); 0 when nothing was captured."""
        return self.dropped / self.captured if self.captured else 0.0

    def latency_percentile(self, q: float) -> float:
        """Latency percentile in milliseconds (NaN when no frame was processed)."""
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")

    @property
    def processing_fps(self) -> float:
        """Frames analysed per second of session."""
        return self.processed / self.wall_s if self.wall_s > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""

        def r(v: float) -> float | None:
            return round(v, 2) if np.isfinite(v) else None

        return {
            "frames_captured": self.captured,
            "frames_processed": self.processed,
            "frames_dropped": self.dropped,
            "dropped_share": r(self.dropped_share),
            "latency_median_ms": r(self.latency_percentile(50)),
            "latency_p95_ms": r(self.latency_percentile(95)),
            "processing_fps": r(self.processing_fps),
            "wall_s": r(self.wall_s),
        }


@dataclass
class SessionOutcome:
    """How a live session ended and what it saw."""

    analyser: LiveAnalyser
    stats: LiveStats
    ended_by: str
    """``end of clip``, ``quit``, ``interrupted``, ``camera lost``, ``camera not opened`` or ``frame limit``."""
    error: CameraError | None = None


class Display:
    """An on-screen window (OpenCV HighGUI) that shows frames and reads the quit key.

    Parameters
    ----------
    title : str
        Window title.
    max_size : tuple of int
        Largest (width, height) shown; bigger frames are scaled down.

    Raises
    ------
    HipformError
        When there is no display to open a window on (Linux without ``DISPLAY``).
    """

    QUIT_KEYS = (ord("q"), ord("Q"), 27)

    def __init__(self, title: str = "hipform live", max_size: tuple[int, int] = (1280, 720)) -> None:
        check_display()
        import cv2

        self.title = title
        self.max_size = max_size
        self._cv2 = cv2
        cv2.namedWindow(title, cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL)
        self._shown = False

    def scale_for(self, size: tuple[int, int]) -> float:
        """Factor (<= 1) that fits a (width, height) frame into ``max_size``."""
        return min(1.0, self.max_size[0] / max(size[0], 1), self.max_size[1] / max(size[1], 1))

    def show(self, img: np.ndarray) -> bool:
        """Show a frame; False when the user pressed q/Esc or closed the window."""
        cv2 = self._cv2
        cv2.imshow(self.title, img)
        key = cv2.waitKey(1) & 0xFF
        if key in self.QUIT_KEYS:
            return False
        if self._shown and cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1:
            return False
        self._shown = True
        return True

    def close(self) -> None:
        """Close the window."""
        self._cv2.destroyWindow(self.title)
        self._cv2.waitKey(1)


def check_display() -> None:
    """Fail with a clear message when no window can be opened (Linux without a display)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise HipformError("no display to open the live window on (DISPLAY is not set): use --headless")


def render_frame(
    bgr: np.ndarray, state: FrameState, *, scale: float, title: str, fps: float, latency_ms: float,
    dropped_share: float | None, hint: str = ""
) -> np.ndarray:
    """Draw the live overlay for one frame on a (scaled) copy of it."""
    import cv2

    from hipform.render.overlay import draw_angle, draw_cue, draw_rep_counter, draw_skeleton, draw_status

    if scale != 1.0:
        img = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    else:
        img = bgr.copy()
    xy = state.xy * scale
    draw_skeleton(img, xy, state.visibility)
    for a in state.angles:
        draw_angle(img, (a.xy[0] * scale, a.xy[1] * scale), a.angle_deg, a.label, toward=a.outward)
    draw_rep_counter(img, state.counts, phase=state.phase, title=title)
    draw_status(img, fps, latency_ms, dropped_share=dropped_share, extra=hint)
    if state.cue is not None:
        c = state.cue
        draw_cue(img, [f"rep {c.rep_index}: {c.messages[0]}", *c.messages[1:]], c.severity)
    return img


class _CtrlC:
    """While active (main thread only), the first Ctrl-C sets :attr:`pressed` instead of raising."""

    def __init__(self) -> None:
        self.pressed = threading.Event()
        self._previous: Any = None

    def _handler(self, signum: int, frame: Any) -> None:
        if self.pressed.is_set():
            raise KeyboardInterrupt
        self.pressed.set()

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


class LiveSession:
    """Run the live loop: newest frame -> pose -> analysis -> overlay/cue, until the end.

    Parameters
    ----------
    analyser : LiveAnalyser
    backend : PoseBackend
        Pose model; when it has ``detect_all`` the subject is followed by
        :class:`~hipform.tracking.OnlineTracker`.
    source : LiveSource
        Started by :meth:`run`.
    display : Display, optional
        Window to show the overlay in; None runs headless.
    on_rep : callable, optional
        Called with each :class:`LiveRep` as soon as it is scored.
    draw : bool
        Draw the overlay even without a display (to measure its cost).
    max_frames : int, optional
        Stop after this many processed frames.
    """

    def __init__(
        self,
        analyser: LiveAnalyser,
        backend: Any,
        source: LiveSource,
        *,
        display: Display | None = None,
        on_rep: Callable[[LiveRep], None] | None = None,
        draw: bool = False,
        max_frames: int | None = None,
    ) -> None:
        self.analyser = analyser
        self.backend = backend
        self.source = source
        self.display = display
        self.on_rep = on_rep
        self.draw = draw or display is not None
        self.max_frames = max_frames
        self.stats = LiveStats()
        self._recent_latency: deque[float] = deque(maxlen=LATENCY_WINDOW)
        self._recent_done: deque[float] = deque(maxlen=LATENCY_WINDOW)
        self._tracker: Any = None
        self.last_image: np.ndarray | None = None

    def _pose(self, frame: CapturedFrame) -> FramePose:
        detect_all = getattr(self.backend, "detect_all", None)
        if detect_all is None:
            return self.backend.detect(frame.bgr, frame.t_s)
        if self._tracker is None:
            from hipform.tracking import OnlineTracker

            self._tracker = OnlineTracker(self.source.fps)
        return self._tracker.update(detect_all(frame.bgr, frame.t_s))

    def warm_up(self) -> None:
        """Run the model on the source's preview frame before capture starts.

        The first inferences of each of MediaPipe's two models (person detector, then
        landmarks) are several times slower than the rest; doing them here keeps the
        first frames of the session from being dropped.
        """
        detect_all = getattr(self.backend, "detect_all", None)
        if detect_all is None or self.backend.__class__.__name__ == "ReplayBackend":
            return
        img = self.source.preview()
        if img is None:
            img = np.zeros((256, 256, 3), np.uint8)
        for k in range(WARM_UP_RUNS):
            detect_all(img, -1.0 + 0.001 * k)

    def process(self, frame: CapturedFrame) -> FrameState:
        """Analyse one frame (and draw it when a window or ``draw`` asks for it)."""
        if self.analyser.n_frames == 0:
            self.analyser.image_size = (int(frame.bgr.shape[1]), int(frame.bgr.shape[0]))
        state = self.analyser.add(frame.t_s, self._pose(frame))
        if self.draw:
            scale = self.display.scale_for(self.source.size) if self.display else 1.0
            self.last_image = render_frame(
                frame.bgr, state, scale=scale, title=self.analyser.exercise.name, fps=self.current_fps(),
                latency_ms=self.current_latency(), dropped_share=self._dropped_share(),
                hint="q: quit" if self.display else "",
            )
        done = time.perf_counter()
        latency = 1000.0 * (done - frame.captured_at)
        self.stats.latencies_ms.append(latency)
        self._recent_latency.append(latency)
        self._recent_done.append(done)
        self.stats.processed += 1
        if state.rep is not None:
            state.rep.latency_ms = latency
            if self.on_rep is not None:
                self.on_rep(state.rep)
        return state

    def _loop(self, ctrl_c: _CtrlC) -> str:
        """Process the newest frames until something ends the session; returns what did."""
        while self.max_frames is None or self.stats.processed < self.max_frames:
            if ctrl_c.pressed.is_set():
                return "interrupted"
            frame = self.source.next_frame(timeout=0.2)
            if frame is None:
                if self.source.finished:
                    return "end of clip"
                continue
            self.process(frame)
            if self.display is not None and self.last_image is not None and not self.display.show(self.last_image):
                return "quit"
        return "frame limit"

    def current_fps(self) -> float:
        """Frames processed per second over the last frames."""
        d = self._recent_done
        return (len(d) - 1) / (d[-1] - d[0]) if len(d) > 1 and d[-1] > d[0] else float("nan")

    def current_latency(self) -> float:
        """Median capture-to-overlay latency over the last frames (ms)."""
        return float(np.median(self._recent_latency)) if self._recent_latency else float("nan")

    def _dropped_share(self) -> float:
        c = self.source.captured
        return self.source.dropped / c if c else 0.0

    def run(self) -> SessionOutcome:
        """Run until the clip ends, the user quits (q or Ctrl-C), or the camera is lost.

        The first Ctrl-C ends the session after the frame in hand (the caller then writes
        the report); a second one also abandons that frame.

        Returns
        -------
        SessionOutcome
            Never raises :class:`CameraError` for a lost camera: it is in ``error``.
        """
        t0 = time.perf_counter()
        ended_by, error = "end of clip", None
        with _CtrlC() as ctrl_c:
            try:
                self.source.open()
                self.warm_up()
                self.source.start()
                ended_by = self._loop(ctrl_c)
            except CameraError as e:
                ended_by, error = ("camera lost" if self.source.captured else "camera not opened"), e
            except KeyboardInterrupt:
                ended_by = "interrupted"
            finally:
                self.source.close()
                if self.display is not None:
                    self.display.close()
                self.stats.wall_s = time.perf_counter() - t0
                self.stats.captured = self.source.captured
                self.stats.dropped = self.source.captured - self.stats.processed
        return SessionOutcome(self.analyser, self.stats, ended_by, error)


# ---------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------
def live_dict(outcome: SessionOutcome) -> dict[str, Any]:
    """``live.json``: what live mode showed, and its timing."""
    a = outcome.analyser
    return {
        "schema": "hipform.live/1",
        "exercise": a.exercise.name,
        "source": a.source,
        "backend": a.backend,
        "ended_by": outcome.ended_by,
        "error": str(outcome.error) if outcome.error else None,
        "filter": {
            "kind": "one-euro (causal)",
            "min_cutoff_hz": a.filter_config.min_cutoff_hz,
            "beta_per_height_per_s": a.filter_config.beta,
            "d_cutoff_hz": a.filter_config.d_cutoff_hz,
        },
        "timing": outcome.stats.to_dict(),
        "rep_count_by_side": a.counts(),
        "not_judged": [n.to_dict() for n in a.not_judged],
        "reps": [r.to_dict() for r in a.reps],
    }


def write_session_report(outcome: SessionOutcome, out_dir: str | Path) -> tuple[Any, list[Path]] | None:
    """Write the report of what was recorded, with the same code as ``hipform analyze``.

    Returns
    -------
    (Report, list of Path) or None
        None when nothing was recorded, or nobody was seen (nothing is written then).
    """
    from hipform.landmark_io import read_landmarks_csv, write_landmarks_csv, write_text_atomic
    from hipform.pipeline import analyse_sequence
    from hipform.report_io import LANDMARKS_CSV, write_report_folder

    a = outcome.analyser
    if a.n_frames == 0:
        return None
    seq = a.raw_sequence()
    if not seq.present.any():
        return None
    # analyse the landmarks as landmarks.csv stores them (rounded), so that the report is
    # exactly what `hipform analyze <folder>/landmarks.csv` gives
    csv_path = Path(out_dir) / LANDMARKS_CSV
    write_landmarks_csv(seq, csv_path)
    seq = read_landmarks_csv(csv_path).replace(source=seq.source, backend=seq.backend)
    report = analyse_sequence(seq, a.settings)
    files = write_report_folder(report, seq, out_dir, a.exercise)
    live_path = Path(out_dir) / LIVE_JSON
    write_text_atomic(live_path, json.dumps(live_dict(outcome), indent=2, ensure_ascii=False) + "\n")
    return report, [*files, live_path]


def default_live_out_dir(source: str | Path | None, now: float | None = None) -> Path:
    """``<clip stem>_live_hipform/`` next to a clip, or ``hipform_live_<date-time>/`` here."""
    if source is not None:
        p = Path(source)
        return p.with_name(f"{p.stem}_live_hipform")
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return Path(f"hipform_live_{stamp}")


def rep_line(live: LiveRep) -> str:
    """One terminal line for a rep and its cue (plain text, no markup)."""
    r, c = live.rep, live.cue
    head = f"rep {r.index} ({r.side or 'side unclear'}) {r.start_s:.1f}-{r.end_s:.1f} s"
    codes = f" [{', '.join(x.replace(':', ' ') for x in c.codes)}]" if c.codes else ""
    return f"{head} · {c.text}{codes}"


def session_line(outcome: SessionOutcome) -> str:
    """One line on what live mode showed and how fast it ran."""
    a, st = outcome.analyser, outcome.stats
    counts = ", ".join(f"{n} {side}" for side, n in a.counts().items()) or "0"
    return (
        f"live: {len(a.reps)} reps shown ({counts}); {st.captured} frames captured, "
        f"{st.processed} analysed, {st.dropped} dropped ({100 * st.dropped_share:.0f}%); latency median "
        f"{st.latency_percentile(50):.0f} ms, p95 {st.latency_percentile(95):.0f} ms; ended: {outcome.ended_by}"
    )


# ---------------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------------
def run_live(
    settings: Settings,
    *,
    camera: int = 0,
    source: str | Path | None = None,
    headless: bool = False,
    out_dir: str | Path | None = None,
    pace: bool = True,
    console: Any = None,
    backend: Any = None,
    live_source: LiveSource | None = None,
) -> SessionOutcome:
    """Run ``hipform live``: window or terminal feedback, then the report folder.

    Parameters
    ----------
    settings : Settings
        Exercise, overrides, thresholds and pose model (``settings.model``).
    camera : int
        Camera index (when ``source`` is None).
    source : str or pathlib.Path, optional
        A video file played as if it were the camera.
    headless : bool
        No window: reps and cues are printed as they happen.
    out_dir : str or pathlib.Path, optional
        Report folder (default :func:`default_live_out_dir`).
    pace : bool
        Play ``source`` in real time, dropping frames the pipeline cannot keep up with.
    console : rich.console.Console, optional
        Where to print.
    backend : PoseBackend, optional
        Pose backend to use instead of MediaPipe (tests, replays).
    live_source : LiveSource, optional
        Frame source to use instead of the one ``camera``/``source`` name.

    Returns
    -------
    SessionOutcome

    Raises
    ------
    CameraError
        The camera could not be opened or was lost; when anything was recorded the
        report is written first and the message says where.
    """
    from rich.console import Console

    from hipform.camera import open_live_source
    from hipform.pipeline import ensure_writable

    console = console or Console()
    exercise = get_exercise(settings.exercise)
    if exercise.rep_model is None:
        raise InputError(f"live feedback counts reps; {exercise.name} has no rep model (use `hipform analyze`)")
    if source is not None and not Path(source).is_file():
        raise InputError(f"video not found: {source}")
    out = Path(out_dir) if out_dir else default_live_out_dir(source)
    created = not out.exists()
    ensure_writable(out)
    if not headless:
        check_display()
    if live_source is None:
        live_source = open_live_source(camera, source, pace=pace)
    try:
        live_source.open()
    except CameraError as e:
        _remove_if_empty(out, created)
        raise CameraError(f"{e}; nothing was recorded, no report written") from None
    try:
        if backend is None:
            from hipform.backends import get_backend

            backend = get_backend("mediapipe", model=settings.model, num_poses=LIVE_NUM_POSES)
        display = None if headless else Display()
        analyser = LiveAnalyser(settings, (1, 1), source=live_source.name, backend=getattr(backend, "name", ""))
        console.print(
            f"live {exercise.name} from {live_source.name} ({settings.model} model)"
            + ("" if headless else "; press q in the window to stop")
            + ("; Ctrl-C stops" if headless and source is None else ""),
            highlight=False,
            markup=False,
        )
        session = LiveSession(analyser, backend, live_source, display=display, on_rep=announcer(console, analyser))
        outcome = session.run()
    finally:
        live_source.close()
        if backend is not None:
            backend.close()
    finish_session(outcome, out, created, console)
    return outcome


def _remove_if_empty(folder: Path, created: bool) -> None:
    if created and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def announcer(console: Any, analyser: LiveAnalyser) -> Callable[[LiveRep], None]:
    """A callback printing each rep and cue as it happens (and each new reason a measure is withheld)."""
    told: set[tuple[str, str]] = set()

    def announce(rep: LiveRep) -> None:
        console.print(rep_line(rep), highlight=False, markup=False, soft_wrap=True)
        for n in analyser.not_judged:
            if (n.metric, n.reason) not in told:
                told.add((n.metric, n.reason))
                console.print(f"  not judged: {n.metric} — {n.reason}", highlight=False, markup=False)
        console.file.flush()

    return announce


def finish_session(outcome: SessionOutcome, out: Path, created: bool, console: Any) -> None:
    """Print the session summary, write the report folder, then re-raise a camera error.

    Raises
    ------
    CameraError
        When the camera was lost; the message says whether and where the report was written.
    """
    from hipform.render.terminal import print_report

    analyser = outcome.analyser
    if analyser.n_frames:
        console.print(session_line(outcome), highlight=False, markup=False)
    written = write_session_report(outcome, out)
    if written is None:
        _remove_if_empty(out, created)
        what = "nothing was recorded" if analyser.n_frames == 0 else "nobody was seen"
        if outcome.error is not None:
            raise CameraError(f"{outcome.error}; {what}, no report written")
        from hipform.errors import NoPersonError

        raise NoPersonError(f"{what} from {analyser.source or 'the source'}: no report written")
    report, _files = written
    console.rule("report of the recorded landmarks (same as hipform analyze)")
    print_report(report.to_dict(), analyser.exercise, console)
    console.print(f"report written to {out}/", highlight=False, markup=False)
    if outcome.error is not None:
        raise CameraError(f"{outcome.error}; the report of the {analyser.n_frames} frames recorded is in {out}/")
