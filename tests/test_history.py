"""hipform history: three synthetic sessions; "real change" exactly where values differ by the smallest real change."""

from __future__ import annotations

import csv
import json
import re

import pytest
from typer.testing import CliRunner

from hipform.cli import app
from hipform.exercises import get_exercise
from hipform.history import build_history

SRC = get_exercise("single-leg-squat").metric("knee_valgus_fppa_deg").smallest_real_change  # 8 degrees


def report(date, valgus_left, drop_right, cadence=None, subject="P-017"):
    """A report.json of single-leg squats: left reps with valgus values, right reps with pelvic drop."""
    reps = [
        {"index": i + 1, "side": "left", "start_s": i, "end_s": i + 0.9, "scorable": True, "reason": None,
         "metrics": {"knee_valgus_fppa_deg": v}, "faults": []}
        for i, v in enumerate(valgus_left)
    ]
    reps += [
        {"index": 10 + i, "side": "right", "start_s": 10 + i, "end_s": 10.9 + i, "scorable": True, "reason": None,
         "metrics": {"pelvic_drop_deg": v}, "faults": []}
        for i, v in enumerate(drop_right)
    ]
    # an unscorable rep never counts
    reps.append({"index": 99, "side": "left", "start_s": 50, "end_s": 51, "scorable": False, "reason": "out of frame",
                 "metrics": {"knee_valgus_fppa_deg": 90.0}, "faults": []})
    return {"schema": "hipform.report/1", "exercise": "single-leg-squat", "source": f"{date}.mp4", "fps": 30.0,
            "view": "front", "working_side": "left", "reps": reps, "steps": [], "not_judged": [],
            "summary": {"rep_count": len(reps)}, "session": {"subject": subject, "date": date}}


# session means: valgus 14 -> 13 (-1: error) -> 5 (-8: real); pelvic drop 6 -> 6 -> 6.5 (error)
SESSIONS = {
    "2026-03-23": ([4.0, 6.0, 5.0], [6.0, 7.0, 6.5]),  # given first on the command line, but the last session
    "2026-03-02": ([13.0, 15.0, 14.0], [5.0, 7.0, 6.0]),
    "2026-03-09": ([12.0, 14.0, 13.0], [6.0, 6.0, 6.0]),
}


@pytest.fixture
def folders(tmp_path):
    out = []
    for date, (valgus, drop) in SESSIONS.items():
        d = tmp_path / f"s_{date}"
        d.mkdir()
        (d / "report.json").write_text(json.dumps(report(date, valgus, drop)))
        out.append(d)
    return out


def test_history_orders_by_date_and_says_real_change_exactly_where_it_is(folders, tmp_path):
    page = tmp_path / "hist.html"
    res = CliRunner().invoke(app, ["history", *map(str, folders), "-o", str(page)])
    assert res.exit_code == 0, res.output
    reports = [json.loads((f / "report.json").read_text()) for f in folders]
    h = build_history(reports)
    assert [s["date"] for s in h.sessions] == ["2026-03-02", "2026-03-09", "2026-03-23"]
    by = {(m.side, m.metric): m for m in h.measures}
    valgus, drop = by[("left", "knee_valgus_fppa_deg")], by[("right", "pelvic_drop_deg")]
    assert [p.mean for p in valgus.points] == [14.0, 13.0, 5.0]
    assert valgus.points[0].sd == pytest.approx(1.0, abs=1e-3) and valgus.points[0].n == 3
    for m in (valgus, drop):  # every step and the whole: real exactly when |difference| >= smallest real change
        means = [p.mean for p in m.points]
        for i in range(1, 3):
            assert m.steps[i].startswith("real") == (abs(means[i] - means[i - 1]) >= m.smallest_real_change)
        assert m.overall.startswith("real") == (abs(means[-1] - means[0]) >= m.smallest_real_change)
    assert valgus.steps == [None, "within measurement error", "real improvement"]
    assert valgus.sentence() == (
        "left knee valgus angle (FPPA) fell from 14.0° to 5.0° over 3 sessions: a real change (real improvement)"
    )
    assert drop.overall == "within measurement error" and "within measurement error" in drop.sentence()
    html = page.read_text()
    sentences = re.findall(r'<p class="[^"]*" data-metric="([^"]+)" data-side="[^"]+" data-verdict="([^"]*)">', html)
    assert ("knee_valgus_fppa_deg", "real improvement") in sentences
    assert ("pelvic_drop_deg", "within measurement error") in sentences
    assert valgus.sentence() in " ".join(res.output.split())  # the terminal prints the same sentences
    rows = list(csv.DictReader(page.with_suffix(".csv").open()))
    assert len(rows) == 3 * len(h.measures)
    v = [r for r in rows if r["metric"] == "knee_valgus_fppa_deg"]
    assert [float(r["mean"]) for r in v] == [14.0, 13.0, 5.0]
    assert [r["change_from_previous"] for r in v] == ["", "within measurement error", "real improvement"]


def test_history_of_steps_uses_the_gait_measures(tmp_path):
    def gait(date, ext):
        steps = [{"index": i, "side": "left", "ic_s": i, "to_s": i + 0.3, "scorable": True,
                  "metrics": {"peak_hip_extension_deg": e}, "faults": []} for i, e in enumerate(ext)]
        return {"schema": "hipform.report/1", "exercise": "running", "reps": [], "steps": steps, "not_judged": [],
                "summary": {"cadence_spm": 160.0 if date < "2026-02" else 170.0, "steps_analysed": len(steps)},
                "session": {"date": date}}

    h = build_history([gait("2026-01-01", [10.0, 12.0, 11.0]), gait("2026-02-01", [17.0, 19.0, 18.0])])
    by = {(m.side, m.metric): m for m in h.measures}
    assert by[("left", "peak_hip_extension_deg")].overall == "real improvement"  # +7 >= 5, higher is better
    h = build_history([gait("2026-01-01", [10.0]), gait("2026-02-01", [17.0])])
    assert {(m.side, m.metric): m for m in h.measures}[("left", "peak_hip_extension_deg")].overall == (
        "too few reps to tell")
    assert by[("session", "cadence_spm")].overall == "real increase"  # +10 >= 3 steps/min, no better direction


def test_history_refuses_mixed_input_in_one_line(folders, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    r = report("2026-04-01", [1.0], [1.0], subject="Q-2")
    (other / "report.json").write_text(json.dumps(r))
    res = CliRunner().invoke(app, ["history", str(folders[0]), str(other), "-o", str(tmp_path / "h.html")])
    assert res.exit_code != 0 and "different subjects" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(app, ["history", str(folders[0]), "-o", str(tmp_path / "h.html")])
    assert res.exit_code != 0 and "at least two sessions" in res.output
