"""Pick one subject when several people are in view.

Offline (:func:`select_subject`): every candidate pose of every frame is linked into
tracks frame to frame (Hungarian assignment on a pose distance normalised by body size,
with a gate so a track never jumps to someone else), broken tracks of the same person are
stitched, and the track that is the best subject for the whole clip is kept. A track's
score grows with how long it is present, how large it is, and how much it moves relative
to its own size (the person doing the exercise moves; bystanders mostly stand):
see :func:`score_tracks`.

Online (:class:`OnlineTracker`): the same linking, one frame at a time; it follows the
current subject and only picks another one after the subject has been lost for a while.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from hipform.landmarks import landmark_index
from hipform.sequence import FramePose

_HIPS = [landmark_index("left_hip"), landmark_index("right_hip")]
_SHOULDERS = [landmark_index("left_shoulder"), landmark_index("right_shoulder")]
CORE_LANDMARKS: tuple[int, ...] = tuple(
    landmark_index(n)
    for n in (
        "nose",
        "left_shoulder",
        "right_shoulder",
        "left_elbow",
        "right_elbow",
        "left_wrist",
        "right_wrist",
        "left_hip",
        "right_hip",
        "left_knee",
        "right_knee",
        "left_ankle",
        "right_ankle",
    )
)
"""Landmarks used to compare poses and measure motion."""

_CORE_INDEX = np.array(CORE_LANDMARKS)

MIN_LANDMARKS = 4
"""A candidate with fewer found landmarks is ignored."""


@dataclass(frozen=True)
class TrackerConfig:
    """Tuning of the linker and the track score.

    Attributes
    ----------
    max_link_cost : float
        Largest pose distance (in body sizes) between consecutive detections of a track.
    gap_growth_per_s : float
        Extra allowed distance per second of missing frames, in body sizes per second.
    size_change_weight : float
        Cost added per unit of body-size ratio above 1 between track and detection.
    max_gap_s : float
        A track unmatched for longer than this (seconds) is closed.
    confirm_hits : int
        Detections a track needs before it may bridge gaps longer than
        ``tentative_gap_frames``.
    tentative_gap_frames : int
        Longest gap (frames) a still-tentative track bridges.
    stitch_gap_s : float
        Broken tracks whose end and start are at most this far apart (seconds) may be joined.
    duplicate_distance : float
        Two candidates of one frame closer than this (body sizes) are the same person.
    duplicate_overlap : float
        ... as are two whose boxes overlap by at least this share of the smaller box.
    spike_torso : float
        In the chosen track, a detection whose hip centre is further than this many torso
        lengths from the median of its neighbours (within ``spike_window_s``) is a glitch
        (e.g. a pose merged with a bystander's) and is dropped.
    spike_window_s : float
        Half-width in seconds of that neighbourhood (at least one frame each side).
    motion_floor : float
        Motion credited to every track (torso lengths), so still people still score.
    motion_cap : float
        Motion above this (torso lengths) earns no more.
    """

    max_link_cost: float = 0.5
    gap_growth_per_s: float = 0.5
    size_change_weight: float = 0.25
    max_gap_s: float = 0.5
    confirm_hits: int = 3
    tentative_gap_frames: int = 2
    stitch_gap_s: float = 1.0
    duplicate_distance: float = 0.15
    duplicate_overlap: float = 0.7
    spike_torso: float = 0.6
    spike_window_s: float = 0.1
    motion_floor: float = 0.05
    motion_cap: float = 3.0


# geometry -----------------------------------------------------------------------------
def _finite_xy(pose: FramePose) -> np.ndarray:
    xy = pose.xyz[:, :2]
    return xy[np.isfinite(xy).all(axis=1)]


def pose_centre_scale(pose: FramePose) -> tuple[np.ndarray, float] | None:
    """Return a pose's centre and body size in pixels.

    Parameters
    ----------
    pose : FramePose
        One candidate.

    Returns
    -------
    (centre, scale) or None
        ``centre`` (2,) is the hip midpoint (or the mean of the found landmarks when the
        hips are missing); ``scale`` is the diagonal of the found landmarks' bounding box,
        at least the shoulder-hip distance times 2. None when fewer than
        :data:`MIN_LANDMARKS` landmarks were found.
    """
    xy = pose.xyz[:, :2]
    pts = _finite_xy(pose)
    if len(pts) < MIN_LANDMARKS:
        return None
    scale = float(np.hypot(*(pts.max(axis=0) - pts.min(axis=0))))
    hips = xy[_HIPS]
    shoulders = xy[_SHOULDERS]
    hip_ok = np.isfinite(hips).all(axis=1)
    centre = hips[hip_ok].mean(axis=0) if hip_ok.any() else pts.mean(axis=0)
    sh_ok = np.isfinite(shoulders).all(axis=1)
    if hip_ok.any() and sh_ok.any():
        torso = float(np.hypot(*(shoulders[sh_ok].mean(axis=0) - centre)))
        scale = max(scale, 2.0 * torso)
    return centre, max(scale, 1.0)


def bbox(pose: FramePose) -> np.ndarray:
    """(4,) bounding box ``x0, y0, x1, y1`` of the found landmarks in pixels."""
    pts = _finite_xy(pose)
    return np.concatenate([pts.min(axis=0), pts.max(axis=0)])


def overlap_of_smaller(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection area of two boxes over the smaller box's area (0..1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    area = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return float(w * h / area) if area > 0 else 1.0


def core_xy(pose: FramePose) -> np.ndarray:
    """(13, 2) pixel x, y of the :data:`CORE_LANDMARKS` (NaN where not found)."""
    return pose.xyz[_CORE_INDEX, :2]


def core_distance(a: np.ndarray, b: np.ndarray, scale: float) -> float:
    """Mean distance between two (13, 2) core-landmark arrays over the points found in both.

    In units of ``scale`` pixels; ``inf`` when fewer than :data:`MIN_LANDMARKS` are shared.
    """
    d = np.hypot(a[:, 0] - b[:, 0], a[:, 1] - b[:, 1])
    ok = np.isfinite(d)
    n = int(ok.sum())
    if n < MIN_LANDMARKS:
        return math.inf
    return float(d[ok].sum() / n / scale)


def pose_distance(a: FramePose, b: FramePose, scale: float) -> float:
    """Mean distance between the core landmarks found in both poses, in units of ``scale``.

    Returns ``inf`` when the two poses share fewer than :data:`MIN_LANDMARKS` core landmarks.
    """
    return core_distance(core_xy(a), core_xy(b), scale)


def pose_quality(pose: FramePose, scale: float) -> float:
    """Found landmarks x mean visibility x sqrt(body size in px), to choose among duplicates.

    The size factor prefers the complete body over a partial pose on the same person.
    """
    found = np.isfinite(pose.xyz[:, 0])
    if not found.any():
        return 0.0
    vis = pose.visibility[found]
    mean_vis = float(np.nanmean(vis)) if np.isfinite(vis).any() else 0.5
    return float(found.sum()) * mean_vis * math.sqrt(scale)


# tracks -------------------------------------------------------------------------------
@dataclass
class Detection:
    """A candidate pose with its frame index, centre (px), body size (px), box and core (px)."""

    frame: int
    pose: FramePose
    centre: np.ndarray
    scale: float
    box: np.ndarray
    core: np.ndarray


@dataclass
class Track:
    """Detections of one person, in frame order.

    Attributes
    ----------
    track_id : int
        Identifier, unique within one tracker.
    detections : list of Detection
        At most one per frame, increasing frame index.
    """

    track_id: int
    detections: list[Detection] = field(default_factory=list)

    @property
    def last(self) -> Detection:
        """The latest detection."""
        return self.detections[-1]

    @property
    def frames(self) -> np.ndarray:
        """Frame indices of the detections."""
        return np.array([d.frame for d in self.detections], dtype=int)

    def __len__(self) -> int:
        return len(self.detections)

    def median_scale(self, recent: int | None = None) -> float:
        """Median body size in pixels (of the last ``recent`` detections when given)."""
        dets = self.detections if recent is None else self.detections[-recent:]
        return float(statistics.median(d.scale for d in dets))

    def max_gap_frames(self, config: TrackerConfig, fps: float) -> int:
        """Longest gap in frames this track may bridge: short while it is still tentative.

        A track with fewer than ``config.confirm_hits`` detections (possibly a one-off
        false detection) bridges at most ``config.tentative_gap_frames``.
        """
        if len(self) < config.confirm_hits:
            return config.tentative_gap_frames
        return max(1, int(round(config.max_gap_s * fps)))

    def link_cost(self, det: Detection, config: TrackerConfig, fps: float) -> float:
        """Normalised distance from the track to ``det``; ``inf`` when gated out.

        The distance is the smallest over the last :data:`LINK_REFERENCES` detections (so
        one bad frame does not derail the track), in units of the track's recent body
        size, plus a penalty for a change of size; the gate widens with the time gap.
        """
        scale = self.median_scale(recent=10)
        ratio = max(scale, det.scale) / min(scale, det.scale)
        max_gap = self.max_gap_frames(config, fps)
        best = math.inf
        for ref in self.detections[-LINK_REFERENCES:]:
            gap = det.frame - ref.frame
            if gap <= 0 or gap > max_gap:
                continue
            cost = core_distance(ref.core, det.core, scale)
            if not math.isfinite(cost):
                cost = float(np.linalg.norm(det.centre - ref.centre)) / scale
            cost += config.size_change_weight * (ratio - 1.0)
            limit = config.max_link_cost + config.gap_growth_per_s * (gap - 1) / fps
            if cost <= limit:
                best = min(best, cost)
        return best


LINK_REFERENCES = 3
"""How many of a track's latest detections a new detection is compared with."""


def make_detections(frame: int, poses: Sequence[FramePose], config: TrackerConfig) -> list[Detection]:
    """Turn one frame's candidate poses into detections, dropping empties and duplicates.

    Two candidates are the same person when their core landmarks are within
    ``config.duplicate_distance`` body sizes, or when their centres are within twice that
    and one's box lies mostly (``config.duplicate_overlap``) inside the other's; the
    better one is kept
    (:func:`pose_quality`).
    """
    dets: list[Detection] = []
    for pose in poses:
        geo = pose_centre_scale(pose)
        if geo is not None:
            dets.append(Detection(frame, pose, geo[0], geo[1], bbox(pose), core_xy(pose)))
    dets.sort(key=lambda d: -pose_quality(d.pose, d.scale))
    kept: list[Detection] = []
    for d in dets:
        if not any(_same_person(d, k, config) for k in kept):
            kept.append(d)
    return kept


def _same_person(a: Detection, b: Detection, config: TrackerConfig) -> bool:
    if core_distance(a.core, b.core, max(a.scale, b.scale)) <= config.duplicate_distance:
        return True
    near = float(np.linalg.norm(a.centre - b.centre)) <= config.duplicate_distance * 2 * min(a.scale, b.scale)
    return near and overlap_of_smaller(a.box, b.box) >= config.duplicate_overlap


def assign(
    tracks: Sequence[Track], dets: Sequence[Detection], config: TrackerConfig, fps: float
) -> list[tuple[int, int]]:
    """Match tracks to detections (Hungarian assignment on gated link costs).

    Returns
    -------
    list of (track position, detection position)
        Only pairs whose cost passed the gate.
    """
    if not tracks or not dets:
        return []
    big = 1e6
    cost = np.full((len(tracks), len(dets)), big)
    for i, tr in enumerate(tracks):
        for j, d in enumerate(dets):
            c = tr.link_cost(d, config, fps)
            if math.isfinite(c):
                cost[i, j] = c
    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if cost[r, c] < big]


