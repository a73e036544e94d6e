"""Read video files frame by frame, with container timestamps, on a decoding thread.

``open_video`` probes a file and returns a :class:`VideoInfo`. ``VideoFileSource`` is a
:class:`FrameSource`: iterating it yields :class:`Frame` objects decoded on a background
thread through a small bounded queue, so decoding overlaps the pose model and memory does
not grow with clip length. Rotation metadata (phone clips) is applied by OpenCV
(``CAP_PROP_ORIENTATION_AUTO``), so frames and sizes are upright.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

from hipform.errors import InputError

log = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 4
"""Decoded frames buffered between the decoding thread and the consumer."""

FALLBACK_FPS = 30.0
"""Frame rate assumed when the container gives none and it cannot be measured."""


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip.

    Attributes
    ----------
    path : pathlib.Path
        The video file.
    fps : float
        Nominal frame rate in frames per second.
    frame_count : int
        Number of frames announced by the container (a truncated file may deliver fewer).
    width, height : int
        Frame size in pixels after rotation metadata is applied.
    rotation_deg : int
        Rotation metadata of the stream in degrees (0 when none); already applied.
    """

    path: Path
    fps: float
    frame_count: int
    width: int
    height: int
    rotation_deg: int = 0

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return (self.width, self.height)

    @property
    def duration_s(self) -> float:
        """Nominal duration in seconds (``frame_count / fps``)."""
        return self.frame_count / self.fps


@dataclass(frozen=True)
class Frame:
    """One decoded frame.

    Attributes
    ----------
    index : int
        Position in the stream, counting from 0.
    t_s : float
        Presentation time in seconds; strictly increasing along a stream.
    bgr : numpy.ndarray
        (height, width, 3) uint8 image in OpenCV's BGR order.
    """

    index: int
    t_s: float
    bgr: np.ndarray


@runtime_checkable
class FrameSource(Protocol):
    """Anything that yields :class:`Frame` objects (a file now, a camera later)."""

    info: VideoInfo

    def __iter__(self) -> Iterator[Frame]:
        """Yield frames in order."""
        ...

    def close(self) -> None:
        """Release the underlying device or file."""
        ...


# probing ----------------------------------------------------------------------------
def _capture(path: Path) -> cv2.VideoCapture:
    """Open ``path`` with auto-rotation on; the capture may not be opened."""
    cap = cv2.VideoCapture(str(path))
    if cap.isOpened():
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"video not found: {path}")
    if not path.is_file():
        raise InputError(f"expected a video file, got a folder or device: {path}")


_CONTAINER_MAGIC: tuple[tuple[int, bytes], ...] = (
    (4, b"ftyp"),  # MP4 / MOV / 3GP
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska / WebM
    (8, b"AVI "),  # AVI (RIFF)
)


def _looks_like_container(path: Path) -> bool:
    """True when the file starts like a common video container."""
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return any(head[off : off + len(magic)] == magic for off, magic in _CONTAINER_MAGIC)


def _not_opened_error(path: Path) -> InputError:
    if path.stat().st_size == 0:
        return InputError(f"video file is empty (0 bytes): {path}")
    if _looks_like_container(path):
        return InputError(f"video holds no decodable frame (empty or corrupt container): {path}")
    return InputError(f"not a video file (unknown format): {path}")


def _measured_fps(cap: cv2.VideoCapture, first_ms: float) -> float:
    """Frame rate from the gap between the first two timestamps, or NaN."""
    ok = cap.grab()
    if not ok:
        return math.nan
    dt_ms = cap.get(cv2.CAP_PROP_POS_MSEC) - first_ms
    return 1000.0 / dt_ms if dt_ms > 0 else math.nan


def open_video(path: str | Path) -> VideoInfo:
    """Probe a video file.

    Parameters
    ----------
    path : str or pathlib.Path
        The video file.

    Returns
    -------
    VideoInfo
        Frame rate, announced frame count and upright frame size.

    Raises
    ------
    InputError
        The file is missing, is not a video, or holds no decodable frame.
    """
    path = Path(path)
    _check_file(path)
    cap = _capture(path)
    try:
        if not cap.isOpened():
            raise _not_opened_error(path)
        ok, first = cap.read()
        if not ok or first is None or first.size == 0:
            raise InputError(f"video holds no decodable frame: {path}")
        height, width = first.shape[:2]
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        if not math.isfinite(fps) or fps <= 0 or fps > 1000:
            fps = _measured_fps(cap, cap.get(cv2.CAP_PROP_POS_MSEC))
            if not math.isfinite(fps):
                log.warning("%s gives no frame rate; assuming %.0f fps", path.name, FALLBACK_FPS)
                fps = FALLBACK_FPS
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        rotation = int(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0)
    finally:
        cap.release()
    return VideoInfo(path, fps, max(count, 1), int(width), int(height), rotation)


