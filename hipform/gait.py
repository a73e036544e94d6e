"""Gait machinery shared by running and walking: direction, contacts, toe-offs, per-step angles.

Every function here is pure: arrays or a :class:`~hipform.sequence.PoseSequence` in,
numbers out. Conventions:

- ``direction`` is the way the person faces along image x: +1 = image right, -1 = image left;
- heights are measured upward in leg lengths (image y points down);
- the thigh angle is HIP->KNEE against the image vertical, positive when the knee is
  behind the hip (extension), in degrees.

Events (side view): Zeni's method locates one initial contact (IC) per forward peak of
the heel relative to the hip and one toe-off (TO) per backward peak of the toe relative
to the hip; each event is then refined with the foot's own vertical motion, because on
a treadmill the foot keeps moving backward after it leaves the belt, so the toe's
backward peak comes late. The refined event is the sub-frame moment the foot reaches
(IC) or leaves (TO) its ground level for that stance, back-extrapolated along the
foot's vertical velocity, with an uncertainty from the signal noise and frame period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.signal import find_peaks

from hipform.cleaning import lowpass_1d
from hipform.geometry import distance
from hipform.sequence import PoseSequence

SIDES = ("left", "right")

CONTACT_TOL_LEG = 0.02
"""Default height above the stance ground level (leg lengths) that counts as touching it."""

IC_SPEED_SHARE = 0.6
"""Initial contact: share of the stance (belt) speed the foot's backward speed has reached.

On the RBDS001 treadmill run the foot has taken up 63 +- 11 % of the belt speed at the
force-plate contact (150 Hz markers)."""

TO_TOL_LEG = 0.02
"""Toe-off: the toe rises this far above its ground level (leg lengths)."""

SWING_RISE_LEG = 0.05
"""Toe-off: height above the stance ground level (leg lengths) the toe surely reaches in
early swing. The toe-off is the start of the last rise through this height; a toe that
hovers a little above its ground level in late stance (a far-side foot, a pose glitch's
after-effect) then cannot pull the toe-off early."""

NOISE_MARGIN = 3.0
"""The toe-off height threshold is at least this many noise SDs of the smoothed toe height."""

LABEL_TRUST = 0.9
"""Share of contacts whose left/right label must agree with the steps' alternation for the
labels to be trusted as they are; below it each contact's side comes from the alternation."""

MIN_STRIDE_S = 0.45
"""Shortest stride period (s) accepted when estimating the stride (about 270 steps/min)."""

MAX_STRIDE_S = 2.0
"""Longest stride period (s) accepted (30 steps/min)."""


@dataclass(frozen=True)
class GaitEvent:
    """One refined gait event.

    Attributes
    ----------
    t_s : float
        Event time in seconds (sub-frame).
    sigma_s : float
        One-standard-deviation timing uncertainty in seconds.
    zeni_s : float
        Time of the plain Zeni estimate (a frame time), for comparison.
    """

    t_s: float
    sigma_s: float
    zeni_s: float


@dataclass(frozen=True)
class Stance:
    """One stance phase of one foot.

    Attributes
    ----------
    side : str
        ``"left"`` or ``"right"``: the foot, from the left/right alternation of steps.
    track : str
        The landmark labels (``left_*`` or ``right_*``) that followed this foot at the
        contact; empty when the same as ``side``.
    ic, to : GaitEvent
        Initial contact and toe-off; the toe-off time is NaN when it was not seen
        (the clip ends, or the foot leaves the frame, before it).
    """

    side: str
    ic: GaitEvent
    to: GaitEvent
    track: str = ""

    @property
    def leg(self) -> str:
        """Landmark side whose track was measured.

        It differs from ``side`` when the pose model had the legs' labels swapped at
        this contact.
        """
        return self.track or self.side

    @property
    def duration_s(self) -> float:
        """Stance time in seconds."""
        return self.to.t_s - self.ic.t_s


