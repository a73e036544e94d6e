"""annotated.mp4 in H.264 at about the source's bit rate, and its player in report.html (headless Chromium)."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from fixtures_pose import missing_input
from render_fixtures import CHROMIUM_FLAGS, SQUAT_CLIP, chromium, squat_clip_run

from hipform.render import overlay
from hipform.render.video import H264Writer, OverlayTimeline, source_bitrate
from hipform.video import open_video as probe_video

NO_CHROMIUM = "CHROMIUM IS NOT INSTALLED: the video player test did not run (apt-get install chromium)"


def fourcc(cap) -> str:
    return int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode("ascii", "replace").lower()


def test_h264_writer_keeps_frames_and_pads_odd_sizes(tmp_path):
    path = tmp_path / "odd.mp4"
    frames = [np.full((21, 33, 3), 40 * i, np.uint8) for i in range(6)]
    with H264Writer(path, (33, 21), 10.0, 300_000) as w:
        for f in frames:
            w.write(f)
    cap = cv2.VideoCapture(str(path))
    assert fourcc(cap) in ("h264", "avc1")
    got = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        got.append(img)
    cap.release()
    assert len(got) == 6 and got[0].shape == (22, 34, 3)
    assert [round(float(g[:21, :33].mean()) / 40) for g in got] == list(range(6))


def test_unscorable_rep_is_drawn_not_judged():
    rep = {"index": 1, "side": "left", "start_s": 1.0, "bottom_s": 1.5, "end_s": 2.0, "faults": [],
           "scorable": False, "reason": "hips out of frame"}
    ok = dict(rep, index=2, start_s=3.0, bottom_s=3.5, end_s=4.0, scorable=True, reason=None)
    tl = OverlayTimeline({"reps": [rep, ok], "steps": []}, None)
    s = tl.state(0, 1.5)
    assert (s.judged, s.reason) == (False, "hips out of frame")
    assert tl.state(0, 3.5).judged and tl.state(0, 0.5).judged


def test_side_legend_is_written_in_the_bone_colours():
    img = np.zeros((720, 1280, 3), np.uint8)
    overlay.draw_side_legend(img)
    corner = img[:150, -250:]
    for colour in (overlay.DEFAULT_STYLE.left_bgr, overlay.DEFAULT_STYLE.right_bgr):
        assert (np.abs(corner.astype(int) - colour).max(axis=2) < 30).sum() > 40
    assert not img[:, :-300].any()  # only the top-right corner is drawn


@pytest.fixture(scope="module")
def squat():
    run = squat_clip_run()
    assert run.exit_code == 0, run.stdout
    return run


@pytest.mark.slow
def test_annotated_video_is_h264_near_the_source_bit_rate(squat):
    out = squat.out / "annotated.mp4"
    cap = cv2.VideoCapture(str(out))
    assert fourcc(cap) in ("h264", "avc1")
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    assert n == 65  # OpenCV decodes every frame
    src = source_bitrate(SQUAT_CLIP, probe_video(SQUAT_CLIP))
    got = source_bitrate(out, probe_video(out))
    assert 0.5 < got / src < 1.6, (got, src)


PROBE = """<script>
(function(){var v=document.getElementById('clip'),out=document.createElement('pre');out.id='probe';
document.body.appendChild(out);var log={};
function rec(k){log[k]={rs:v.readyState,t:v.currentTime,rate:v.playbackRate,paused:v.paused};
out.textContent=JSON.stringify(log);}
function key(k){document.dispatchEvent(new KeyboardEvent('keydown',{key:k,bubbles:true}));}
function click(sel){document.querySelector(sel).click();}
function later(f){setTimeout(f,300);}
v.addEventListener('canplaythrough',function once(){v.removeEventListener('canplaythrough',once);rec('ready');
key('.');later(function(){rec('step1');key('.');later(function(){rec('step2');click('[data-step="-1"]');
later(function(){rec('back');click('[data-speed="0.125"]');rec('eighth');click('[data-speed="0.25"]');rec('quarter');
click('[data-toggle]');rec('paused');var b=document.querySelectorAll('[data-t]');click('[data-t]:last-of-type');
later(function(){rec('jump');log.buttons=b.length;out.textContent=JSON.stringify(log);});});});});});
v.load();})();
</script>"""


@pytest.mark.slow
def test_embedded_video_plays_in_chromium_with_its_controls(squat):
    exe = chromium()
    if exe is None:
        missing_input(NO_CHROMIUM)
    page = (squat.out / "report.html").read_text(encoding="utf-8")
    assert '<video id="clip" src="data:video/mp4;base64,' in page  # embedded: the page stays one file
    work = Path(tempfile.mkdtemp())
    probe = work / "probe.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}", "--virtual-time-budget=20000",
           "--dump-dom", probe.as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout
    log = json.loads(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S).group(1).replace("&quot;", '"'))
    fps = squat.report["fps"]
    assert log["ready"]["rs"] == 4  # HAVE_ENOUGH_DATA: Chromium decodes the H.264 file
    assert log["step1"]["t"] == pytest.approx(1 / fps, abs=1e-3) and log["step1"]["paused"]
    assert log["step2"]["t"] == pytest.approx(2 / fps, abs=1e-3)
    assert log["back"]["t"] == pytest.approx(1 / fps, abs=1e-3)
    assert log["eighth"]["rate"] == 0.125 and log["quarter"]["rate"] == 0.25
    assert log["paused"]["paused"]
    reps = squat.report["reps"]
    assert log["buttons"] == len(reps)
    assert log["jump"]["t"] == pytest.approx(reps[-1]["start_s"], abs=1e-3)