# timestamps -------------------------------------------------------------------------
class _Clock:
    """Turn container timestamps into strictly increasing seconds.

    The container time (``CAP_PROP_POS_MSEC``) is used when it is finite and later than
    the previous frame; otherwise ``index / fps`` (or one period after the previous frame
    if that is not later either).
    """

    def __init__(self, fps: float) -> None:
        self.period_s = 1.0 / fps
        self.last_s = -math.inf

    def stamp(self, index: int, pos_ms: float) -> float:
        t = pos_ms / 1000.0 if math.isfinite(pos_ms) else math.nan
        if not (t > self.last_s) or (index > 0 and t == 0.0):
            t = index * self.period_s
            if not t > self.last_s:
                t = self.last_s + self.period_s
        self.last_s = t
        return t


# streaming reader -------------------------------------------------------------------
_END = object()


class VideoFileSource:
    """Stream the frames of a video file, decoded on a background thread.

    Parameters
    ----------
    path : str or pathlib.Path
        The video file (probed at construction with :func:`open_video`).
    queue_size : int
        Frames buffered ahead of the consumer; memory stays flat in clip length.

    Attributes
    ----------
    info : VideoInfo
        Container facts.
    frames_read : int
        Frames delivered so far.
    frames_decoded : int
        Frames decoded so far (at most ``queue_size + 1`` ahead of ``frames_read``).

    Notes
    -----
    A truncated or partly corrupt file ends at its last decodable frame;
    :attr:`truncated` then tells that fewer frames came than announced. Iterate once;
    stopping early (``break``) is fine, and :meth:`close` (or the ``with`` block) stops
    the thread.
    """

    def __init__(self, path: str | Path, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self.info = open_video(path)
        self.queue_size = max(1, int(queue_size))
        self.frames_read = 0
        self.frames_decoded = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._done = False

    # context manager
    def __enter__(self) -> VideoFileSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def truncated(self) -> bool:
        """True when the stream ended with fewer frames than the container announced."""
        return self._done and self.frames_read < self.info.frame_count

    def _put(self, q: queue.Queue[object], item: object) -> bool:
        """Put ``item``, waiting while the queue is full; False when asked to stop."""
        while not self._stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _decode(self, q: queue.Queue[object]) -> None:
        cap = _capture(self.info.path)
        clock = _Clock(self.info.fps)
        try:
            index = 0
            while not self._stop.is_set():
                ok, bgr = cap.read()
                if not ok or bgr is None:
                    break
                t_s = clock.stamp(index, cap.get(cv2.CAP_PROP_POS_MSEC))
                self.frames_decoded += 1
                if not self._put(q, Frame(index, t_s, bgr)):
                    return
                index += 1
        except BaseException as e:  # handed to the consumer
            self._error = e
        finally:
            cap.release()
            self._put(q, _END)

    def __iter__(self) -> Iterator[Frame]:
        if self._thread is not None:
            raise RuntimeError("a VideoFileSource can be iterated only once")
        q: queue.Queue[object] = queue.Queue(maxsize=self.queue_size)
        self._thread = threading.Thread(target=self._decode, args=(q,), name="hipform-decode", daemon=True)
        self._thread.start()
        try:
            while True:
                item = q.get()
                if item is _END:
                    break
                assert isinstance(item, Frame)
                self.frames_read += 1
                yield item
        finally:
            self.close()
        self._done = True
        if self._error is not None:
            raise InputError(f"decoding {self.info.path.name} failed: {self._error}") from self._error
        if self.frames_read == 0:
            raise InputError(f"video holds no decodable frame: {self.info.path}")
        if self.truncated:
            log.warning(
                "%s ended after %d of %d announced frames (truncated?)",
                self.info.path.name,
                self.frames_read,
                self.info.frame_count,
            )

    def close(self) -> None:
        """Stop the decoding thread and release the file."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)


def iter_frames(path: str | Path, queue_size: int = DEFAULT_QUEUE_SIZE) -> Iterator[Frame]:
    """Yield the frames of a video file (see :class:`VideoFileSource`)."""
    with VideoFileSource(path, queue_size) as source:
        yield from source