@dataclass(frozen=True)
class GaitSignals:
    """Foot tracks relative to the hip, in leg lengths, for one clip.

    Attributes
    ----------
    t : numpy.ndarray
        (T,) seconds.
    direction : int
        +1 facing image right, -1 image left.
    leg_px : float
        Leg length (hip-knee + knee-ankle) in pixels.
    heel_fwd, toe_fwd : dict
        Side -> (T,) heel / toe position ahead of the mid-hip along the direction of
        travel, in leg lengths.
    heel_up, toe_up : dict
        Side -> (T,) heel / toe height in the image (upward, from the image top), in
        leg lengths; the camera is assumed static.
    noise : dict
        Side -> estimated noise (SD, leg lengths) of the foot height signals.
    """

    t: np.ndarray
    direction: int
    leg_px: float
    heel_fwd: dict[str, np.ndarray]
    toe_fwd: dict[str, np.ndarray]
    heel_up: dict[str, np.ndarray]
    toe_up: dict[str, np.ndarray]
    noise: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- direction
def travel_direction(seq: PoseSequence) -> int:
    """Which way the person faces along image x: +1 right, -1 left.

    Votes, frame by frame, of the toes ahead of the heels and the nose ahead of the
    ears; the majority wins.

    Parameters
    ----------
    seq : PoseSequence

    Returns
    -------
    int
        +1 or -1 (+1 when there is no evidence at all).
    """
    votes = []
    for s in SIDES:
        votes.append(np.sign(seq.xy(f"{s}_foot_index")[:, 0] - seq.xy(f"{s}_heel")[:, 0]))
    ears = seq.mid("left_ear", "right_ear")[:, 0]
    votes.append(np.sign(seq.xy("nose")[:, 0] - ears))
    v = np.concatenate(votes)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 1
    return 1 if float(np.sum(v)) >= 0 else -1


# --------------------------------------------------------------------------- signals
def leg_length_px(seq: PoseSequence) -> float:
    """Median leg length (hip-knee + knee-ankle, both sides) in pixels; NaN if unseen."""
    vals = []
    for s in SIDES:
        thigh = distance(seq.xy(f"{s}_hip"), seq.xy(f"{s}_knee"))
        vals.append(thigh + distance(seq.xy(f"{s}_knee"), seq.xy(f"{s}_ankle")))
    v = np.concatenate(vals)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else float("nan")


def event_cutoff_hz(fps: float) -> float:
    """Low-pass cut-off (Hz) for event detection: light smoothing, below Nyquist."""
    return float(min(15.0, 0.4 * fps))


def _smooth(y: np.ndarray, fs: float) -> np.ndarray:
    return lowpass_1d(y, fs, event_cutoff_hz(fs)) if len(y) > 12 else y


def noise_sd(y: np.ndarray, fs: float) -> float:
    """Noise SD of a series: robust SD of its difference from the event-smoothed version."""
    sm = _smooth(y, fs)
    r = (y - sm)[np.isfinite(y - sm)]
    if r.size < 5:
        return float("nan")
    return float(1.4826 * np.median(np.abs(r - np.median(r))))


def gait_signals(seq: PoseSequence, direction: int) -> GaitSignals:
    """Heel and toe tracks relative to the mid-hip, lightly smoothed, in leg lengths.

    Parameters
    ----------
    seq : PoseSequence
        Gap-filled landmarks (not heavily smoothed: events need sharp edges).
    direction : int
        +1 facing image right, -1 facing image left.

    Returns
    -------
    GaitSignals
    """
    fs = float(seq.fps)
    leg = leg_length_px(seq)
    hip = seq.mid("left_hip", "right_hip")
    hf, tf, hu, tu, noise = {}, {}, {}, {}, {}
    for s in SIDES:
        heel = seq.xy(f"{s}_heel")
        toe = seq.xy(f"{s}_foot_index")
        # heights in the image (static camera): the hip bounces, the ground does not
        raw_hu = -heel[:, 1] / leg
        raw_tu = -toe[:, 1] / leg
        hf[s] = _smooth(direction * (heel[:, 0] - hip[:, 0]) / leg, fs)
        tf[s] = _smooth(direction * (toe[:, 0] - hip[:, 0]) / leg, fs)
        hu[s] = _smooth(raw_hu, fs)
        tu[s] = _smooth(raw_tu, fs)
        noise[s] = float(np.nanmean([noise_sd(raw_hu, fs), noise_sd(raw_tu, fs)]))
    return GaitSignals(seq.t, direction, leg, hf, tf, hu, tu, noise)


