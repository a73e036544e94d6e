"""hipform compare: change per side and metric, judged against the smallest real change."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hipform.cli import app
from hipform.compare import MIN_N, compare_reports, side_means, verdict
from hipform.config import resolve_thresholds
from hipform.errors import ConfigError, InputError
from hipform.exercises import available_exercises, get_exercise
from hipform.landmark_io import write_text_atomic
from hipform.report_io import report_json_text
from hipform.results import ExerciseOutcome, Fault, NotJudged, Rep, Report, Step

runner = CliRunner()


def make_report(valgus_by_side, drop=None, exercise="single-leg-squat", not_judged=(), source="s.mp4"):
    """A report with one rep per value: {"right": [17, 17]} -> two right reps of 17 deg."""
    reps = []
    for side, values in valgus_by_side.items():
        for v in values:
            m = {"knee_valgus_fppa_deg": v}
            if drop is not None:
                m["pelvic_drop_deg"] = drop
            faults = [Fault("knee_valgus", "fault", v, 15.0, "knee caves", "knee_valgus_fppa_deg")] if v >= 15 else []
            reps.append(Rep(len(reps) + 1, side, 1, 0.0, 1.0, 2.0, metrics=m, faults=faults))
    out = ExerciseOutcome("front", 0.9, None, reps=reps, not_judged=[NotJudged(*n) for n in not_judged])
    return Report(exercise, source, 30.0, 300, 10.0, out).to_dict()


def find(comp, side, metric):
    (c,) = [c for c in comp.changes if c.side == side and c.metric == metric]
    return c


def test_valgus_change_of_8_degrees_is_a_real_improvement():
    comp = compare_reports(make_report({"right": [16.0, 18.0, 17.0]}), make_report({"right": [9.0, 9.0, 9.0]}))
    c = find(comp, "right", "knee_valgus_fppa_deg")
    assert (c.old, c.new, c.delta, c.n_old) == (17.0, 9.0, -8.0, 3)
    assert c.verdict == "real improvement"
    assert c.sentence() == "right knee valgus angle (FPPA) 17.0° → 9.0°: a real improvement"


def test_one_rep_against_one_rep_is_too_few_to_tell():
    comp = compare_reports(make_report({"right": [17.0]}), make_report({"right": [5.0]}))
    c = find(comp, "right", "knee_valgus_fppa_deg")
    assert c.verdict == "too few reps to tell" and not c.real
    assert f"a mean needs at least {MIN_N}" in c.sentence()


def test_small_changes_are_within_measurement_error():
    comp = compare_reports(
        make_report({"left": [12.0] * 3}, drop=6.0), make_report({"left": [10.0] * 3}, drop=5.0)
    )
    assert find(comp, "left", "knee_valgus_fppa_deg").verdict == "within measurement error"
    drop = find(comp, "left", "pelvic_drop_deg")
    assert drop.verdict == "within measurement error"
    assert drop.sentence().startswith("left pelvic drop 6.0° → 5.0°: within measurement error")


def test_knee_over_toe_uses_its_own_smallest_change_not_a_name_fragment():
    """0.20 -> 0.02 shank lengths is far above the 0.05 of the catalogue (the name holds 'shank')."""
    ex = get_exercise("squat")
    m = ex.metric("knee_medial_offset_left_shank")
    assert m.smallest_real_change == 0.05
    assert verdict(0.20, 0.02, m) == "real improvement"


def test_hinge_depth_shallower_is_a_worsening():
    m = get_exercise("single-leg-rdl").metric("trunk_angle_deg")
    assert verdict(45.0, 33.0, m) == "real worsening"


def test_signed_angles_improve_toward_zero_and_uncertainties_are_not_compared():
    tilt = get_exercise("hip-thrust").metric("pelvic_tilt_deg")
    assert verdict(-12.0, -3.0, tilt) == "real improvement"
    assert verdict(3.0, -12.0, tilt) == "real worsening"
    head = get_exercise("hip-thrust").metric("head_trunk_deg")
    assert verdict(-15.0, 2.0, head) == "real improvement"
    run = get_exercise("running")
    assert not run.metric("hip_extension_uncertainty_deg").comparable
    assert verdict(5.0, 12.0, run.metric("peak_hip_extension_deg")) == "real improvement"
    assert verdict(170.0, 176.0, run.metric("cadence_spm")) == "real increase"  # no better direction


def _catalogue():
    for name in available_exercises():
        ex = get_exercise(name)
        for m in ex.metrics:
            yield name, ex, m


def _pair_report(ex, m, old_v, new_v, n_old, n_new, view="front"):
    def one(v, n):
        items = []
        for i in range(n):
            if ex.kind == "steps":
                items.append(Step(i + 1, "left", i * 1.0, i * 1.0 + 0.3, metrics={m.name: v}))
            else:
                items.append(Rep(i + 1, m.side or "left", 1, i * 2.0, i * 2.0 + 1, i * 2.0 + 2, metrics={m.name: v}))
        kw = {"steps": items} if ex.kind == "steps" else {"reps": items}
        return Report(ex.name, "s.mp4", 60.0, 300, 5.0, ExerciseOutcome(view, 0.9, None, **kw)).to_dict()

    return one(old_v, n_old), one(new_v, n_new)


@pytest.mark.parametrize(("exercise", "ex", "m"), list(_catalogue()), ids=lambda x: getattr(x, "name", x))
def test_every_catalogued_measure_compares_by_its_own_rule(exercise, ex, m):
    side = m.side or "left"
    src = m.smallest_real_change
    base = 20.0 if m.unit in ("deg", "%") else 1.0
    if not m.comparable:
        old, new = _pair_report(ex, m, base, base + 10 * 1.0, 3, 3)
        assert not [c for c in compare_reports(old, new).changes if c.metric == m.name]
        return
    # a change of 1.5 x the smallest real change, with enough reps: real, in the catalogue's direction
    old, new = _pair_report(ex, m, base, base + 1.5 * src, MIN_N, MIN_N)
    c = find(compare_reports(old, new), side, m.name)
    expected = {"lower": "real worsening", "higher": "real improvement", "neither": "real increase"}
    expected["toward_zero"] = "real worsening"  # base > 0, moving away from zero
    assert c.verdict == expected[m.better]
    assert c.smallest_real_change == src and c.label == m.title
    # half the smallest real change: within measurement error
    old, new = _pair_report(ex, m, base, base + 0.5 * src, MIN_N, MIN_N)
    assert find(compare_reports(old, new), side, m.name).verdict == "within measurement error"
    # too few reps in one session: no verdict on the size of the change
    old, new = _pair_report(ex, m, base, base + 3 * src, MIN_N - 1, MIN_N)
    assert find(compare_reports(old, new), side, m.name).verdict == "too few reps to tell"


def test_a_different_camera_view_yaw_or_model_is_said():
    ex = get_exercise("single-leg-rdl")
    m = ex.metric("trunk_angle_deg")
    old, new = _pair_report(ex, m, 45.0, 33.0, 1, 1, view="front")
    old["camera_yaw_deg"], new["camera_yaw_deg"] = 24.0, 16.0
    new["backend"] = "mediapipe-lite"
    comp = compare_reports(old, new)
    notes = " ".join(comp.notes)
    assert "camera angle differs: about 24° (old) vs 16° (new)" in notes
    assert "pose model differs" in notes
    new["view"] = "side-left"
    assert any(n.startswith("camera view differs") for n in compare_reports(old, new).notes)


def test_sides_are_compared_separately():
    comp = compare_reports(
        make_report({"left": [6.0] * 3, "right": [17.0] * 3}), make_report({"left": [6.0] * 3, "right": [8.0] * 3})
    )
    assert find(comp, "left", "knee_valgus_fppa_deg").verdict == "within measurement error"
    assert find(comp, "right", "knee_valgus_fppa_deg").verdict == "real improvement"


def test_smallest_real_change_is_configurable_in_toml(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[compare]\nknee_valgus_fppa_deg = 10\n\n[single-leg-squat]\nknee_valgus_warn_deg = 9\n")
    from hipform.compare import load_compare_config

    overrides = load_compare_config(cfg)
    comp = compare_reports(make_report({"right": [17.0] * 3}), make_report({"right": [9.0] * 3}), overrides)
    c = find(comp, "right", "knee_valgus_fppa_deg")
    assert c.smallest_real_change == 10.0 and c.verdict == "within measurement error"
    # the same file still works for analyze: [compare] is not an unknown table
    from hipform.config import load_toml

    specs = get_exercise("single-leg-squat").thresholds
    th = resolve_thresholds("single-leg-squat", specs, load_toml(cfg), known_exercises=["single-leg-squat"])
    assert th["knee_valgus_warn_deg"] == 9.0 and "knee_valgus_fppa_deg" not in th
    bad = tmp_path / "bad.toml"
    bad.write_text("[compare]\nknee_valgus_fppa_deg = 0\n")
    with pytest.raises(ConfigError, match="must be > 0"):
        load_compare_config(bad)
    bad.write_text("[compare]\nvalgus = 3\n")
    with pytest.raises(ConfigError, match="not a measure hipform reports"):
        load_compare_config(bad)


def test_different_exercises_are_refused():
    with pytest.raises(InputError, match="different exercises"):
        compare_reports(make_report({"left": [5.0]}), make_report({"left": [5.0]}, exercise="step-up"))


def test_a_measure_not_judged_in_one_session_is_not_comparable_and_says_why():
    new = make_report({"left": []}, not_judged=[("knee_valgus_fppa_deg", "needs a front or rear view")])
    comp = compare_reports(make_report({"left": [12.0]}), new)
    c = find(comp, "left", "knee_valgus_fppa_deg")
    assert c.verdict == "not comparable"
    assert "not measured in the new session: needs a front or rear view" in c.sentence()


def test_side_means_skip_unscorable_reps_and_missing_values():
    rep = make_report({"left": [10.0, 20.0]})
    rep["reps"][1]["scorable"] = False
    rep["reps"].append({**rep["reps"][0], "metrics": {"knee_valgus_fppa_deg": None}})
    assert side_means(rep, get_exercise("single-leg-squat").metrics) == {("left", "knee_valgus_fppa_deg"): (10.0, 1)}


def _write(folder, report):
    write_text_atomic(folder / "report.json", json.dumps(report))
    return folder


def test_compare_command_prints_verdicts_and_writes_compare_html(tmp_path):
    old = _write(tmp_path / "week1", make_report({"right": [17.0] * 3}, drop=6.0, source="week1.mp4"))
    new = _write(tmp_path / "week6", make_report({"right": [9.0] * 3}, drop=5.0, source="week6.mp4"))
    r = runner.invoke(app, ["compare", str(old), str(new / "report.json")])
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "right knee valgus angle (FPPA) 17.0° → 9.0°: a real improvement" in out
    assert "right pelvic drop 6.0° → 5.0°: within measurement error" in out
    html = (new / "compare.html").read_text()
    assert "a real improvement" in html and "within measurement error" in html
    assert "http" not in html and "<script" not in html
    from fixtures_pose import missing_input
    from render_fixtures import chromium, not_blank, open_in_chromium

    if chromium() is None:
        missing_input("CHROMIUM IS NOT INSTALLED: compare.html was not opened in a browser")
    run = open_in_chromium(new / "compare.html", (1000, 700))
    assert not_blank(run.screenshot)[0] > 10
    assert [u for u in run.page_requests if not u.startswith(("file:", "data:"))] == []


def test_compare_command_errors_are_one_line(tmp_path):
    old = _write(tmp_path / "a", make_report({"right": [17.0]}))
    other = _write(tmp_path / "b", make_report({"right": [9.0]}, exercise="step-up"))
    r = runner.invoke(app, ["compare", str(old), str(other)])
    assert r.exit_code != 0 and "different exercises" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["compare", str(old), str(tmp_path / "missing")])
    assert r.exit_code != 0 and "report not found" in r.output


def test_report_json_written_by_hipform_can_be_compared(tmp_path):
    rep = Report("single-leg-squat", "x.mp4", 30.0, 1, 0.0, ExerciseOutcome("front", 1.0, reps=[]))
    write_text_atomic(tmp_path / "r" / "report.json", report_json_text(rep))
    r = runner.invoke(app, ["compare", str(tmp_path / "r"), str(tmp_path / "r"), "-o", str(tmp_path / "c.html")])
    assert r.exit_code == 0 and (tmp_path / "c.html").is_file()
