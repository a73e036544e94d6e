"""Single-leg Romanian deadlift: synthetic hinges with known angles, and the real pose2sim clips."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from synth_hinge import Camera, HingeRep, hinge_sequence
from typer.testing import CliRunner

from hipform.cli import app
from hipform.exercises import AnalysisOptions, get_exercise
from hipform.exercises.hinge_geometry import (
    elevation_deg,
    head_trunk_deg,
    hinge_signal_deg,
    signed_hip_angle_deg,
    trunk_angle_from_vertical,
)
from hipform.exercises.single_leg_rdl import (
    EXERCISE,
    back_rounding_fault,
    counter_config,
    locked_knee_fault,
    pelvic_rotation_fault,
    shallow_hinge_fault,
)
from hipform.landmark_io import write_landmarks_csv
from hipform.landmarks import LANDMARK_NAMES, MIRROR_ORDER, landmark_index
from hipform.pipeline import Settings, analyse_sequence
from hipform.reps import count_reps

NAME = "single-leg-rdl"
FRONT = Camera(0.0)
REAR = Camera(180.0)
SIDE_L = Camera(-90.0)
SIDE_R = Camera(90.0)
OBLIQUE_LEVEL = Camera(45.0)
OBLIQUE_FRONT = Camera(45.0, 20.0)
OBLIQUE_REAR = Camera(-135.0, 20.0)


def analyse(seq, **kw):
    return analyse_sequence(seq, Settings(NAME, **kw)).to_dict()


def metric(report, rep_no, name):
    return report["reps"][rep_no]["metrics"].get(name)


def not_judged(report):
    return {n["metric"]: n["reason"] for n in report["not_judged"]}


def codes(report, rep_no):
    return {f["code"] for f in report["reps"][rep_no]["faults"]}


@pytest.fixture(scope="module")
def defaults():
    return Settings(NAME).thresholds()


# ---------------------------------------------------------------------------------------
# pure geometry
# ---------------------------------------------------------------------------------------
def test_geometry_helpers_2d_and_3d():
    up2 = np.array([0.0, -1.0])
    assert trunk_angle_from_vertical(np.array([0.0, 0.0]), np.array([1.0, -1.0]), up2) == pytest.approx(45.0)
    up3 = np.array([0.0, 0.0, 1.0])
    assert trunk_angle_from_vertical(np.zeros(3), np.array([0.0, 1.0, 1.0]), up3) == pytest.approx(45.0)
    assert elevation_deg(np.array([1.0, 0.0, 1.0]), up3) == pytest.approx(45.0)
    assert elevation_deg(np.array([1.0, 0.0, -1.0]), up3) == pytest.approx(-45.0)
    # hip below the shoulder-knee line on screen: < 180; above: > 180
    sh, knee = np.array([0.0, 0.0]), np.array([10.0, 0.0])
    assert signed_hip_angle_deg(sh, np.array([5.0, 1.0]), knee, up2) < 180
    assert signed_hip_angle_deg(sh, np.array([5.0, -1.0]), knee, up2) > 180
    assert np.isnan(signed_hip_angle_deg(sh, np.array([np.nan, 0.0]), knee, up2))
    # ear above the continued trunk line = positive
    assert head_trunk_deg(np.array([0.0, 0.0]), np.array([10.0, 0.0]), np.array([12.0, -2.0]), up2) == pytest.approx(
        45.0
    )


# ---------------------------------------------------------------------------------------
# synthetic: known truth
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "camera",
    [FRONT, REAR, SIDE_L, SIDE_R, OBLIQUE_LEVEL, OBLIQUE_FRONT, OBLIQUE_REAR],
    ids=["front", "rear", "side-left", "side-right", "oblique-level", "oblique-front-raised", "oblique-rear-raised"],
)
def test_pelvic_rotation_and_trunk_angle_within_2_deg(camera):
    """Hip line from world landmarks in every view; trunk angle from level cameras.

    From a raised camera the trunk's foreshortening is biased (documented): only the hip
    line is checked there.
    """
    truths = [0.0, 6.0, 12.0, 18.0, 25.0]
    reps = [
        HingeRep(trunk_deg=70 + 3 * k, pelvic_rotation_deg=p, stance="left" if k % 2 == 0 else "right")
        for k, p in enumerate(truths)
    ]
    seq, truth = hinge_sequence(reps, camera, noise_px=0.5, noise_m=0.003, seed=3)
    r = analyse(seq)
    assert len(r["reps"]) == len(reps)
    for k, tr in enumerate(truth):
        assert r["reps"][k]["side"] == tr.stance
        assert metric(r, k, "pelvic_rotation_deg") == pytest.approx(tr.pelvic_rotation_deg, abs=2.0)
        if camera.elevation_deg == 0:
            assert metric(r, k, "trunk_angle_deg") == pytest.approx(tr.trunk_deg, abs=2.0)
    assert "pelvic_rotation" in codes(r, 4) and "pelvic_rotation" not in codes(r, 0)
    if camera.elevation_deg == 0:
        assert not {c for k in range(len(reps)) for c in codes(r, k)} & {"shallow_hinge"}


@pytest.mark.parametrize("trunk", [45.0, 60.0, 75.0, 90.0])
@pytest.mark.parametrize("camera", [SIDE_L, FRONT], ids=["side", "front"])
def test_trunk_angle_side_on_screen_and_front_from_foreshortening(trunk, camera):
    seq, truth = hinge_sequence([HingeRep(trunk_deg=trunk)] * 2, camera, noise_px=0.5, noise_m=0.003)
    r = analyse(seq)
    assert len(r["reps"]) == 2
    for k in range(2):
        assert metric(r, k, "trunk_angle_deg") == pytest.approx(truth[k].trunk_deg, abs=2.0)
    assert ("shallow_hinge" in codes(r, 0)) == (metric(r, 0, "trunk_angle_deg") < 60.0)
    if trunk <= 45.0:
        assert "shallow_hinge" in codes(r, 0)


def test_counts_sets_and_sides_exact():
    reps = [HingeRep(stance="left")] * 3 + [HingeRep(stance="right")] * 3 + [HingeRep(stance="left")] * 2
    seq, truth = hinge_sequence(reps, FRONT, noise_px=1.0, noise_m=0.005, set_breaks={6: 25.0})
    r = analyse(seq)
    assert len(r["reps"]) == 8
    assert [x["side"] for x in r["reps"]] == [t.stance for t in truth]
    assert [x["set"] for x in r["reps"]] == [1, 1, 1, 2, 2, 2, 3, 3]
    assert r["summary"]["rep_count_by_side"] == {"left": 5, "right": 3}
    assert r["working_side"] == "mixed"
    for x, t in zip(r["reps"], truth, strict=True):
        assert t.start_s - 0.2 <= x["start_s"] < x["deepest_s"] < x["end_s"] <= t.end_s + 0.2
        assert x["deepest_s"] == pytest.approx(t.bottom_s, abs=0.25)


def test_small_sway_is_not_a_rep():
    seq, _ = hinge_sequence([HingeRep(trunk_deg=8.0, pelvic_rotation_deg=0.0)] * 3, SIDE_L)
    assert analyse(seq)["reps"] == []


def test_live_counter_matches_offline():
    reps = [HingeRep(stance="left")] * 4
    seq, _ = hinge_sequence(reps, SIDE_L, noise_px=0.5)
    cfg = counter_config(Settings(NAME).thresholds())
    signal = hinge_signal_deg(seq)
    assert len(count_reps(seq.t, signal, cfg, use_clip_range=False)) == 4
    assert len(count_reps(seq.t, signal, cfg)) == 4


@pytest.mark.parametrize("offset", [0.0, 0.05, 0.15])
def test_knee_over_second_toe_front_view(offset):
    seq, _ = hinge_sequence([HingeRep(knee_medial_shank=offset)] * 2, FRONT, noise_px=0.5)
    r = analyse(seq)
    for k in range(2):
        assert metric(r, k, "knee_medial_offset_shank") == pytest.approx(offset, abs=0.02)
    assert ("knee_medial_to_toe" in codes(r, 0)) == (offset >= 0.10)


@pytest.mark.parametrize(("knee", "fault"), [(2.0, "fault"), (8.0, "warn"), (20.0, None)])
def test_standing_knee_flexion_side_view(knee, fault):
    seq, _ = hinge_sequence([HingeRep(stance_knee_deg=knee)] * 2, SIDE_R, noise_px=0.5)
    r = analyse(seq)
    assert metric(r, 0, "standing_knee_flexion_deg") == pytest.approx(knee, abs=2.0)
    locked = [f["severity"] for f in r["reps"][0]["faults"] if f["code"] == "locked_knee"]
    assert locked == ([fault] if fault else [])


@pytest.mark.parametrize("camera", [SIDE_L, FRONT], ids=["side", "front"])
def test_back_rounding_proxy(camera):
    # same chord angle (~80 deg); the second rep gets there by curling a 110 deg curve into the spine
    reps = [HingeRep(trunk_deg=80.0), HingeRep(trunk_deg=25.0, back_bend_deg=110.0)]
    seq, truth = hinge_sequence(reps, camera, noise_px=0.5, noise_m=0.002)
    r = analyse(seq)
    assert len(r["reps"]) == 2
    assert metric(r, 0, "back_rounding_proxy_pct") == pytest.approx(0.0, abs=1.0)
    assert metric(r, 1, "back_rounding_proxy_pct") == pytest.approx(truth[1].back_rounding_pct, abs=1.5)
    assert truth[1].back_rounding_pct > 12
    assert "back_rounding_proxy" in codes(r, 1) and "back_rounding_proxy" not in codes(r, 0)
    msg = next(f["message"] for f in r["reps"][1]["faults"] if f["code"] == "back_rounding_proxy")
    assert "proxy" in msg
    assert any("proxy" in n for n in r["notes"])
    assert "PROXY" in EXERCISE.metric("back_rounding_proxy_pct").description


# ---------------------------------------------------------------------------------------
# view gating and what is not judged
# ---------------------------------------------------------------------------------------
def test_side_view_does_not_judge_knee_over_toe():
    seq, _ = hinge_sequence([HingeRep()] * 2, SIDE_L)
    r = analyse(seq)
    nj = not_judged(r)
    assert "knee_medial_offset_shank" in nj and "front or rear" in nj["knee_medial_offset_shank"]
    assert "knee_medial_offset_shank" not in r["reps"][0]["metrics"]
    assert "standing_knee_flexion_deg" not in nj


def test_front_view_without_world_landmarks():
    seq, truth = hinge_sequence([HingeRep(pelvic_rotation_deg=15.0)] * 2, FRONT, with_world=False)
    r = analyse(seq)
    assert len(r["reps"]) == 2
    nj = not_judged(r)
    assert "world landmarks" in nj["back_rounding_proxy_pct"]
    assert "side view" in nj["standing_knee_flexion_deg"]
    # the trunk's foreshortening and the hip line are still seen on screen
    assert metric(r, 0, "trunk_angle_deg") == pytest.approx(truth[0].trunk_deg, abs=2.0)
    assert metric(r, 0, "pelvic_rotation_deg") == pytest.approx(truth[0].pelvic_rotation_deg, abs=2.0)


def test_side_view_without_world_landmarks():
    seq, truth = hinge_sequence([HingeRep(trunk_deg=80.0)] * 2, SIDE_R, with_world=False)
    r = analyse(seq)
    nj = not_judged(r)
    assert "world landmarks or a front/rear view" in nj["pelvic_rotation_deg"]
    assert metric(r, 0, "trunk_angle_deg") == pytest.approx(80.0, abs=2.0)


def test_oblique_view_gates_knee_over_toe_but_measures_pelvis():
    seq, truth = hinge_sequence([HingeRep(pelvic_rotation_deg=20.0, knee_medial_shank=0.2)] * 2, OBLIQUE_FRONT)
    r = analyse(seq)
    nj = not_judged(r)
    assert "off a square" in nj["knee_medial_offset_shank"]
    assert metric(r, 0, "pelvic_rotation_deg") == pytest.approx(20.0, abs=2.0)


def swap_labels(seq, frames):
    """Swap every left landmark with its right partner in some frames (front/back confusion)."""
    perm = np.array(MIRROR_ORDER)
    xyz, vis, world = seq.xyz.copy(), seq.visibility.copy(), seq.world.copy()
    xyz[frames] = seq.xyz[frames][:, perm]
    vis[frames] = seq.visibility[frames][:, perm]
    world[frames] = seq.world[frames][:, perm]
    return seq.replace(xyz=xyz, visibility=vis, world=world)


def test_left_right_label_flip_mid_rep_is_repaired():
    seq, truth = hinge_sequence([HingeRep(pelvic_rotation_deg=14.0)], OBLIQUE_LEVEL, noise_px=0.5)
    bottom = seq.index_at(truth[0].bottom_s)
    r = analyse(swap_labels(seq, np.arange(bottom - 12, bottom - 5)))
    assert r["data_quality"]["body_flips_repaired"] == 7
    assert len(r["reps"]) == 1 and r["reps"][0]["side"] == "left"
    assert metric(r, 0, "pelvic_rotation_deg") == pytest.approx(14.0, abs=2.0)
    assert metric(r, 0, "trunk_angle_deg") == pytest.approx(truth[0].trunk_deg, abs=2.0)


def test_left_right_label_flip_over_the_bottom_is_not_judged():
    seq, truth = hinge_sequence([HingeRep(pelvic_rotation_deg=10.0)], OBLIQUE_LEVEL)
    bottom = seq.index_at(truth[0].bottom_s)
    r = analyse(swap_labels(seq, np.arange(bottom - 8, bottom + 8)))
    assert len(r["reps"]) == 1
    assert r["reps"][0]["side"] == "left"
    reason = not_judged(r)["pelvic_rotation_deg"]
    assert "flipped the person's left and right" in reason
    assert metric(r, 0, "trunk_angle_deg") == pytest.approx(truth[0].trunk_deg, abs=2.0)


def test_left_right_label_swap_below_20_fps_is_not_judged():
    # too few frames per second to tell a flip from movement: no repair, and the measure says why
    seq, truth = hinge_sequence([HingeRep(pelvic_rotation_deg=10.0)], OBLIQUE_LEVEL, fps=15.0)
    bottom = seq.index_at(truth[0].bottom_s)
    r = analyse(swap_labels(seq, np.arange(bottom - 4, bottom + 4)))
    assert r["data_quality"]["body_flips_repaired"] == 0
    assert len(r["reps"]) == 1
    assert "swapped" in not_judged(r)["pelvic_rotation_deg"]


def test_hidden_free_leg_is_not_judged():
    seq, truth = hinge_sequence([HingeRep(pelvic_rotation_deg=10.0, stance="left")], OBLIQUE_REAR)
    vis = seq.visibility.copy()
    near_bottom = np.abs(seq.t - truth[0].bottom_s) < 0.5
    for name in ("right_knee", "right_ankle"):
        vis[near_bottom, landmark_index(name)] = 0.3
    r = analyse(seq.replace(visibility=vis))
    assert len(r["reps"]) == 1 and r["reps"][0]["side"] == "left"
    assert "hidden" in not_judged(r)["pelvic_rotation_deg"]
    assert metric(r, 0, "trunk_angle_deg") is not None


def test_side_override_and_unknown_side_note():
    seq, _ = hinge_sequence([HingeRep(stance="right")] * 2, FRONT)
    assert {x["side"] for x in analyse(seq, side="left")["reps"]} == {"left"}
    # a hinge with both feet planted: side unknown, said so, side-bound measures not judged
    seq, _ = hinge_sequence([HingeRep()] * 2, FRONT)
    xyz = seq.xyz.copy()
    for part in ("knee", "ankle", "heel", "foot_index"):
        xyz[:, landmark_index(f"right_{part}")] = xyz[0, landmark_index(f"right_{part}")]
    r = analyse(seq.replace(xyz=xyz, world=None))
    assert all(x["side"] is None for x in r["reps"])
    assert any("working side not recognised" in n for n in r["notes"])
    assert "working side unknown" in not_judged(r)["pelvic_rotation_deg"]


# ---------------------------------------------------------------------------------------
# fault rules (pure)
# ---------------------------------------------------------------------------------------
def test_fault_rules(defaults):
    th = defaults
    assert pelvic_rotation_fault(9.0, "right", 1, th) is None
    f = pelvic_rotation_fault(-16.0, "right", 1, th)
    assert f.severity == "fault" and f.metric == "pelvic_rotation_deg" and "dropped" in f.message
    assert pelvic_rotation_fault(12.0, "right", 2, th).severity == "warn"
    assert shallow_hinge_fault(70.0, 1, th) is None
    assert shallow_hinge_fault(50.0, 1, th).severity == "warn"
    assert shallow_hinge_fault(30.0, 1, th).severity == "fault"
    assert locked_knee_fault(None, "left", 1, th) is None
    assert back_rounding_fault(25.0, 1, th).severity == "fault"


def test_thresholds_can_be_overridden(tmp_path):
    seq, _ = hinge_sequence([HingeRep(pelvic_rotation_deg=8.0)] * 2, FRONT)
    assert "pelvic_rotation" not in codes(analyse(seq), 0)
    r = analyse_sequence(seq, Settings(NAME, overrides={NAME: {"pelvic_rotation_warn_deg": 5.0}})).to_dict()
    assert "pelvic_rotation" in codes(r, 0)


def test_exercise_declaration():
    ex = get_exercise(NAME)
    assert ex.kind == "reps" and ex.cutoff_hz == pytest.approx(6.0)
    assert ex.rep_model is not None
    names = {t.name for t in ex.thresholds}
    assert {"set_gap_s", "pelvic_rotation_warn_deg", "pelvic_rotation_fault_deg", "knee_medial_fault_shank"} <= names
    assert set(ex.table_columns) == {m.name for m in ex.metrics}
    assert ex.rep_model.key_landmarks("left")[-2:] == ("left_knee", "left_ankle")
    assert all(n in LANDMARK_NAMES for n in ex.rep_model.key_landmarks("right"))
    assert isinstance(ex.analyse(hinge_sequence([HingeRep()], FRONT)[0], AnalysisOptions(
        thresholds=Settings(NAME).thresholds())).reps, list)


def test_cli_writes_report_and_reps_csv(tmp_path):
    seq, truth = hinge_sequence([HingeRep(pelvic_rotation_deg=18.0)] * 2, FRONT, noise_px=0.5)
    src = tmp_path / "hinge.csv"
    write_landmarks_csv(seq, src)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["analyze", str(src), "--exercise", NAME, "--out", str(out)])
    assert res.exit_code == 0, res.output
    report = json.loads((out / "report.json").read_text())
    assert report["exercise"] == NAME and len(report["reps"]) == 2
    rows = list(csv.DictReader((out / "reps.csv").open()))
    assert len(rows) == 2
    assert float(rows[0]["pelvic_rotation_deg"]) == pytest.approx(18.0, abs=2.0)
    assert "pelvic_rotation:fault" in rows[0]["faults"]
    assert "deepest_s" in rows[0]
    assert "pelvic" in res.output.lower()


# ---------------------------------------------------------------------------------------
# real clips (MediaPipe on the pose2sim single-leg hinge, four views of the same rep)
# ---------------------------------------------------------------------------------------
HINGE_VIEWS = [f"single_leg_hinge_pose2sim_cam0{k}.mp4" for k in range(1, 5)]
HINGE_TWO = "single_leg_hinge_two_people_pose2sim_cam01.mp4"


@pytest.fixture(scope="module")
def real_reports(real_landmarks, shared_videos):
    return {name: analyse(real_landmarks(shared_videos / name)) for name in [*HINGE_VIEWS, HINGE_TWO]}


@pytest.mark.slow
@pytest.mark.parametrize("name", [*HINGE_VIEWS, HINGE_TWO])
def test_real_hinge_one_rep_left_stance(real_reports, name):
    r = real_reports[name]
    assert len(r["reps"]) == 1, r["notes"]
    rep = r["reps"][0]
    assert rep["side"] == "left"
    # the labelled deepest point is near frames 45-65 (60 fps)
    assert 0.6 <= rep["deepest_s"] <= 1.25
    # a hinge to roughly 35-60 degrees (trunk foreshortening; the raised cameras bias it)
    assert 30.0 <= rep["metrics"]["trunk_angle_deg"] <= 65.0
    nj = not_judged(r)
    assert "standing_knee_flexion_deg" in nj  # no side view among them
    for m in ("pelvic_rotation_deg", "knee_medial_offset_shank"):
        assert (rep["metrics"].get(m) is not None) != (m in nj), m


@pytest.mark.slow
def test_real_hinge_pelvic_rotation_agrees_across_views(real_reports):
    judged = {
        n: real_reports[n]["reps"][0]["metrics"]["pelvic_rotation_deg"]
        for n in HINGE_VIEWS
        if real_reports[n]["reps"][0]["metrics"].get("pelvic_rotation_deg") is not None
    }
    # cam02 needs the whole-body flip repair (MediaPipe turns him round for ~0.3 s at the
    # bottom); cam03 hides the free leg behind the body
    assert set(judged) == {HINGE_VIEWS[0], HINGE_VIEWS[1], HINGE_VIEWS[3]}, {
        n: not_judged(real_reports[n]) for n in HINGE_VIEWS
    }
    assert real_reports[HINGE_VIEWS[1]]["data_quality"]["body_flips_repaired"] > 10
    values = np.array(list(judged.values()))
    assert values.max() - values.min() <= 6.0, judged
    # the hips opened (the free leg swung back and out): all views that judge it see it
    assert values.min() > 10.0
    for n in set(HINGE_VIEWS) - set(judged):
        assert not_judged(real_reports[n])["pelvic_rotation_deg"]


@pytest.mark.slow
def test_real_two_person_clip_matches_cam01(real_reports):
    one, two = real_reports[HINGE_VIEWS[0]], real_reports[HINGE_TWO]
    assert len(two["reps"]) == len(one["reps"]) == 1
    assert two["reps"][0]["side"] == one["reps"][0]["side"] == "left"
    assert two["reps"][0]["metrics"]["trunk_angle_deg"] == pytest.approx(
        one["reps"][0]["metrics"]["trunk_angle_deg"], abs=8.0
    )
    # a separate take of the same movement, with frames where the model turns him round
    # (repaired): the hips are judged to open as in cam01, and the same faults are raised
    assert two["data_quality"]["body_flips_repaired"] > 0
    assert two["reps"][0]["metrics"]["pelvic_rotation_deg"] > 10.0
    assert {f["code"] for f in two["reps"][0]["faults"]} == {f["code"] for f in one["reps"][0]["faults"]}


@pytest.mark.slow
def test_real_cam02_with_the_lite_model_flipped_most_of_the_time(real_landmarks, shared_videos):
    # the lite model mistakes his front for his back in most frames of cam02; his feet point
    # at the camera, which settles it: left stance, and the hips judged as by the full model
    r = analyse(real_landmarks(shared_videos / HINGE_VIEWS[1], model="lite"))
    assert r["data_quality"]["body_flips_repaired"] > 30
    assert len(r["reps"]) == 1 and r["reps"][0]["side"] == "left"
    assert 10.0 < r["reps"][0]["metrics"]["pelvic_rotation_deg"] < 30.0


# ---------------------------------------------------------------------------------------
# rendered person with known angles (tests/data/rendered, made by bench/): MediaPipe end to end
# ---------------------------------------------------------------------------------------
RENDERED = Path(__file__).resolve().parent / "data" / "rendered"


@pytest.mark.slow
def test_rendered_front_hinge(real_landmarks):
    clip = RENDERED / "rdl_front_left.mp4"
    truth = json.loads((RENDERED / "rdl_front_left.truth.json").read_text())
    r = analyse(real_landmarks(clip))
    assert len(r["reps"]) == truth["rep_count"]
    assert [x["side"] for x in r["reps"]] == [truth["side"]] * truth["rep_count"]
    for x, t in zip(r["reps"], truth["reps"], strict=True):
        assert abs(x["deepest_s"] - t["bottom_s"]) <= 0.3
        # the trunk's foreshortening reads a few degrees under the surface-point truth (documented)
        surface = t["metrics"]["trunk_angle_3d_deg"]["surface"]
        assert surface - 10.0 <= x["metrics"]["trunk_angle_deg"] <= surface + 3.0
        true_offset = t["metrics"]["knee_medial_offset_shank"]["surface"]
        assert abs(x["metrics"]["knee_medial_offset_shank"] - true_offset) < 0.08
    # the hip line is judged where the free leg is seen, and then under-reads (documented)
    judged = [x["metrics"].get("pelvic_rotation_deg") for x in r["reps"]]
    assert any(v is not None for v in judged)
    assert "pelvic_rotation_deg" not in not_judged(r) or all(v is None for v in judged)
