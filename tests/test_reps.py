"""The shared rep counter on squat signals from the kinematic model (walks, sway, pauses, gaps).

The core's own tests (``test_reps_core.py``) use hand-made signals; these drive the
counter with the descent signal the squat exercises really use.
"""

from __future__ import annotations

import numpy as np
import pytest
from synth_front import Rep, Stand, Walk, make_clip

from hipform.cleaning import lowpass
from hipform.exercises import frontal_knee as fk
from hipform.exercises import get_exercise
from hipform.pipeline import Settings
from hipform.reps import CounterConfig, RepCounter, count_reps, estimate_baseline_and_range

SLS = "single-leg-squat"


def counter_config() -> CounterConfig:
    ex = get_exercise(SLS)
    return ex.rep_model.counter(Settings(SLS).thresholds())


def descent(clip, cutoff_hz: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    seq = lowpass(clip.seq, cutoff_hz)
    return seq.t, fk.descent_signal(seq)


@pytest.fixture(scope="module")
def busy_clip():
    """Walk in, sway, 3 reps (one with a long pause at the bottom), a half rep, 2 reps, walk out."""
    script = [
        Walk(2.5, -200, 360),
        Stand(2.0, None, sway_px=25, bob_rel=0.015),
        Rep("right", depth=0.25, valgus=5),
        Rep("right", depth=0.27, valgus=5, pause_s=2.0),
        Rep("right", depth=0.24, valgus=5, descent_s=0.8, ascent_s=0.7),
        Rep("right", depth=0.07, valgus=0, counted=False),  # half rep: never deep enough
        Stand(2.0, "right", sway_px=20, bob_rel=0.01),
        Rep("right", depth=0.26, valgus=5),
        Rep("right", depth=0.25, valgus=5),
        Stand(1.5, None, sway_px=20),
        Walk(2.5, 360, 950),
    ]
    return make_clip(script, noise_px=1.5, seed=3)


def test_counts_only_full_reps_despite_walks_sway_pause_and_half_rep(busy_clip):
    t, sig = descent(busy_clip)
    windows = count_reps(t, sig, counter_config())
    assert len(windows) == len(busy_clip.reps) == 5
    for w, truth in zip(windows, busy_clip.reps, strict=True):
        assert w.bottom_s == pytest.approx(truth["bottom_s"], abs=1.1)  # the paused rep's bottom is a 2 s plateau
        assert truth["start_s"] - 0.3 <= w.start_s <= truth["bottom_s"]
        assert truth["bottom_s"] <= w.end_s <= truth["end_s"] + 0.3


def test_live_mode_counts_the_same_frame_by_frame(busy_clip):
    """Live mode: no look-ahead filter, no clip-wide baseline, one update per frame."""
    seq = busy_clip.seq  # raw noisy landmarks
    sig = fk.descent_signal(seq)
    counter = RepCounter(counter_config())
    done = [w for ti, v in zip(seq.t, sig, strict=True) if (w := counter.update(float(ti), float(v))) is not None]
    assert len(done) == 5
    assert counter.count == 5


def test_incremental_and_offline_windows_agree(busy_clip):
    t, sig = descent(busy_clip)
    cfg = counter_config()
    b, r = estimate_baseline_and_range(sig)
    counter = RepCounter(cfg, baseline=b, range_hint=r)
    incremental = [w for ti, v in zip(t, sig, strict=True) if (w := counter.update(float(ti), float(v)))]
    assert incremental == count_reps(t, sig, cfg)


def test_standing_sway_and_walking_alone_give_no_rep():
    clip = make_clip(
        [
            Walk(3.0, -200, 360),
            Stand(6.0, None, sway_px=40, bob_rel=0.02),
            Stand(4.0, "left", sway_px=30),
            Walk(3, 360, 950),
        ],
        seed=1,
    )
    t, sig = descent(clip)
    assert count_reps(t, sig, counter_config()) == []


def test_rep_cut_off_before_returning_to_the_top_is_not_counted():
    clip = make_clip([Stand(1.5, None)] + [Rep(None, depth=0.3, valgus=0)] * 3, seed=2)
    t, sig = descent(clip)
    cut = t <= clip.reps[2]["bottom_s"] + 0.3  # the clip ends on the way up of rep 3
    assert len(count_reps(t[cut], sig[cut], counter_config())) == 2


def test_entering_in_a_crouch_is_not_a_rep():
    clip = make_clip([Stand(1.0, None)] + [Rep(None, depth=0.3, valgus=0)] * 3, seed=4)
    t, sig = descent(clip)
    start = t >= clip.reps[0]["bottom_s"]  # first frames already at the bottom of rep 1
    assert len(count_reps(t[start], sig[start], counter_config())) == 2


def test_five_fps_without_smoothing_still_counts():
    clip = make_clip([Stand(1.5, None)] + [Rep(None, depth=0.35, valgus=0, descent_s=1.5, ascent_s=1.5)] * 3, seed=5)
    sub = clip.seq.take(np.arange(0, len(clip.seq), 6)).replace(fps=5.0)  # no filter: cut-off above Nyquist
    assert len(count_reps(sub.t, fk.descent_signal(sub), counter_config())) == 3


def test_long_dropout_in_a_rep_abandons_it_but_not_the_next():
    clip = make_clip([Stand(1.5, None)] + [Rep(None, depth=0.3, valgus=0, rest_s=1.5)] * 3, seed=6)
    t, sig = descent(clip)
    r2 = clip.reps[1]
    sig = sig.copy()
    sig[(t > r2["start_s"] + 0.3) & (t < r2["start_s"] + 0.3 + 1.5)] = np.nan  # 1.5 s > max_missing_s
    windows = count_reps(t, sig, counter_config())
    assert len(windows) == 2
    assert windows[1].bottom_s == pytest.approx(clip.reps[2]["bottom_s"], abs=0.2)


def test_fast_jerk_shorter_than_minimum_duration_is_not_counted():
    t = np.arange(0, 10, 1 / 30)
    sig = np.zeros_like(t)
    for t0, dur in ((1.0, 2.0), (4.0, 0.3), (6.0, 2.0)):
        m = (t >= t0) & (t < t0 + dur)
        sig[m] = 0.3 * np.sin(np.pi * (t[m] - t0) / dur) ** 2
    windows = count_reps(t, sig, counter_config())
    assert [round(w.bottom_s) for w in windows] == [2, 7]


def test_counter_thresholds_come_from_the_exercise_thresholds():
    th = dict(Settings(SLS).thresholds())
    th.update(rep_enter_frac=0.5, rep_exit_frac=0.2, rep_depth_frac=0.7, rep_min_depth_rel=0.1, rep_min_duration_s=1.2)
    cfg = get_exercise(SLS).rep_model.counter(th)
    assert (cfg.enter_frac, cfg.top_frac, cfg.depth_frac, cfg.min_depth, cfg.min_duration_s) == (
        0.5,
        0.2,
        0.7,
        0.1,
        1.2,
    )
    # a stricter minimum depth drops shallow reps
    clip = make_clip([Stand(1.5, None)] + [Rep(None, depth=0.08, valgus=0)] * 3, seed=7)
    t, sig = descent(clip)
    assert len(count_reps(t, sig, counter_config())) == 3
    assert count_reps(t, sig, cfg) == []
