"""hipform: rep-by-rep and step-by-step hip and knee form from video."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hipform")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+local"

from hipform.sequence import FramePose, PoseSequence  # noqa: E402

__all__ = ["FramePose", "PoseSequence", "__version__"]
