"""Backend protocol, registry, MediaPipe and replay backends, and ``extract_poses``."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures_pose import HINGE, WALK, clip_detections, hip_centre, shared_clip, subject_sequence, write_clip

from hipform.backends import (
    MultiPoseBackend,
    PoseBackend,
    available_backends,
    get_backend,
    register_backend,
)
from hipform.backends.replay import ReplayBackend
from hipform.errors import ConfigError, ModelError, NoPersonError
from hipform.extract import extract_poses
from hipform.landmarks import N_LANDMARKS
from hipform.sequence import FramePose, PoseSequence
from hipform.video import VideoFileSource


# registry ---------------------------------------------------------------------------
def test_builtin_backends_are_listed():
    assert {"mediapipe", "replay"} <= set(available_backends())


def test_unknown_backend_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown pose backend 'openpose'"):
        get_backend("openpose")


def test_register_custom_backend():
    class Nobody:
        name = "nobody"

        def detect(self, frame_bgr, t_s):
            return FramePose.missing()

        def close(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()

    register_backend("nobody")(Nobody)
    backend = get_backend("nobody")
    assert isinstance(backend, PoseBackend)
    assert not isinstance(backend, MultiPoseBackend)
    assert "nobody" in available_backends()


# replay -----------------------------------------------------------------------------
def _tiny_sequence(n: int = 5) -> PoseSequence:
    rng = np.random.default_rng(0)
    xyz = rng.uniform(0, 100, size=(n, N_LANDMARKS, 3))
    xyz[2] = np.nan
    vis = np.full((n, N_LANDMARKS), 0.9)
    vis[2] = np.nan
    return PoseSequence(xyz, vis, np.arange(n) / 10.0, (100, 100), fps=10.0, source="x.mp4", backend="mediapipe-full")


def test_replay_backend_returns_stored_poses():
    seq = _tiny_sequence()
    with get_backend("replay", sequence=seq) as backend:
        assert isinstance(backend, MultiPoseBackend)
        assert backend.name == "replay"
        np.testing.assert_array_equal(backend.detect(None, 0.1).xyz, seq.xyz[1])
        np.testing.assert_array_equal(backend.detect(None, 0.31).xyz, seq.xyz[3])  # nearest frame
        assert backend.detect_all(None, 0.2) == []  # nobody stored there
        assert len(backend.detect_all(None, 0.4)) == 1
    with pytest.raises(RuntimeError, match="closed"):
        backend.detect(None, 0.0)


def test_replay_backend_strict_time_and_candidates():
    seq = _tiny_sequence(3)
    cands = [[], [FramePose.missing(), FramePose.missing()], []]
    backend = ReplayBackend(seq, cands, strict_time=True)
    assert len(backend.detect_all(None, 0.1)) == 2
    with pytest.raises(KeyError, match="no stored frame"):
        backend.detect(None, 0.15)
    with pytest.raises(ValueError, match="candidates must have 3 frames"):
        ReplayBackend(seq, [[]])


def test_replay_rescoring_through_extract_poses_reproduces_the_sequence():
    seq = subject_sequence(HINGE)
    with ReplayBackend(seq) as backend:
        again = extract_poses(shared_clip(HINGE), backend=backend)
    np.testing.assert_array_equal(again.xyz, seq.xyz)
    np.testing.assert_array_equal(again.t, seq.t)
    assert again.backend == "replay"


# mediapipe --------------------------------------------------------------------------
def test_mediapipe_backend_options_are_checked():
    with pytest.raises(ModelError, match="num_poses must be 1..3"):
        get_backend("mediapipe", num_poses=4)
    with pytest.raises(ModelError, match="unknown pose model"):
        get_backend("mediapipe", model="tiny")


def test_mediapipe_backend_gives_pixels_world_metres_and_nan_below_visibility():
    path = shared_clip(HINGE)
    with VideoFileSource(path) as source:
        frames = [f for f in source if f.index in (30, 31)]
    with get_backend("mediapipe", model="lite", num_poses=1) as backend:
        assert backend.name == "mediapipe-lite"
        assert isinstance(backend, MultiPoseBackend)
        pose = backend.detect(frames[0].bgr, frames[0].t_s)
        again = backend.detect(frames[1].bgr, frames[0].t_s)  # repeated time is bumped by 1 ms
    assert pose.found and again.found
    xy = pose.xyz[:, :2]
    ok = np.isfinite(xy).all(axis=1)
    assert ok.sum() >= 20
    assert np.all((xy[ok] > -200) & (xy[ok] < [1080 + 200, 1920 + 200]))
    assert np.isfinite(pose.visibility).all()
    assert np.all(np.isnan(pose.xyz[pose.visibility < 0.5]))
    assert np.all(pose.visibility[ok] >= 0.5)
    assert pose.world is not None
    w = pose.world[ok]
    assert np.all(np.abs(w) < 2.0)  # metres around the hip centre
    assert np.all(np.isnan(pose.world[~ok]))
    backend.close()  # closing twice is fine
    with pytest.raises(RuntimeError, match="closed"):
        backend.detect(frames[0].bgr, 1.0)


def test_mediapipe_reports_every_candidate():
    clip = clip_detections(WALK)
    counts = [len(c) for c in clip.candidates]
    assert max(counts) >= 2  # walker and jumper together
    assert max(counts) <= 3


# extract_poses ----------------------------------------------------------------------
def test_extract_poses_on_single_person_clip():
    seq = subject_sequence(HINGE)
    assert len(seq) == 100
    assert seq.backend == "mediapipe-full"
    assert seq.source == HINGE
    assert seq.fps == pytest.approx(60.0)
    assert seq.image_size == (1080, 1920)
    np.testing.assert_allclose(seq.t, np.arange(100) / 60.0, atol=1e-6)
    assert seq.world is not None
    assert seq.found_fraction(["left_hip", "right_hip"]) > 0.9


def test_extract_poses_reports_progress_and_closes_the_model():
    calls = []
    seq = extract_poses(shared_clip(HINGE), model="lite", num_poses=1, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (1, 100) and calls[-1] == (100, 100)
    assert [d for d, _ in calls] == list(range(1, 101))
    assert seq.backend == "mediapipe-lite"


def test_extract_poses_with_nobody_in_the_clip(tmp_path):
    frames = [np.full((240, 320, 3), 90 + i, np.uint8) for i in range(8)]
    clip = write_clip(tmp_path / "empty_room.mp4", frames)
    with pytest.raises(NoPersonError, match="nobody was detected in any of the 8 frames of empty_room.mp4"):
        extract_poses(clip, model="lite")


def test_walker_hips_found_while_in_view():
    seq = subject_sequence(WALK)
    hips = hip_centre([FramePose(seq.xyz[i], seq.visibility[i]) for i in range(len(seq))])
    in_view = slice(59, 196)
    assert np.isfinite(hips[in_view]).all(axis=1).mean() > 0.9
