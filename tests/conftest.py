"""Shared test fixtures: where the real clips live, and temporary output folders."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_VIDEOS = SHARED / "videos"
SHARED_MOCAP = SHARED / "mocap"
SAMPLE_VIDEOS = REPO / "sample_videos"


@pytest.fixture(scope="session")
def shared_videos() -> Path:
    """Folder of the real clips (``../shared/videos`` beside the repository)."""
    assert SHARED_VIDEOS.is_dir(), f"real clips expected at {SHARED_VIDEOS}"
    return SHARED_VIDEOS


@pytest.fixture(scope="session")
def shared_mocap() -> Path:
    """Folder of the treadmill motion capture (``../shared/mocap``)."""
    assert SHARED_MOCAP.is_dir(), f"motion capture expected at {SHARED_MOCAP}"
    return SHARED_MOCAP


def pytest_configure(config: pytest.Config) -> None:
    """Let test modules import the small helper modules that live beside them."""
    import sys

    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
