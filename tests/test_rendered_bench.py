"""End to end on rendered people with known kinematics (``tests/data/rendered``).

The clips and their ``<clip>.truth.json`` files are made by ``bench/`` (see
``bench/README.md``); these tests need only hipform and MediaPipe. They run the real
pipeline (MediaPipe ``full`` -> cleaning -> exercise module) and check rep counts, the
working side, event timing and every measure against the truth, within the errors that
``benchmarks/validate.py`` reports in ``docs/validation.md`` (plus a small margin for
run-to-run jitter). A change that makes hipform less accurate than documented fails here.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from hipform.pipeline import Settings, analyse_sequence

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
RENDERED = REPO / "tests" / "data" / "rendered"

_spec = importlib.util.spec_from_file_location("hipform_validate", REPO / "benchmarks" / "validate.py")
validate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(validate)

CLIPS = {
    "sls_front_left": "single-leg-squat",
    "sls_front_right": "single-leg-squat",
    "rdl_front_left": "single-leg-rdl",
    "hipthrust_side": "hip-thrust",
    "running_side_60fps": "running",
}

#: Largest accepted |hipform - truth| per (exercise, measure): (truth variant, limit).
#: From docs/validation.md (MediaPipe full, default settings): the largest error seen on
#: these clips against the truth hipform tracks most closely, plus a margin.
TOLERANCE: dict[tuple[str, str], tuple[str, float]] = {}

#: Measures hipform reports that have no truth here (not compared).
NO_TRUTH = {"duration_s", "eccentric_s", "back_rounding_proxy_pct", "head_trunk_deg",
            "peak_hip_extension_vs_trunk_deg", "lumbar_compensation_deg", "shank_angle_ic_deg",
            "heel_ahead_ic_rel", "standing_knee_flexion_deg", "pelvic_tilt_deg"}


def truth_of(name: str) -> dict:
    return json.loads((RENDERED / f"{name}.truth.json").read_text())


@pytest.fixture(scope="module")
def reports(real_landmarks):
    """``name -> report dict`` for every rendered clip (landmarks cached on disk)."""
    memo: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in memo:
            seq = real_landmarks(RENDERED / f"{name}.mp4", "full")
            memo[name] = analyse_sequence(seq, Settings(exercise=CLIPS[name])).to_dict()
        return memo[name]

    return get


def test_truth_files_match_clips():
    for name, exercise in CLIPS.items():
        t = truth_of(name)
        assert t["exercise"] == exercise
        assert (RENDERED / t["clip"]).is_file()
        assert len(t["landmarks_2d"]["joint_centre"]) == t["frame_count"]


@pytest.mark.parametrize("name", [n for n, e in CLIPS.items() if e != "running"])
def test_rep_count_exact(reports, name):
    t, r = truth_of(name), reports(name)
    assert len(r["reps"]) == t["rep_count"], [(x["start_s"], x["end_s"]) for x in r["reps"]]


@pytest.mark.parametrize("name", [n for n, e in CLIPS.items() if e != "running"])
def test_every_rep_found_at_the_right_time(reports, name):
    t, r = truth_of(name), reports(name)
    matched = validate.match_reps(t["reps"], r["reps"])
    assert len(matched) == len(t["reps"])
    for tr, rep in matched:
        key = tr.get("top_s", tr.get("bottom_s"))
        assert abs(validate._event_time(rep) - key) <= 0.25, (tr, rep)


@pytest.mark.parametrize("name", [n for n, e in CLIPS.items() if e in ("single-leg-squat", "single-leg-rdl")])
def test_working_side(reports, name):
    t, r = truth_of(name), reports(name)
    assert r["working_side"] == t["side"]
    assert [rep["side"] for rep in r["reps"]] == [t["side"]] * t["rep_count"]


def test_running_steps_cadence_and_events(reports):
    t, r = truth_of("running_side_60fps"), reports("running_side_60fps")
    matched = validate.match_steps(t["steps"], r["steps"], t["stride_s"])
    # every complete stance is found except possibly one cut by the clip's start or end
    assert len(matched) >= t["step_count"] - 1
    assert abs(r["summary"]["cadence_spm"] - t["cadence_spm"]) <= 2.0
    for tr, st in matched:
        assert abs(st["ic_s"] - tr["ic_s"]) <= 0.05, (tr, st)
        assert abs(st["to_s"] - tr["to_s"]) <= 0.05, (tr, st)


def _pairs(reports, name):
    t, r = truth_of(name), reports(name)
    pairs, _ = validate.collect(t, r, "full")
    return pairs


@pytest.mark.parametrize("name", list(CLIPS))
def test_measures_within_documented_error(reports, name):
    pairs = _pairs(reports, name)
    assert pairs, "no measure could be compared"
    checked = 0
    for p in pairs:
        key = (p.exercise, p.metric)
        assert key in TOLERANCE or p.metric in NO_TRUTH, f"no documented tolerance for {key}"
        if key not in TOLERANCE:
            continue
        variant, limit = TOLERANCE[key]
        true = getattr(p, variant)
        assert abs(p.measured - true) <= limit, f"{p.metric}: hipform {p.measured:.3f}, true {true:.3f} ({variant})"
        checked += 1
    assert checked > 0
