"""report.html: self-contained, opens in headless Chromium, shows what report.json holds.

The end-to-end tests run the real MediaPipe model on the real front squat clip once
(cached in ``render_fixtures``).
"""

from __future__ import annotations

import csv
import dataclasses
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from fixtures_pose import missing_input
from render_fixtures import chromium, not_blank, open_in_chromium, squat_clip_run
from typer.testing import CliRunner

from hipform.cli import app
from hipform.exercises import get_exercise
from hipform.exercises.base import KeySeries
from hipform.landmark_io import read_landmarks_csv, write_text_atomic
from hipform.pipeline import Settings, analyse_prepared
from hipform.render import plots, stills
from hipform.render.html import NO_SERIES, build_images, build_stills, render_report_html
from hipform.render.terminal import summary_sentences
from hipform.results import ExerciseOutcome, Fault, Report, Step

NO_CHROMIUM = (
    "CHROMIUM IS NOT INSTALLED: the browser tests of report.html did not run "
    "(apt-get install chromium; .ci/run installs it)"
)


class PageParser(HTMLParser):
    """Collects what the tests look at: rows, fault codes, images, links, scripts, text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.faults: list[str] = []
        self.images: list[str] = []
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self.stills = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "tr" and "data-index" in a:
            self.rows.append(a)
        if "data-fault" in a:
            self.faults.append(a["data-fault"])
        if tag == "img":
            self.images.append(a.get("src", ""))
        if tag == "figure" and "still" in a.get("class", "").split():
            self.stills += 1
        for k in ("src", "href", "action", "poster", "srcset"):
            if k in a:
                self.urls.append(a[k])

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> PageParser:
    p = PageParser()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def squat():
    run = squat_clip_run()
    assert run.exit_code == 0, run.stdout
    return run


@pytest.mark.slow
def test_analyze_writes_report_html_next_to_report_json(squat):
    files = {p.name for p in squat.out.iterdir()}
    assert {"report.json", "report.html", "reps.csv", "landmarks.csv"} <= files
    # the clip: 2 complete squats; the single-leg rules on the left leg flag the trunk lean
    assert squat.report["summary"]["rep_count"] == 2
    assert squat.report["summary"]["fault_counts"], "expected faults to render on this clip"


@pytest.mark.slow
def test_html_holds_the_reps_faults_and_summary_of_report_json(squat):
    html = (squat.out / "report.html").read_text(encoding="utf-8")
    page = parse(html)
    rep = squat.report
    rows = [r for r in page.rows if "rep" in r["class"].split()]
    assert len(rows) == rep["summary"]["rep_count"] == len(rep["reps"])
    assert [int(r["data-index"]) for r in rows] == [r["index"] for r in rep["reps"]]
    codes = sorted(f["code"] for r in rep["reps"] for f in r["faults"])
    assert sorted(page.faults) == codes
    faulted = {r["index"] for r in rep["reps"] if any(f["severity"] == "fault" for f in r["faults"])}
    assert {int(r["data-index"]) for r in rows if "fault" in r["class"].split()} == faulted
    text = re.sub(r"\s+", " ", " ".join(page.text))
    for sentence in summary_sentences(rep):  # the terminal's summary, word for word
        assert sentence in text
    ex = get_exercise(rep["exercise"])
    for nj in rep["not_judged"]:  # plain names, not ids
        assert ex.metric(nj["metric"]).title in text and nj["reason"] in text
    assert page.stills == len(rep["reps"])  # one still per rep, from the video
    assert 'id="key-plot"' in html  # the exercise's knee-valgus series, plotted with the reps shaded
    for fact in ("single-leg-squat", "front", "5.0 fps", "mediapipe-full", "squat_front_pexels_5fps.mp4"):
        assert fact in text


@pytest.mark.slow
def test_html_is_self_contained(squat):
    html = (squat.out / "report.html").read_text(encoding="utf-8")
    page = parse(html)
    assert page.images and all(src.startswith("data:image/") for src in page.images)
    assert all(u.startswith("data:") for u in page.urls), [u[:40] for u in page.urls if not u.startswith("data:")]
    assert not ({"link", "iframe", "object", "embed"} & page.tags)
    # the one script is the inline player of the embedded --video (no src: it loads nothing)
    assert page.tags & {"script"} <= ({"script"} if "video" in page.tags else set())
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"url\(\s*['\"]?(?!data:)", html)
    assert not re.search(r"(?:https?|wss?|ftp):|//[a-z0-9.-]+\.[a-z]{2,}/", html.replace("&#x27;", "'"), re.I)


@pytest.mark.slow
def test_report_renders_in_headless_chromium_without_network(squat):
    if chromium() is None:
        missing_input(NO_CHROMIUM)
    run = open_in_chromium(squat.out / "report.html")
    std, coloured = not_blank(run.screenshot)
    assert std > 20, "screenshot looks blank"
    assert coloured > 0.01, "no plot or still visible in the screenshot"
    external = [u for u in run.page_requests if not u.startswith(("file:", "data:"))]
    assert external == []


def test_network_check_sees_an_external_request(tmp_path):
    """The browser check can fail: a page that loads a remote image is caught."""
    if chromium() is None:
        missing_input(NO_CHROMIUM)
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><p>x</p><img src="http://example.invalid/pixel.png"></body></html>')
    run = open_in_chromium(page, (400, 300))
    assert "http://example.invalid/pixel.png" in run.page_requests


# plots, stills and degraded pages --------------------------------------------------------
@pytest.fixture(scope="module")
def squat_analysis(squat):
    seq = read_landmarks_csv(squat.out / "landmarks.csv")
    return analyse_prepared(seq, Settings(exercise="single-leg-squat", side="left"))


def test_key_series_plot_shades_each_rep_and_draws_thresholds(squat_analysis):
    ex = get_exercise("single-leg-squat")
    seq = squat_analysis.prepared.smoothed
    report = squat_analysis.report.to_dict()
    signal = ex.rep_model.signal(seq)  # a per-frame series from the exercise's own function
    key = KeySeries({"left descent": signal}, "leg lengths", "descent", {"warn": 0.2, "fault": 0.3})
    fig = plots.key_series_figure(seq.t, key, report["reps"])
    ax = fig.axes[0]
    assert len(ax.patches) == len(report["reps"]) == 2  # one shaded span per rep
    two = [(list(ln.get_xdata()), list(ln.get_ydata())) for ln in ax.lines if len(ln.get_ydata()) == 2]
    assert sorted(y[0] for _, y in two if y[0] == y[1]) == [0.2, 0.3]  # the two threshold lines
    bottoms = sorted(x[0] for x, y in two if x[0] == x[1])
    assert bottoms == [r["bottom_s"] for r in report["reps"]]  # each rep's deepest point marked
    drawn = [ln for ln in ax.lines if ln.get_label() == "left descent"]
    np.testing.assert_allclose(drawn[0].get_ydata(), signal)  # the series as given, not recomputed
    hooked = dataclasses.replace(ex, key_series=lambda s, o: key)
    images = build_images(report, hooked, seq, key, None)
    assert images.key_plot is not None and images.key_plot.startswith(b"\x89PNG")
    assert 'id="key-plot"' in render_report_html(report, hooked, images)


def test_without_a_series_the_page_says_so(squat_analysis):
    ex = dataclasses.replace(get_exercise("single-leg-squat"), key_series=None)
    report = squat_analysis.report.to_dict()
    images = build_images(report, ex, squat_analysis.prepared.smoothed, None, None)
    html = render_report_html(report, ex, images)
    assert images.key_plot is None and NO_SERIES in html


def test_a_series_whose_measure_was_not_judged_is_not_plotted():
    from hipform.render.html import not_judged_reason

    key = KeySeries({"left knee valgus": np.zeros(3)}, "deg", "Knee valgus", metric="knee_valgus_fppa_deg")
    rep = {"not_judged": [{"metric": "knee_valgus_fppa_deg", "reason": "camera 32° off the front axis"}]}
    assert not_judged_reason(rep, key) == "camera 32° off the front axis"
    assert not_judged_reason({"not_judged": []}, key) is None


def test_stills_for_a_landmark_file_are_drawn_on_a_blank_canvas(squat_analysis):
    ex = get_exercise("single-leg-squat")
    report = squat_analysis.report.to_dict()
    pics, note = build_stills(report, ex, squat_analysis.prepared.smoothed, None)
    assert len(pics) == len(report["reps"])
    assert "blank background" in note
    assert all(jpg.startswith(b"\xff\xd8") for _, jpg in pics)


def test_metric_lines_join_the_landmarks_the_metric_uses():
    sls, rdl, run = get_exercise("single-leg-squat"), get_exercise("single-leg-rdl"), get_exercise("running")
    assert stills.lines_for_metric(sls.metric("knee_valgus_fppa_deg"), "left") == (
        ("left_hip", "left_knee", "left_ankle"),
        ("left_heel", "left_foot_index"),
    )
    assert stills.lines_for_metric(rdl.metric("pelvic_rotation_deg"), "right") == (("left_hip", "right_hip"),)
    assert stills.lines_for_metric(run.metric("peak_hip_extension_deg"), "right") == (("right_hip", "right_knee"),)
    assert len(stills.lines_for_metric(sls.metric("knee_valgus_fppa_deg"), None)) == 4  # both legs, side unknown
    squat = get_exercise("squat")  # a per-leg column draws its own leg whatever the rep's side
    assert stills.lines_for_metric(squat.metric("knee_valgus_fppa_right_deg"), "both")[0][0] == "right_hip"
    drive = get_exercise("step-up").metric("knee_drive_rel")  # {o}: the other (trailing) leg
    assert stills.lines_for_metric(drive, "left") == (("right_hip", "right_knee"),)


def test_metric_line_is_drawn_between_the_landmarks_in_the_verdict_colour():
    from synth_body import standing_sequence

    seq = standing_sequence()
    item = {
        "side": "left",
        "metrics": {"knee_valgus_fppa_deg": 16.0},
        "faults": [{"code": "knee_valgus", "severity": "fault", "metric": "knee_valgus_fppa_deg"}],
        "verdicts": {"knee_valgus_fppa_deg": {"state": "fault", "reason": None}},
    }
    lines = stills.angle_lines_for_item(item, [get_exercise("single-leg-squat").metric("knee_valgus_fppa_deg")])
    assert lines[0].text == "knee valgus angle (FPPA) 16.0°" and lines[0].severity == "fault"
    img = stills.blank_frame(seq)
    stills.draw_angle_lines(img, seq, 0, lines)
    hip, knee = seq.xyz[0, 23, :2], seq.xyz[0, 25, :2]
    x, y = np.round((hip + knee) / 2).astype(int)
    assert tuple(img[y, x]) == stills.SEVERITY_BGR["fault"]
    # two measures on the same line (trunk lean ok, hinge faulted): the worse verdict stays visible
    trunk = [
        stills.AngleLines("trunk_angle_deg", "trunk 45.0°", (("mid_shoulder", "mid_hip"),), "fault"),
        stills.AngleLines("back_rounding_proxy_pct", "back -0.4", (("mid_shoulder", "mid_hip"),), None),
    ]
    img = stills.blank_frame(seq)
    stills.draw_angle_lines(img, seq, 0, trunk)
    mid = (stills.landmark_xy(seq, 0, "mid_shoulder") + stills.landmark_xy(seq, 0, "mid_hip")) / 2
    x, y = np.round(mid).astype(int)
    assert tuple(img[y, x]) == stills.SEVERITY_BGR["fault"]


def _steps_report() -> dict:
    steps = [
        Step(1, "left", 1.0, 1.25, metrics={"stance_s": 0.25, "peak_hip_extension_deg": 12.0}),
        Step(2, "right", 1.5, 1.77, metrics={"stance_s": 0.27, "peak_hip_extension_deg": 4.0},
             faults=[Fault("low_hip_extension", "fault", 4.0, 5.0, "little hip extension", "peak_hip_extension_deg")]),
        Step(3, "left", 2.0, 2.24, metrics={"stance_s": 0.24, "peak_hip_extension_deg": 13.0}),
    ]
    outcome = ExerciseOutcome("side-left", 0.9, "both", steps=steps, headline={"cadence_spm": 120.0})
    return Report("running", "run.mp4", 60.0, 180, 3.0, outcome, backend="replay").to_dict()


def test_steps_page_has_one_row_per_step_and_left_right_plots():
    rep = _steps_report()
    ex = get_exercise("running")
    fig = plots.steps_by_side_figure(rep["steps"], "peak_hip_extension_deg", "hip ext", "deg")
    assert {t.get_text().split(" ")[0] for t in fig.axes[0].get_legend().get_texts()} == {"left", "right"}
    assert plots.steps_by_side_figure(rep["steps"], "no_such_metric", "x", "deg") is None
    page = parse(render_report_html(rep, ex))
    assert len([r for r in page.rows if "step" in r["class"].split()]) == 3
    assert page.faults == ["low_hip_extension"]
    assert "120 steps/min" in " ".join(page.text)  # cadence from the summary


def test_batch_report_page_has_a_row_per_clip_and_a_hip_extension_plot(tmp_path):
    # the layout `hipform batch` writes: <clip path with . -> _>/report.json and summary.csv
    for name, shift in (("day1/run1", 0.0), ("day2/run2", 3.0)):
        rep = _steps_report()
        for s in rep["steps"]:
            s["metrics"]["peak_hip_extension_deg"] += shift
        write_text_atomic(tmp_path / f"{name}_mp4" / "report.json", _json(rep))
    with (tmp_path / "summary.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["clip", "status", "error", "view", "cadence_spm", "peak_hip_extension_left_deg"])
        w.writerow(["day1/run1.mp4", "ok", "", "side-left", "120", "12.5"])
        w.writerow(["day2/run2.mp4", "ok", "", "side-left", "120", "15.5"])
        w.writerow(["broken.mp4", "error", "nobody was detected", "", "", ""])
    r = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "summary.html").read_text()
    page = parse(html)
    assert html.count('<tr class="clip') == 3
    assert html.count('<tr class="clip fault"') == 1
    assert len(page.images) == 1 and page.images[0].startswith("data:image/png")
    from hipform.render.batch_html import hip_extension_by_side, load_batch

    header = get_exercise("running").metric("peak_hip_extension_deg").header()
    by = hip_extension_by_side(load_batch(tmp_path))[header]
    assert by["left"][:2] == [12.5, 15.5] and by["right"][:2] == [4.0, 7.0] and by["left"][2] is None


def test_batch_report_without_summary_is_a_one_line_error(tmp_path):
    r = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert r.exit_code != 0 and "summary.csv" in r.output and "Traceback" not in r.output


def _json(rep: dict) -> str:
    import json

    return json.dumps(rep)