def _fill(y: np.ndarray) -> np.ndarray:
    """Linear fill of NaN (edges held) so peak finding sees a continuous series."""
    y = np.asarray(y, float)
    ok = np.isfinite(y)
    if ok.all() or not ok.any():
        return np.where(ok, y, 0.0)
    i = np.arange(len(y))
    return np.interp(i, i[ok], y[ok])


def stride_period_s(t: np.ndarray, y: np.ndarray, lo_s: float = MIN_STRIDE_S, hi_s: float = MAX_STRIDE_S) -> float:
    """Dominant period (s) of a periodic foot track from its autocorrelation.

    Parameters
    ----------
    t : numpy.ndarray
        (T,) seconds.
    y : numpy.ndarray
        (T,) foot position (one foot), NaN allowed.

    lo_s, hi_s : float
        Shortest and longest period accepted, seconds.

    Returns
    -------
    float
        Period in seconds between ``lo_s`` and ``hi_s``, NaN when no clear period exists.
    """
    ok = np.isfinite(y)
    if ok.sum() < 10:
        return float("nan")
    dt = float(np.median(np.diff(t)))
    z = _fill(y) - np.nanmean(y)
    ac = np.correlate(z, z, mode="full")[len(z) - 1 :]
    if ac[0] <= 0:
        return float("nan")
    ac = ac / ac[0]
    lo = max(1, int(lo_s / dt))
    hi = min(len(ac) - 1, int(hi_s / dt))
    if hi <= lo + 1:
        return float("nan")
    peaks, props = find_peaks(ac[lo : hi + 1], height=0.2)
    if peaks.size == 0:
        return float("nan")
    k = lo + int(peaks[np.argmax(props["peak_heights"])])
    # the strongest peak can be a multiple of the period: prefer the first strong one
    first = lo + int(peaks[0])
    if ac[first] > 0.7 * ac[k]:
        k = first
    return k * dt


def zeni_peaks(y: np.ndarray, period_samples: float) -> np.ndarray:
    """Indices of the once-per-stride maxima of a foot track (Zeni's events).

    Parameters
    ----------
    y : numpy.ndarray
        (T,) track whose maxima are the events (heel ahead of hip for IC, minus toe
        ahead of hip for TO).
    period_samples : float
        Stride period in samples.

    Returns
    -------
    numpy.ndarray
        Frame indices of the peaks (never at a missing sample).
    """
    ok = np.isfinite(y)
    if ok.sum() < 5:
        return np.array([], int)
    rng = float(np.nanpercentile(y, 95) - np.nanpercentile(y, 5))
    peaks, _ = find_peaks(_fill(y), distance=max(1, int(0.6 * period_samples)), prominence=0.3 * rng)
    return peaks[ok[peaks]]


# --------------------------------------------------------------------------- refinement
def _crossing(
    t: np.ndarray, h: np.ndarray, level: float, start: int, stop: int, rising: bool, last: bool = False
) -> float | None:
    """First (or ``last``) sub-frame time in frames [start, stop) where ``h`` crosses ``level``."""
    idx = range(max(start, 1), min(stop, len(h)))
    for i in reversed(idx) if last else idx:
        a, b = h[i - 1], h[i]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if (rising and a <= level < b) or (not rising and a > level >= b):
            return float(t[i - 1] + (level - a) / (b - a) * (t[i] - t[i - 1]))
    return None


def _velocity_at(t: np.ndarray, h: np.ndarray, t_s: float) -> float:
    """Time derivative of ``h`` at ``t_s`` (units per second), central differences."""
    v = np.gradient(h, t)
    return float(np.interp(t_s, t, v))


