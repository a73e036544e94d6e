"""Patient and session: --subject, --session-date, --note or [session] go into report.json and every page;
thresholds that differ from the defaults are marked as the clinician's."""

from __future__ import annotations

import json
import re

import pytest
from synth_hinge import Camera, HingeRep, hinge_sequence
from typer.testing import CliRunner

from hipform.cli import app
from hipform.errors import ConfigError
from hipform.landmark_io import write_landmarks_csv
from hipform.render.page_extras import css_string, margin_title
from hipform.session import clinician_thresholds, session_info


@pytest.fixture(scope="module")
def landmarks(tmp_path_factory):
    seq, _ = hinge_sequence([HingeRep(trunk_deg=70.0)] * 2, Camera(90.0), noise_px=0.3, noise_m=0.002, seed=2)
    path = tmp_path_factory.mktemp("lm") / "rdl.csv"
    write_landmarks_csv(seq, path)
    return path


def analyze(*args):
    return CliRunner().invoke(app, ["analyze", *map(str, args)])


def test_cli_session_goes_into_report_json_and_the_page(landmarks, tmp_path):
    cfg = tmp_path / "p.toml"
    cfg.write_text('[session]\nsubject = "P-017"\ndate = 2026-03-02\nnote = "from the file"\n'
                   "[single-leg-rdl]\nset_gap_s = 30\n")
    out = tmp_path / "out"
    res = analyze(landmarks, "-e", "single-leg-rdl", "-c", cfg, "--note", "pain <on> stairs & \"hills\"", "-o", out)
    assert res.exit_code == 0, res.output
    report = json.loads((out / "report.json").read_text())
    # the command line wins over the file; the file fills in the rest
    assert report["session"] == {"subject": "P-017", "date": "2026-03-02", "note": 'pain <on> stairs & "hills"'}
    assert report["thresholds"]["set_gap_s"] == 30.0  # [session] does not disturb the thresholds
    page = (out / "report.html").read_text()
    header = re.search(r'<div class="session" id="session">(.*?)</div>', page).group(1)
    assert "P-017" in header and "2026-03-02" in header
    assert "pain &lt;on&gt; stairs &amp; &quot;hills&quot;" in header  # escaped, not markup
    assert "set_gap_s = 30 (default 20)" in header
    # every printed page: the subject and date sit in the @page top margin
    assert '@top-left{content:"Subject P-017 · session 2026-03-02' in page
    rows = re.findall(r'<tr class="clinician"><th>([^<]+)</th>', page)
    assert rows == ["set_gap_s"]


def test_without_session_the_report_has_none(landmarks, tmp_path):
    res = analyze(landmarks, "-e", "single-leg-rdl", "-o", tmp_path / "o")
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert "session" not in report
    assert clinician_thresholds(report) == {}
    assert 'id="session"' not in (tmp_path / "o" / "report.html").read_text()


@pytest.mark.parametrize(
    ("toml", "message"),
    [('[session]\ndate = "next week"\n', "must be a date"), ('[session]\npatient = "x"\n', "unknown key 'patient'")],
)
def test_bad_session_table_is_a_one_line_error(landmarks, tmp_path, toml, message):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(toml)
    res = analyze(landmarks, "-e", "single-leg-rdl", "-c", cfg, "-o", tmp_path / "o")
    assert res.exit_code != 0 and message in res.output and "Traceback" not in res.output


def test_bad_session_date_on_the_command_line():
    with pytest.raises(ConfigError, match="--session-date must be a date"):
        session_info(date="02/03/2026")
    assert session_info(subject=" A1 ", date="2026-03-02") == {"subject": "A1", "date": "2026-03-02"}


def test_margin_line_cannot_break_out_of_the_css_string():
    s = css_string('a"b\\c</style><script>x\n')
    assert "</style" not in s and s.count('"') == 2
    assert margin_title({"exercise": "squat", "source": "c.mp4"}, {}) == "squat · c.mp4"
