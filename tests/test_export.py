"""``hipform export``: TRC and MOT read back with readers written from the formats' specs, XLSX with openpyxl.

TRC (Motion Analysis / OpenSim marker file, ``PathFileType 4``): line 1 the file type,
line 2 the names of the values on line 3 (``DataRate ... NumFrames NumMarkers Units ...``),
line 4 ``Frame#``, ``Time`` and each marker name over its three columns, line 5 ``X1 Y1 Z1
X2 ...``, then one tab-separated row per frame (frame number, time, X Y Z per marker).
MOT (OpenSim storage): ``key=value`` header lines up to ``endheader`` (``nRows``,
``nColumns`` counting the time column, ``inDegrees``), then a line of column labels and one
row per frame.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from synth_hinge import Camera, HingeRep, hinge_sequence
from typer.testing import CliRunner

from hipform.cli import app
from hipform.exercises import get_exercise
from hipform.export import load_folder
from hipform.landmarks import LANDMARK_NAMES, landmark_index
from hipform.pipeline import Settings, analyse_prepared
from hipform.report_io import write_report_folder

TRUNK = 70.0


def read_trc(path: Path) -> dict:
    lines = path.read_text().split("\n")
    assert lines[0].split("\t")[:2] == ["PathFileType", "4"]
    header = dict(zip(lines[1].split("\t"), lines[2].split("\t"), strict=True))
    names_row = lines[3].split("\t")
    assert names_row[:2] == ["Frame#", "Time"]
    markers = [n for n in names_row[2:] if n]
    n_markers = int(header["NumMarkers"])
    assert len(markers) == n_markers
    for j, name in enumerate(markers):  # each name sits over its X column
        assert names_row[2 + 3 * j] == name
    axes = lines[4].split("\t")[2:]
    assert axes == [f"{a}{j}" for j in range(1, n_markers + 1) for a in "XYZ"]
    rows = [ln.split("\t") for ln in lines[5:] if ln.strip()]
    assert all(len(r) == 2 + 3 * n_markers for r in rows)
    frames = [int(r[0]) for r in rows]
    t = np.array([float(r[1]) for r in rows])
    xyz = np.array([[float(v) if v not in ("", "NaN") else math.nan for v in r[2:]] for r in rows])
    return {
        "header": header,
        "markers": markers,
        "frames": frames,
        "t": t,
        "xyz": xyz.reshape(len(rows), n_markers, 3),
    }


def read_mot(path: Path) -> dict:
    lines = path.read_text().split("\n")
    end = lines.index("endheader")
    header = dict(ln.split("=", 1) for ln in lines[:end] if "=" in ln)
    labels = lines[end + 1].split("\t")
    rows = [[float(v) for v in ln.split("\t")] for ln in lines[end + 2 :] if ln.strip()]
    assert all(len(r) == len(labels) for r in rows)
    return {"name": lines[0], "header": header, "labels": labels, "data": np.array(rows)}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report folder of two synthetic single-leg RDL reps (side view, world landmarks)."""
    seq, _ = hinge_sequence([HingeRep(trunk_deg=TRUNK)] * 2, Camera(90.0), noise_px=0.3, noise_m=0.002, seed=1)
    analysis = analyse_prepared(seq, Settings("single-leg-rdl"))
    out = tmp_path_factory.mktemp("rdl")
    write_report_folder(analysis.report, seq, out, get_exercise("single-leg-rdl"))
    return out


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_trc_pixels_and_metres(folder: Path, tmp_path: Path) -> None:
    res = run("export", str(folder), "--format", "trc", "-o", str(tmp_path))
    assert res.exit_code == 0, res.output
    report, seq = load_folder(folder)
    px = read_trc(tmp_path / "landmarks_px.trc")
    assert px["header"]["Units"] == "px"
    assert int(px["header"]["NumFrames"]) == len(px["frames"]) == report["frames"] == len(seq)
    assert px["markers"] == list(LANDMARK_NAMES)
    assert px["frames"] == list(range(1, len(seq) + 1))
    assert float(px["header"]["DataRate"]) == pytest.approx(report["fps"])
    assert np.allclose(np.diff(px["t"]), 1.0 / report["fps"], atol=1e-5)
    assert np.allclose(px["xyz"][..., :2], seq.xyz[..., :2], atol=0.006, equal_nan=True)

    m = read_trc(tmp_path / "landmarks_m.trc")
    assert m["header"]["Units"] == "m"
    assert len(m["frames"]) == len(seq)
    # OpenSim axes: Y up, so the nose is above the hips (about 0.6-0.8 m for an adult)
    nose, hip = m["xyz"][:, landmark_index("nose")], m["xyz"][:, landmark_index("left_hip")]
    assert np.nanmedian(nose[:, 1] - hip[:, 1]) > 0.4
    # the hips stay near the origin (MediaPipe's world origin is between them)
    mid = 0.5 * (m["xyz"][:, landmark_index("left_hip")] + m["xyz"][:, landmark_index("right_hip")])
    assert np.nanmax(np.abs(mid)) < 0.05


def test_mot_angles(folder: Path, tmp_path: Path) -> None:
    res = run("export", str(folder), "-f", "mot", "-o", str(tmp_path))
    assert res.exit_code == 0, res.output
    mot = read_mot(tmp_path / "angles.mot")
    h = mot["header"]
    assert h["inDegrees"] == "yes" and h["version"] == "1"
    assert int(h["nRows"]) == len(mot["data"]) == len(load_folder(folder)[1])
    assert int(h["nColumns"]) == len(mot["labels"]) and mot["labels"][0] == "time"
    col = dict(zip(mot["labels"], mot["data"].T, strict=True))
    assert {"left_knee_flexion", "right_hip_flexion", "trunk", "pelvis_tilt"} <= set(col)
    # side view: the trunk leans forward by the hinge depth at the bottom of each rep, and
    # stands (near vertical) before the first rep
    assert np.nanmax(col["trunk"]) == pytest.approx(TRUNK, abs=6.0)
    assert np.nanmedian(col["trunk"][:10]) < 10.0


def test_xlsx_tables(folder: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    res = run("export", str(folder), "-f", "xlsx", "-o", str(tmp_path))
    assert res.exit_code == 0, res.output
    report = load_folder(folder)[0]
    wb = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert {"reps", "side means", "faults", "not judged", "thresholds", "clip"} <= set(wb.sheetnames)
    reps = list(wb["reps"].values)
    assert len(reps) == 1 + len(report["reps"]) == 3
    head = list(reps[0])
    trunk = head.index("trunk_angle_deg")
    for row, rep in zip(reps[1:], report["reps"], strict=True):
        assert row[trunk] == pytest.approx(rep["metrics"]["trunk_angle_deg"])
    th = dict(list(wb["thresholds"].values)[1:])
    assert th == pytest.approx(report["thresholds"])


def test_export_bad_input_one_line(tmp_path: Path) -> None:
    res = run("export", str(tmp_path / "nope"), "-f", "trc")
    assert res.exit_code != 0
    assert "not a report folder" in res.output and "Traceback" not in res.output
    (tmp_path / "empty").mkdir()
    res = run("export", str(tmp_path / "empty"), "-f", "mot")
    assert res.exit_code != 0 and "report not found" in res.output