def refine_event(
    t: np.ndarray,
    h: np.ndarray,
    ground: float,
    start: int,
    stop: int,
    rising: bool,
    noise: float,
    tol: float = CONTACT_TOL_LEG,
    extrapolate: bool = False,
    last: bool = False,
) -> tuple[float, float] | None:
    """The moment a foot leaves (``rising``) or reaches its ground level, sub-frame.

    The time ``h`` crosses ``ground + tol`` is found by linear interpolation, then moved
    back (TO) or forward (IC) to ground level along the foot's vertical velocity there.

    Parameters
    ----------
    t : numpy.ndarray
        (T,) seconds.
    h : numpy.ndarray
        (T,) foot height, leg lengths, up positive.
    ground : float
        Ground level of this stance (same unit).
    start, stop : int
        Frame range to search.
    rising : bool
        True for toe-off, False for initial contact.
    noise : float
        Noise SD of ``h`` (leg lengths), for the uncertainty.
    tol : float
        Crossing height above ground, leg lengths.
    extrapolate : bool
        Move the event from the ``tol`` crossing back to ground level along the
        foot's vertical velocity (at most one frame).
    last : bool
        Take the last crossing in the range instead of the first (a toe-off is the
        rise that leads into the swing, not an earlier wobble).

    Returns
    -------
    (float, float) or None
        Event time and its SD in seconds, or None when there is no crossing.
    """
    tc = _crossing(t, h, ground + tol, start, stop, rising, last)
    if tc is None:
        return None
    v = abs(_velocity_at(t, h, tc))
    dt = float(np.median(np.diff(t)))
    shift = 0.0
    if v > 0 and extrapolate:
        shift = min(tol / v, dt)  # never move more than one frame
    te = tc - shift if rising else tc + shift
    sig_noise = (noise / v) if v > 0 and np.isfinite(noise) else dt
    sigma = float(np.hypot(min(sig_noise, 2 * dt), dt / np.sqrt(12.0)))
    return te, sigma


def refine_toe_off(
    t: np.ndarray, toe: np.ndarray, ground: float, start: int, stop: int, noise: float, tol: float
) -> tuple[float, float] | None:
    """Toe-off: the moment the toe starts the rise that carries it into the swing, sub-frame.

    The last time in frames [start, stop) the toe climbs through ``ground`` +
    :data:`SWING_RISE_LEG` (at least ``2 * tol``) marks the rise into the swing; from
    there the rise is followed back, frame by frame, while the toe keeps getting lower,
    down to ``ground + tol`` or to the bottom of the rise. The toe-off is where the toe
    passes ``tol`` above that bottom (:func:`refine_event`). On clean data this is the
    last crossing of ``ground + tol``; it differs when the toe hovers above that level
    before the real push-off.

    Parameters
    ----------
    t : numpy.ndarray
        (T,) seconds.
    toe : numpy.ndarray
        (T,) toe height, leg lengths, up positive.
    ground : float
        Ground level of this stance (leg lengths).
    start, stop : int
        Frame range to search.
    noise : float
        Noise SD of ``toe`` (leg lengths), for the uncertainty.
    tol : float
        Height above the bottom of the rise that counts as off the ground (leg lengths).

    Returns
    -------
    (float, float) or None
        Toe-off time and its SD in seconds, or None when the toe does not rise.
    """
    high = ground + max(SWING_RISE_LEG, 2 * tol)
    tc = _crossing(t, toe, high, start, stop, rising=True, last=True)
    if tc is None:
        return refine_event(t, toe, ground, start, stop, True, noise, tol, last=True)
    i = int(np.searchsorted(t, tc))  # first frame above ``high``
    j = i - 1
    while j - 1 >= start and np.isfinite(toe[j - 1]) and toe[j - 1] < toe[j] and toe[j] > ground + tol:
        j -= 1
    base = ground if toe[j] <= ground + tol else float(toe[j])  # on the ground, or hovering above it
    tol_here = min(tol, 0.5 * (float(toe[i]) - base))
    return refine_event(t, toe, base, j, i + 1, True, noise, tol_here, last=True)


def _stance_ground(h: np.ndarray, i0: int, i1: int) -> float:
    """Ground level of one stance: a low percentile of the foot point's height in frames i0..i1."""
    seg = h[max(i0, 0) : max(i1, i0 + 1)]
    seg = seg[np.isfinite(seg)]
    return float(np.percentile(seg, 10)) if seg.size else float("nan")


