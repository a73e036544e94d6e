"""Batch scoring: ok and failed rows, resumable cache, interrupted runs, pluggable executors."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from synth_running import RunSpec, synth_run
from typer.testing import CliRunner

from hipform import batch
from hipform.cli import app
from hipform.errors import InputError
from hipform.landmark_io import write_landmarks_csv
from hipform.pipeline import Settings

REPO = Path(__file__).resolve().parents[1]
WALK_VIDEO = REPO.parent / "shared" / "videos" / "walk_side_sports2d.mp4"


def write_run_csv(path: Path, seed: int, cadence: float = 170.0, direction: int = 1) -> Path:
    seq, _ = synth_run(RunSpec(cadence_spm=cadence, direction=direction, noise_px=1.0, seed=seed, duration_s=5.0))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_landmarks_csv(seq, path)
    return path


def write_empty_video(path: Path, frames: int = 20, size: tuple[int, int] = (160, 120)) -> Path:
    """A video of plain grey frames: nobody in it."""
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, size)
    rng = np.random.default_rng(0)
    for _ in range(frames):
        w.write(rng.integers(80, 100, (size[1], size[0], 3), dtype=np.uint8))
    w.release()
    return path


def half_size_copy(src: Path, dst: Path, start: int = 0, stop: int = 10**9) -> Path:
    """Frames [start, stop) of a real clip at half size, same fps: a real video, faster to score."""
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    w = h = None
    writer = None
    i = -1
    while True:
        ok, frame = cap.read()
        i += 1
        if not ok or i >= stop:
            break
        if i < start:
            continue
        if writer is None:
            h, w = frame.shape[0] // 2, frame.shape[1] // 2
            writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
        writer.write(cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA))
    cap.release()
    writer.release()
    return dst


def read_summary(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    """Good clips (a real walking video, two landmark CSVs) and three bad files."""
    d = tmp_path_factory.mktemp("clips")
    if WALK_VIDEO.is_file():
        (d / "video").mkdir()
        half_size_copy(WALK_VIDEO, d / "video" / "walk.mp4", 50, 205)  # the walker's part
    write_run_csv(d / "run_a.csv", 1)
    write_run_csv(d / "deeper" / "run_b.csv", 2, 165, -1)
    (d / "corrupt.mp4").write_bytes(np.random.default_rng(1).bytes(4096))
    (d / "notes.txt").write_text("session notes\n")
    write_empty_video(d / "nobody.mp4")
    (d / ".hidden").write_text("ignored")
    return d


@pytest.fixture(scope="module")
def first_run(mixed_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    res = batch.run_batch(mixed_folder, out, Settings("walking"), batch.LocalExecutor(2))
    return out, res


@pytest.mark.slow
def test_batch_ok_and_failed_rows(first_run, mixed_folder):
    out, res = first_run
    rows = {r["clip"]: r for r in read_summary(out / "summary.csv")}
    good = ["run_a.csv", "deeper/run_b.csv"] + (["video/walk.mp4"] if WALK_VIDEO.is_file() else [])
    bad = {"corrupt.mp4": "not a video", "notes.txt": "not a video or landmark file", "nobody.mp4": "nobody"}
    assert set(rows) == set(good) | set(bad)  # hidden file ignored, one row per clip
    for clip in good:
        r = rows[clip]
        assert r["status"] == "ok", r
        assert r["error"] == ""
        assert float(r["cadence_spm"]) > 0
        assert int(r["steps_analysed"]) >= 3
        assert (batch.clip_out_dir(out, clip) / "report.json").is_file()
        assert (batch.clip_out_dir(out, clip) / "steps.csv").is_file()
    assert abs(float(rows["run_a.csv"]["cadence_spm"]) - 170) < 1.0
    assert abs(float(rows["deeper/run_b.csv"]["cadence_spm"]) - 165) < 1.0
    if WALK_VIDEO.is_file():
        assert 95 <= float(rows["video/walk.mp4"]["cadence_spm"]) <= 103
    for clip, why in bad.items():
        assert rows[clip]["status"] == "failed"
        assert why in rows[clip]["error"]
        assert "\n" not in rows[clip]["error"]
        assert rows[clip]["cadence_spm"] == ""
    assert res.scored == len(rows) and res.skipped == 0 and res.failed == 3
    # fault count columns exist for every gait fault
    assert {f"faults_{c}" for c in batch.GAIT_FAULTS} <= set(rows["run_a.csv"])
    assert int(rows["run_a.csv"]["faults_asymmetry"]) >= 1


@pytest.mark.slow
def test_rerun_skips_clips_without_pose_work(first_run, mixed_folder, monkeypatch):
    out, _ = first_run
    before = (out / "summary.csv").read_text()

    def no_pose_work(*a, **k):
        raise AssertionError("pose work on a clip that is up to date")

    monkeypatch.setattr("hipform.pipeline.analyse_file", no_pose_work)
    monkeypatch.setattr("hipform.pipeline.load_sequence", no_pose_work)
    res = batch.run_batch(mixed_folder, out, Settings("walking"), batch.LocalExecutor(1))
    assert res.scored == 0
    assert res.skipped == len(res.rows) >= 5
    assert (out / "summary.csv").read_text() == before


def test_changed_content_or_settings_rescore(tmp_path):
    clips = tmp_path / "clips"
    write_run_csv(clips / "a.csv", 1)
    write_run_csv(clips / "b.csv", 2)
    out = tmp_path / "out"
    ex = batch.LocalExecutor(1)
    assert batch.run_batch(clips, out, Settings("running"), ex).scored == 2
    write_run_csv(clips / "b.csv", 3)  # new content
    todo, done = batch.plan_batch(clips, out, Settings("running"))
    assert [t.clip for t in todo] == ["b.csv"] and list(done) == ["a.csv"]
    # different thresholds, model or view: everything is stale
    for s2 in (
        Settings("running", overrides={"running": {"low_cadence_spm": 175.0}}),
        Settings("running", model="lite"),
        Settings("running", view="side-left"),
    ):
        todo, done = batch.plan_batch(clips, out, s2)
        assert len(todo) == 2 and not done
    s2 = Settings("running", overrides={"running": {"low_cadence_spm": 175.0}})
    res = batch.run_batch(clips, out, s2, ex)
    assert (res.scored, res.skipped) == (2, 0)
    rows = {r["clip"]: r for r in read_summary(out / "summary.csv")}
    assert rows["a.csv"]["faults_low_cadence"] == "1"


def test_missing_folder_is_one_line_error(tmp_path):
    with pytest.raises(InputError, match="input folder not found"):
        batch.run_batch(tmp_path / "nope", tmp_path / "out", Settings("running"), batch.LocalExecutor(1))
    r = CliRunner().invoke(app, ["batch", str(tmp_path / "nope"), "-e", "running", "-o", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "input folder not found" in r.output
    r = CliRunner().invoke(app, ["batch", str(tmp_path), "-e", "running", "-o", str(tmp_path / "o"),
                                 "--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"])
    assert r.exit_code == 1 and "either --jobs" in r.output


def test_cli_batch_prints_counts(tmp_path):
    clips = tmp_path / "clips"
    write_run_csv(clips / "a.csv", 4)
    (clips / "junk.bin").write_bytes(b"\x00\x01")
    r = CliRunner().invoke(app, ["batch", str(clips), "-e", "running", "-o", str(tmp_path / "o"), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert "2 clips: 1 ok, 1 failed" in r.output
    r = CliRunner().invoke(app, ["batch", str(clips), "-e", "running", "-o", str(tmp_path / "o"), "--jobs", "1"])
    assert "0 scored now, 2 up to date" in r.output


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "hipform", *args]


@pytest.mark.slow
def test_killed_batch_resumes_to_the_same_summary(tmp_path):
    clips = tmp_path / "clips"
    write_run_csv(clips / "a_run.csv", 5)
    write_empty_video(clips / "b_nobody.mp4", frames=20)  # slow enough to be killed in
    write_run_csv(clips / "c_run.csv", 6, 180)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen(
        _cli("batch", str(clips), "-e", "running", "-o", str(out), "--jobs", "1"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )
    first = batch.clip_out_dir(out, "a_run.csv") / batch.RESULT_JSON
    deadline = time.time() + 120
    while not first.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert first.exists(), "first clip never finished"
    assert proc.poll() is None, "batch finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = read_summary(out / "summary.csv")
    assert [r["clip"] for r in partial] == ["a_run.csv"]  # the finished clip is in the summary
    assert not (batch.clip_out_dir(out, "c_run.csv") / batch.RESULT_JSON).exists()
    done = subprocess.run(_cli("batch", str(clips), "-e", "running", "-o", str(out), "--jobs", "1"),
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "1 up to date" in done.stdout
    fresh = tmp_path / "fresh"
    batch.run_batch(clips, fresh, Settings("running"), batch.LocalExecutor(1))
    assert (out / "summary.csv").read_text() == (fresh / "summary.csv").read_text()
    assert len(read_summary(out / "summary.csv")) == 3


def test_dask_executor_gives_the_same_summary(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    clips = tmp_path / "clips"
    write_run_csv(clips / "a.csv", 7)
    write_run_csv(clips / "s" / "b.csv", 8, 160, -1)
    (clips / "bad.txt").write_text("x")
    local = batch.run_batch(clips, tmp_path / "local", Settings("running"), batch.LocalExecutor(1))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cl:
        ex = batch.DaskExecutor(cl.scheduler_address)
        try:
            res = batch.run_batch(clips, tmp_path / "dask", Settings("running"), ex)
        finally:
            ex.close()
        r = CliRunner().invoke(app, ["batch", str(clips), "-e", "running", "-o", str(tmp_path / "dask"),
                                     "--scheduler", cl.scheduler_address])
        assert r.exit_code == 0, r.output
        assert "3 up to date" in r.output
    assert res.scored == 3 and res.failed == 1
    assert (tmp_path / "dask" / "summary.csv").read_text() == (tmp_path / "local" / "summary.csv").read_text()
    assert local.rows == res.rows


def test_clip_out_dir_keeps_suffixes_apart(tmp_path):
    assert batch.clip_out_dir(tmp_path, "a/b.mp4") == tmp_path / "a" / "b_mp4"
    assert batch.clip_out_dir(tmp_path, "a/b.mov") != batch.clip_out_dir(tmp_path, "a/b.mp4")


def test_output_folder_inside_input_is_not_scored(tmp_path):
    write_run_csv(tmp_path / "a.csv", 9)
    res = batch.run_batch(tmp_path, tmp_path / "results", Settings("running"), batch.LocalExecutor(1))
    res2 = batch.run_batch(tmp_path, tmp_path / "results", Settings("running"), batch.LocalExecutor(1))
    assert [r["clip"] for r in res.rows] == ["a.csv"] == [r["clip"] for r in res2.rows]
