"""Single-leg squat on front/rear views from the kinematic model, and on the real single-leg clips."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from synth_front import LEG, SHANK, Rep, Stand, Walk, make_clip
from typer.testing import CliRunner

from hipform.cli import app
from hipform.exercises import frontal_knee as fk
from hipform.exercises import get_exercise
from hipform.landmark_io import write_landmarks_csv
from hipform.pipeline import Settings, analyse_sequence
from hipform.sequence import PoseSequence

SLS = "single-leg-squat"
VALGUS = (0.0, 5.0, 10.0, 15.0, 20.0, 25.0)


def analyse(seq: PoseSequence, **kw) -> dict:
    return analyse_sequence(seq, Settings(SLS, **kw)).to_dict()


def set_script(side: str, valgus=VALGUS, **rep_kw) -> list:
    return [Rep(side, valgus=v, pelvic_drop=v / 3, lean=v / 4, **rep_kw) for v in valgus]


@pytest.fixture(scope="module")
def two_sets():
    """Walk in, a right-leg set with valgus 0-25°, rest on two feet, a left-leg set, walk out."""
    script = [
        Walk(2.0, -150, 360),
        Stand(1.5, None, sway_px=10),
        *set_script("right", depth=0.25),
        Stand(4.0, None, sway_px=10),
        *set_script("left", depth=0.3, toe_out_px=12),
        Stand(1.0, None),
        Walk(2.0, 360, 900),
    ]
    return make_clip(script, noise_px=1.5, seed=11)


@pytest.fixture(scope="module")
def two_sets_report(two_sets):
    return analyse(two_sets.seq)


def knee_medial_offset_truth(clip, truth: dict) -> float:
    """Knee-to-toe offset from the noiseless landmarks at the bottom, toward the midline, in shank lengths."""
    c = clip.clean
    i = c.index_at(truth["bottom_s"])
    side = truth["loaded"]
    knee_x, toe_x = c.xy(f"{side}_knee")[i, 0], c.xy(f"{side}_foot_index")[i, 0]
    medial = np.sign(c.mid("left_hip", "right_hip")[i, 0] - c.xy(f"{side}_hip")[i, 0])
    return float((knee_x - toe_x) * medial / SHANK)


def test_counts_sides_and_sets(two_sets, two_sets_report):
    reps = two_sets_report["reps"]
    assert len(reps) == 12
    assert [r["side"] for r in reps] == [t["side"] for t in two_sets.reps]
    assert [r["set"] for r in reps] == [1] * 6 + [2] * 6
    assert two_sets_report["summary"]["rep_count_by_side"] == {"right": 6, "left": 6}
    assert two_sets_report["working_side"] == "mixed"
    assert two_sets_report["view"] == "front"


def test_angles_within_1p5_deg_of_truth(two_sets, two_sets_report):
    for rep, truth in zip(two_sets_report["reps"], two_sets.reps, strict=True):
        m = rep["metrics"]
        assert m["knee_valgus_fppa_deg"] == pytest.approx(truth["valgus"], abs=1.5), rep["index"]
        assert m["pelvic_drop_deg"] == pytest.approx(truth["pelvic_drop"], abs=1.5), rep["index"]
        assert m["trunk_lateral_lean_deg"] == pytest.approx(truth["lean"], abs=1.5), rep["index"]
        assert m["depth_hip_drop_rel"] == pytest.approx(truth["depth"], abs=0.02)
        assert m["knee_medial_offset_shank"] == pytest.approx(knee_medial_offset_truth(two_sets, truth), abs=0.03)
        # 5%-95% of a smooth (half-cosine) descent lasts 0.713 of it
        assert m["eccentric_s"] == pytest.approx(0.713 * truth["descent_s"], abs=0.15)


def test_valgus_faults_and_messages(two_sets_report):
    by_valgus = {round(v): r for v, r in zip(VALGUS * 2, two_sets_report["reps"], strict=True)}
    for v, rep in by_valgus.items():
        codes = {f["code"]: f for f in rep["faults"]}
        if v >= 16:
            assert codes["knee_valgus"]["severity"] == "fault"
        elif 11 <= v <= 14:
            assert codes["knee_valgus"]["severity"] == "warn"
        elif v <= 8:
            assert "knee_valgus" not in codes
    rep = two_sets_report["reps"][4]  # right leg, 20°
    msg = next(f["message"] for f in rep["faults"] if f["code"] == "knee_valgus")
    value = rep["metrics"]["knee_valgus_fppa_deg"]
    assert msg.startswith(f"right knee caved in {value:.0f}° at the bottom of rep 5")
    assert "second toe" in msg
    drop = next(f for f in rep["faults"] if f["code"] == "pelvic_drop")
    assert drop["severity"] == "warn" and "left hip" in drop["message"] and "rep 5" in drop["message"]


def test_varus_reads_negative_on_both_views():
    for view in ("front", "rear"):
        clip = make_clip([Stand(1.5, None), *set_script("left", valgus=(-8.0, -8.0))], view=view, seed=12)
        d = analyse(clip.seq)
        assert d["view"] == view
        vals = [r["metrics"]["knee_valgus_fppa_deg"] for r in d["reps"]]
        assert len(vals) == 2 and all(v == pytest.approx(-8.0, abs=1.5) for v in vals), (view, vals)
        assert all(not r["faults"] or {f["code"] for f in r["faults"]} <= {"trunk_lean"} for r in d["reps"])


@pytest.mark.parametrize("view", ["front", "rear"])
def test_rear_view_switching_legs(view):
    script = [Stand(1.0, None), *set_script("left", valgus=(6.0, 18.0)), *set_script("right", valgus=(12.0, 3.0))]
    clip = make_clip(script, view=view, seed=13)
    d = analyse(clip.seq)
    assert [r["side"] for r in d["reps"]] == ["left", "left", "right", "right"]
    assert [r["set"] for r in d["reps"]] == [1, 1, 2, 2]  # a change of leg starts a new set
    got = [r["metrics"]["knee_valgus_fppa_deg"] for r in d["reps"]]
    assert got == pytest.approx([6.0, 18.0, 12.0, 3.0], abs=1.5)


def test_set_gap_threshold_splits_sets_and_is_overridable():
    script = [
        Stand(1.0, None),
        *set_script("right", valgus=(5.0, 5.0)),
        Stand(8.0, "right"),
        *set_script("right", valgus=(5.0,)),
    ]
    clip = make_clip(script, seed=14)
    default = analyse(clip.seq)
    assert [r["set"] for r in default["reps"]] == [1, 1, 1]  # 8 s rest < 20 s default gap
    short = analyse(clip.seq, overrides={SLS: {"set_gap_s": 5.0}})
    assert [r["set"] for r in short["reps"]] == [1, 1, 2]


def test_toml_override_changes_fault_severity(tmp_path):
    clip = make_clip([Stand(1.0, None), *set_script("right", valgus=(12.0,))], seed=15)
    toml = tmp_path / "t.toml"
    toml.write_text("[single-leg-squat]\nknee_valgus_warn_deg = 6\nknee_valgus_fault_deg = 9\n")
    d = analyse_sequence(clip.seq, Settings.from_cli(SLS, config=toml)).to_dict()
    f = next(f for f in d["reps"][0]["faults"] if f["code"] == "knee_valgus")
    assert f["severity"] == "fault" and f["threshold"] == 9.0
    assert d["thresholds"]["knee_valgus_fault_deg"] == 9.0


def test_short_dropouts_are_filled_long_ones_make_a_rep_unscorable():
    script = [Stand(1.5, None), *set_script("right", valgus=(10.0, 10.0, 10.0))]
    clip0 = make_clip(script, seed=16)
    r2 = clip0.reps[1]
    clip = make_clip(
        script,
        seed=16,
        dropouts=[(r2["start_s"] - 0.8, r2["start_s"] - 0.7)],  # 0.1 s: interpolated
        leg_dropouts=[(r2["bottom_s"] - 0.25, r2["bottom_s"] + 0.25, "right")],  # 0.5 s: too long
    )
    d = analyse(clip.seq)
    assert len(d["reps"]) == 3
    assert [r["scorable"] for r in d["reps"]] == [True, False, True]
    assert "not visible" in d["reps"][1]["reason"] and "limit 0.15 s" in d["reps"][1]["reason"]
    assert d["reps"][1]["metrics"] == {} and d["reps"][1]["faults"] == []
    right = d["summary"]["by_side"]["right"]
    assert (right["reps"], right["scorable_reps"]) == (3, 2)


def test_side_override_and_side_view_gating():
    clip = make_clip([Stand(1.0, None), *set_script("right", valgus=(10.0, 10.0))], seed=17)
    forced = analyse(clip.seq, side="left")
    assert [r["side"] for r in forced["reps"]] == ["left", "left"]
    side_view = analyse(clip.seq, view="side-left")
    skipped = {n["metric"]: n["reason"] for n in side_view["not_judged"]}
    for name in ("knee_valgus_fppa_deg", "knee_medial_offset_shank", "pelvic_drop_deg", "trunk_lateral_lean_deg"):
        assert "needs a front or rear view" in skipped[name]
        assert all(name not in r["metrics"] for r in side_view["reps"])
    assert "knee_flexion_deg" not in skipped
    assert all(r["metrics"]["knee_flexion_deg"] is not None for r in side_view["reps"])
    assert all(f["code"] not in ("knee_valgus", "pelvic_drop") for r in side_view["reps"] for f in r["faults"])


def test_pelvic_drop_caveat_and_camera_alignment_notes(two_sets_report):
    notes = " ".join(two_sets_report["notes"])
    assert "pelvic drop" in notes and "does not rule a drop out" in notes
    assert re.search(r"camera about [0-2]° off the front axis", notes)


def test_oblique_camera_withholds_frontal_measures():
    clip = make_clip([Stand(1.0, None), *set_script("right", valgus=(10.0, 10.0))], seed=18)
    a = np.radians(30)
    rot = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    oblique = clip.seq.replace(world=clip.seq.world @ rot.T)  # world hips/shoulders 30° out of the image plane
    d = analyse(oblique)
    skipped = {n["metric"]: n["reason"] for n in d["not_judged"]}
    assert "camera about 30° off the front axis (limit 10°)" in skipped["knee_valgus_fppa_deg"]
    assert len(d["reps"]) == 2 and all("knee_valgus_fppa_deg" not in r["metrics"] for r in d["reps"])
    assert all(r["metrics"]["depth_hip_drop_rel"] is not None for r in d["reps"])
    relaxed = analyse(oblique, overrides={SLS: {"max_camera_yaw_deg": 45.0}})
    assert all(r["metrics"]["knee_valgus_fppa_deg"] == pytest.approx(10.0, abs=1.5) for r in relaxed["reps"])


def test_without_world_landmarks_counts_and_angles_hold():
    script = [
        Walk(2.0, -150, 360),
        Stand(1.0, None),
        *set_script("left", valgus=(4.0, 14.0, 22.0)),
        Walk(2.0, 360, 900),
    ]
    clip = make_clip(script, seed=19, with_world=False)
    d = analyse(clip.seq)
    assert [r["side"] for r in d["reps"]] == ["left"] * 3
    assert [r["metrics"]["knee_valgus_fppa_deg"] for r in d["reps"]] == pytest.approx([4.0, 14.0, 22.0], abs=1.5)
    assert "camera alignment not checked (no world landmarks)" in d["notes"]


def test_feet_together_gives_unclear_side_and_a_note():
    clip = make_clip([Stand(1.0, None), Rep(None, depth=0.3, valgus=5), Rep(None, depth=0.3, valgus=5)], seed=20)
    d = analyse(clip.seq)
    assert [r["side"] for r in d["reps"]] == [None, None]
    assert any("stance leg unclear" in n for n in d["notes"])
    assert all(r["metrics"]["knee_valgus_fppa_deg"] is None for r in d["reps"])


def test_live_rep_signal_is_frame_by_frame(two_sets):
    """Live mode feeds one frame at a time: each value then depends only on its own frame."""
    seq = two_sets.seq
    whole = fk.frame_descent_signal(seq)
    idx = np.array([5, 200, 333, 640])
    parts = np.array([fk.descent_signal(seq.take(slice(i, i + 1)))[0] for i in idx])
    np.testing.assert_allclose(parts, whole[idx])


def test_clip_and_frame_signals_agree_when_world_is_good(two_sets):
    """Where the world landmarks are right, the clip-scale image signal reads the same depth."""
    seq = two_sets.seq
    clip, frame = fk.descent_signal(seq), fk.frame_descent_signal(seq)
    ok = np.isfinite(clip) & np.isfinite(frame)
    assert ok.sum() > 0.8 * len(seq)
    rel_clip = clip[ok] - np.percentile(clip[ok], 5)
    rel_frame = frame[ok] - np.percentile(frame[ok], 5)
    assert np.max(np.abs(rel_clip - rel_frame)) < 0.03
    assert np.percentile(rel_clip, 99) > 0.15


def test_exercise_declaration():
    ex = get_exercise(SLS)
    assert ex.kind == "reps" and ex.cutoff_hz == pytest.approx(6.0)
    assert ex.preferred_views == ("front", "rear")
    names = {m.name: m.view for m in ex.metrics}
    assert names["knee_valgus_fppa_deg"] == "frontal" and names["knee_flexion_deg"] == "sagittal"
    assert set(ex.table_columns) <= set(names)
    th = {t.name for t in ex.thresholds}
    assert {"rep_enter_frac", "rep_min_depth_rel", "rep_min_duration_s", "set_gap_s", "knee_valgus_fault_deg"} <= th


def test_cli_writes_report_and_table(tmp_path, two_sets):
    csv = tmp_path / "sls.csv"
    write_landmarks_csv(two_sets.seq, csv)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["analyze", str(csv), "--exercise", SLS, "--out", str(out)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["rep_count"] == 12
    rows = (out / "reps.csv").read_text().splitlines()
    assert len(rows) == 13 and "knee_valgus_fppa_deg" in rows[0] and "eccentric_s" in rows[0]
    assert "valgus" in res.output and "(°)" in res.output and "caved in" in res.output


def test_key_series_gives_per_frame_valgus_of_both_knees(two_sets, two_sets_report):
    from hipform.exercises import AnalysisOptions

    ex = get_exercise(SLS)
    th = Settings(SLS).thresholds()
    ks = ex.key_series(two_sets.clean, AnalysisOptions(thresholds=th))
    assert set(ks.series) == {"left knee valgus", "right knee valgus"} and ks.unit == "deg"
    assert ks.thresholds == {"warn": 10.0, "fault": 15.0}
    truth = two_sets.reps[5]  # right leg, 25°
    i = two_sets.clean.index_at(truth["bottom_s"])
    assert ks.series["right knee valgus"][i] == pytest.approx(25.0, abs=0.5)
    assert ex.key_series(two_sets.clean, AnalysisOptions(thresholds=th, view="side-right")) is None


def test_leg_length_scale_matches_the_model(two_sets):
    scale = fk.leg_scale_px(two_sets.clean)
    assert np.nanmedian(scale) == pytest.approx(LEG, rel=0.02)


# real clips ----------------------------------------------------------------------------
HINGE_CLIPS = (  # README: one hinge rep, left stance, in every view
    "single_leg_hinge_pose2sim_cam01.mp4",
    "single_leg_hinge_pose2sim_cam02.mp4",
    "single_leg_hinge_pose2sim_cam03.mp4",
    "single_leg_hinge_pose2sim_cam04.mp4",
    "single_leg_hinge_two_people_pose2sim_cam01.mp4",
)


@pytest.mark.slow
@pytest.mark.parametrize("name", HINGE_CLIPS)
def test_real_single_leg_clips_run_with_left_stance(name):
    from fixtures_pose import subject_sequence

    d = analyse(subject_sequence(name))
    # a hinge is not a squat: the squat counter may or may not count its one dip, never more
    assert len(d["reps"]) <= 1
    assert all(r["side"] == "left" for r in d["reps"])  # never the wrong leg
    if d["working_side"] is None:  # no clear stance cue from this view: the report says so
        assert any("stance leg is unclear" in n for n in d["notes"])
    else:
        assert d["working_side"] == "left"
    # elevated oblique cameras (README): past the yaw limit the frontal angles are withheld with the reason
    yaw = float(re.search(r"camera about (\d+)° off the", " ".join(d["notes"])).group(1))
    skipped = {n["metric"]: n["reason"] for n in d["not_judged"]}
    assert ("off the" in skipped.get("knee_valgus_fppa_deg", "")) == (yaw > 10)
    if name != "single_leg_hinge_pose2sim_cam02.mp4":
        assert yaw > 30


def _world_missing_knee_bend(seq: PoseSequence, keep: float = 0.15) -> PoseSequence:
    """World landmarks that keep only ``keep`` of every move away from the first frame.

    Mimics MediaPipe's world landmarks on a rendered rear-view single-leg squat, which
    moved 0.02-0.05 leg lengths for a true 0.23 hip drop.
    """
    w0 = seq.world[:1]
    return seq.replace(world=w0 + keep * (seq.world - w0))


@pytest.mark.parametrize("view", ["rear", "front"])
def test_reps_counted_from_the_image_when_world_misses_the_knee_bend(view):
    """Regression (rendered rear view): 0 of 3 reps when the rep signal came from the world landmarks."""
    script = [Stand(0.6, "right"), *[Rep("right", depth=0.22, valgus=v) for v in (3.0, 10.0, 16.0)]]
    clip = make_clip(script, view=view, seed=31)
    seq = _world_missing_knee_bend(clip.seq)
    per_frame = fk.frame_descent_signal(seq)
    assert np.nanpercentile(per_frame, 95) - np.nanpercentile(per_frame, 5) < 0.06  # below the rep floor
    d = analyse(seq, side="right")  # the squashed world also hides the lifted foot, which tells the side
    assert d["view"] == view
    assert len(d["reps"]) == 3  # including the first, after only 0.6 s of standing
    for rep, truth in zip(d["reps"], clip.reps, strict=True):
        assert abs(rep["bottom_s"] - truth["bottom_s"]) <= 0.1
        assert rep["metrics"]["depth_hip_drop_rel"] == pytest.approx(0.22, abs=0.03)
        assert rep["metrics"]["knee_valgus_fppa_deg"] == pytest.approx(truth["valgus"], abs=1.5)


def _rotate_world(seq: PoseSequence, names: tuple[str, ...], deg: float) -> PoseSequence:
    """Turn some world landmarks about the vertical axis through the hip centre."""
    a = np.radians(deg)
    rot = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    world = seq.world.copy()
    idx = [fk.landmark_index(n) for n in names]
    world[:, idx] = world[:, idx] @ rot.T
    return seq.replace(world=world)


def test_camera_yaw_ignores_a_shoulder_pelvis_twist():
    """The heavy model turned the hip and shoulder lines opposite ways on square-on rendered clips."""
    clip = make_clip([Stand(1.0, None), Rep("right", depth=0.22, valgus=8.0)], seed=32)
    hips, shoulders = ("left_hip", "right_hip"), ("left_shoulder", "right_shoulder")
    twisted = _rotate_world(_rotate_world(clip.seq, hips, 15.0), shoulders, -15.0)
    assert fk.camera_yaw_deg(twisted) == pytest.approx(0.0, abs=2.0)
    turned = _rotate_world(_rotate_world(clip.seq, hips, 12.0), shoulders, 12.0)
    assert fk.camera_yaw_deg(turned) == pytest.approx(12.0, abs=2.0)
    d = analyse(turned)
    skipped = {n["metric"]: n["reason"] for n in d["not_judged"]}
    assert "(limit 10°)" in skipped["knee_valgus_fppa_deg"]


@pytest.mark.slow
def test_rendered_rear_view_counts_every_rep(real_landmarks):
    """Rendered rear view on axis (tests/data/rendered): 0 of 3 reps before the image rep signal."""
    from pathlib import Path

    rendered = Path(__file__).parent / "data" / "rendered"
    truth = json.loads((rendered / "sls_rear+0_right_30fps.truth.json").read_text())
    d = analyse(real_landmarks(rendered / "sls_rear+0_right_30fps.mp4", "full"))
    assert d["view"] == "rear"
    assert len(d["reps"]) == truth["rep_count"] == 3
    assert d["working_side"] == truth["side"] == "right"
    for rep, t in zip(d["reps"], truth["reps"], strict=True):
        assert abs(rep["bottom_s"] - t["bottom_s"]) <= 0.2
        depth = t["metrics"]["depth_hip_drop_rel"]["joint_centre"]
        assert rep["metrics"]["depth_hip_drop_rel"] == pytest.approx(depth, abs=0.04)