def refine_contact(
    t: np.ndarray, foot_v: np.ndarray, toe_v: np.ndarray, ic: int, width: int, noise_v: float
) -> tuple[float, float] | None:
    """Initial contact from the foot's horizontal velocity relative to the hip.

    Before contact the swinging foot slows and starts moving back; once on the ground
    it moves back at the stance speed (belt speed on a treadmill, walking speed
    overground). Contact is the sub-frame moment the foot's backward speed reaches
    :data:`IC_SPEED_SHARE` of the stance speed, searched from Zeni's contact (the
    foot's forward peak) to the middle of the Zeni stance window.

    Parameters
    ----------
    t : numpy.ndarray
        (T,) seconds.
    foot_v, toe_v : numpy.ndarray
        (T,) forward velocity relative to the hip of the foot (heel-toe mean) and of
        the toe, leg lengths per second.
    ic : int
        Frame of Zeni's contact.
    width : int
        Frames from Zeni's contact to Zeni's toe-off.
    noise_v : float
        Velocity noise SD, leg lengths per second.

    Returns
    -------
    (float, float) or None
        Contact time and its SD in seconds.
    """
    mid = toe_v[ic + int(0.2 * width) : ic + int(0.6 * width) + 1]
    mid = mid[np.isfinite(mid)]
    if mid.size == 0:
        return None
    stance_speed = -float(np.median(mid))
    if stance_speed <= 0:
        return None
    level = -IC_SPEED_SHARE * stance_speed
    tc = _crossing(t, foot_v, level, ic, ic + int(0.6 * width) + 1, rising=False)
    if tc is None:
        return None
    dt = float(np.median(np.diff(t)))
    acc = abs(_velocity_at(t, foot_v, tc))
    sig = noise_v / acc if acc > 0 and np.isfinite(noise_v) else dt
    return tc, float(np.hypot(min(sig, 2 * dt), dt / np.sqrt(12.0)))


def detect_stances(sig: GaitSignals) -> list[Stance]:
    """Every stance of a side-view clip, robust to the pose model swapping leg labels.

    Contacts are the forward peaks of whichever heel is foremost (one per step, whatever
    the labels say); feet alternate, so each contact's side comes from that alternation
    (counting the steps between contacts from the step period) in the phase that agrees
    with the labels most often. Each contact is then refined on the landmark track that
    was foremost at it, with :func:`detect_stances_side_view`'s rules.

    Parameters
    ----------
    sig : GaitSignals

    Returns
    -------
    list of Stance
        In time order.
    """
    t = sig.t
    dt = float(np.median(np.diff(t)))
    front = np.fmax(sig.heel_fwd["left"], sig.heel_fwd["right"])
    step = stride_period_s(t, front, MIN_STRIDE_S / 2, MAX_STRIDE_S / 2)
    if not np.isfinite(step):
        return []
    peaks = zeni_peaks(front, step / dt)
    if peaks.size == 0:
        return []
    hl, hr = sig.heel_fwd["left"][peaks], sig.heel_fwd["right"][peaks]
    tracks = np.where(np.nan_to_num(hl, nan=-np.inf) >= np.nan_to_num(hr, nan=-np.inf), "left", "right")
    parity = np.zeros(len(peaks), int)
    for k in range(1, len(peaks)):
        parity[k] = parity[k - 1] + max(1, round((t[peaks[k]] - t[peaks[k - 1]]) / step))
    even_left = np.where(parity % 2 == 0, "left", "right")
    agree = int(np.sum(even_left == tracks))
    sides = even_left if agree >= len(peaks) - agree else np.where(parity % 2 == 0, "right", "left")
    if np.mean(sides == tracks) >= LABEL_TRUST:
        sides = tracks  # labels reliable: an odd contact is more likely a timing slip than a swap
    out: list[Stance] = []
    for track in SIDES:
        out.extend(_refine_track(sig, track, peaks[tracks == track], 2 * step))
    # map each refined stance back to its contact's side
    by_frame = {int(p): (str(sd), str(tr)) for p, sd, tr in zip(peaks, sides, tracks, strict=True)}
    result = []
    for st in out:
        i = int(np.argmin(np.abs(t - st.ic.zeni_s)))
        sd, tr = by_frame[i]
        result.append(Stance(sd, st.ic, st.to, "" if sd == tr else tr))
    return sorted(result, key=lambda s: s.ic.t_s)


