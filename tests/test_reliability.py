"""Reliability: a catalogue of bad or odd inputs run end to end through the real command line.

Every case asserts the exit code, one error line that names what is wrong (user text shown
as typed, markup included), no traceback, no temporary file or folder left behind, and
(where an earlier run wrote a report) that report intact. Batch cases cover FIFOs, a
crashed worker, a killed batch, output-name collisions and stale outputs. Landmark CSVs
stand in for videos wherever the case allows, to keep the run short.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synth_running import RunSpec, synth_run
from typer.testing import CliRunner

from hipform import batch
from hipform.cli import app
from hipform.errors import InputError
from hipform.landmark_io import write_landmarks_csv
from hipform.report_io import STAGE_TAG
from hipform.sequence import PoseSequence

runner = CliRunner()
HIPFORM = [sys.executable, "-m", "hipform"]


def run_cli(*args: object, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*HIPFORM, *map(str, args)], capture_output=True, text=True, timeout=timeout, **kw)


def write_run_csv(path: Path, seed: int = 1, duration_s: float = 5.0, flip: bool = False) -> Path:
    seq, _ = synth_run(RunSpec(cadence_spm=170.0, noise_px=1.0, seed=seed, duration_s=duration_s))
    if flip:  # the phone held upside down: image y mirrored
        xyz = seq.xyz.copy()
        xyz[..., 1] = seq.image_size[1] - xyz[..., 1]
        seq = PoseSequence(xyz, seq.visibility, seq.t, seq.image_size, seq.world, seq.fps, seq.source, seq.backend)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_landmarks_csv(seq, path)
    return path


def leftovers(folder: Path) -> list[str]:
    """Temporary files and stage folders anywhere under ``folder``."""
    bad = []
    for root, dirs, files in os.walk(folder):
        for n in dirs + files:
            if STAGE_TAG in n or n.endswith(".tmp") or n == ".hipform-write-test":
                bad.append(os.path.join(root, n))
    return bad


def csv_with(base: Path, dst: Path, row: int, column: str, value: str) -> Path:
    rows = list(csv.reader(io.StringIO(base.read_text())))
    rows[row][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    dst.write_text(buf.getvalue())
    return dst


def dense_csv(base: Path, dst: Path) -> Path:
    """Row 3 only 10 microseconds after row 2 (1e5 frames/s)."""
    rows = list(csv.reader(io.StringIO(base.read_text())))
    t1 = float(rows[1][rows[0].index("time_s")])
    return csv_with(base, dst, 2, "time_s", f"{t1 + 1e-5:.6f}")


@pytest.fixture(scope="module")
def good_csv(tmp_path_factory) -> Path:
    return write_run_csv(tmp_path_factory.mktemp("good") / "run.csv")


# --------------------------------------------------------------------------- the catalogue
@dataclass(frozen=True)
class Case:
    """One bad input: how to build it, the command, and what the user must see."""

    name: str
    build: Callable[[Path, Path], list[str]]  # (tmp folder, good csv) -> CLI arguments
    exit_code: int
    words: tuple[str, ...]


def _toml(tmp: Path, text: str) -> str:
    (tmp / "t.toml").write_text(text)
    return str(tmp / "t.toml")


def _report(tmp: Path, d: object, name: str = "r.json") -> str:
    (tmp / name).write_text(json.dumps(d) if not isinstance(d, str) else d)
    return str(tmp / name)


VALID = {"schema": "hipform.report/1", "exercise": "running", "reps": [], "steps": [], "summary": {}}


def _png(tmp: Path) -> str:
    cv2.imwrite(str(tmp / "photo.png"), np.full((64, 48, 3), 128, np.uint8))
    return str(tmp / "photo.png")


CASES = [
    # user text holding rich markup is shown as typed
    Case("markup exercise", lambda t, g: ["analyze", str(g), "-e", "[bold]x[/]", "-o", str(t / "o")], 2,
         ("unknown exercise '[bold]x[/]'",)),
    Case("markup path", lambda t, g: ["analyze", str(t / "in[red]put[/].csv"), "-e", "running"], 2,
         ("in[red]put[/].csv", "not found")),
    Case("markup CSV cell", lambda t, g: ["analyze", str(csv_with(g, t / "c.csv", 3, "time_s", "[/]")),
                                          "-e", "running", "-o", str(t / "o")], 2, ("'[/]' is not a number",)),
    Case("markup TOML key", lambda t, g: ["analyze", str(g), "-e", "running", "-o", str(t / "o"), "-c",
                                          _toml(t, '[running]\n"[/]bad" = 1\n')], 4, ("'[/]bad'",)),
    Case("markup TOML value", lambda t, g: ["analyze", str(g), "-e", "running", "-o", str(t / "o"), "-c",
                                            _toml(t, '[running]\npelvic_drop_warn_deg = "[b]"\n')], 4,
         ("'[b]'", "must be a number")),
    Case("markup report field", lambda t, g: ["compare", _report(t, {**VALID, "reps": "[/]"}),
                                              _report(t, VALID, "b.json")], 2, ("reps must be a list", "'[/]'")),
    Case("markup TOML table", lambda t, g: ["analyze", str(g), "-e", "running", "-o", str(t / "o"), "-c",
                                            _toml(t, '["[red]"]\nx = 1\n')], 4, ("[[red]]",)),
    # output errors
    Case("-o is a folder (pose)", lambda t, g: (t / "d.csv").mkdir() or ["pose", str(g), "-o", str(t / "d.csv")],
         5, ("it is a folder",)),
    Case("-o is a folder (compare)", lambda t, g: (t / "c.html").mkdir() or [
        "compare", _report(t, VALID), _report(t, VALID, "b.json"), "-o", str(t / "c.html")], 5, ("it is a folder",)),
    Case("output name too long", lambda t, g: ["analyze", str(g), "-e", "running", "-o", str(t / ("x" * 300))], 5,
         ("too long",)),
    Case("output folder is a file", lambda t, g: (t / "f").write_text("x") and [
        "analyze", str(g), "-e", "running", "-o", str(t / "f")], 5, ("cannot write",)),
    # input bounds
    Case("coordinate 1e12 px", lambda t, g: ["analyze", str(csv_with(g, t / "c.csv", 5, "left_knee_x", "1e12")),
                                             "-e", "running", "-o", str(t / "o")], 2,
         ("row 6", "'left_knee_x'", "far outside")),
    Case("image 200000 px", lambda t, g: ["analyze", str(csv_with(g, t / "c.csv", 1, "width", "200000")),
                                          "-e", "running", "-o", str(t / "o")], 2, ("row 2", "beyond 8192")),
    Case("timestamps 1e5 frames/s", lambda t, g: ["analyze", str(dense_csv(g, t / "c.csv")),
                                                  "-e", "running", "-o", str(t / "o")], 2,
         ("row 3", "'time_s'", "frames/s")),
    Case("report missing keys", lambda t, g: ["compare", _report(t, {"schema": "hipform.report/1"}),
                                              _report(t, VALID, "b.json")], 2, ("'exercise' is missing",)),
    Case("report string for list", lambda t, g: ["compare", _report(t, {**VALID, "steps": [{"index": 1,
                                                 "metrics": {"m": "abc"}, "faults": []}]}),
                                                 _report(t, VALID, "b.json")], 2, ("steps[0].metrics.m",)),
    Case("report not JSON", lambda t, g: ["compare", _report(t, "{nope"), _report(t, VALID, "b.json")], 2,
         ("not a valid report.json",)),
    Case("report fault severity", lambda t, g: ["compare", _report(t, {**VALID, "steps": [{"index": 1, "metrics": {},
                                                "faults": [{"code": "x", "severity": 3}]}]}),
                                                _report(t, VALID, "b.json")], 2, ("severity",)),
    Case("scheduler not an address", lambda t, g: ["batch", str(t), "-e", "running", "-o", str(t / "o"),
                                                   "--scheduler", "not an address"], 4, ("not an address",)),
    Case("scheduler bad port", lambda t, g: ["batch", str(t), "-e", "running", "-o", str(t / "o"),
                                             "--scheduler", "tcp://host:port"], 4, ("port",)),
    Case("scheduler no port", lambda t, g: ["batch", str(t), "-e", "running", "-o", str(t / "o"),
                                            "--scheduler", "tcp://host"], 4, ("host and a port",)),
    Case("warn beyond fault (higher is worse)", lambda t, g: [
        "analyze", str(g), "-e", "running", "-o", str(t / "o"), "-c",
        _toml(t, "[running]\npelvic_drop_warn_deg = 12\npelvic_drop_fault_deg = 8\n")], 4,
         ("pelvic_drop_warn_deg = 12", "at most")),
    Case("warn beyond fault (lower is worse)", lambda t, g: [
        "analyze", str(g), "-e", "single-leg-rdl", "-o", str(t / "o"), "-c",
        _toml(t, "[single-leg-rdl]\nshallow_hinge_warn_deg = 30\n")], 4, ("shallow_hinge_warn_deg = 30", "at least")),
    Case("--jobs 0", lambda t, g: ["batch", str(t), "-e", "running", "-o", str(t / "o"), "--jobs", "0"], 4,
         ("--jobs 0",)),
    Case("--jobs -3", lambda t, g: ["batch", str(t), "-e", "running", "-o", str(t / "o"), "--jobs", "-3"], 4,
         ("--jobs -3",)),
    Case("--camera -1", lambda t, g: ["live", "-e", "squat", "--camera", "-1", "--headless"], 4, ("--camera -1",)),
    Case("still image", lambda t, g: ["analyze", _png(t), "-e", "squat", "-o", str(t / "o")], 2, ("still image",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_catalogue(case: Case, tmp_path: Path, good_csv: Path):
    work = tmp_path / "w"
    work.mkdir()
    args = case.build(work, good_csv)
    r = runner.invoke(app, args)
    err = r.stderr
    assert "Traceback" not in r.output + err
    assert r.exit_code == case.exit_code, (r.exit_code, err)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    for w in case.words:
        assert w in lines[0], lines[0]
    assert leftovers(work) == []
    assert not (work / "o").exists()


def test_help_shows_square_brackets():
    env = {"COLUMNS": "200"}
    r = runner.invoke(app, ["analyze", "--help"], env=env)
    assert "[default: <input stem>_hipform/ next to the input]" in r.output
    r = runner.invoke(app, ["compare", "--help"], env=env)
    assert "[compare]" in r.output and "[default: compare.html beside NEW]" in r.output
    r = runner.invoke(app, ["batch", "--help"], env=env)
    assert "hipform[dask]" in r.output


# --------------------------------------------------------------------------- writing
@pytest.fixture()
def first_report(tmp_path, good_csv) -> Path:
    out = tmp_path / "out"
    r = runner.invoke(app, ["analyze", str(good_csv), "-e", "running", "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT])
@pytest.mark.parametrize("victim", ["report.html", "landmarks.csv"])
def test_disk_errors_leave_the_earlier_report_whole(first_report, good_csv, monkeypatch, code, victim):
    before = {p.name: p.read_bytes() for p in first_report.iterdir()}
    real = Path.write_text

    def failing(self, *a, **kw):
        if self.name.startswith(f".{victim}."):
            raise OSError(code, os.strerror(code), str(self))
        return real(self, *a, **kw)

    monkeypatch.setattr(Path, "write_text", failing)
    r = runner.invoke(app, ["analyze", str(good_csv), "-e", "running", "-o", str(first_report)])
    assert r.exit_code == 5, r.output
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and os.strerror(code) in lines[0] and victim in lines[0], r.stderr
    assert "Traceback" not in r.output
    assert {p.name: p.read_bytes() for p in first_report.iterdir()} == before  # all of run 1
    assert leftovers(first_report.parent) == []


def test_second_run_replaces_the_whole_folder_and_keeps_user_files(first_report, tmp_path):
    steps_csv = write_run_csv(tmp_path / "other.csv", seed=4)
    (first_report / "notes.txt").write_text("mine")
    (first_report / "reps.csv").write_text("stale file of an earlier rep exercise")
    r = runner.invoke(app, ["analyze", str(steps_csv), "-e", "running", "-o", str(first_report)])
    assert r.exit_code == 0, r.output
    assert (first_report / "notes.txt").read_text() == "mine"
    assert not (first_report / "reps.csv").exists()  # not written by run 2: dropped with run 1
    assert json.loads((first_report / "report.json").read_text())["source"] == "other.csv"
    assert leftovers(tmp_path) == []


def test_stage_of_a_killed_run_is_removed_next_time(first_report, good_csv):
    dead = first_report.parent / f".{first_report.name}{STAGE_TAG}999999999-abc"
    dead.mkdir()
    (dead / "landmarks.csv").write_bytes(b"x" * 1000)
    r = runner.invoke(app, ["analyze", str(good_csv), "-e", "running", "-o", str(first_report)])
    assert r.exit_code == 0
    assert not dead.exists()


def test_sigterm_during_analyze_leaves_nothing(tmp_path):
    big = write_run_csv(tmp_path / "long.csv", duration_s=120.0)
    out = tmp_path / "out"
    proc = subprocess.Popen([*HIPFORM, "analyze", str(big), "-e", "running", "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(4.0)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    assert leftovers(tmp_path) == []
    if proc.returncode == 0:  # finished before SIGTERM arrived: the folder is whole
        assert (out / "report.json").is_file() and (out / "report.html").is_file()
    else:  # interrupted: nothing of the run is left
        assert proc.returncode == 130, err
        assert not out.exists() or not (out / "report.json").exists()


def test_upside_down_person_is_said(tmp_path):
    flipped = write_run_csv(tmp_path / "flip.csv", flip=True)
    r = runner.invoke(app, ["analyze", str(flipped), "-e", "running", "-o", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    notes = json.loads((tmp_path / "o" / "report.json").read_text())["notes"]
    assert any("upside down" in n for n in notes), notes
    upright = write_run_csv(tmp_path / "up.csv")
    runner.invoke(app, ["analyze", str(upright), "-e", "running", "-o", str(tmp_path / "u")])
    assert not any("upside down" in n for n in json.loads((tmp_path / "u" / "report.json").read_text())["notes"])


def test_overlay_never_crashes_on_huge_coordinates():
    from hipform.render.overlay import draw_angle, draw_skeleton

    img = np.zeros((120, 160, 3), np.uint8)
    xy = np.full((33, 2), 1e12)
    xy[::2] = -1e15
    draw_skeleton(img, xy)
    draw_angle(img, (1e12, -1e12), 45.0, "L knee")


# --------------------------------------------------------------------------- report schema fuzz
def _valid_report(good_csv: Path, tmp: Path) -> dict:
    r = runner.invoke(app, ["analyze", str(good_csv), "-e", "running", "-o", str(tmp / "fz")])
    assert r.exit_code == 0
    return json.loads((tmp / "fz" / "report.json").read_text())


@pytest.fixture(scope="module")
def real_report(good_csv, tmp_path_factory) -> dict:
    return _valid_report(good_csv, tmp_path_factory.mktemp("fuzz"))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
    max_leaves=6,
)


def _paths(d: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(d, dict):
        for k, v in d.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(d, list):
        for i, v in enumerate(d[:3]):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), value=JSON, delete=st.booleans())
def test_report_schema_fuzz(real_report, tmp_path, data, value, delete):
    """A mutated report.json is either refused in one line (InputError) or compares without error."""
    from hipform.compare import compare_reports
    from hipform.report_io import read_report

    d = json.loads(json.dumps(real_report))
    paths = [p for p in _paths(d) if p]
    path = data.draw(st.sampled_from(paths))
    node = d
    for k in path[:-1]:
        node = node[k]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value
    f = tmp_path / "m.json"
    f.write_text(json.dumps(d))
    try:
        got = read_report(f)
    except InputError as e:
        assert "\n" not in str(e)
        return
    compare_reports(real_report, got)
    compare_reports(got, real_report)


def test_report_schema_accepts_every_written_report(real_report):
    from hipform.report_schema import validate_report

    assert validate_report(real_report) is real_report


# --------------------------------------------------------------------------- batch
def _summary(out: Path) -> dict[str, dict[str, str]]:
    return {r["clip"]: r for r in csv.DictReader(io.StringIO((out / "summary.csv").read_text()))}


def test_batch_skips_fifo_and_shows_markup_names(tmp_path, good_csv):
    clips = tmp_path / "clips"
    clips.mkdir()
    (clips / "a.csv").write_bytes(good_csv.read_bytes())
    os.mkfifo(clips / "pipe.mp4")
    (clips / "[red]").mkdir()
    (clips / "[red]" / "x[bold].txt").write_text("not a clip")
    r = run_cli("batch", clips, "-e", "running", "-o", tmp_path / "out", "--jobs", "1", timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "pipe.mp4" in r.stderr and "not regular files" in r.stderr
    assert "[red]/x[bold].txt" in r.stderr  # its failed row, shown as typed
    rows = _summary(tmp_path / "out")
    assert set(rows) == {"a.csv", "[red]/x[bold].txt"}
    assert rows["a.csv"]["status"] == "ok"


def crash_on_b(task: batch.ClipTask) -> dict:
    """A worker function that dies like a segfault on clip ``b``."""
    if task.clip.startswith("b"):
        os.kill(os.getpid(), signal.SIGKILL)
    return {"schema": batch.RESULT_SCHEMA, "key": task.key, "clip": task.clip, "row": batch.failed_row(task.clip, "x")}


def test_crashed_worker_is_a_failed_row_and_the_rest_are_scored(tmp_path):
    tasks = [batch.ClipTask(str(tmp_path / c), c, str(tmp_path / "o" / c), None, c) for c in
             ("a", "b", "c", "d", "e")]  # type: ignore[arg-type]
    got = dict((t.clip, r) for t, r in batch.LocalExecutor(2).run(crash_on_b, tasks))
    assert set(got) == {"a", "b", "c", "d", "e"}
    assert got["b"]["row"]["error"] == "the worker crashed: signal 9 (SIGKILL)"
    assert all(got[c]["row"]["error"] == "x" for c in "acde")


def _children(pid: int) -> list[int]:
    kids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(p.name))
    return kids


def _workers(pid: int) -> list[int]:
    """Spawned worker processes of ``pid`` (not the resource tracker)."""
    out = []
    for k in _children(pid):
        try:
            cmd = Path(f"/proc/{k}/cmdline").read_text()
        except OSError:
            continue
        if "spawn_main" in cmd and "resource_tracker" not in cmd:
            out.append(k)
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_killed_worker_then_killed_batch(tmp_path):
    """The real CLI: kill -9 a worker (its clip fails, the rest go on), then kill -9 the batch (workers die too)."""
    clips = tmp_path / "clips"
    for i in range(6):
        write_run_csv(clips / f"c{i}.csv", seed=i, duration_s=15.0)
    out = tmp_path / "out"
    proc = subprocess.Popen([*HIPFORM, "batch", str(clips), "-e", "running", "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    workers: list[int] = []
    while time.time() < deadline and len(workers) < 2:
        workers = _workers(proc.pid)
        time.sleep(0.2)
    assert len(workers) >= 2
    time.sleep(3.0)  # the workers are scoring their first clips
    os.kill(workers[0], signal.SIGKILL)
    outp, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    rows = _summary(out)
    assert len(rows) == 6
    crashed = [c for c, r in rows.items() if "the worker crashed: signal 9" in r["error"]]
    assert len(crashed) == 1, rows
    assert all(r["status"] == "ok" for c, r in rows.items() if c not in crashed)
    assert not (out / rows[crashed[0]]["clip"].replace(".", "_") / "report.json").exists()
    # SIGKILL to the batch takes its workers with it
    proc = subprocess.Popen([*HIPFORM, "batch", str(clips), "-e", "running", "-o", str(tmp_path / "out2"), "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    workers = []
    while time.time() < deadline and not workers:
        workers = _workers(proc.pid)
        time.sleep(0.2)
    assert workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 30
    while time.time() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    assert not any(_alive(w) for w in workers), "workers outlived their batch"


def test_sigterm_leaves_summary_consistent(tmp_path):
    clips = tmp_path / "clips"
    for i in range(4):
        write_run_csv(clips / f"c{i}.csv", seed=i, duration_s=20.0)
    out = tmp_path / "out"
    proc = subprocess.Popen([*HIPFORM, "batch", str(clips), "-e", "running", "-o", str(out), "--jobs", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first = out / "c0_csv" / batch.RESULT_JSON
    deadline = time.time() + 120
    while not first.exists() and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    assert proc.returncode in (0, 130), err  # 0: the batch finished before SIGTERM arrived
    rows = _summary(out)
    finished = {p.parent.name.replace("_csv", ".csv") for p in out.glob(f"*/{batch.RESULT_JSON}")}
    assert set(rows) == finished and rows
    assert leftovers(out) == []


def test_batch_names_collisions_staleness_and_own_outputs(tmp_path, good_csv):
    clips = tmp_path / "clips"
    clips.mkdir()
    (clips / "squat.v1.csv").write_bytes(good_csv.read_bytes())
    write_run_csv(clips / "squat_v1.csv", seed=3)
    # an analyze folder and an earlier batch inside the input: never scanned as input
    r = runner.invoke(app, ["analyze", str(good_csv), "-e", "running", "-o", str(clips / "run_hipform")])
    assert r.exit_code == 0
    r = runner.invoke(app, ["batch", str(clips), "-e", "running", "-o", str(clips / "res1"), "-j", "1"])
    assert r.exit_code == 0
    out = clips / "res2"
    r = runner.invoke(app, ["batch", str(clips), "-e", "running", "-o", str(out), "-j", "1"])
    assert r.exit_code == 0, r.output
    rows = _summary(out)
    assert set(rows) == {"squat.v1.csv", "squat_v1.csv"}
    dirs = {c: out / rows[c]["out_dir"] for c in rows}
    assert dirs["squat.v1.csv"] != dirs["squat_v1.csv"]
    srcs = {c: json.loads((d / "report.json").read_text())["steps"] for c, d in dirs.items()}
    assert srcs["squat.v1.csv"] != srcs["squat_v1.csv"]  # two reports, neither lost
    r = runner.invoke(app, ["batch", str(clips), "-e", "running", "-o", str(out), "-j", "1"])
    assert "2 up to date" in r.output
    # a deleted report is not "up to date"
    (dirs["squat_v1.csv"] / "report.json").unlink()
    r = runner.invoke(app, ["batch", str(clips), "-e", "running", "-o", str(out), "-j", "1"])
    assert "1 scored now, 1 up to date" in r.output
    assert (dirs["squat_v1.csv"] / "report.json").is_file()
    # a clip replaced by a bad file: failed row, and its old report no longer linked
    (clips / "squat_v1.csv").write_text("time_s,width\n1,2\n")
    r = runner.invoke(app, ["batch", str(clips), "-e", "running", "-o", str(out), "-j", "1"])
    rows = _summary(out)
    assert rows["squat_v1.csv"]["status"] == "failed"
    assert not (dirs["squat_v1.csv"] / "report.json").exists()
    from hipform.render.batch_html import load_batch

    b = load_batch(out)
    paths = dict(zip([r["clip"] for r in b.rows], b.report_paths, strict=True))
    assert paths["squat_v1.csv"] is None and paths["squat.v1.csv"] is not None


@pytest.mark.parametrize("size", [(2, 2), (160, 120)], ids=["2x2 video", "noise video"])
def test_live_source_without_a_person_exits_non_zero(tmp_path, size):
    w, h = size
    video = tmp_path / "v.mp4"
    vw = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 30, size)
    rng = np.random.default_rng(0)
    for _ in range(15):
        vw.write(rng.integers(0, 255, (h, w, 3), dtype=np.uint8))
    vw.release()
    out = tmp_path / "o"
    r = runner.invoke(app, ["live", "-e", "squat", "--source", str(video), "--headless", "--no-pace", "-o", str(out)])
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "no report written" in lines[0], r.stderr
    assert not out.exists()
