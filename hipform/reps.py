"""Rep counting: one incremental hysteresis state machine shared by offline and live mode.

The counter watches one smoothed 1-D signal per exercise, oriented so that larger means
further from the top position (e.g. hip descent as a fraction of leg length) and roughly
zero when standing. Thresholds are relative to the person's own standing baseline and
range of motion, with absolute floors, so that sway, half reps and pauses at the bottom
are not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

BASELINE_BAND_FRAC = 0.1
"""The learned standing baseline follows the signal only within this share of the range
above it, so a slow start of a rep does not drag the baseline along."""


@dataclass(frozen=True)
class CounterConfig:
    """Parameters of :class:`RepCounter` (signal units unless stated).

    Attributes
    ----------
    enter_frac : float
        A rep begins when the signal rises above baseline + enter_frac x range.
    top_frac : float
        The person is back at the top when the signal falls below baseline + top_frac x
        range; a rep starts at the last time the signal was below this level.
    depth_frac : float
        A rep counts only if its deepest value reaches baseline + depth_frac x range.
    min_depth : float
        Absolute floor for the depth a rep must reach above the baseline (signal units).
    min_duration_s : float
        Shortest rep in seconds.
    max_duration_s : float
        Longest rep in seconds (longer excursions are not reps: walking away, sitting).
    max_missing_s : float
        A rep in progress is abandoned when the signal is missing longer than this.
    range_prior : float
        Range of motion assumed before any rep has been seen (signal units).
    baseline_tau_s : float
        Time constant in seconds with which the standing baseline follows the signal
        while at the top.
    """

    enter_frac: float = 0.40
    top_frac: float = 0.15
    depth_frac: float = 0.55
    min_depth: float = 0.05
    min_duration_s: float = 0.5
    max_duration_s: float = 15.0
    max_missing_s: float = 1.0
    range_prior: float = 0.25
    baseline_tau_s: float = 2.0


@dataclass(frozen=True)
class RepWindow:
    """A counted rep: times in seconds and the signal at its deepest point."""

    start_s: float
    bottom_s: float
    end_s: float
    depth: float
    """Signal value at the deepest point minus the baseline (signal units)."""


class RepCounter:
    """Incremental hysteresis rep counter.

    Call :meth:`update` once per frame with the time and the signal value (NaN when
    missing); it returns a :class:`RepWindow` on the frame where a rep is completed.

    Parameters
    ----------
    config : CounterConfig
        Thresholds.
    baseline : float, optional
        Standing level of the signal if known (offline); otherwise learned from the
        first valid samples.
    range_hint : float, optional
        Range of motion if known (offline: from the whole clip); otherwise
        ``config.range_prior`` and then the depth of the reps seen so far.
    """

    def __init__(
        self, config: CounterConfig, baseline: float | None = None, range_hint: float | None = None
    ) -> None:
        self.config = config
        self.baseline = baseline
        self._fixed_baseline = baseline is not None
        self.range = max(range_hint if range_hint is not None else config.range_prior, config.min_depth)
        self._fixed_range = range_hint is not None
        self.in_rep = False
        self._last_top_t: float | None = None
        self._peak = -np.inf
        self._peak_t = np.nan
        self._last_valid_t: float | None = None
        self._last_t: float | None = None
        self.count = 0

    # levels -------------------------------------------------------------------
    def level(self, frac: float) -> float:
        """Signal level baseline + frac x range."""
        return (self.baseline or 0.0) + frac * self.range

    @property
    def enter_level(self) -> float:
        """Signal level at which a rep begins."""
        return (self.baseline or 0.0) + max(self.config.enter_frac * self.range, 0.6 * self.config.min_depth)

    @property
    def top_level(self) -> float:
        """Signal level below which the person is at the top."""
        return self.level(self.config.top_frac)

    @property
    def depth_level(self) -> float:
        """Signal level a rep must reach to count."""
        return (self.baseline or 0.0) + max(self.config.depth_frac * self.range, self.config.min_depth)

    @property
    def phase(self) -> str:
        """``"top"`` or ``"in rep"``, for display."""
        return "in rep" if self.in_rep else "top"

    # update -------------------------------------------------------------------
    def update(self, t_s: float, value: float) -> RepWindow | None:
        """Feed one frame.

        Parameters
        ----------
        t_s : float
            Frame time in seconds (increasing).
        value : float
            Signal value; NaN when the landmarks it needs are missing.

        Returns
        -------
        RepWindow or None
            The completed rep, on the frame where the person is back at the top.
        """
        cfg = self.config
        dt = 0.0 if self._last_t is None else max(t_s - self._last_t, 0.0)
        self._last_t = t_s
        if not np.isfinite(value):
            if self.in_rep and self._last_valid_t is not None and t_s - self._last_valid_t > cfg.max_missing_s:
                self._abandon()
            return None
        self._last_valid_t = t_s
        if self.baseline is None:
            self.baseline = value
        if not self.in_rep:
            if value <= self.top_level:
                self._last_top_t = t_s
                near_baseline = value <= self.level(BASELINE_BAND_FRAC)
                if not self._fixed_baseline and dt > 0 and near_baseline:
                    alpha = min(dt / cfg.baseline_tau_s, 1.0)
                    self.baseline += alpha * (value - self.baseline)
            if value > self.enter_level and self._last_top_t is not None:
                self.in_rep = True
                self._peak, self._peak_t = value, t_s
            return None
        if value > self._peak:
            self._peak, self._peak_t = value, t_s
        if t_s - (self._last_top_t or t_s) > cfg.max_duration_s:
            self._abandon()
            return None
        if value <= self.top_level:
            return self._finish(t_s)
        return None

    def _abandon(self) -> None:
        self.in_rep = False
        self._last_top_t = None
        self._peak = -np.inf

    def _finish(self, t_s: float) -> RepWindow | None:
        cfg = self.config
        start = self._last_top_t if self._last_top_t is not None else t_s
        depth = self._peak - (self.baseline or 0.0)
        ok = self._peak >= self.depth_level and (t_s - start) >= cfg.min_duration_s
        peak_t = self._peak_t
        self.in_rep = False
        self._last_top_t = t_s
        self._peak = -np.inf
        if not ok:
            return None
        if not self._fixed_range:
            # learn the range of motion from the reps seen so far
            self.range = max(0.5 * self.range + 0.5 * depth, cfg.min_depth) if self.count else max(depth, cfg.min_depth)
        self.count += 1
        return RepWindow(start_s=float(start), bottom_s=float(peak_t), end_s=float(t_s), depth=float(depth))


def estimate_baseline_and_range(signal: np.ndarray) -> tuple[float, float]:
    """Standing baseline and range of motion of a whole-clip rep signal.

    Parameters
    ----------
    signal : numpy.ndarray
        (T,) rep signal, larger = deeper; NaN ignored.

    Returns
    -------
    baseline, range : float
        The 5th percentile (standing level) and the 95th percentile minus it
        (signal units). NaN when the signal has no valid samples.
    """
    v = signal[np.isfinite(signal)]
    if v.size == 0:
        return float("nan"), float("nan")
    lo, hi = np.percentile(v, [5, 95])
    return float(lo), float(hi - lo)


def count_reps(
    t: np.ndarray, signal: np.ndarray, config: CounterConfig, *, use_clip_range: bool = True
) -> list[RepWindow]:
    """Count reps offline by driving :class:`RepCounter` over a whole signal.

    Parameters
    ----------
    t : numpy.ndarray
        (T,) times in seconds.
    signal : numpy.ndarray
        (T,) rep signal, larger = deeper, NaN where missing.
    config : CounterConfig
        Thresholds.
    use_clip_range : bool
        Use the whole clip's baseline and range (offline); False mimics live mode.

    Returns
    -------
    list of RepWindow
    """
    baseline = range_hint = None
    if use_clip_range:
        b, r = estimate_baseline_and_range(signal)
        if np.isfinite(b):
            baseline, range_hint = b, r
    counter = RepCounter(config, baseline=baseline, range_hint=range_hint)
    return [w for w in _drive(counter, t, signal) if w is not None]


def _drive(counter: RepCounter, t: Iterable[float], signal: Iterable[float]) -> Iterable[RepWindow | None]:
    for ti, vi in zip(t, signal, strict=True):
        yield counter.update(float(ti), float(vi))


def group_sets(windows: list[RepWindow], set_gap_s: float, sides: list[str | None] | None = None) -> list[int]:
    """Set number (1-based) of each rep.

    A pause longer than ``set_gap_s`` or a change of working side starts a new set.

    Parameters
    ----------
    windows : list of RepWindow
        Reps in time order.
    set_gap_s : float
        Pause in seconds between one rep's end and the next one's start.
    sides : list of str, optional
        Working side of each rep.

    Returns
    -------
    list of int
    """
    sets: list[int] = []
    current = 1
    for i, w in enumerate(windows):
        switched = sides is not None and i > 0 and sides[i] != sides[i - 1]
        if i and (w.start_s - windows[i - 1].end_s > set_gap_s or switched):
            current += 1
        sets.append(current)
    return sets
