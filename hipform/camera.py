"""Live frame sources: a camera, or a video file played as if it were one.

Both capture on their own thread and hand over only the newest frame: when the consumer
(the pose model) is slower than the frame rate, older frames are dropped and counted, so
the delay between capture and display never builds up. A :class:`ClipCamera` is paced at
the clip's frame rate in real time, so a file behaves like a camera filming the same
scene; with ``pace=False`` it instead waits for the consumer and drops nothing (every
frame is analysed, as fast as the pipeline goes).

A camera that cannot be opened raises :class:`~hipform.errors.CameraError` at
:meth:`~LiveSource.start`; a camera that stops delivering frames mid-session makes
:meth:`~LiveSource.next_frame` raise it once the frames already captured are consumed.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import cv2
import numpy as np

from hipform.errors import CameraError
from hipform.video import VideoFileSource

log = logging.getLogger(__name__)

DEFAULT_CAMERA_FPS = 30.0
"""Frame rate assumed when a camera does not report one."""

LOST_AFTER_S = 2.0
"""A camera that delivers no frame for this long (seconds) is considered gone."""

FIRST_FRAME_TIMEOUT_S = 5.0
"""Longest wait (seconds) for an opened camera's first frame."""


@dataclass(frozen=True)
class CapturedFrame:
    """One frame handed from the capture thread to the processing loop.

    Attributes
    ----------
    index : int
        Position in the captured stream, counting from 0 (gaps = dropped frames).
    t_s : float
        Stream time in seconds: the clip's timestamp, or seconds since the camera started.
    captured_at : float
        ``time.perf_counter()`` when the frame became available to the consumer (s).
    bgr : numpy.ndarray
        (height, width, 3) uint8 image, BGR.
    """

    index: int
    t_s: float
    captured_at: float
    bgr: np.ndarray


