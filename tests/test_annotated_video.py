"""annotated.mp4: same frames, size and rate as the input, with the overlay drawn on it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from render_fixtures import SQUAT_CLIP, squat_clip_run
from typer.testing import CliRunner

from hipform.cli import app
from hipform.exercises.base import KeySeries
from hipform.render.video import OverlayTimeline, anchor_landmark


def _probe(path):
    cap = cv2.VideoCapture(str(path))
    try:
        assert cap.isOpened(), f"cannot open {path}"
        return (
            int(cap.get(cv2.CAP_PROP_FRAME_COUNT)),
            int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            float(cap.get(cv2.CAP_PROP_FPS)),
        )
    finally:
        cap.release()


def _decoded_frames(path):
    cap = cv2.VideoCapture(str(path))
    n = 0
    frames = {}
    while True:
        ok, img = cap.read()
        if not ok:
            break
        if n in (0, 32):
            frames[n] = img
        n += 1
    cap.release()
    return n, frames


@pytest.mark.slow
def test_annotated_video_matches_the_input_frame_for_frame():
    run = squat_clip_run()
    assert run.exit_code == 0, run.stdout
    out = run.out / "annotated.mp4"
    assert out.is_file()
    count, w, h, fps = _probe(out)
    count_in, w_in, h_in, fps_in = _probe(SQUAT_CLIP)
    assert (count, w, h) == (count_in, w_in, h_in) == (65, 720, 1280)
    assert fps == pytest.approx(fps_in, rel=1e-3)
    n_out, got = _decoded_frames(out)
    n_in, src = _decoded_frames(SQUAT_CLIP)
    assert n_out == n_in == 65  # every frame decodes, not just the header count
    for i in (0, 32):  # the overlay is drawn (skeleton, counter), the picture is the clip's
        diff = np.abs(got[i].astype(int) - src[i].astype(int)).mean(axis=2)
        assert 0.01 < (diff > 40).mean() < 0.5
    assert not list(run.out.glob(".annotated.mp4*")), "temporary file left behind"


def test_video_option_needs_a_video_input(tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("frame,time_s\n")
    r = CliRunner().invoke(app, ["analyze", str(csv), "-e", "single-leg-squat", "--video", "-o", str(tmp_path / "o")])
    assert r.exit_code != 0
    assert "--video needs a video input" in r.output and "Traceback" not in r.output


def _report(reps):
    return {"reps": reps, "steps": []}


def _rep(i, side, t0, t1, faults=()):
    return {"index": i, "side": side, "start_s": t0, "bottom_s": (t0 + t1) / 2, "end_s": t1, "faults": list(faults)}


def test_timeline_counts_reps_per_side_when_they_end_and_holds_the_fault():
    fault = {"code": "knee_valgus", "severity": "fault", "message": "knee caves in", "metric": "knee_valgus_fppa_deg"}
    warn = {"code": "trunk_lean", "severity": "warn", "message": "leaning", "metric": "trunk_lateral_lean_deg"}
    tl = OverlayTimeline(_report([_rep(1, "left", 1.0, 2.0, [warn, fault]), _rep(2, "right", 4.0, 5.0)]), None)
    assert tl.state(0, 0.5).counts == {"left": 0, "right": 0}
    assert tl.state(0, 1.5).counts == {"left": 0, "right": 0}
    s = tl.state(0, 2.0)
    assert s.counts == {"left": 1, "right": 0}
    assert (s.fault, s.severity) == ("knee caves in", "fault")  # worst fault first
    assert tl.state(0, 2.9).fault == "knee caves in"  # held one second after the rep
    assert tl.state(0, 3.1).fault is None
    assert tl.state(0, 4.5).fault is None  # rep 2 has no fault
    assert tl.state(0, 6.0).counts == {"left": 1, "right": 1}


def test_timeline_shows_the_working_sides_series_value_of_that_frame():
    key = KeySeries(
        {"left knee valgus": np.array([1.0, 2.0, 3.0]), "right knee valgus": np.array([7.0, 8.0, np.nan])},
        "deg",
        "Knee valgus",
    )
    tl = OverlayTimeline(_report([_rep(1, "right", 0.0, 10.0)]), key)
    assert tl.state(1, 1.0).values == [("right knee valgus", 8.0)]
    between = OverlayTimeline(_report([]), key).state(2, 0.0).values
    assert between[0] == ("left knee valgus", 3.0) and np.isnan(between[1][1])


def test_live_value_is_placed_at_the_joint_its_label_names():
    assert anchor_landmark("left knee valgus") == "left_knee"
    assert anchor_landmark("right thigh angle") == "right_hip"
    assert anchor_landmark("pelvic rotation") == "mid_hip"


def test_timeline_of_steps_counts_contacts_and_survives_a_missing_toe_off():
    steps = [
        {"index": 1, "side": "left", "ic_s": 1.0, "to_s": 1.3, "faults": []},
        {"index": 2, "side": "right", "ic_s": 1.6, "to_s": None, "faults": []},
    ]
    tl = OverlayTimeline({"reps": [], "steps": steps}, None)
    assert tl.state(0, 1.1).counts == {"left": 1, "right": 0}
    s = tl.state(0, 2.0)
    assert s.counts == {"left": 1, "right": 1} and s.kind == "step" and s.fault is None
