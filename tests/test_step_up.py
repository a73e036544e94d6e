"""Forward step-up on front/rear views from the kinematic model."""

from __future__ import annotations

import pytest
from synth_front import Stand, StepUp, Walk, make_clip

from hipform.exercises import get_exercise
from hipform.pipeline import Settings, analyse_sequence

STEP = "step-up"


def analyse(seq, **kw) -> dict:
    return analyse_sequence(seq, Settings(STEP, **kw)).to_dict()


@pytest.fixture(scope="module")
def step_clip():
    """Walk in, 3 right-leg step-ups (slow lowering), rest, 3 left-leg step-ups (one dropped fast), walk out."""
    script = [
        Walk(2.0, -150, 360),
        Stand(1.0, None),
        StepUp("right", valgus=4, knee_drive=0.9, lowering_s=2.0),
        StepUp("right", valgus=12, knee_drive=0.7, lowering_s=2.0, pelvic_drop=4),
        StepUp("right", valgus=18, knee_drive=0.9, lowering_s=1.6),
        Stand(4.0, None),
        StepUp("left", valgus=0, knee_drive=0.5, lowering_s=2.0, box_rel=0.25),
        StepUp("left", valgus=8, knee_drive=0.9, lowering_s=0.6, box_rel=0.25),
        StepUp("left", valgus=-6, knee_drive=0.9, lowering_s=1.8, box_rel=0.25),
        Stand(1.0, None),
        Walk(2.0, 360, 900),
    ]
    return make_clip(script, noise_px=1.5, seed=31)


@pytest.fixture(scope="module")
def step_report(step_clip):
    return analyse(step_clip.seq)


def test_counts_lead_leg_and_sets(step_clip, step_report):
    reps = step_report["reps"]
    assert len(reps) == 6
    assert [r["side"] for r in reps] == ["right"] * 3 + ["left"] * 3
    assert [r["set"] for r in reps] == [1, 1, 1, 2, 2, 2]
    for r, truth in zip(reps, step_clip.reps, strict=True):
        assert r["bottom_s"] == pytest.approx(truth["bottom_s"], abs=0.6)  # the top of the step-up


def test_measures_against_truth(step_clip, step_report):
    for r, truth in zip(step_report["reps"], step_clip.reps, strict=True):
        m = r["metrics"]
        assert m["knee_valgus_fppa_deg"] == pytest.approx(truth["valgus"], abs=2.0), r["index"]
        assert m["knee_drive_rel"] == pytest.approx(truth["knee_drive"], abs=0.05), r["index"]
        assert m["hip_rise_rel"] == pytest.approx(truth["rise"], abs=0.03), r["index"]
        assert m["pelvic_drop_deg"] == pytest.approx(truth["pelvic_drop"], abs=1.5), r["index"]
        # lowering: 95% -> 5% of a half-cosine descent lasts 0.713 of it
        assert m["eccentric_s"] == pytest.approx(0.713 * truth["lowering_s"], abs=0.15), r["index"]


def test_fast_lowering_and_valgus_faults(step_report):
    faults = [{f["code"]: f for f in r["faults"]} for r in step_report["reps"]]
    assert "fast_lowering" in faults[4]
    fl = faults[4]["fast_lowering"]
    assert fl["severity"] == "fault" and fl["metric"] == "eccentric_s" and "rep 5" in fl["message"]
    assert all("fast_lowering" not in f for i, f in enumerate(faults) if i != 4)
    assert faults[2]["knee_valgus"]["severity"] == "fault"
    assert faults[2]["knee_valgus"]["message"].startswith("right knee caved in")
    assert "on the way up of rep 3" in faults[2]["knee_valgus"]["message"]
    assert "knee_valgus" not in faults[0] and "knee_valgus" not in faults[5]


def test_headline_per_lead_leg(step_report):
    s = step_report["summary"]
    assert s["rep_count_by_side"] == {"right": 3, "left": 3}
    assert s["by_side"]["right"]["reps"] == 3
    assert s["by_side"]["right"]["knee_valgus_fppa_deg_max"] == pytest.approx(18.0, abs=2.0)
    assert s["by_side"]["left"]["eccentric_s_mean"] < s["by_side"]["right"]["eccentric_s_mean"]


def test_rear_view_lead_leg():
    clip = make_clip([Stand(1.0, None), StepUp("left", valgus=10), StepUp("left", valgus=10)], view="rear", seed=32)
    d = analyse(clip.seq)
    assert d["view"] == "rear"
    assert [r["side"] for r in d["reps"]] == ["left", "left"]
    assert all(r["metrics"]["knee_valgus_fppa_deg"] == pytest.approx(10.0, abs=2.0) for r in d["reps"])


def test_low_frame_rate_withholds_timing():
    clip = make_clip([Stand(1.0, None), StepUp("right", lowering_s=0.6), StepUp("right", lowering_s=0.6)], seed=33)
    low = clip.seq.take(slice(None, None, 3)).replace(fps=10.0)  # 10 fps
    d = analyse(low)
    assert len(d["reps"]) == 2
    skipped = {n["metric"] for n in d["not_judged"]}
    assert {"eccentric_s", "duration_s"} <= skipped
    assert all(f["code"] != "fast_lowering" for r in d["reps"] for f in r["faults"])
    assert any("too low for timing" in n for n in d["notes"])


def test_declaration():
    ex = get_exercise(STEP)
    th = {t.name: t.default for t in ex.thresholds}
    assert th["lowering_warn_s"] == 1.0
    assert {m.name for m in ex.metrics} >= {"eccentric_s", "knee_drive_rel", "knee_valgus_fppa_deg"}
