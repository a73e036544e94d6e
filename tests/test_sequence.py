import numpy as np
import pytest

from hipform.landmarks import MIRROR_ORDER, N_LANDMARKS, Landmark, landmark_index, other_side
from hipform.sequence import FramePose, PoseSequence


def make_seq(n=10, fps=30.0, world=False):
    rng = np.random.default_rng(0)
    xyz = rng.uniform(0, 500, (n, N_LANDMARKS, 3))
    vis = rng.uniform(0.6, 1.0, (n, N_LANDMARKS))
    t = np.arange(n) / fps
    w = rng.normal(size=(n, N_LANDMARKS, 3)) if world else None
    return PoseSequence(xyz, vis, t, (640, 480), w, fps, "test", "synthetic")


def test_landmark_names_and_mirror():
    assert landmark_index("left_hip") == 23 == Landmark.LEFT_HIP
    assert MIRROR_ORDER[landmark_index("left_knee")] == landmark_index("right_knee")
    assert MIRROR_ORDER[0] == 0
    assert sorted(MIRROR_ORDER) == list(range(N_LANDMARKS))
    assert other_side("left") == "right"
    with pytest.raises(ValueError):
        other_side("middle")
    with pytest.raises(KeyError, match="unknown landmark"):
        landmark_index("tail")


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("xyz", np.zeros((5, 32, 3)), "xyz must have shape"),
        ("visibility", np.zeros((5, 30)), "visibility must have shape"),
        ("t", np.array([0, 1, 1, 2, 3.0]), "strictly increasing"),
        ("t", np.arange(4.0), "t must have shape"),
        ("image_size", (0, 480), "image_size must be positive"),
        ("world", np.zeros((5, 33, 2)), "world must have shape"),
    ],
)
def test_validation_rejects_bad_shapes(field, value, match):
    kw = dict(
        xyz=np.zeros((5, N_LANDMARKS, 3)), visibility=np.ones((5, N_LANDMARKS)), t=np.arange(5.0), image_size=(64, 48)
    )
    kw[field] = value
    with pytest.raises(ValueError, match=match):
        PoseSequence(**kw)


def test_x_and_y_missing_together_and_fps_from_time():
    seq = make_seq()
    xyz = seq.xyz.copy()
    xyz[3, 5, 0] = np.nan
    s2 = PoseSequence(xyz, seq.visibility, np.arange(10) * 0.04, (640, 480))
    assert np.isnan(s2.xyz[3, 5]).all()
    assert s2.fps == pytest.approx(25.0)


def test_access_and_slicing():
    seq = make_seq(30, world=True)
    assert seq.xy("left_hip").shape == (30, 2)
    np.testing.assert_allclose(seq.mid("left_hip", "right_hip"), 0.5 * (seq.xy("left_hip") + seq.xy("right_hip")))
    part = seq.between(0.2, 0.5)
    assert part.t[0] >= 0.2 and part.t[-1] <= 0.5 and len(part) == 10
    assert part.world.shape == (10, 33, 3)
    assert seq.index_at(0.51) == 15
    assert seq.duration_s == pytest.approx(1.0)


def test_visibility_threshold_sets_nan():
    seq = make_seq()
    vis = seq.visibility.copy()
    vis[2, landmark_index("left_knee")] = 0.2
    s = seq.replace(visibility=vis).with_visibility_threshold(0.5)
    assert np.isnan(s.xy("left_knee")[2]).all()
    assert np.isfinite(s.xy("left_knee")[3]).all()


def test_from_frames_with_missing_frames():
    f = FramePose(np.ones((N_LANDMARKS, 3)), np.ones(N_LANDMARKS), np.zeros((N_LANDMARKS, 3)))
    seq = PoseSequence.from_frames([f, FramePose.missing(), f], [0, 0.1, 0.2], (10, 10))
    assert seq.present.tolist() == [True, False, True]
    assert seq.world is not None and np.isnan(seq.world[1]).all()
    assert seq.found_fraction(["left_hip"]) == pytest.approx(2 / 3)
