"""Model bundle lookup and digest checks; shipped sample clips and their provenance."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from hipform import models
from hipform.errors import ModelError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _fresh_cache():
    models.clear_cache()
    yield
    models.clear_cache()


@pytest.mark.parametrize("name", models.MODEL_NAMES)
def test_model_path_finds_and_verifies_shipped_bundles(name):
    path = models.model_path(name)
    assert path.is_file()
    assert path.name == f"pose_landmarker_{name}.task"
    assert path.parent == (REPO / "models").resolve()


def test_digest_is_checked_once_per_process(monkeypatch):
    calls = []
    real = models.sha256_file
    monkeypatch.setattr(models, "sha256_file", lambda p: calls.append(p) or real(p))
    models.model_path("lite")
    models.model_path("lite")
    assert len(calls) == 1


def test_unknown_model_name():
    with pytest.raises(ModelError, match="unknown pose model 'huge'"):
        models.model_path("huge")


def _fake_models_dir(tmp_path: Path, content: bytes, digest_of: bytes | None = None) -> Path:
    (tmp_path / "pose_landmarker_full.task").write_bytes(content)
    digest = hashlib.sha256(content if digest_of is None else digest_of).hexdigest()
    (tmp_path / "SHA256SUMS").write_text(f"{digest}  pose_landmarker_full.task\n")
    return tmp_path


def test_env_var_overrides_models_dir(tmp_path, monkeypatch):
    folder = _fake_models_dir(tmp_path, b"not really a model")
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(folder))
    assert models.model_path("full") == (folder / "pose_landmarker_full.task").resolve()


def test_digest_mismatch_raises_one_line_model_error(tmp_path, monkeypatch):
    folder = _fake_models_dir(tmp_path, b"tampered bundle", digest_of=b"original bundle")
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(folder))
    with pytest.raises(ModelError, match="corrupt or replaced") as info:
        models.model_path("full")
    assert "\n" not in str(info.value)


def test_changed_file_is_checked_again(tmp_path, monkeypatch):
    folder = _fake_models_dir(tmp_path, b"good")
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(folder))
    models.model_path("full")
    (folder / "pose_landmarker_full.task").write_bytes(b"evil but longer")
    with pytest.raises(ModelError, match="sha256"):
        models.model_path("full")


def test_missing_bundle(tmp_path, monkeypatch):
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    with pytest.raises(ModelError, match="not found") as info:
        models.model_path("heavy")
    assert "\n" not in str(info.value)


def test_missing_digest_list_or_entry(tmp_path, monkeypatch):
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    (tmp_path / "pose_landmarker_lite.task").write_bytes(b"x")
    with pytest.raises(ModelError, match="cannot read model digest list"):
        models.model_path("lite")
    (tmp_path / "SHA256SUMS").write_text("00  pose_landmarker_full.task\n")
    with pytest.raises(ModelError, match="no digest for pose_landmarker_lite.task"):
        models.model_path("lite")


def test_mediapipe_backend_refuses_corrupt_bundle(tmp_path, monkeypatch):
    from hipform.backends import get_backend

    shutil.copy(REPO / "models" / "SHA256SUMS", tmp_path / "SHA256SUMS")
    (tmp_path / "pose_landmarker_full.task").write_bytes(b"PK\x03\x04 truncated")
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    with pytest.raises(ModelError, match="pose_landmarker_full.task"):
        get_backend("mediapipe", model="full")


def _sums(folder: Path) -> dict[str, str]:
    return models.read_sums(folder / "SHA256SUMS")


@pytest.mark.parametrize("folder", ["models", "sample_videos"])
def test_shipped_files_match_their_sums(folder):
    path = REPO / folder
    sums = _sums(path)
    assert sums
    for name, digest in sums.items():
        assert models.sha256_file(path / name) == digest, name
    assert (path / "README.md").is_file()


def test_sample_videos_are_the_bsd_clips_with_licences():
    folder = REPO / "sample_videos"
    clips = sorted(p.name for p in folder.glob("*.mp4"))
    assert clips == ["single_leg_hinge_pose2sim_cam01.mp4", "walk_side_sports2d.mp4"]
    assert (folder / "LICENSE-sports2d-BSD-3-Clause.txt").is_file()
    assert (folder / "LICENSE-pose2sim-BSD-3-Clause.txt").is_file()
    assert not list(folder.glob("*pexels*"))