def detect_stances_side_view(sig: GaitSignals, side: str, period_s: float) -> list[Stance]:
    """Stances of one foot in a side view: Zeni events refined with foot height.

    Parameters
    ----------
    sig : GaitSignals
    side : str
    period_s : float
        Stride period in seconds.

    Returns
    -------
    list of Stance
        In time order; contacts that cannot be refined are left out, and a contact
        whose toe-off is not seen is kept with a NaN toe-off.
    """
    dt = float(np.median(np.diff(sig.t)))
    return _refine_track(sig, side, zeni_peaks(sig.heel_fwd[side], period_s / dt), period_s)


def _refine_track(sig: GaitSignals, side: str, ics: np.ndarray, period_s: float) -> list[Stance]:
    """Refine the contacts at frames ``ics`` (and their toe-offs) on one landmark track."""
    t = sig.t
    dt = float(np.median(np.diff(t)))
    n_per = period_s / dt
    tos = zeni_peaks(-sig.toe_fwd[side], n_per)
    heel, toe = sig.heel_up[side], sig.toe_up[side]
    foot_v = np.gradient(0.5 * (sig.heel_fwd[side] + sig.toe_fwd[side]), t)
    toe_v = np.gradient(sig.toe_fwd[side], t)
    band = np.sqrt(min(1.0, 2 * event_cutoff_hz(1 / dt) * dt))  # noise left after smoothing
    noise_h = sig.noise[side] * band
    noise_v = sig.noise[side] * band * np.sqrt(2) / dt * band
    out: list[Stance] = []
    pairs = []
    for k, ic in enumerate(ics):
        nxt = min(ics[k + 1] if k + 1 < len(ics) else len(t), ic + int(n_per))
        cand = tos[(tos > ic) & (tos < nxt)]
        pairs.append((int(ic), int(cand[0]) if cand.size else None))
    widths = [to - ic for ic, to in pairs if to is not None]
    typical = int(np.median(widths)) if widths else int(0.4 * n_per)
    for ic, to in pairs:
        w = max(2, (to - ic) if to is not None else typical)
        if ic > 0 and not np.isfinite(heel[ic - 1 : ic + 2]).all():
            continue
        # IC: the foot is taken up by the ground (belt): its backward speed relative to
        # the hip reaches a set share of the stance speed (the toe's speed mid-stance)
        ic_ref = refine_contact(t, foot_v, toe_v, ic, w, noise_v)
        if ic_ref is None:
            continue
        to_ref = None
        # without Zeni's toe-off (the toe's backward peak falls after the clip's end, or
        # is lost in noise) search up to the typical Zeni stance width, if the clip has it
        to_at = to if to is not None else (ic + typical if ic + typical + 1 < len(t) else None)
        if to_at is not None:
            # TO: from where the toe is at ground to a little after Zeni's toe-off
            g_toe = _stance_ground(toe, ic, to_at + 1)
            seg = toe[ic : to_at + 1]
            i_flat = ic + (int(np.nanargmin(seg)) if np.isfinite(seg).any() else 0)
            tol = max(TO_TOL_LEG, NOISE_MARGIN * noise_h)  # stay above the landmark jitter
            stop = min(len(t), to_at + int(0.2 * n_per) + 1)
            to_ref = refine_toe_off(t, toe, g_toe, i_flat + 1, stop, noise_h, tol)
        if to_ref is not None and to_ref[0] <= ic_ref[0]:
            to_ref = None
        zeni_to = float(t[to]) if to is not None else float("nan")
        to_ev = GaitEvent(to_ref[0], to_ref[1], zeni_to) if to_ref else GaitEvent(np.nan, np.nan, np.nan)
        out.append(Stance(side, GaitEvent(ic_ref[0], ic_ref[1], float(t[ic])), to_ev))
    return _drop_overlaps(out)


def _drop_overlaps(stances: list[Stance]) -> list[Stance]:
    """Keep stances of one foot that do not overlap the previous one."""
    out: list[Stance] = []
    for s in stances:
        if out and np.isfinite(out[-1].to.t_s) and s.ic.t_s < out[-1].to.t_s:
            continue
        out.append(s)
    return out


