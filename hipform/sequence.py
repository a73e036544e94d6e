"""The pose-sequence type: every landmark of every frame of one clip, with time.

``PoseSequence`` is the one data type the measuring code works on. It is immutable and
validated on construction; cleaning steps return new sequences.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from hipform.landmarks import N_LANDMARKS, landmark_index

DEFAULT_VISIBILITY_THRESHOLD = 0.5
"""Landmarks with a visibility below this are treated as missing (NaN)."""


@dataclass(frozen=True)
class FramePose:
    """The pose found in one frame.

    Attributes
    ----------
    xyz : numpy.ndarray
        (33, 3) pixel coordinates: x right, y down (origin top-left), z MediaPipe's
        relative depth scaled by the image width (smaller = nearer the camera). NaN where
        the landmark was not found.
    visibility : numpy.ndarray
        (33,) visibility in 0..1; NaN when nobody was found.
    world : numpy.ndarray or None
        (33, 3) world landmarks in metres (origin between the hips), or None when the
        backend does not give them.
    """

    xyz: np.ndarray
    visibility: np.ndarray
    world: np.ndarray | None = None

    @classmethod
    def missing(cls, with_world: bool = False) -> FramePose:
        """Return a frame in which nobody was found (all NaN)."""
        nan3 = np.full((N_LANDMARKS, 3), np.nan)
        return cls(nan3, np.full(N_LANDMARKS, np.nan), nan3.copy() if with_world else None)

    @property
    def found(self) -> bool:
        """True when at least one landmark has coordinates."""
        return bool(np.isfinite(self.xyz[:, 0]).any())


@dataclass(frozen=True)
class PoseSequence:
    """Landmarks of one clip: frames x landmarks x coordinates, NaN for missing.

    Attributes
    ----------
    xyz : numpy.ndarray
        (T, 33, 3) float pixel coordinates (see :class:`FramePose`).
    visibility : numpy.ndarray
        (T, 33) visibility in 0..1, NaN where nobody was found.
    t : numpy.ndarray
        (T,) timestamps in seconds, strictly increasing.
    image_size : tuple of int
        (width, height) of the frames in pixels, after rotation metadata is applied.
    world : numpy.ndarray or None
        (T, 33, 3) world landmarks in metres, or None.
    fps : float
        Nominal frame rate in frames per second (from the container); the per-frame
        ``t`` is authoritative.
    source : str
        Where the landmarks came from (a file name).
    backend : str
        Which pose backend produced them (e.g. ``"mediapipe-full"``, ``"replay"``).
    """

    xyz: np.ndarray
    visibility: np.ndarray
    t: np.ndarray
    image_size: tuple[int, int]
    world: np.ndarray | None = None
    fps: float = field(default=float("nan"))
    source: str = ""
    backend: str = ""

    def __post_init__(self) -> None:
        xyz = np.asarray(self.xyz, dtype=float)
        vis = np.asarray(self.visibility, dtype=float)
        t = np.asarray(self.t, dtype=float)
        if xyz.ndim != 3 or xyz.shape[1:] != (N_LANDMARKS, 3):
            raise ValueError(f"xyz must have shape (T, {N_LANDMARKS}, 3), got {xyz.shape}")
        n = xyz.shape[0]
        if vis.shape != (n, N_LANDMARKS):
            raise ValueError(f"visibility must have shape ({n}, {N_LANDMARKS}), got {vis.shape}")
        if t.shape != (n,):
            raise ValueError(f"t must have shape ({n},), got {t.shape}")
        if n > 1 and not np.all(np.diff(t) > 0):
            raise ValueError("timestamps t must be strictly increasing")
        world = self.world
        if world is not None:
            world = np.asarray(world, dtype=float)
            if world.shape != xyz.shape:
                raise ValueError(f"world must have shape {xyz.shape}, got {world.shape}")
        w, h = (int(v) for v in self.image_size)
        if w <= 0 or h <= 0:
            raise ValueError(f"image_size must be positive (width, height), got {self.image_size}")
        # x and y are missing together
        xyz = xyz.copy()
        gone = ~np.isfinite(xyz[..., 0]) | ~np.isfinite(xyz[..., 1])
        xyz[gone] = np.nan
        fps = float(self.fps)
        if not np.isfinite(fps) or fps <= 0:
            fps = float(1.0 / np.median(np.diff(t))) if n > 1 else 30.0
        object.__setattr__(self, "xyz", xyz)
        object.__setattr__(self, "visibility", vis)
        object.__setattr__(self, "t", t)
        object.__setattr__(self, "world", world)
        object.__setattr__(self, "image_size", (w, h))
        object.__setattr__(self, "fps", fps)

    # construction -------------------------------------------------------------
    @classmethod
    def from_frames(
        cls,
        frames: Sequence[FramePose] | Iterable[FramePose],
        t: Sequence[float] | np.ndarray,
        image_size: tuple[int, int],
        *,
        fps: float = float("nan"),
        source: str = "",
        backend: str = "",
    ) -> PoseSequence:
        """Stack per-frame poses into a sequence.

        World landmarks are kept when every frame that has a pose also has them.
        """
        frames = list(frames)
        n = len(frames)
        xyz = np.full((n, N_LANDMARKS, 3), np.nan)
        vis = np.full((n, N_LANDMARKS), np.nan)
        has_world = any(f.world is not None for f in frames)
        world = np.full((n, N_LANDMARKS, 3), np.nan) if has_world else None
        for i, f in enumerate(frames):
            xyz[i] = f.xyz
            vis[i] = f.visibility
            if world is not None and f.world is not None:
                world[i] = f.world
        return cls(xyz, vis, np.asarray(t, float), image_size, world, fps, source, backend)

    # access -------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.xyz.shape[0])

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return len(self)

    @property
    def duration_s(self) -> float:
        """Time from the first to the last frame plus one frame period, in seconds."""
        if len(self) == 0:
            return 0.0
        return float(self.t[-1] - self.t[0] + 1.0 / self.fps)

    def xy(self, name: str) -> np.ndarray:
        """(T, 2) pixel x, y of one landmark by name (e.g. ``"left_hip"``)."""
        return self.xyz[:, landmark_index(name), :2]

    def point(self, name: str) -> np.ndarray:
        """(T, 3) pixel x, y, z of one landmark by name."""
        return self.xyz[:, landmark_index(name), :]

    def world_point(self, name: str) -> np.ndarray | None:
        """(T, 3) world coordinates in metres of one landmark, or None."""
        if self.world is None:
            return None
        return self.world[:, landmark_index(name), :]

    def mid(self, a: str, b: str) -> np.ndarray:
        """(T, 2) pixel midpoint of two landmarks (e.g. the two hips)."""
        return 0.5 * (self.xy(a) + self.xy(b))

    @property
    def present(self) -> np.ndarray:
        """(T,) bool: a person was found in the frame."""
        return np.isfinite(self.xyz[:, :, 0]).any(axis=1)

    def found_fraction(self, names: Iterable[str]) -> float:
        """Share of frames (0..1) in which all the named landmarks have coordinates."""
        if len(self) == 0:
            return 0.0
        idx = [landmark_index(n) for n in names]
        return float(np.isfinite(self.xyz[:, idx, 0]).all(axis=1).mean())

    # slicing and copies -------------------------------------------------------
    def take(self, index: slice | np.ndarray) -> PoseSequence:
        """Return the frames selected by a slice or index array."""
        return dataclasses.replace(
            self,
            xyz=self.xyz[index],
            visibility=self.visibility[index],
            t=self.t[index],
            world=None if self.world is None else self.world[index],
        )

    def between(self, t0: float, t1: float) -> PoseSequence:
        """Frames with ``t0 <= t <= t1`` (seconds)."""
        return self.take((self.t >= t0) & (self.t <= t1))

    def index_at(self, t_s: float) -> int:
        """Index of the frame nearest to time ``t_s`` (seconds)."""
        return int(np.argmin(np.abs(self.t - t_s)))

    def replace(self, **changes: object) -> PoseSequence:
        """Return a copy with some fields replaced (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def with_visibility_threshold(self, threshold: float = DEFAULT_VISIBILITY_THRESHOLD) -> PoseSequence:
        """Set landmarks whose visibility is below ``threshold`` to NaN."""
        low = ~(self.visibility >= threshold)
        xyz = self.xyz.copy()
        xyz[low] = np.nan
        world = None
        if self.world is not None:
            world = self.world.copy()
            world[low] = np.nan
        return self.replace(xyz=xyz, world=world)
