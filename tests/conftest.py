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


_EXTRACTION_SOURCES = ("extract.py", "tracking.py", "video.py", "backends/mediapipe_backend.py", "landmark_io.py")


def _cache_key(video: Path, model: str) -> str:
    import hashlib

    h = hashlib.sha256()
    h.update(video.read_bytes())
    h.update(model.encode())
    for rel in _EXTRACTION_SOURCES:
        src = REPO / "hipform" / rel
        if src.exists():
            h.update(src.read_bytes())
    return h.hexdigest()[:20]


@pytest.fixture(scope="session")
def real_landmarks():
    """``real_landmarks(video_path, model="full") -> PoseSequence`` with the real MediaPipe model.

    Clips of ``../shared/videos`` come from :func:`fixtures_pose.subject_sequence` (the same
    extraction the tracking tests use); other clips (rendered) are cached on disk in
    ``tests/.cache/`` keyed on the clip's content, the model and the extraction code.
    """
    from hipform.extract import extract_poses
    from hipform.landmark_io import atomic_path, read_landmarks_csv, write_landmarks_csv

    cache_dir = REPO / "tests" / ".cache"
    memo: dict[tuple[str, str], object] = {}

    def get(video: Path | str, model: str = "full"):
        video = Path(video)
        if video.resolve().parent == SHARED_VIDEOS.resolve():
            # the real clips: one extraction per test run, shared with the tracking tests
            from fixtures_pose import subject_sequence

            return subject_sequence(video.name, model)
        key = (str(video.resolve()), model)
        if key not in memo:
            f = cache_dir / f"{video.stem}.{model}.{_cache_key(video, model)}.csv"
            if f.exists():
                seq = read_landmarks_csv(f)
                seq = seq.replace(source=video.name, backend=f"mediapipe-{model}")
            else:
                seq = extract_poses(video, model=model)
                with atomic_path(f) as tmp:
                    write_landmarks_csv(seq, tmp)
            memo[key] = seq
        return memo[key]

    return get
