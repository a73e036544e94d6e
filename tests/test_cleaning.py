import numpy as np
import pytest

from hipform.cleaning import (
    OneEuroFilter,
    fill_gaps_1d,
    find_left_right_swaps,
    interpolate_gaps,
    lowpass,
    lowpass_1d,
    repair_left_right_swaps,
)
from hipform.landmarks import N_LANDMARKS, landmark_index
from hipform.sequence import PoseSequence


def test_fill_gaps_respects_max_gap():
    t = np.arange(20) / 30.0
    y = t * 10
    y2 = y.copy()
    y2[3:6] = np.nan  # 3 frames = 0.1 s -> filled
    y2[10:16] = np.nan  # 6 frames = 0.2 s -> kept
    y2[0] = np.nan  # leading -> kept
    out = fill_gaps_1d(t, y2, 0.15)
    np.testing.assert_allclose(out[3:6], y[3:6])
    assert np.isnan(out[10:16]).all()
    assert np.isnan(out[0])


def test_interpolate_gaps_on_sequence():
    n = 30
    t = np.arange(n) / 30.0
    xyz = np.tile(np.arange(n, dtype=float)[:, None, None], (1, N_LANDMARKS, 3))
    xyz[5:8, 0] = np.nan
    seq = PoseSequence(xyz, np.ones((n, N_LANDMARKS)), t, (100, 100))
    out = interpolate_gaps(seq, 0.15)
    np.testing.assert_allclose(out.xyz[5:8, 0, 0], [5, 6, 7])
    with pytest.raises(ValueError):
        interpolate_gaps(seq, -1)


def test_lowpass_removes_noise_without_lag():
    fs = 60.0
    t = np.arange(600) / fs
    clean = 50 * np.sin(2 * np.pi * 1.0 * t)
    noisy = clean + np.random.default_rng(1).normal(0, 5, t.size)
    out = lowpass_1d(noisy, fs, 6.0)
    assert np.sqrt(np.mean((out - clean)[30:-30] ** 2)) < 2.0
    # zero lag: peak stays where it was
    assert abs(np.argmax(out[:60]) - np.argmax(clean[:60])) <= 1


def test_lowpass_keeps_nan_and_skips_when_cutoff_above_nyquist():
    y = np.sin(np.arange(50) / 5.0)
    y[20:25] = np.nan
    out = lowpass_1d(y, 30.0, 6.0)
    assert np.isnan(out[20:25]).all() and np.isfinite(out[:20]).all()
    np.testing.assert_array_equal(lowpass_1d(y, 5.0, 6.0), y)


def test_lowpass_sequence_shape():
    n = 40
    seq = PoseSequence(
        np.random.default_rng(0).normal(size=(n, N_LANDMARKS, 3)), np.ones((n, N_LANDMARKS)), np.arange(n) / 30, (9, 9)
    )
    assert lowpass(seq, 6.0).xyz.shape == seq.xyz.shape


def _walking_legs(n=60, swap_frames=(20, 21, 40)):
    t = np.arange(n) / 30.0
    xyz = np.full((n, N_LANDMARKS, 3), 100.0)
    phase = 2 * np.pi * 1.0 * t
    for side, sign in (("left", 1), ("right", -1)):
        for k, part in enumerate(("knee", "ankle", "heel", "foot_index")):
            j = landmark_index(f"{side}_{part}")
            xyz[:, j, 0] = 300 + sign * 80 * np.sin(phase) + 5 * k
            xyz[:, j, 1] = 300 + 60 * k
    truth = xyz.copy()
    for f in swap_frames:
        for part in ("knee", "ankle", "heel", "foot_index"):
            a, b = landmark_index(f"left_{part}"), landmark_index(f"right_{part}")
            xyz[f, [a, b]] = xyz[f, [b, a]]
    return PoseSequence(xyz, np.ones((n, N_LANDMARKS)), t, (600, 600)), truth


def test_swap_repair_finds_and_undoes_swaps():
    seq, truth = _walking_legs()
    found = find_left_right_swaps(seq)
    assert set(np.flatnonzero(found)) == {20, 21, 40}
    fixed, n = repair_left_right_swaps(seq)
    assert n == 3
    np.testing.assert_allclose(fixed.xyz, truth)


def test_swap_repair_leaves_clean_crossing_alone():
    seq, _ = _walking_legs(swap_frames=())
    assert not find_left_right_swaps(seq).any()


def test_one_euro_is_causal_and_smooths():
    f = OneEuroFilter(min_cutoff_hz=1.0, beta=0.0)
    rng = np.random.default_rng(3)
    outs = [f(i / 30, np.array([10.0 + rng.normal(0, 1)])) for i in range(300)]
    assert np.std(outs[100:]) < 0.5
    # a later sample cannot change an earlier output: re-run a prefix and compare
    g = OneEuroFilter(min_cutoff_hz=1.0, beta=0.0)
    rng = np.random.default_rng(3)
    prefix = [g(i / 30, np.array([10.0 + rng.normal(0, 1)])) for i in range(50)]
    np.testing.assert_allclose(prefix, outs[:50])
    assert np.isnan(f(11.0, np.array([np.nan]))).all()
