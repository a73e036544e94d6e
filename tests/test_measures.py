"""The measure catalogue: every measure complete, read by every consumer; verdict states."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hipform.cli import app
from hipform.exercises import available_exercises, get_exercise
from hipform.measures import BETTER_WORDS, FPPA, Measure
from hipform.render.html import render_report_html
from hipform.render.terminal import items_table
from hipform.results import ExerciseOutcome, Fault, NotJudged, Rep, Report
from hipform.verdicts import assign_verdicts

runner = CliRunner()


def all_measures():
    for name in available_exercises():
        ex = get_exercise(name)
        for m in (*ex.metrics, *ex.session_measures):
            yield name, m


@pytest.mark.parametrize(("exercise", "m"), list(all_measures()), ids=lambda x: getattr(x, "name", x))
def test_every_registered_measure_is_complete(exercise, m):
    assert m.missing_fields() == [], f"{exercise}: {m.name} lacks {m.missing_fields()}"
    assert m.better in BETTER_WORDS
    assert m.view in ("frontal", "sagittal", "any")
    assert "°" not in m.label and "(" not in m.label  # the unit is printed once, by header()
    assert m.header() == f"{m.label} ({m.symbol.strip()})"
    for polyline in m.draw:
        assert len(polyline) >= 2


def test_measure_ids_are_unique_within_an_exercise_and_table_columns_are_catalogued():
    for name in available_exercises():
        ex = get_exercise(name)
        ids = [m.name for m in (*ex.metrics, *ex.session_measures)]
        assert len(ids) == len(set(ids)), name
        for c in ex.table_columns:
            assert ex.find_measure(c) is not None, (name, c)


def test_format_uses_the_measure_precision_and_unit():
    assert FPPA.format(12.345) == "12.3°"
    assert FPPA.format(-0.04) == "0.0°"
    assert FPPA.format(None) == "–"
    offset = get_exercise("single-leg-squat").metric("knee_medial_offset_shank")
    assert offset.format(0.123) == "0.12 shank lengths"
    assert offset.header() == "knee-toe (shank lengths)"
    assert get_exercise("running").metric("cadence_spm").format(171.6) == "172 steps/min"


def test_for_side_names_the_leg():
    left = FPPA.for_side("left")
    assert (left.name, left.side, left.title) == ("knee_valgus_fppa_left_deg", "left", "left knee valgus angle (FPPA)")
    assert isinstance(left, Measure)


def _squat_report(metrics, faults=(), not_judged=(), scorable=True):
    ex = get_exercise("single-leg-squat")
    rep = Rep(1, "left", 1, 0.0, 1.0, 2.0, scorable=scorable, reason=None if scorable else "hip hidden",
              metrics=dict(metrics), faults=list(faults))
    out = ExerciseOutcome("front", 0.9, "left", reps=[rep], not_judged=[NotJudged(*n) for n in not_judged])
    assign_verdicts(out, ex.metrics)
    return ex, Report(ex.name, "s.mp4", 30.0, 60, 2.0, out).to_dict()


WITHHELD = [(m.name, "needs a front or rear view; the camera shows side-left")
            for m in get_exercise("single-leg-squat").metrics if m.view == "frontal"] + [
    ("eccentric_s", "frame rate 10.0 fps too low for timing"),
    ("knee_flexion_deg", "needs a side view; the camera shows front"),
]


def test_a_rep_with_every_graded_measure_withheld_is_not_judged_everywhere():
    ex, rep = _squat_report({"depth_hip_drop_rel": 0.3, "duration_s": 2.0}, not_judged=WITHHELD)
    r = rep["reps"][0]
    assert r["verdict"] == "not judged"
    assert "no graded measure could be judged" in r["verdict_reason"]
    assert r["verdicts"]["depth_hip_drop_rel"]["state"] == "measured"
    assert r["verdicts"]["knee_valgus_fppa_deg"] == {
        "state": "not judged", "reason": "needs a front or rear view; the camera shows side-left"}
    assert rep["summary"]["reps_judged"] == 0
    # terminal: grey row, no green ok
    from rich.console import Console

    console = Console(record=True, width=200, color_system=None)
    console.print(items_table(rep, ex))
    text = console.export_text()
    assert "not judged" in text and " ok" not in text
    from hipform.render.summary import summary_sentences

    sentences = " ".join(summary_sentences(rep, ex))
    assert "0 of 1 reps judged" in sentences and "No faults found" not in sentences
    assert "Nothing could be judged" in sentences
    # the same reason is said once, with the plain names of the measures it withheld
    assert sentences.count("needs a front or rear view") == 1
    assert "knee valgus angle (FPPA), knee over the second toe (offset)" in sentences
    html = render_report_html(rep, ex)
    assert 'class="rep not-judged"' in html and "<span class=ok>ok</span>" not in html


def test_a_judged_rep_without_faults_is_ok_and_a_fault_wins():
    _, rep = _squat_report({"knee_valgus_fppa_deg": 6.0})
    assert rep["reps"][0]["verdict"] == "ok" and rep["summary"]["reps_judged"] == 1
    f = Fault("knee_valgus", "warn", 12.0, 10.0, "knee caved", "knee_valgus_fppa_deg")
    _, rep = _squat_report({"knee_valgus_fppa_deg": 12.0}, faults=[f])
    assert rep["reps"][0]["verdict"] == "warn"
    assert rep["reps"][0]["verdicts"]["knee_valgus_fppa_deg"]["state"] == "warn"


def test_an_unscorable_rep_is_not_judged_with_its_reason():
    _, rep = _squat_report({}, scorable=False)
    assert (rep["reps"][0]["verdict"], rep["reps"][0]["verdict_reason"]) == ("not judged", "hip hidden")


def test_live_cue_of_a_rep_with_nothing_judged_is_grey_not_good_rep():
    from hipform.live import make_cue

    ex = get_exercise("single-leg-squat")
    rep = Rep(1, "left", 1, 0.0, 1.0, 2.0, metrics={"depth_hip_drop_rel": 0.3})
    out = ExerciseOutcome("side-left", 0.9, "left", reps=[rep], not_judged=[NotJudged(*n) for n in WITHHELD])
    assign_verdicts(out, ex.metrics)
    cue = make_cue(rep, 2.0)
    assert cue.severity == "not judged" and cue.messages[0].startswith("not judged:")
    assert "good rep" not in cue.text


@pytest.mark.parametrize("exercise", available_exercises())
def test_report_html_shows_plain_names_not_raw_ids(exercise, tmp_path):
    ex = get_exercise(exercise)
    metrics = {m.name: 10.0 for m in ex.metrics}
    if ex.kind == "steps":
        from hipform.results import Step

        items = {"steps": [Step(i + 1, ("left", "right")[i % 2], i * 0.5, i * 0.5 + 0.3, metrics=dict(metrics))
                           for i in range(6)]}
    else:
        items = {"reps": [Rep(i + 1, "left", 1, i * 3.0, i * 3.0 + 1, i * 3.0 + 2, metrics=dict(metrics))
                          for i in range(3)]}
    out = ExerciseOutcome("front", 0.9, "left", not_judged=[NotJudged(ex.metrics[0].name, "a reason")], **items)
    out.headline = {m.name: 5.0 for m in ex.session_measures}
    assign_verdicts(out, ex.metrics)
    rep = Report(ex.name, "s.mp4", 60.0, 300, 5.0, out).to_dict()
    html = render_report_html(json.loads(json.dumps(rep)), ex)
    visible = html.split("<body>", 1)[1]
    import re

    text = re.sub(r"<[^>]+>", " ", visible)  # what a reader sees, without attributes
    for m in (*ex.metrics, *ex.session_measures):
        assert m.name not in text, f"raw id {m.name} shown in the {exercise} report"
    assert "° (°)" not in text and "°°" not in text
    assert ex.metrics[0].title in text


def test_exercises_command_lists_plain_names_and_smallest_changes(monkeypatch):
    from hipform import cli

    monkeypatch.setattr(cli.console, "width", 300)
    r = runner.invoke(app, ["exercises"])
    assert r.exit_code == 0
    row = next(line for line in r.output.splitlines() if "knee_valgus_fppa_deg" in line)
    assert "knee valgus angle (FPPA)" in row and "8.0°" in row and "Herrington 2014" in row


def test_docs_measures_md_is_the_generated_catalogue():
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, str(repo / "benchmarks" / "measures_table.py")], capture_output=True,
                         text=True, check=True, cwd=repo)
    assert (repo / "docs" / "measures.md").read_text() == out.stdout, "rerun benchmarks/measures_table.py"
