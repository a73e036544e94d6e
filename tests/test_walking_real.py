"""Walking on a real clip: the gait machinery on a real person filmed with a real camera.

``walk_side_sports2d.mp4`` (30 fps): a woman walks right to left; a second person jumps
off a box in the background. Labels (``../shared/videos/README.md``): 7 initial contacts
near frames 79, 97, 115, 134, 152, 171, 188 (+-3), cadence 95-103 steps/min, facing left.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from fixtures_pose import WALK, subject_sequence
from typer.testing import CliRunner

from hipform.cli import app
from hipform.landmark_io import write_landmarks_csv
from hipform.pipeline import Settings, analyse_sequence

pytestmark = pytest.mark.slow

LABELLED_IC_FRAMES = (79, 97, 115, 134, 152, 171, 188)


@pytest.fixture(scope="module")
def walk_report():
    seq = subject_sequence(WALK)
    return seq, analyse_sequence(seq, Settings("walking"))


def test_walking_finds_the_labelled_contacts(walk_report):
    seq, report = walk_report
    o = report.outcome
    assert o.view == "side-left"  # she faces image left
    ic_frames = np.array([s.ic_s for s in o.steps]) * seq.fps
    for f in LABELLED_IC_FRAMES:
        assert np.min(np.abs(ic_frames - f)) <= 3, f"no contact within 3 frames of {f}: {np.round(ic_frames, 1)}"
    # no invented contact while she is in frame
    inside = ic_frames[(ic_frames > 70) & (ic_frames < 195)]
    assert len(inside) == len(LABELLED_IC_FRAMES)
    # contacts alternate feet
    sides = [s.side for s in sorted(o.steps, key=lambda s: s.ic_s)]
    assert all(a != b for a, b in zip(sides, sides[1:], strict=False))


def test_walking_cadence_and_summary(walk_report):
    seq, report = walk_report
    d = report.to_dict()
    s = d["summary"]
    assert 95 <= s["cadence_spm"] <= 103
    assert s["low_confidence"] is True and "30 fps" in s["low_confidence_reason"]
    assert s["steps_analysed"] >= 3
    assert set(s["peak_hip_extension_deg"]) == {"left", "right"}
    assert any(n["metric"] == "pelvic_drop_deg" for n in d["not_judged"])


def test_walking_cli_writes_report_and_steps_csv(walk_report, tmp_path):
    seq, _ = walk_report
    csv_in = tmp_path / "walk.csv"
    write_landmarks_csv(seq, csv_in)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(csv_in), "--exercise", "walking", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "steps analysed" in result.output
    rep = json.loads((out / "report.json").read_text())
    assert len(rep["steps"]) >= 7
    lines = (out / "steps.csv").read_text().splitlines()
    assert lines[0].startswith("index,side,ic_s,to_s")
    assert len(lines) == len(rep["steps"]) + 1


def test_implausibly_short_stances_are_not_scored(walk_report):
    """A toe-off found as the foot leaves the frame gives a stance far shorter than the rest:
    it is listed as not scorable with the reason, and raises no fault on this healthy walker."""
    _seq, report = walk_report
    steps = report.outcome.steps
    stances = np.array([s.to_s - s.ic_s for s in steps if np.isfinite(s.to_s)])
    typical = np.median(stances)
    for s in steps:
        if np.isfinite(s.to_s) and s.to_s - s.ic_s < 0.5 * typical:
            assert not s.scorable and "implausibly early" in s.reason
    assert not [f for s in steps for f in s.faults if f.code == "low_hip_extension"]
