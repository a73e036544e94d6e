"""Cleaning steps on a :class:`~hipform.sequence.PoseSequence`, each a small pure function.

- :func:`interpolate_gaps` fills short gaps (default up to 0.15 s) linearly in time;
- :func:`lowpass` is a zero-lag (forward-backward) Butterworth low-pass (scipy.signal);
- :func:`repair_left_right_swaps` undoes the near/far leg swaps MediaPipe makes in side views;
- :func:`drop_glitch_frames` blanks frames whose whole skeleton jumps away from its neighbours;
- :class:`OneEuroFilter` is the causal filter live mode uses (no look-ahead).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import butter, sosfiltfilt

from hipform.landmarks import landmark_index
from hipform.sequence import PoseSequence

DEFAULT_MAX_GAP_S = 0.15
"""Longest gap in seconds that is filled by interpolation."""


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the True runs of a 1-D boolean array."""
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))


def fill_gaps_1d(t: np.ndarray, y: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate interior NaN runs of a 1-D series that last at most ``max_gap_s``.

    Parameters
    ----------
    t : numpy.ndarray
        (T,) times in seconds.
    y : numpy.ndarray
        (T,) values, NaN where missing.
    max_gap_s : float
        Longest gap filled, in seconds, measured between the two valid samples that
        bound it minus one frame period.

    Returns
    -------
    numpy.ndarray
        A copy with short interior gaps filled; longer gaps and gaps at either end stay NaN.
    """
    y = np.array(y, dtype=float)
    bad = ~np.isfinite(y)
    if not bad.any() or bad.all():
        return y
    period = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    for a, b in true_runs(bad):
        if a == 0 or b == len(y):
            continue
        if (t[b] - t[a - 1]) - period <= max_gap_s + 1e-9:
            y[a:b] = np.interp(t[a:b], [t[a - 1], t[b]], [y[a - 1], y[b]])
    return y


def interpolate_gaps(seq: PoseSequence, max_gap_s: float = DEFAULT_MAX_GAP_S) -> PoseSequence:
    """Fill gaps of each landmark coordinate that last at most ``max_gap_s`` seconds.

    Parameters
    ----------
    seq : PoseSequence
        Input sequence (NaN = missing).
    max_gap_s : float
        Longest gap filled, seconds.

    Returns
    -------
    PoseSequence
        New sequence; pixel and world coordinates interpolated, visibility untouched.
    """
    if max_gap_s < 0:
        raise ValueError(f"max_gap_s must be >= 0, got {max_gap_s}")
    xyz = _fill_array(seq.t, seq.xyz, max_gap_s)
    world = None if seq.world is None else _fill_array(seq.t, seq.world, max_gap_s)
    return seq.replace(xyz=xyz, world=world)


def _fill_array(t: np.ndarray, arr: np.ndarray, max_gap_s: float) -> np.ndarray:
    out = arr.copy()
    flat = out.reshape(len(t), -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        if np.isnan(col).any():
            flat[:, j] = fill_gaps_1d(t, col, max_gap_s)
    return flat.reshape(arr.shape)


def lowpass_1d(y: np.ndarray, fs_hz: float, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Zero-lag Butterworth low-pass of a 1-D series, segment by segment between NaNs.

    Parameters
    ----------
    y : numpy.ndarray
        (T,) values, NaN where missing (NaN stays NaN).
    fs_hz : float
        Sampling rate in Hz.
    cutoff_hz : float
        Cut-off frequency in Hz. When it is at or above 0.95 x Nyquist the series is
        returned unchanged (the data cannot be filtered at that cut-off).
    order : int
        Filter order (applied forward and backward, so the effective order doubles).

    Returns
    -------
    numpy.ndarray
    """
    y = np.array(y, dtype=float)
    if cutoff_hz >= 0.95 * fs_hz / 2:
        return y
    sos = butter(order, cutoff_hz, btype="low", fs=fs_hz, output="sos")
    for a, b in true_runs(np.isfinite(y)):
        n = b - a
        if n < 4:
            continue
        padlen = min(3 * (2 * len(sos) + 1), n - 1)
        y[a:b] = sosfiltfilt(sos, y[a:b], padlen=padlen)
    return y


def lowpass(seq: PoseSequence, cutoff_hz: float, order: int = 4) -> PoseSequence:
    """Zero-lag Butterworth low-pass of every landmark coordinate (pixel and world).

    Parameters
    ----------
    seq : PoseSequence
    cutoff_hz : float
        Cut-off in Hz (about 6 for strength exercises, 10-12 for running angles).
    order : int
        Butterworth order.

    Returns
    -------
    PoseSequence
        Filtered copy; the sampling rate is taken from the median frame interval.
    """
    if len(seq) < 4:
        return seq
    fs = 1.0 / float(np.median(np.diff(seq.t)))

    def filt(arr: np.ndarray) -> np.ndarray:
        flat = arr.reshape(len(seq), -1).copy()
        for j in range(flat.shape[1]):
            flat[:, j] = lowpass_1d(flat[:, j], fs, cutoff_hz, order)
        return flat.reshape(arr.shape)

    return seq.replace(xyz=filt(seq.xyz), world=None if seq.world is None else filt(seq.world))


_LEG_PARTS = ("knee", "ankle", "heel", "foot_index")


def find_left_right_swaps(seq: PoseSequence, ratio: float = 0.6) -> np.ndarray:
    """Frames whose left and right legs look swapped relative to the frames before.

    Walks through the clip keeping a repaired track; a frame is marked swapped when
    swapping its knees, ankles, heels and toes brings them closer to the previous
    repaired frame by more than ``ratio`` (swapped cost < ratio x kept cost).

    Parameters
    ----------
    seq : PoseSequence
    ratio : float
        Decision margin in 0..1; smaller is more conservative.

    Returns
    -------
    numpy.ndarray
        (T,) bool, True where the frame's legs should be swapped.
    """
    li = [landmark_index("left_" + p) for p in _LEG_PARTS]
    ri = [landmark_index("right_" + p) for p in _LEG_PARTS]
    xy = seq.xyz[:, :, :2]
    swapped = np.zeros(len(seq), dtype=bool)
    prev_l = prev_r = None
    prev_i = -2
    for i in range(len(seq)):
        cur_l, cur_r = xy[i, li], xy[i, ri]
        # decide only against the frame just before: after a gap the legs may have
        # crossed, and a stale reference makes a correct frame look swapped
        if prev_l is not None and i - prev_i == 1:
            keep = _cost(cur_l, prev_l) + _cost(cur_r, prev_r)
            swap = _cost(cur_r, prev_l) + _cost(cur_l, prev_r)
            if np.isfinite(keep) and np.isfinite(swap) and swap < ratio * keep:
                swapped[i] = True
                cur_l, cur_r = cur_r, cur_l
        if np.isfinite(cur_l).all() and np.isfinite(cur_r).all():
            prev_l, prev_r, prev_i = cur_l, cur_r, i
    return swapped


def _cost(a: np.ndarray, b: np.ndarray) -> float:
    d = np.linalg.norm(a - b, axis=-1)
    d = d[np.isfinite(d)]
    return float(d.sum()) if d.size else float("nan")


def relabel_landmarks(
    seq: PoseSequence, frames: np.ndarray, order: np.ndarray | list[int], *, drop_world: bool = False
) -> PoseSequence:
    """Give some frames' landmarks new labels: landmark ``k`` takes the values of ``order[k]``.

    Parameters
    ----------
    seq : PoseSequence
    frames : numpy.ndarray
        (T,) bool, the frames to relabel.
    order : array of int
        (33,) index permutation, e.g. one that swaps left and right.
    drop_world : bool
        Set the world landmarks of those frames to NaN instead of relabelling them.

    Returns
    -------
    PoseSequence
        A copy; image landmarks and visibility relabelled in ``frames``.
    """
    order = np.asarray(order)

    def fix(arr: np.ndarray) -> np.ndarray:
        out = arr.copy()
        out[frames] = arr[frames][:, order]
        return out

    world = seq.world
    if world is not None:
        if drop_world:
            world = world.copy()
            world[frames] = np.nan
        else:
            world = fix(world)
    return seq.replace(xyz=fix(seq.xyz), visibility=fix(seq.visibility), world=world)


def repair_left_right_swaps(seq: PoseSequence, ratio: float = 0.6) -> tuple[PoseSequence, int]:
    """Swap back the legs in frames found by :func:`find_left_right_swaps`.

    Returns
    -------
    PoseSequence, int
        The repaired sequence and the number of frames repaired.
    """
    swapped = find_left_right_swaps(seq, ratio)
    if not swapped.any():
        return seq, 0
    li = [landmark_index("left_" + p) for p in _LEG_PARTS]
    ri = [landmark_index("right_" + p) for p in _LEG_PARTS]
    perm = np.arange(seq.xyz.shape[1])
    perm[li], perm[ri] = ri, li
    return relabel_landmarks(seq, swapped, perm), int(swapped.sum())


_GLITCH_PARTS = ("shoulder", "hip", "knee", "ankle", "heel", "foot_index")
_GLITCH_POINTS = tuple(f"{s}_{p}" for s in ("left", "right") for p in _GLITCH_PARTS)


def _mirror(name: str, legs_only: bool) -> str:
    side, part = name.split("_", 1)
    if legs_only and part in ("shoulder", "hip"):
        return name
    return ("right_" if side == "left" else "left_") + part


# relabellings a neighbour may need before it is compared: as is, whole body mirrored,
# legs only swapped (the two label errors the pose model makes; repaired elsewhere)
_GLITCH_PERMS = tuple(
    np.array([_GLITCH_POINTS.index(_mirror(n, legs)) for n in _GLITCH_POINTS]) for legs in (False, True)
)


def _median_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Median over points (axis -2) of the point distances; NaN where no point is shared."""
    d = np.linalg.norm(a - b, axis=-1)
    out = np.full(d.shape[:-1], np.nan)
    ok = np.isfinite(d).any(axis=-1)
    out[ok] = np.nanmedian(d[ok], axis=-1)
    return out


def glitch_scores(xy: np.ndarray, done: np.ndarray, frames: np.ndarray, half: int, min_points: int = 4) -> np.ndarray:
    """Median distance (px) of each frame's points from the median of its neighbours.

    Parameters
    ----------
    xy : numpy.ndarray
        (T, P, 2) points of the whole clip (pixels, NaN = missing).
    done : numpy.ndarray
        (T,) bool, frames already taken out (not used as neighbours).
    frames : numpy.ndarray
        Frame indices to score.
    half : int
        Neighbours are the frames within ``half`` frames, each relabelled (as is, mirrored,
        legs swapped) to whichever matches the scored frame best, so a left/right label
        error is not mistaken for a glitch.
    min_points : int
        Fewer shared points than this scores 0.

    Returns
    -------
    numpy.ndarray
        (len(frames),) distances in pixels; 0 when too little is seen to judge.
    """
    n = len(xy)
    cur = xy[frames]
    near = []
    for off in (*range(-half, 0), *range(1, half + 1)):
        j = frames + off
        inside = (j >= 0) & (j < n)
        nb = np.full_like(cur, np.nan)
        jj = j[inside]
        nb[inside] = np.where(done[jj][:, None, None], np.nan, xy[jj])
        options = np.stack([nb, *(nb[:, p] for p in _GLITCH_PERMS)])  # (3, F, P, 2)
        cost = np.nan_to_num(_median_distance(options, cur[None]), nan=np.inf)
        near.append(np.take_along_axis(options, np.argmin(cost, axis=0)[None, :, None, None], axis=0)[0])
    stack = np.stack(near, axis=1)  # (F, 2*half, P, 2)
    counts = np.isfinite(stack[..., 0]).sum(axis=1)  # (F, P)
    ref = np.full_like(cur, np.nan)
    ok = counts >= 2
    ref[ok] = np.nanmedian(stack.transpose(0, 2, 1, 3)[ok], axis=1)
    d = np.linalg.norm(cur - ref, axis=-1)
    shared = np.isfinite(d).sum(axis=-1)
    score = np.zeros(len(frames))
    judge = shared >= min_points
    score[judge] = np.nanmedian(d[judge], axis=-1)
    return score


def find_glitch_frames(seq: PoseSequence, threshold_torso: float = 0.5, window_s: float = 0.05) -> np.ndarray:
    """Frames in which the whole skeleton leaves the path of the frames around it.

    A pose model sometimes returns a skeleton unrelated to the body for a frame or two
    (seen with MediaPipe when the head is cut off by the frame edge: shoulders at the
    knees, feet above the hips, with high visibility). Frame by frame, the shoulders,
    hips, knees, ankles, heels and toes are compared with the median of the same points
    in the frames within ``window_s`` (at least 2 each side); when their median distance
    exceeds ``threshold_torso`` median torso lengths the frame is a glitch. The worst
    frame is taken out first and its neighbours scored again, so a glitch never makes a
    good neighbour look bad. Smooth motion, however fast, moves the points along with
    their neighbours' median and is not flagged.

    Parameters
    ----------
    seq : PoseSequence
    threshold_torso : float
        Median point distance, in torso lengths (mid-shoulder to mid-hip), above which a
        frame is a glitch.
    window_s : float
        Half-width of the neighbourhood in seconds (at least 2 frames).

    Returns
    -------
    numpy.ndarray
        (T,) bool, True for a glitch frame.
    """
    n = len(seq)
    out = np.zeros(n, dtype=bool)
    torso = np.linalg.norm(seq.mid("left_shoulder", "right_shoulder") - seq.mid("left_hip", "right_hip"), axis=1)
    torso = torso[np.isfinite(torso)]
    if n < 3 or torso.size == 0 or float(np.median(torso)) <= 0:
        return out
    limit = threshold_torso * float(np.median(torso))
    xy = seq.xyz[:, [landmark_index(p) for p in _GLITCH_POINTS], :2]
    half = max(2, int(round(window_s * seq.fps)))
    score = glitch_scores(xy, out, np.arange(n), half)
    while score.max() > limit:
        k = int(np.argmax(score))
        out[k], score[k] = True, 0.0
        near = np.array([j for j in range(max(0, k - half), min(n, k + half + 1)) if not out[j]], dtype=int)
        if near.size:
            score[near] = glitch_scores(xy, out, near, half)
    return out


def drop_glitch_frames(
    seq: PoseSequence, threshold_torso: float = 0.5, window_s: float = 0.05
) -> tuple[PoseSequence, int]:
    """Blank (NaN) the frames found by :func:`find_glitch_frames`; gap filling then bridges them.

    Returns
    -------
    PoseSequence, int
        The cleaned sequence and the number of frames blanked.
    """
    bad = find_glitch_frames(seq, threshold_torso, window_s)
    if not bad.any():
        return seq, 0
    xyz = seq.xyz.copy()
    xyz[bad] = np.nan
    world = None
    if seq.world is not None:
        world = seq.world.copy()
        world[bad] = np.nan
    return seq.replace(xyz=xyz, world=world), int(bad.sum())


class OneEuroFilter:
    """Causal One-Euro filter (Casiez et al. 2012) for live mode, on arrays of any shape.

    Parameters
    ----------
    min_cutoff_hz : float
        Cut-off at rest; lower = smoother when still.
    beta : float
        Speed coefficient; higher = less lag when moving fast.
    d_cutoff_hz : float
        Cut-off for the derivative estimate.

    Notes
    -----
    NaN inputs pass through as NaN and do not disturb the state of other elements.
    """

    def __init__(self, min_cutoff_hz: float = 1.5, beta: float = 0.05, d_cutoff_hz: float = 1.0) -> None:
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray:
        tau = 1.0 / (2 * math.pi * np.asarray(cutoff, float))
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, t_s: float, x: np.ndarray) -> np.ndarray:
        """Filter one sample taken at time ``t_s`` (seconds); returns the filtered value."""
        x = np.asarray(x, float)
        if self._x is None or self._t is None or t_s <= self._t:
            self._x = x.copy()
            self._dx = np.zeros_like(x)
            self._t = t_s
            return x.copy()
        dt = t_s - self._t
        self._t = t_s
        prev = self._x
        fresh = ~np.isfinite(prev)
        prev = np.where(fresh, x, prev)
        dx = (x - prev) / dt
        a_d = self._alpha(self.d_cutoff_hz, dt)
        dx_hat = a_d * dx + (1 - a_d) * np.where(np.isfinite(self._dx), self._dx, 0.0)
        cutoff = self.min_cutoff_hz + self.beta * np.abs(dx_hat)
        a = self._alpha(cutoff, dt)
        x_hat = a * x + (1 - a) * prev
        ok = np.isfinite(x)
        self._x = np.where(ok, x_hat, self._x)
        self._dx = np.where(ok, dx_hat, self._dx)
        return np.where(ok, x_hat, np.nan)