class NewestFrameSlot:
    """A one-frame mailbox between a producer thread and a consumer.

    :meth:`put` replaces an unread frame (counting it as dropped) unless ``block`` is
    set, in which case it waits until the consumer has taken the previous one.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: CapturedFrame | None = None
        self._closed = False
        self._error: CameraError | None = None
        self.captured = 0
        self.dropped = 0
        self.taken = 0

    def put(self, frame: CapturedFrame, block: bool = False, stop: threading.Event | None = None) -> None:
        """Offer a frame; the newest one always wins unless ``block``."""
        with self._cond:
            if block:
                while self._frame is not None and not (stop is not None and stop.is_set()):
                    self._cond.wait(0.05)
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self.captured += 1
            self._cond.notify_all()

    def skip(self) -> None:
        """Count a frame that was captured but is already too old to offer (dropped)."""
        with self._cond:
            self.captured += 1
            self.dropped += 1

    def finish(self, error: CameraError | None = None) -> None:
        """Mark the end of the stream (with the error that ended it, if any)."""
        with self._cond:
            self._closed = True
            self._error = error
            self._cond.notify_all()

    @property
    def finished(self) -> bool:
        """True once the stream has ended and every frame offered has been taken or dropped."""
        with self._cond:
            return self._closed and self._frame is None

    def get(self, timeout: float | None = None) -> CapturedFrame | None:
        """Take the newest unread frame, waiting for one.

        Returns
        -------
        CapturedFrame or None
            None when the stream has ended normally or ``timeout`` passed (tell the two
            apart with :attr:`finished`).

        Raises
        ------
        CameraError
            When the stream ended with an error and no unread frame is left.
        """
        deadline = None if timeout is None else time.perf_counter() + timeout
        with self._cond:
            while self._frame is None and not self._closed:
                left = None if deadline is None else deadline - time.perf_counter()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)
            frame, self._frame = self._frame, None
            if frame is not None:
                self.taken += 1
                self._cond.notify_all()
                return frame
            if self._error is not None:
                raise self._error
            return None


class LiveSource:
    """Base class of the threaded live sources.

    Attributes
    ----------
    name : str
        What is being captured (``"camera 0"``, a file name).
    fps : float
        Nominal frame rate (frames per second).
    size : tuple of int
        (width, height) in pixels.
    """

    name: str = ""
    fps: float = DEFAULT_CAMERA_FPS
    size: tuple[int, int] = (0, 0)

    def __init__(self) -> None:
        self._slot = NewestFrameSlot()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._opened = False
        self._preview: np.ndarray | None = None

    # statistics
    @property
    def captured(self) -> int:
        """Frames captured so far."""
        return self._slot.captured

    @property
    def dropped(self) -> int:
        """Frames captured but replaced by a newer one before the consumer took them."""
        return self._slot.dropped

    def open(self) -> None:
        """Open the device (or file) without capturing yet (done by :meth:`start` if needed).

        Raises
        ------
        CameraError
            The camera (or file) cannot be opened.
        """
        if not self._opened:
            self._open()
            self._opened = True

    def preview(self) -> np.ndarray | None:
        """A frame read when the source was opened (to warm up the pose model), or None."""
        return self._preview

    @property
    def finished(self) -> bool:
        """True once the stream has ended and no unread frame is left."""
        return self._slot.finished

    def start(self) -> None:
        """Open the device (or file) if needed and start the capture thread."""
        self.open()
        self._thread = threading.Thread(target=self._run_guarded, name="hipform-capture", daemon=True)
        self._thread.start()

    def next_frame(self, timeout: float | None = None) -> CapturedFrame | None:
        """The newest frame not yet processed; None when the stream ended or ``timeout`` passed.

        Raises
        ------
        CameraError
            The camera stopped delivering frames.
        """
        return self._slot.get(timeout)

    def close(self) -> None:
        """Stop the capture thread and release the device."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        self._release()

    def __enter__(self) -> LiveSource:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _run_guarded(self) -> None:
        try:
            self._run()
        except CameraError as e:
            self._slot.finish(e)
        except Exception as e:  # noqa: BLE001 - reported to the consumer as a lost camera
            self._slot.finish(CameraError(f"{self.name}: capture failed: {e.__class__.__name__}: {e}"))
        else:
            self._slot.finish()

    # to implement
    def _open(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        raise NotImplementedError

    def _release(self) -> None:
        """Release what :meth:`_open` acquired (default: nothing)."""


@contextlib.contextmanager
def _quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's own log lines (e.g. "can't open camera by index") for a moment."""
    lg = cv2.utils.logging
    previous = lg.getLogLevel()
    lg.setLogLevel(lg.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        lg.setLogLevel(previous)


class CameraSource(LiveSource):
    """A camera (``cv2.VideoCapture`` by device index) captured on its own thread.

    Parameters
    ----------
    device : int
        Camera index (0 = the first camera).
    size : tuple of int, optional
        Requested (width, height); the camera may choose another.
    capture_factory : callable, optional
        ``(device) -> capture`` with ``isOpened``, ``read``, ``get``, ``set`` and
        ``release`` like ``cv2.VideoCapture`` (tests use it to simulate a device).
    lost_after_s : float
        Seconds without a frame after which the camera counts as gone.
    """

    def __init__(
        self,
        device: int = 0,
        size: tuple[int, int] | None = None,
        *,
        capture_factory: Callable[[int], Any] | None = None,
        lost_after_s: float = LOST_AFTER_S,
    ) -> None:
        super().__init__()
        self.device = int(device)
        self.name = f"camera {self.device}"
        self.requested_size = size
        self.lost_after_s = float(lost_after_s)
        self._factory = capture_factory or cv2.VideoCapture
        self._cap: Any = None

    def _open(self) -> None:
        with _quiet_opencv():
            cap = self._factory(self.device)
            opened = bool(cap is not None and cap.isOpened())
        if not opened:
            if cap is not None:
                cap.release()
            raise CameraError(
                f"cannot open camera {self.device}: no such camera, or it is in use by another program "
                "(try another --camera index, or --source FILE)"
            )
        if self.requested_size:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.requested_size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.requested_size[1])
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if math.isfinite(fps) and 1.0 <= fps <= 1000.0 else DEFAULT_CAMERA_FPS
        self.size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0))
        ok, bgr = cap.read()
        if ok and bgr is not None and bgr.size:
            self._preview = bgr
        self._cap = cap

    def _run(self) -> None:
        cap = self._cap
        t0 = time.perf_counter()
        last_ok = t0
        index = 0
        while not self._stop.is_set():
            ok, bgr = cap.read()
            now = time.perf_counter()
            if ok and bgr is not None and bgr.size:
                last_ok = now
                if self.size == (0, 0):
                    self.size = (int(bgr.shape[1]), int(bgr.shape[0]))
                self._slot.put(CapturedFrame(index, now - t0, now, bgr))
                index += 1
                continue
            limit = self.lost_after_s if index else max(self.lost_after_s, FIRST_FRAME_TIMEOUT_S)
            if now - last_ok > limit:
                if index == 0:
                    raise CameraError(f"camera {self.device} opened but delivered no frame in {limit:.0f} s")
                raise CameraError(
                    f"camera {self.device} stopped delivering frames after {index} frames "
                    f"({now - t0:.1f} s): disconnected?"
                )
            time.sleep(0.01)

    def _release(self) -> None:
        cap, self._cap = self._cap, None
        if cap is not None:
            cap.release()