def detect_stances_rear_view(seq: PoseSequence, period_s: float | None = None) -> list[Stance]:
    """Approximate stances from a front or rear view: the foot lower than the other one.

    In running only one foot is on the ground at a time, so a foot is taken to be in
    stance while its heel is lower in the image than the other heel by more than a
    small margin; its stance runs between the two crossings of that margin. Timing is
    approximate (perspective moves the feet vertically too): use it for windows, not
    for contact times.

    Parameters
    ----------
    seq : PoseSequence
    period_s : float, optional
        Unused; kept for a symmetric interface.

    Returns
    -------
    list of Stance
        Both sides, time order; uncertainty set to the frame period.
    """
    fs = float(seq.fps)
    leg = leg_length_px(seq)
    t = seq.t
    dt = float(np.median(np.diff(t)))
    y = {s: _smooth(0.5 * (seq.xy(f"{s}_heel")[:, 1] + seq.xy(f"{s}_ankle")[:, 1]), fs) / leg for s in SIDES}
    d = y["left"] - y["right"]  # > 0: left foot lower (y down)
    amp = float(np.nanpercentile(np.abs(d), 90)) if np.isfinite(d).any() else 0.0
    margin = 0.2 * amp
    out: list[Stance] = []
    for side, sgn in (("left", 1.0), ("right", -1.0)):
        inside = np.isfinite(d) & (sgn * d > margin)
        idx = np.flatnonzero(np.diff(inside.astype(int)))
        starts = [i + 1 for i in idx if not inside[i]]
        for a in starts:
            ends = [i + 1 for i in idx if inside[i] and i + 1 > a]
            if not ends:
                break
            b = ends[0]
            ic, to = float(t[a]), float(t[b - 1])
            out.append(Stance(side, GaitEvent(ic, dt, ic), GaitEvent(to, dt, to)))
    return sorted(out, key=lambda s: s.ic.t_s)


# --------------------------------------------------------------------------- angles
def thigh_extension_deg(seq: PoseSequence, side: str, direction: int) -> np.ndarray:
    """(T,) thigh angle HIP->KNEE from the image vertical, knee behind the hip positive (deg)."""
    d = seq.xy(f"{side}_knee") - seq.xy(f"{side}_hip")
    return np.degrees(np.arctan2(-direction * d[:, 0], d[:, 1]))


def trunk_lean_deg(seq: PoseSequence, direction: int) -> np.ndarray:
    """(T,) trunk line MID_HIP->MID_SHOULDER from the vertical, shoulders ahead positive (deg)."""
    d = seq.mid("left_shoulder", "right_shoulder") - seq.mid("left_hip", "right_hip")
    return np.degrees(np.arctan2(direction * d[:, 0], -d[:, 1]))


def shank_angle_deg(seq: PoseSequence, side: str, direction: int) -> np.ndarray:
    """(T,) shank KNEE->ANKLE from the vertical, ankle ahead of the knee positive (deg)."""
    d = seq.xy(f"{side}_ankle") - seq.xy(f"{side}_knee")
    return np.degrees(np.arctan2(direction * d[:, 0], d[:, 1]))


def value_at(t: np.ndarray, y: np.ndarray, t_s: float) -> float:
    """Sub-frame value of a series at time ``t_s`` (local cubic spline; NaN if not covered)."""
    i = int(np.searchsorted(t, t_s))
    lo, hi = max(0, i - 3), min(len(t), i + 3)
    tt, yy = t[lo:hi], y[lo:hi]
    ok = np.isfinite(yy)
    if ok.sum() < 2 or t_s < tt[ok][0] or t_s > tt[ok][-1]:
        return float("nan")
    if ok.sum() < 4:
        return float(np.interp(t_s, tt[ok], yy[ok]))
    return float(CubicSpline(tt[ok], yy[ok])(t_s))


def rate_at(t: np.ndarray, y: np.ndarray, t_s: float) -> float:
    """Time derivative (unit/s) of a series at ``t_s``."""
    ok = np.isfinite(y)
    if ok.sum() < 3:
        return float("nan")
    return float(np.interp(t_s, t[ok], np.gradient(y[ok], t[ok])))


