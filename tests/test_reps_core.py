"""Core behaviour of the shared rep counter on hand-made signals (exercise tests add more)."""

import numpy as np
import pytest

from hipform.reps import CounterConfig, RepCounter, count_reps, group_sets


def rep_signal(fps=30.0, reps=3, depth=0.3, rest_s=1.0, rep_s=2.0, lead_s=1.0):
    t = np.arange(0, lead_s + reps * (rep_s + rest_s), 1 / fps)
    y = np.zeros_like(t)
    for k in range(reps):
        t0 = lead_s + k * (rep_s + rest_s)
        m = (t >= t0) & (t < t0 + rep_s)
        y[m] = depth * np.sin(np.pi * (t[m] - t0) / rep_s) ** 2
    return t, y


def test_counts_reps_with_times():
    t, y = rep_signal()
    w = count_reps(t, y, CounterConfig())
    assert len(w) == 3
    for k, rep in enumerate(w):
        t0 = 1.0 + 3.0 * k
        assert rep.bottom_s == pytest.approx(t0 + 1.0, abs=0.05)
        assert t0 - 0.1 < rep.start_s < t0 + 0.6
        assert t0 + 1.4 < rep.end_s < t0 + 2.1


def test_live_mode_matches_offline_count():
    t, y = rep_signal(reps=5)
    y = y + np.random.default_rng(0).normal(0, 0.005, y.size)
    assert len(count_reps(t, y, CounterConfig(), use_clip_range=False)) == 5


def test_sway_and_half_rep_not_counted():
    t, y = rep_signal(reps=3)
    y[(t > 4.0) & (t < 6.0)] *= 0.4  # second rep only 40% deep
    y = y + 0.01 * np.sin(2 * np.pi * 0.7 * t)  # sway
    assert len(count_reps(t, y, CounterConfig())) == 2


def test_pause_at_bottom_is_one_rep():
    t = np.arange(0, 8, 1 / 30)
    y = np.interp(t, [0, 1, 2, 5, 6, 8], [0, 0, 0.3, 0.3, 0, 0])
    y[(t > 3) & (t < 4)] += 0.02 * np.sin(20 * t[(t > 3) & (t < 4)])
    assert len(count_reps(t, y, CounterConfig())) == 1


def test_missing_data_abandons_rep_and_short_reps_rejected():
    t, y = rep_signal(reps=2)
    y[(t > 1.2) & (t < 2.8)] = np.nan  # the first rep disappears for 1.6 s
    assert len(count_reps(t, y, CounterConfig(max_missing_s=1.0))) == 1
    t2, y2 = rep_signal(reps=2, rep_s=0.3)
    assert count_reps(t2, y2, CounterConfig(min_duration_s=0.5)) == []


def test_counter_emits_on_return_to_top():
    c = RepCounter(CounterConfig(), baseline=0.0, range_hint=0.3)
    signal = np.r_[np.zeros(10), np.linspace(0, 0.3, 20), np.linspace(0.3, 0, 20)]
    out = [c.update(i / 30, v) for i, v in enumerate(signal)]
    done = [i for i, o in enumerate(out) if o is not None]
    assert len(done) == 1 and c.count == 1 and c.phase == "top"


def test_group_sets_by_pause_and_side():
    t, y = rep_signal(reps=4)
    w = count_reps(t, y, CounterConfig())
    assert group_sets(w, 10.0) == [1, 1, 1, 1]
    assert group_sets(w, 0.5) == [1, 2, 3, 4]
    assert group_sets(w, 10.0, ["left", "left", "right", "right"]) == [1, 1, 2, 2]