class ClipCamera(LiveSource):
    """A video file played as if it were a camera.

    Parameters
    ----------
    path : str or pathlib.Path
        The video file.
    pace : bool
        True: frames become available at the clip's own rate in real time, and frames the
        consumer has not taken by the time the next one is due are dropped (as with a
        camera); so are frames decoded too late to be current. False: each frame waits
        until the consumer takes it (nothing dropped).
    speed : float
        Playback speed factor when pacing (1 = real time).
    """

    def __init__(self, path: str | Path, *, pace: bool = True, speed: float = 1.0) -> None:
        super().__init__()
        self.path = Path(path)
        self.name = self.path.name
        self.pace = bool(pace)
        if not speed > 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.speed = float(speed)
        self._video: VideoFileSource | None = None

    def _open(self) -> None:
        from hipform.errors import InputError

        try:
            self._video = VideoFileSource(self.path)
        except InputError as e:
            raise CameraError(str(e)) from None
        self.fps = self._video.info.fps
        self.size = self._video.info.size
        cap = cv2.VideoCapture(str(self.path))
        try:
            ok, bgr = cap.read()
            self._preview = bgr if ok and bgr is not None and bgr.size else None
        finally:
            cap.release()

    def _run(self) -> None:
        video = self._video
        assert video is not None
        t_wall0: float | None = None
        t_clip0 = 0.0
        for frame in video:
            if self._stop.is_set():
                break
            if self.pace:
                if t_wall0 is None:
                    t_wall0, t_clip0 = time.perf_counter(), frame.t_s
                due = t_wall0 + (frame.t_s - t_clip0) / self.speed
                late = time.perf_counter() - due
                if late > 1.5 / (self.fps * self.speed):
                    # decoding fell behind the clock: a camera would have moved on to a newer frame
                    self._slot.skip()
                    continue
                while not self._stop.is_set():
                    left = due - time.perf_counter()
                    if left <= 0:
                        break
                    time.sleep(min(left, 0.05))
            self._slot.put(
                CapturedFrame(frame.index, frame.t_s, time.perf_counter(), frame.bgr),
                block=not self.pace,
                stop=self._stop,
            )

    def _release(self) -> None:
        video, self._video = self._video, None
        if video is not None:
            video.close()


def open_live_source(
    camera: int = 0, source: str | Path | None = None, *, pace: bool = True
) -> LiveSource:
    """The live source the command line asked for (not started yet).

    Parameters
    ----------
    camera : int
        Camera index, used when ``source`` is None.
    source : str or pathlib.Path, optional
        A video file to play as if it were the camera.
    pace : bool
        For a file: play in real time, dropping frames the pipeline cannot keep up with.
    """
    if source is not None:
        return ClipCamera(source, pace=pace)
    return CameraSource(camera)
