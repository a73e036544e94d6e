"""Frontal knee measures are judged only where they mean something (issue 14, item 5)."""

from __future__ import annotations

import numpy as np
import pytest
from synth_front import Rep, Stand, make_clip

from hipform.exercises.frontal_validity import (
    SEGMENT_MIN_DEFAULT,
    disagreement_note,
    foreshortening_reason,
    knee_faults,
)
from hipform.pipeline import Settings, analyse_sequence


def analyse(seq, name="squat"):
    return analyse_sequence(seq, Settings(name)).to_dict()


def test_limit_is_the_geometry():
    # a segment at r of its length shows a sideways angle v as atan(tan v / r): at the limit 10° reads 15°
    r = SEGMENT_MIN_DEFAULT
    assert np.degrees(np.arctan(np.tan(np.radians(10.0)) / r)) == pytest.approx(15.0, abs=0.2)
    assert foreshortening_reason(0.8, 0.7, r) is None
    why = foreshortening_reason(0.41, 0.8, r)
    assert why.startswith("not judged: thigh foreshortened to 41% of its standing length (limit 66%)")


def test_deep_front_squat_withholds_fppa_shallow_judges_it():
    deep = make_clip([Stand(1.5, None), *[Rep(None, depth=0.5, valgus=5.0) for _ in range(2)], Stand(1.0)], seed=3)
    d = analyse(deep.seq)
    assert d["view"] == "front" and len(d["reps"]) == 2
    nj = {n["metric"]: n["reason"] for n in d["not_judged"]}
    for side in ("left", "right"):
        name = f"knee_valgus_fppa_{side}_deg"
        assert all(r["metrics"][name] is None for r in d["reps"])
        assert "foreshortened to" in nj[name] and "(limit 66%)" in nj[name]
        assert not any(f["metric"] == name for r in d["reps"] for f in r["faults"])
        # knee over toe is a sideways distance: still judged
        assert all(r["metrics"][f"knee_medial_offset_{side}_shank"] is not None for r in d["reps"])
    shallow = make_clip([Stand(1.5, None), *[Rep(None, depth=0.2, valgus=12.0) for _ in range(2)], Stand(1.0)], seed=4)
    s = analyse(shallow.seq)
    assert len(s["reps"]) == 2
    assert "knee_valgus_fppa_left_deg" not in {n["metric"] for n in s["not_judged"]}
    for r in s["reps"]:
        assert r["metrics"]["knee_valgus_fppa_left_deg"] == pytest.approx(12.0, abs=1.5)
        assert ("knee_valgus", "knee_valgus_fppa_left_deg") in {(f["code"], f["metric"]) for f in r["faults"]}


def test_deep_single_leg_squat_names_the_reps():
    clip = make_clip(
        [Stand(1.0, "right"), Rep("right", depth=0.25, valgus=8.0), Rep("right", depth=0.42, valgus=8.0)], seed=5
    )
    d = analyse(clip.seq, "single-leg-squat")
    assert len(d["reps"]) == 2
    assert d["reps"][0]["metrics"]["knee_valgus_fppa_deg"] == pytest.approx(8.0, abs=1.5)
    assert d["reps"][1]["metrics"]["knee_valgus_fppa_deg"] is None
    notes = " ".join(d["notes"])
    assert "knee_valgus_fppa_deg in rep(s) 2: not judged:" in notes and "foreshortened to" in notes


def test_sign_disagreement_faults_neither():
    # FPPA says outside (varus 8°), the turned-out toe puts the knee inside it
    clip = make_clip([Stand(1.5, None), *[Rep(None, depth=0.2, valgus=-8.0, toe_out_px=45) for _ in range(2)]], seed=6)
    d = analyse(clip.seq)
    assert len(d["reps"]) == 2
    for r in d["reps"]:
        assert r["metrics"]["knee_valgus_fppa_left_deg"] == pytest.approx(-8.0, abs=1.5)
        assert r["metrics"]["knee_medial_offset_left_shank"] > 0.10
        assert not [f for f in r["faults"] if f["code"] in ("knee_valgus", "knee_medial_to_toe")]
    notes = " ".join(d["notes"])
    assert "rep 1: left knee: FPPA -8° puts it outside the hip-ankle line" in notes
    assert "the two cues disagree, so neither is faulted" in notes
    # the same turned-out foot with a straight knee (no FPPA sign) still faults knee-over-toe
    agree = make_clip([Stand(1.5, None), *[Rep(None, depth=0.2, valgus=0.0, toe_out_px=45) for _ in range(2)]], seed=6)
    a = analyse(agree.seq)
    assert all("knee_medial_to_toe" in {f["code"] for f in r["faults"]} for r in a["reps"])
    assert "disagree" not in " ".join(a["notes"])


def test_disagreement_rule_is_pure():
    th = {"knee_valgus_warn_deg": 10, "knee_valgus_fault_deg": 15, "knee_medial_warn_shank": 0.06,
          "knee_medial_fault_shank": 0.1}
    assert disagreement_note(-8.0, 0.15, "left", th)
    assert disagreement_note(20.0, -0.05, "left", th)
    assert disagreement_note(-4.0, 0.15, "left", th) is None  # FPPA sign within noise
    assert disagreement_note(20.0, 0.15, "left", th) is None
    assert knee_faults(20.0, -0.05, "left", 1, th, "a", "b") == []
    assert {f.code for f in knee_faults(20.0, 0.15, "left", 1, th, "a", "b")} == {"knee_valgus", "knee_medial_to_toe"}