class Linker:
    """Link detections into tracks, one frame at a time.

    Parameters
    ----------
    fps : float
        Frame rate in frames per second (turns ``max_gap_s`` into frames).
    config : TrackerConfig
        Tuning.
    """

    def __init__(self, fps: float, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        self.fps = float(fps)
        self.active: list[Track] = []
        self.finished: list[Track] = []
        self._next_id = 0

    def _new_track(self, det: Detection) -> Track:
        track = Track(self._next_id, [det])
        self._next_id += 1
        self.active.append(track)
        return track

    def update(self, frame: int, poses: Sequence[FramePose]) -> dict[int, Detection]:
        """Add one frame's candidates.

        Returns
        -------
        dict
            Track id -> the detection it received in this frame.
        """
        for tr in [t for t in self.active if frame - t.last.frame > t.max_gap_frames(self.config, self.fps)]:
            self.active.remove(tr)
            self.finished.append(tr)
        dets = make_detections(frame, poses, self.config)
        pairs = assign(self.active, dets, self.config, self.fps)
        matched: dict[int, Detection] = {}
        used = set()
        for ti, dj in pairs:
            self.active[ti].detections.append(dets[dj])
            matched[self.active[ti].track_id] = dets[dj]
            used.add(dj)
        for j, det in enumerate(dets):
            if j not in used:
                matched[self._new_track(det).track_id] = det
        return matched

    def all_tracks(self) -> list[Track]:
        """Every track so far (finished and active), by id."""
        return sorted(self.finished + self.active, key=lambda t: t.track_id)


def link_tracks(
    candidates: Sequence[Sequence[FramePose]], fps: float, config: TrackerConfig | None = None
) -> list[Track]:
    """Link per-frame candidate poses into tracks.

    Parameters
    ----------
    candidates : sequence of sequence of FramePose
        Per frame, every candidate pose (pixels).
    fps : float
        Frame rate in frames per second.
    config : TrackerConfig, optional
        Tuning.

    Returns
    -------
    list of Track
        Tracks ordered by id, broken pieces of one person stitched together.
    """
    linker = Linker(fps, config)
    for i, poses in enumerate(candidates):
        linker.update(i, poses)
    return stitch_tracks(linker.all_tracks(), fps, linker.config)


def _stitch_cost(a: Track, b: Track, max_gap: int, config: TrackerConfig, fps: float) -> float:
    """Cost of appending track ``b`` after track ``a``; ``inf`` when not plausible."""
    gap = b.detections[0].frame - a.last.frame
    if gap <= 0 or gap > max_gap:
        return math.inf
    return a.link_cost(b.detections[0], config, fps)


def stitch_tracks(tracks: list[Track], fps: float, config: TrackerConfig) -> list[Track]:
    """Join tracks that end and restart close in time and place (greedy, cheapest first)."""
    max_gap = max(1, int(round(config.stitch_gap_s * fps)))
    tracks = sorted(tracks, key=lambda t: t.detections[0].frame)
    while True:
        best: tuple[float, Track, Track] | None = None
        for a in tracks:
            for b in tracks:
                if a is b:
                    continue
                c = _stitch_cost(a, b, max_gap, config, fps)
                if math.isfinite(c) and (best is None or c < best[0]):
                    best = (c, a, b)
        if best is None:
            return sorted(tracks, key=lambda t: t.track_id)
        _, a, b = best
        a.detections.extend(b.detections)
        tracks.remove(b)


# scoring ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrackScore:
    """Why a track was (not) chosen.

    Attributes
    ----------
    track_id : int
        The track.
    presence : float
        Share of the clip's frames in which the track has a pose (0..1).
    size : float
        Median body size relative to the largest substantial track's (0..1].
    articulation : float
        RMS change of the core landmarks relative to the hip centre, in torso lengths.
    travel : float
        RMS displacement of the hip centre about its mean, in torso lengths.
    score : float
        ``presence * sqrt(size) * (motion_floor + min(articulation + travel, motion_cap))``;
        the largest wins.
    """

    track_id: int
    presence: float
    size: float
    articulation: float
    travel: float
    score: float

    @property
    def motion(self) -> float:
        """``articulation + travel`` in torso lengths."""
        return self.articulation + self.travel


def _rms_about_mean(a: np.ndarray) -> float:
    """RMS distance (px) of points ``a`` (T, ..., 2) from their per-point mean over time."""
    ok = np.isfinite(a).all(axis=-1)
    if ok.sum() < 2:
        return 0.0
    counts = ok.sum(axis=0)
    mean = np.where(counts[..., None] > 0, np.nansum(np.where(ok[..., None], a, 0.0), axis=0), 0.0)
    mean = mean / np.maximum(counts, 1)[..., None]
    d2 = np.sum((a - mean) ** 2, axis=-1)
    return float(np.sqrt(d2[ok].mean()))


def torso_length(track: Track) -> float:
    """Median shoulder-midpoint to hip-midpoint distance in pixels (scale / 4 if unknown)."""
    lengths = []
    for d in track.detections:
        sh = d.pose.xyz[_SHOULDERS, :2]
        hp = d.pose.xyz[_HIPS, :2]
        if np.isfinite(sh).all() and np.isfinite(hp).all():
            lengths.append(float(np.hypot(*(sh.mean(axis=0) - hp.mean(axis=0)))))
    if lengths:
        return max(float(np.median(lengths)), 1.0)
    return max(track.median_scale() / 4.0, 1.0)


def track_motion(track: Track) -> tuple[float, float]:
    """How much a track moves, in torso lengths.

    Returns
    -------
    articulation : float
        RMS change of the core landmarks relative to the hip centre (the body's own
        movement: a hinge, a squat, a stride).
    travel : float
        RMS displacement of the hip centre about its mean (walking across the frame).
    """
    if len(track) < 2:
        return 0.0, 0.0
    centres = np.stack([d.centre for d in track.detections])
    xy = np.stack([d.core for d in track.detections])
    torso = torso_length(track)
    articulation = _rms_about_mean(xy - centres[:, None, :]) / torso
    travel = _rms_about_mean(centres) / torso
    return articulation, travel


def score_tracks(tracks: Sequence[Track], n_frames: int, config: TrackerConfig | None = None) -> list[TrackScore]:
    """Score every track (see :class:`TrackScore`), best first.

    Parameters
    ----------
    tracks : sequence of Track
        Linked tracks.
    n_frames : int
        Number of frames of the clip (for the presence share).
    config : TrackerConfig, optional
        Tuning.
    """
    config = config or TrackerConfig()
    if not tracks:
        return []
    longest = max(len(t) for t in tracks)
    substantial = [t for t in tracks if len(t) >= 0.25 * longest]
    largest = max(t.median_scale() for t in substantial)
    scores = []
    for tr in tracks:
        presence = len(tr) / max(n_frames, 1)
        size = min(tr.median_scale() / largest, 1.0)
        articulation, travel = track_motion(tr)
        motion = min(articulation + travel, config.motion_cap)
        score = presence * math.sqrt(size) * (config.motion_floor + motion)
        scores.append(TrackScore(tr.track_id, presence, size, articulation, travel, score))
    return sorted(scores, key=lambda s: -s.score)


@dataclass(frozen=True)
class Selection:
    """The chosen subject of a clip.

    Attributes
    ----------
    poses : list of FramePose
        One per frame: the subject's pose, or all-NaN where the subject was not found.
    track_id : int or None
        The chosen track, None when nobody was found.
    scores : list of TrackScore
        Every track's score, best first.
    n_tracks : int
        Number of tracks found.
    n_spikes : int
        Detections of the chosen track dropped as glitches (see :func:`find_spikes`).
    """

    poses: list[FramePose]
    track_id: int | None
    scores: list[TrackScore]
    n_tracks: int
    n_spikes: int = 0

    @property
    def found(self) -> bool:
        """True when a subject was chosen."""
        return self.track_id is not None


def find_spikes(track: Track, fps: float, config: TrackerConfig) -> np.ndarray:
    """Flag detections whose hip centre leaves the local trajectory.

    Parameters
    ----------
    track : Track
        A linked track.
    fps : float
        Frame rate in frames per second.
    config : TrackerConfig
        ``spike_torso`` (torso lengths) and ``spike_window_s`` (seconds).

    Returns
    -------
    numpy.ndarray
        (len(track),) bool, True for a glitch. The reference is the median centre of the
        other detections within the window, so smooth fast motion is not flagged.
    """
    frames = track.frames
    centres = np.stack([d.centre for d in track.detections])
    half = max(1, int(round(config.spike_window_s * fps)))
    limit = config.spike_torso * torso_length(track)
    spikes = np.zeros(len(track), dtype=bool)
    for k, f in enumerate(frames):
        near = (np.abs(frames - f) <= half) & (frames != f)
        if near.sum() < 2:
            continue
        ref = np.median(centres[near], axis=0)
        spikes[k] = float(np.linalg.norm(centres[k] - ref)) > limit
    return spikes


def _missing_like(candidates: Sequence[Sequence[FramePose]]) -> FramePose:
    with_world = any(p.world is not None for poses in candidates for p in poses)
    return FramePose.missing(with_world=with_world)


def select_subject(
    candidates: Sequence[Sequence[FramePose]], fps: float, config: TrackerConfig | None = None
) -> Selection:
    """Pick one subject for the whole clip.

    Parameters
    ----------
    candidates : sequence of sequence of FramePose
        Per frame, every candidate pose (pixels).
    fps : float
        Frame rate in frames per second.
    config : TrackerConfig, optional
        Tuning.

    Returns
    -------
    Selection
        The subject's pose per frame (NaN where lost) and the scores of all tracks.
    """
    config = config or TrackerConfig()
    n = len(candidates)
    tracks = link_tracks(candidates, fps, config)
    scores = score_tracks(tracks, n, config)
    missing = _missing_like(candidates)
    poses = [missing] * n
    if not scores:
        return Selection(poses, None, [], 0)
    best = next(t for t in tracks if t.track_id == scores[0].track_id)
    spikes = find_spikes(best, fps, config)
    for d, spike in zip(best.detections, spikes, strict=True):
        if not spike:
            poses[d.frame] = d.pose
    return Selection(poses, best.track_id, scores, len(tracks), int(spikes.sum()))


class OnlineTracker:
    """Follow one subject frame by frame (live mode).

    The first person seen becomes the subject (the largest when several appear at
    once). The subject is kept while its track is linked; when it has been lost for more
    than ``config.max_gap_s`` the best-scoring active track takes over.

    Parameters
    ----------
    fps : float
        Frame rate in frames per second.
    config : TrackerConfig, optional
        Tuning.
    """

    def __init__(self, fps: float, config: TrackerConfig | None = None) -> None:
        self.linker = Linker(fps, config)
        self.subject_id: int | None = None
        self.frame = 0

    def _pick(self) -> int | None:
        active = self.linker.active
        if not active:
            return None
        seen = max(self.frame, 1)
        scores = score_tracks(active, seen, self.linker.config)
        return scores[0].track_id

    def update(self, poses: Sequence[FramePose]) -> FramePose:
        """Add one frame's candidates and return the subject's pose (all NaN when lost)."""
        matched = self.linker.update(self.frame, poses)
        self.frame += 1
        active_ids = {t.track_id for t in self.linker.active}
        if self.subject_id not in active_ids:
            self.subject_id = self._pick()
        det = matched.get(self.subject_id) if self.subject_id is not None else None
        if det is None:
            with_world = any(p.world is not None for p in poses)
            return FramePose.missing(with_world=with_world)
        return det.pose
