"""Pose backends: the protocol they follow and a registry to look them up by name.

A backend turns one BGR frame into a :class:`~hipform.sequence.FramePose`. Backends
that can see several people also offer ``detect_all`` (see :class:`MultiPoseBackend`),
which :mod:`hipform.tracking` uses to pick one subject. The built-in backends register
themselves when this package is imported; ``mediapipe`` is imported lazily so that the
replay backend works without it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

import numpy as np

from hipform.errors import ConfigError
from hipform.sequence import FramePose

BackendFactory = Callable[..., "PoseBackend"]


@runtime_checkable
class PoseBackend(Protocol):
    """One pose estimator.

    Attributes
    ----------
    name : str
        Identifier stored in :attr:`PoseSequence.backend` (e.g. ``"mediapipe-full"``).
    """

    name: str

    def detect(self, frame_bgr: np.ndarray, t_s: float) -> FramePose:
        """Return the main pose in one frame.

        Parameters
        ----------
        frame_bgr : numpy.ndarray
            (height, width, 3) uint8 image, BGR.
        t_s : float
            Frame time in seconds; strictly increasing from call to call.

        Returns
        -------
        FramePose
            Pixel landmarks (NaN where not found or visibility < 0.5).
        """
        ...

    def close(self) -> None:
        """Release the model."""
        ...

    def __enter__(self) -> PoseBackend:
        """Return self."""
        ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Call :meth:`close`."""
        ...


@runtime_checkable
class MultiPoseBackend(PoseBackend, Protocol):
    """A backend that reports every person it finds in a frame."""

    def detect_all(self, frame_bgr: np.ndarray, t_s: float) -> list[FramePose]:
        """Return every candidate pose in one frame (empty list when nobody is found).

        Call either this or :meth:`detect` for a given frame, not both.
        """
        ...


_REGISTRY: dict[str, BackendFactory] = {}


def register_backend(name: str) -> Callable[[BackendFactory], BackendFactory]:
    """Register a backend factory under ``name`` (decorator).

    Parameters
    ----------
    name : str
        Registry key, e.g. ``"mediapipe"`` or ``"replay"``.

    Returns
    -------
    callable
        The decorator; it returns the factory unchanged.
    """

    def decorate(factory: BackendFactory) -> BackendFactory:
        _REGISTRY[name] = factory
        return factory

    return decorate


def _load_builtin(name: str) -> None:
    """Import the module of a built-in backend so that it registers itself."""
    if name == "mediapipe":
        from hipform.backends import mediapipe_backend  # noqa: F401
    elif name == "replay":
        from hipform.backends import replay  # noqa: F401


BUILTIN_BACKENDS: tuple[str, ...] = ("mediapipe", "replay")


def available_backends() -> list[str]:
    """Names of the backends that can be created, sorted."""
    return sorted(set(_REGISTRY) | set(BUILTIN_BACKENDS))


def get_backend(name: str, **opts: Any) -> PoseBackend:
    """Create a backend by name.

    Parameters
    ----------
    name : str
        One of :func:`available_backends`.
    **opts
        Passed to the backend's constructor (e.g. ``model="lite", num_poses=3``).

    Raises
    ------
    ConfigError
        If no backend has that name.
    """
    if name not in _REGISTRY:
        _load_builtin(name)
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown pose backend {name!r}: expected one of {', '.join(available_backends())}") from None
    return factory(**opts)


def extract_poses(*args: Any, **kwargs: Any) -> Any:
    """Run :func:`hipform.extract.extract_poses` (kept here for convenience)."""
    from hipform.extract import extract_poses as _extract

    return _extract(*args, **kwargs)


__all__ = [
    "BUILTIN_BACKENDS",
    "MultiPoseBackend",
    "PoseBackend",
    "available_backends",
    "extract_poses",
    "get_backend",
    "register_backend",
]
