"""Cleaning steps on a :class:`~hipform.sequence.PoseSequence`, each a small pure function.

- :func:`interpolate_gaps` fills short gaps (default up to 0.15 s) linearly in time;
- :func:`lowpass` is a zero-lag (forward-backward) Butterworth low-pass (scipy.signal);
- :func:`repair_left_right_swaps` undoes the near/far leg swaps MediaPipe makes in side views;
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


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
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
    for a, b in _runs(bad):
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
    for a, b in _runs(np.isfinite(y)):
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


def repair_left_right_swaps(seq: PoseSequence, ratio: float = 0.6) -> tuple[PoseSequence, int]:
    """Swap back the legs in frames found by :func:`find_left_right_swaps`.

    Use on side views only: in front views the legs do not pass each other.

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

    def fix(arr: np.ndarray) -> np.ndarray:
        out = arr.copy()
        out[swapped] = arr[swapped][:, perm]
        return out

    return (
        seq.replace(
            xyz=fix(seq.xyz),
            visibility=fix(seq.visibility),
            world=None if seq.world is None else fix(seq.world),
        ),
        int(swapped.sum()),
    )


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
