"""The command line: help, version, and one-line errors with non-zero exits for bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from hipform.cli import app

runner = CliRunner()
HIPFORM = [sys.executable, "-m", "hipform"]


def run_cli(*args, cwd=None):
    """Run the real console entry point in a subprocess (what a user sees)."""
    return subprocess.run([*HIPFORM, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_version_and_help():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.startswith("hipform ")
    for cmd in ("pose", "analyze", "exercises"):
        r = runner.invoke(app, [cmd, "--help"])
        assert r.exit_code == 0, r.stdout
        assert "Example" in r.stdout


def test_exercises_lists_metrics_and_thresholds():
    r = runner.invoke(app, ["exercises"])
    assert r.exit_code == 0
    for name in ("single-leg-squat", "squat", "max_gap_s"):
        assert name in r.stdout


def _assert_one_line_error(r, *words):
    assert r.returncode != 0
    assert "Traceback" not in r.stderr + r.stdout
    lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    for w in words:
        assert w in lines[0], lines[0]


def test_unknown_exercise(tmp_path):
    r = run_cli("analyze", tmp_path / "x.mp4", "--exercise", "dance")
    _assert_one_line_error(r, "unknown exercise 'dance'", "single-leg-squat")


def test_missing_file(tmp_path):
    r = run_cli("analyze", tmp_path / "nope.mp4", "--exercise", "squat", "--out", tmp_path / "out")
    _assert_one_line_error(r, "not found")
    assert not (tmp_path / "out").exists()


def test_not_a_video(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("this is not a video\n" * 20)
    r = run_cli("analyze", bad, "--exercise", "squat", "--out", tmp_path / "out")
    _assert_one_line_error(r)
    assert not (tmp_path / "out").exists()


def test_truncated_and_zero_frame_videos(tmp_path, shared_videos):
    src = (shared_videos / "squat_front_pexels_5fps.mp4").read_bytes()
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(src[:2000])
    r = run_cli("pose", empty, "-o", tmp_path / "e.csv")
    _assert_one_line_error(r)
    assert not (tmp_path / "e.csv").exists()


def _blank_clip(path, n=30, size=(320, 240)):
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 15.0, size)
    for i in range(n):
        w.write(np.full((size[1], size[0], 3), 40 + i, np.uint8))
    w.release()


def test_clip_with_nobody(tmp_path):
    clip = tmp_path / "empty_room.mp4"
    _blank_clip(clip)
    r = run_cli("analyze", clip, "--exercise", "squat", "--model", "lite", "--out", tmp_path / "out")
    _assert_one_line_error(r, "nobody")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere; covered by the read-only-parent test below")
def test_unwritable_output_non_root(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    r = run_cli("analyze", tmp_path / "x.csv", "--exercise", "squat", "--out", ro / "out")
    _assert_one_line_error(r, "cannot write")


def test_unwritable_output_folder_is_a_file(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    csv_in = tmp_path / "in.csv"
    csv_in.write_text("time_s,width,height,left_hip_x,left_hip_y\n0,10,10,1,1\n")
    r = run_cli("analyze", csv_in, "--exercise", "squat", "--out", blocker / "out")
    _assert_one_line_error(r, "cannot write")


def test_bad_config_is_one_line(tmp_path):
    cfg = tmp_path / "t.toml"
    cfg.write_text("[squat]\nno_such_threshold = 1\n")
    r = run_cli("analyze", tmp_path / "x.csv", "--exercise", "squat", "--config", cfg)
    _assert_one_line_error(r, "unknown threshold 'no_such_threshold'")


def test_malformed_landmark_csv(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time_s,width,height,left_hip_x,left_hip_y\n0,640,480,1,2\n0.1,640,480,oops,2\n")
    r = run_cli("analyze", bad, "--exercise", "squat", "--out", tmp_path / "o")
    _assert_one_line_error(r, "row 3", "left_hip_x")


def test_pose_writes_csv_and_keeps_old_on_failure(tmp_path, shared_videos):
    out = tmp_path / "lm.csv"
    out.write_text("old content")
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 1000)
    r = run_cli("pose", bad, "-o", out)
    assert r.returncode != 0
    assert out.read_text() == "old content"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".lm.csv")]


def test_console_script_installed():
    script = shutil.which("hipform", path=os.path.dirname(sys.executable))
    assert script, "the hipform console script is not installed beside the interpreter"
    r = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("hipform ")