def max_between(t: np.ndarray, y: np.ndarray, t0: float, t1: float) -> float:
    """Largest value of a series between two times, including sub-frame end values."""
    inside = (t > t0) & (t < t1)
    vals = [value_at(t, y, t0), value_at(t, y, t1), *y[inside].tolist()]
    vals = [v for v in vals if np.isfinite(v)]
    return float(max(vals)) if vals else float("nan")


def pelvic_drop_deg(seq: PoseSequence, stance: Stance, baseline_deg: float, tilt: np.ndarray | None = None) -> float:
    """Peak contralateral pelvic drop during one stance, seen from the front or rear (deg).

    The hip line's tilt is measured as the angle of the swing-side hip below the
    stance-side hip; the clip's median tilt (``baseline_deg``) is subtracted so camera
    roll and landmark offsets cancel. ``tilt`` (T,) may be given pre-computed (e.g.
    from :func:`smooth_hip_tilt_deg`).
    """
    if tilt is None:
        tilt = smooth_hip_tilt_deg(seq)
    sgn = 1.0 if stance.side == "left" else -1.0
    sel = (seq.t >= stance.ic.t_s) & (seq.t <= stance.to.t_s)
    vals = sgn * (tilt[sel] - baseline_deg)
    vals = vals[np.isfinite(vals)]
    return float(np.max(vals)) if vals.size else float("nan")


PELVIS_CUTOFF_HZ = 6.0
"""Low-pass cut-off (Hz) of the hip-line tilt before its peak is taken (noise would bias a peak up)."""


def smooth_hip_tilt_deg(seq: PoseSequence) -> np.ndarray:
    """(T,) :func:`hip_tilt_deg` low-passed at :data:`PELVIS_CUTOFF_HZ`."""
    tilt = hip_tilt_deg(seq)
    if len(tilt) > 12 and 0.45 * seq.fps > PELVIS_CUTOFF_HZ:
        return lowpass_1d(tilt, float(seq.fps), PELVIS_CUTOFF_HZ)
    return tilt


def hip_tilt_deg(seq: PoseSequence) -> np.ndarray:
    """(T,) angle of the right hip below the left hip in the image, degrees (y down)."""
    d = seq.xy("right_hip") - seq.xy("left_hip")
    return np.degrees(np.arctan2(d[:, 1], np.abs(d[:, 0])))


# --------------------------------------------------------------------------- summaries
def cadence_spm(stances: list[Stance]) -> float:
    """Cadence in steps per minute from the contacts of each foot.

    For each foot, the time from its first to its last contact is divided by the
    number of strides it spans (that time over the median contact interval, rounded),
    so a missed or mistimed contact does not change the result; cadence = 120 / the
    mean stride of the two feet. With a single contact per foot, the interval between
    consecutive contacts of either foot is used.
    """
    strides = []
    for s in SIDES:
        tt = np.array(sorted(st.ic.t_s for st in stances if st.side == s))
        if tt.size >= 2:
            med = float(np.median(np.diff(tt)))
            n = max(1, round((tt[-1] - tt[0]) / med))
            strides.append((tt[-1] - tt[0]) / n)
    if strides:
        return float(120.0 / np.mean(strides))
    ic = np.array(sorted(st.ic.t_s for st in stances))
    if ic.size < 2:
        return float("nan")
    return float(60.0 / np.median(np.diff(ic)))


def symmetry_index_pct(left: float, right: float) -> float:
    """Symmetry index 100 x |L - R| / mean(|L|, |R|), percent; NaN if undefined."""
    den = 0.5 * (abs(left) + abs(right))
    if not (np.isfinite(left) and np.isfinite(right)) or den == 0:
        return float("nan")
    return float(100.0 * abs(left - right) / den)


def mean_sd_n(values: list[float | None]) -> dict[str, float | int | None]:
    """``{"mean", "sd", "n"}`` of the finite values (sd with ddof=1; None when undefined)."""
    v = np.array([x for x in values if x is not None and np.isfinite(x)], float)
    if v.size == 0:
        return {"mean": None, "sd": None, "n": 0}
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if v.size > 1 else None, "n": int(v.size)}
