"""Replay saved poses as if a model were finding them (tests, re-scoring).

:class:`ReplayBackend` ignores the image and returns the stored pose of the frame whose
time is nearest the requested one. It can also replay several candidate poses per frame,
so the subject tracker can be tested without MediaPipe.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

import numpy as np

from hipform.backends import register_backend
from hipform.sequence import FramePose, PoseSequence

TIME_TOLERANCE_S = 1e-3
"""A requested time further than this from every stored frame is treated as unknown."""


class ReplayBackend:
    """Return stored poses frame by frame.

    Parameters
    ----------
    sequence : PoseSequence
        The poses to replay (one per frame, NaN where nobody was found).
    candidates : sequence of list of FramePose, optional
        Per frame, every candidate pose to return from :meth:`detect_all`; defaults to
        the one pose of ``sequence`` (none where it is missing).
    strict_time : bool
        When True a requested time that matches no stored frame (within
        :data:`TIME_TOLERANCE_S`) raises ``KeyError``; otherwise the nearest frame is used.
    """

    def __init__(
        self,
        sequence: PoseSequence,
        candidates: Sequence[list[FramePose]] | None = None,
        *,
        strict_time: bool = False,
    ) -> None:
        if candidates is not None and len(candidates) != len(sequence):
            raise ValueError(f"candidates must have {len(sequence)} frames, got {len(candidates)}")
        self.sequence = sequence
        self.candidates = candidates
        self.strict_time = strict_time
        self.name = "replay"
        self._closed = False

    def __enter__(self) -> ReplayBackend:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release; further calls raise."""
        self._closed = True

    def frame_index(self, t_s: float) -> int:
        """Index of the stored frame nearest ``t_s`` seconds."""
        if self._closed:
            raise RuntimeError("ReplayBackend is closed")
        i = self.sequence.index_at(t_s)
        if self.strict_time and abs(self.sequence.t[i] - t_s) > TIME_TOLERANCE_S:
            raise KeyError(f"no stored frame at t={t_s:.4f} s")
        return i

    def pose_at(self, i: int) -> FramePose:
        """The stored pose of frame ``i`` (all NaN when nobody was found)."""
        seq = self.sequence
        world = None if seq.world is None else seq.world[i].copy()
        return FramePose(seq.xyz[i].copy(), seq.visibility[i].copy(), world)

    def detect(self, frame_bgr: np.ndarray | None, t_s: float) -> FramePose:
        """Return the stored pose at time ``t_s`` seconds; the image is ignored."""
        return self.pose_at(self.frame_index(t_s))

    def detect_all(self, frame_bgr: np.ndarray | None, t_s: float) -> list[FramePose]:
        """Return every stored candidate at time ``t_s`` seconds; the image is ignored."""
        i = self.frame_index(t_s)
        if self.candidates is not None:
            return list(self.candidates[i])
        pose = self.pose_at(i)
        return [pose] if pose.found else []


@register_backend("replay")
def _make(sequence: PoseSequence, candidates: Any = None, **opts: Any) -> ReplayBackend:
    return ReplayBackend(sequence, candidates, **opts)
