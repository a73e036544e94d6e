"""Gait machinery on synthetic side-view running with known truth, and its pure helpers."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from synth_running import RunSpec, synth_run

from hipform import gait
from hipform.landmarks import N_LANDMARKS, landmark_index
from hipform.pipeline import Settings, analyse_sequence
from hipform.sequence import PoseSequence

EDGE_S = 0.35  # stances this close to the clip ends need data the clip does not have


@functools.cache
def analysed(cadence: float, fps: float, direction: int, stance_fraction: float = 0.36, seed: int = 0):
    spec = RunSpec(
        cadence_spm=cadence,
        stance_fraction=stance_fraction,
        fps=fps,
        direction=direction,
        noise_px=1.0,
        dropouts=8,
        seed=seed,
        duration_s=8.0,
    )
    seq, truth = synth_run(spec)
    report = analyse_sequence(seq, Settings("running"))
    return spec, seq, truth, report


def match(steps, truth_rows, tol_s=0.1):
    """Pair detected steps with true stances (same side, contact within tol)."""
    pairs, unmatched = [], []
    for st in steps:
        cand = [r for r in truth_rows if r[0] == st.side and abs(r[1] - st.ic_s) < tol_s]
        if cand:
            pairs.append((st, cand[0]))
        else:
            unmatched.append(st)
    return pairs, unmatched


CASES = [
    (150, 30, 1, 0.40),
    (150, 60, -1, 0.40),
    (170, 30, -1, 0.36),
    (170, 60, 1, 0.36),
    (190, 30, 1, 0.32),
    (190, 60, -1, 0.32),
]


@pytest.mark.parametrize(("cadence", "fps", "direction", "duty"), CASES)
def test_synthetic_running_cadence_steps_and_extension(cadence, fps, direction, duty):
    spec, seq, truth, report = analysed(cadence, fps, direction, duty)
    o = report.outcome
    assert o.view == ("side-right" if direction > 0 else "side-left")
    h = o.headline
    assert abs(h["cadence_spm"] - cadence) <= 1.0
    rows = truth.stances(seq.t[0], seq.t[-1], whole=False)  # contacts seen, toe-off maybe after the end
    inner = [r for r in rows if r[1] >= seq.t[0] + EDGE_S and r[2] <= seq.t[-1] - EDGE_S]
    pairs, invented = match(o.steps, rows)
    assert not invented, f"steps with no true stance: {[(s.side, s.ic_s) for s in invented]}"
    found = {(r[0], round(r[1], 4)) for _, r in pairs}
    missed = [r for r in inner if (r[0], round(r[1], 4)) not in found]
    assert not missed, f"true stances not found: {missed}"
    for side in ("left", "right"):
        meas = h["peak_hip_extension_deg"][side]["mean"]
        true = np.mean([r[3] for st, r in pairs if r[0] == side and st.scorable])
        assert abs(true - spec.ext_deg[side]) < 0.5  # the model made what was asked
        assert abs(meas - true) <= 1.5, f"{side}: measured {meas:.2f}, true {true:.2f}"
        assert h["peak_hip_extension_deg"][side]["n"] >= len([r for r in inner if r[0] == side]) - 1
    # stance time follows the duty factor
    assert abs(h["stance_s"] - duty * 120 / cadence) < 0.02


@pytest.mark.parametrize(("fps", "low"), [(30, True), (60, False)])
def test_low_confidence_flag_below_60_fps(fps, low):
    _, _, _, report = analysed(170, fps, 1)
    h = report.outcome.headline
    assert h["low_confidence"] is low
    if low:
        assert "60 fps" in h["low_confidence_reason"]
        assert any("low confidence" in n for n in report.outcome.notes)
    else:
        assert h["low_confidence_reason"] is None
    unc = h["event_timing_uncertainty_s"]
    assert 0 < unc < 1.0 / fps
    assert h["hip_extension_uncertainty_deg"] > 0


def test_asymmetry_and_low_extension_faults_on_the_weaker_side():
    _, _, _, report = analysed(170, 60, 1)
    o = report.outcome
    codes = [f["code"] for f in o.headline["clip_faults"]]
    assert "asymmetry" in codes  # 14 vs 6 degrees
    si = o.headline["symmetry_index_pct"]
    assert 70 < si < 100  # 100 * 8 / 10
    # thigh vs trunk = thigh - 6 deg lean: right ~0 deg (< 5) is flagged, left ~8 deg is not
    right = [s for s in o.steps if s.side == "right" and s.scorable]
    left = [s for s in o.steps if s.side == "left" and s.scorable]
    assert all(any(f.code == "low_hip_extension" for f in s.faults) for s in right)
    assert not any(any(f.code == "low_hip_extension" for f in s.faults) for s in left)
    for s in left:
        assert s.metrics["lumbar_compensation_deg"] == pytest.approx(6.0, abs=1.5)
    d = report.to_dict()
    assert d["summary"]["steps_analysed"] == len([s for s in o.steps if s.scorable])
    assert d["summary"]["fault_counts"]["low_hip_extension"] == len(right)


def test_symmetric_runner_has_no_asymmetry_fault():
    spec = RunSpec(ext_deg={"left": 12.0, "right": 12.0}, fps=60, noise_px=1.0, seed=3)
    seq, _ = synth_run(spec)
    o = analyse_sequence(seq, Settings("running")).outcome
    assert "asymmetry" not in [f["code"] for f in o.headline["clip_faults"]]
    assert o.headline["symmetry_index_pct"] < 10


def test_overstride_flagged_from_shank_angle():
    # walking-like long stance and a runner landing far ahead: shank leans ankle-forward at contact
    spec = RunSpec(ext_deg={"left": -2.0, "right": -2.0}, fps=60, noise_px=0.5, seed=4)
    seq, _ = synth_run(spec)
    o = analyse_sequence(seq, Settings("running")).outcome
    shank = [s.metrics["shank_angle_ic_deg"] for s in o.steps if s.scorable]
    assert np.median(shank) > 10
    assert o.headline and sum(any(f.code == "overstride" for f in s.faults) for s in o.steps) >= len(shank) - 1
    # walking does not flag overstride
    ow = analyse_sequence(seq, Settings("walking")).outcome
    assert not any(f.code == "overstride" for s in ow.steps for f in s.faults)


def test_low_cadence_is_a_clip_fault_with_a_threshold_from_toml():
    _, seq, _, _ = analysed(150, 60, -1, 0.40)
    o = analyse_sequence(seq, Settings("running")).outcome
    assert [f for f in o.headline["clip_faults"] if f["code"] == "low_cadence"]
    o2 = analyse_sequence(seq, Settings("running", overrides={"running": {"low_cadence_spm": 140}})).outcome
    assert not [f for f in o2.headline["clip_faults"] if f["code"] == "low_cadence"]


# ----------------------------------------------------------------------------- helpers
def _seq_from(points: dict[str, np.ndarray], t: np.ndarray) -> PoseSequence:
    xyz = np.full((len(t), N_LANDMARKS, 3), np.nan)
    for k, p in points.items():
        xyz[:, landmark_index(k), :2] = p
    return PoseSequence(xyz, np.ones((len(t), N_LANDMARKS)), t, (640, 480), fps=1 / (t[1] - t[0]))


def test_travel_direction_from_feet_and_face():
    t = np.arange(10) / 30
    z = np.zeros(10)
    pts = {
        "left_heel": np.stack([z + 100, z + 400], -1),
        "left_foot_index": np.stack([z + 80, z + 400], -1),
        "nose": np.stack([z + 90, z + 100], -1),
        "left_ear": np.stack([z + 110, z + 100], -1),
        "right_ear": np.stack([z + 110, z + 100], -1),
    }
    assert gait.travel_direction(_seq_from(pts, t)) == -1
    flipped = {k: np.stack([640 - v[:, 0], v[:, 1]], -1) for k, v in pts.items()}
    assert gait.travel_direction(_seq_from(flipped, t)) == 1


def test_cadence_ignores_a_missed_step():
    def st(side, t):
        return gait.Stance(side, gait.GaitEvent(t, 0, t), gait.GaitEvent(t + 0.2, 0, t + 0.2))

    stances = [st("left", 0.7 * k) for k in range(10)] + [st("right", 0.35 + 0.7 * k) for k in range(10) if k != 4]
    assert gait.cadence_spm(stances) == pytest.approx(120 / 0.7, abs=0.01)


def test_refine_event_interpolates_between_frames():
    t = np.arange(20) / 30.0
    h = np.where(t < 0.3, 0.0, (t - 0.3) * 1.0)  # toe lifts at 0.3 s at 1 leg length/s
    te, sd = gait.refine_event(t, h, 0.0, 1, 20, True, 0.0, tol=0.02)
    assert te == pytest.approx(0.32, abs=1e-6)  # crossing of the 0.02 level, sub-frame
    assert 0 < sd < 1 / 30
    assert gait.refine_event(t, h, 0.0, 1, 5, True, 0.0) is None  # no crossing in range


def test_stride_period_and_zeni_peaks():
    t = np.arange(600) / 60.0
    y = np.sin(2 * np.pi * t / 0.7)
    assert gait.stride_period_s(t, y) == pytest.approx(0.7, abs=1 / 60)
    peaks = gait.zeni_peaks(y, 0.7 * 60)
    assert len(peaks) == pytest.approx(10 / 0.7, abs=1)


def test_symmetry_and_mean_sd():
    assert gait.symmetry_index_pct(14, 6) == pytest.approx(80.0)
    assert np.isnan(gait.symmetry_index_pct(0, 0))
    assert gait.mean_sd_n([1.0, 3.0, None, float("nan")]) == {"mean": 2.0, "sd": pytest.approx(1.4142, 1e-3), "n": 2}
    assert gait.mean_sd_n([]) == {"mean": None, "sd": None, "n": 0}


def test_pelvic_drop_against_clip_baseline():
    t = np.arange(120) / 60.0
    drop = np.where((t > 0.5) & (t < 0.7), 6.0, 0.0)  # right hip drops 6 deg during a left stance
    lx, rx = 300.0, 360.0
    ly = np.full_like(t, 300.0) + 2.0  # camera roll / offset: a constant tilt
    ry = ly + np.tan(np.radians(drop)) * (rx - lx)
    seq = _seq_from({"left_hip": np.stack([np.full_like(t, lx), ly], -1),
                     "right_hip": np.stack([np.full_like(t, rx), ry], -1)}, t)
    st = gait.Stance("left", gait.GaitEvent(0.4, 0, 0.4), gait.GaitEvent(0.8, 0, 0.8))
    tilt = gait.hip_tilt_deg(seq)
    assert gait.pelvic_drop_deg(seq, st, float(np.median(tilt)), tilt) == pytest.approx(6.0, abs=0.01)
    other = gait.Stance("right", gait.GaitEvent(0.4, 0, 0.4), gait.GaitEvent(0.8, 0, 0.8))
    assert gait.pelvic_drop_deg(seq, other, float(np.median(tilt)), tilt) == pytest.approx(0.0, abs=0.01)


def test_nobody_walking_gives_no_steps_and_says_so():
    t = np.arange(90) / 30.0
    seq = PoseSequence(np.full((90, N_LANDMARKS, 3), np.nan), np.zeros((90, N_LANDMARKS)), t, (640, 480), fps=30)
    o = analyse_sequence(seq, Settings("running")).outcome
    assert o.steps == []
    assert any("view could not be determined" in n for n in o.notes)


# ------------------------------------------------------------------- pose-model glitches
def _with_glitches(seq: PoseSequence, frames: list[int]) -> PoseSequence:
    """The whole skeleton of each frame turned upside down about the mid-hip, fully visible.

    This is what MediaPipe returned for about one frame in nine of a rendered 30 fps
    treadmill run whose head was cut off by the frame edge: shoulders below the hips,
    feet above them, with high visibility.
    """
    xyz, vis = seq.xyz.copy(), seq.visibility.copy()
    for f in frames:
        hip = 0.5 * (xyz[f, landmark_index("left_hip"), :2] + xyz[f, landmark_index("right_hip"), :2])
        xyz[f, :, :2] = 2 * hip - 0.8 * (xyz[f, :, :2] - hip) - hip * 0.2 + np.array([-60.0, 30.0])
        vis[f] = 0.99
    return seq.replace(xyz=xyz, visibility=vis)


GLITCH_EVERY = (7, 14, 15, 29, 32, 41, 56, 59, 74, 77, 86, 97)  # the pattern seen (frames, period ~113)


def _glitched_run(fps: float = 30.0):
    spec = RunSpec(
        cadence_spm=160,
        stance_fraction=0.34,
        fps=fps,
        direction=-1,
        noise_px=1.0,
        dropouts=4,
        seed=7,
        duration_s=8.0,
        ext_deg={"left": 8.0, "right": 18.0},
    )
    seq, truth = synth_run(spec)
    frames = [f + k * 113 for k in range(3) for f in GLITCH_EVERY if f + k * 113 < len(seq)]
    return spec, _with_glitches(seq, frames), truth, frames


def test_glitch_frames_found_and_nothing_else():
    from hipform.cleaning import drop_glitch_frames, find_glitch_frames

    spec, seq, _, frames = _glitched_run()
    assert set(np.flatnonzero(find_glitch_frames(seq))) == set(frames)
    clean, n = drop_glitch_frames(seq)
    assert n == len(frames) and np.isnan(clean.xyz[frames, :, 0]).all()
    # clean running at 30 fps, and legs or whole bodies with swapped labels, are not glitches
    plain, _ = synth_run(spec)
    assert not find_glitch_frames(plain).any()
    xyz = plain.xyz.copy()
    for part in ("hip", "shoulder", "knee", "ankle", "heel", "foot_index"):
        a, b = landmark_index(f"left_{part}"), landmark_index(f"right_{part}")
        xyz[30:34, [a, b]] = xyz[30:34, [b, a]]
    assert not find_glitch_frames(plain.replace(xyz=xyz)).any()


def test_running_at_30_fps_through_pose_glitches():
    """Regression: glitch frames hid the step period, and hipform found 0 of 10 steps."""
    spec, seq, truth, frames = _glitched_run()
    report = analyse_sequence(seq, Settings("running"))
    assert report.data_quality["glitch_frames_removed"] == len(frames)
    h = report.outcome.headline
    assert abs(h["cadence_spm"] - 160) <= 1.0
    rows = truth.stances(seq.t[0], seq.t[-1], whole=False)
    inner = [r for r in rows if r[1] >= seq.t[0] + EDGE_S and r[2] <= seq.t[-1] - EDGE_S]
    pairs, invented = match(report.outcome.steps, rows)
    assert not invented
    assert len([p for p in pairs if p[0].scorable]) >= len(inner) - 1
    for side in ("left", "right"):
        true = np.mean([r[3] for st, r in pairs if r[0] == side and st.scorable])
        assert abs(h["peak_hip_extension_deg"][side]["mean"] - true) <= 2.0


def test_toe_off_is_the_rise_into_swing_not_an_earlier_hover():
    t = np.arange(30) / 30.0
    # the toe hovers just above the contact tolerance from 0.33 s (a far-side foot, a glitch's
    # after-effect) and starts its rise into the swing at 0.5 s
    h = np.where(t < 0.33, 0.0, 0.03) + np.where(t > 0.5, (t - 0.5) * 1.5, 0.0)
    te, _ = gait.refine_toe_off(t, h, 0.0, 1, 30, 0.0, tol=0.02)
    assert te == pytest.approx(0.5 + 0.02 / 1.5, abs=1e-6)  # tol above the bottom of the rise
    old, _ = gait.refine_event(t, h, 0.0, 1, 30, True, 0.0, tol=0.02, last=True)
    assert old < 0.34  # the plain last crossing of ground + tol is the hover's start
    clean = np.where(t < 0.5, 0.0, (t - 0.5) * 1.5)
    assert gait.refine_toe_off(t, clean, 0.0, 1, 30, 0.0, 0.02)[0] == pytest.approx(
        gait.refine_event(t, clean, 0.0, 1, 30, True, 0.0, 0.02, last=True)[0]
    )
