"""``hipform export``: a report folder as TRC, MOT or XLSX for other tools.

* **TRC** (``landmarks_px.trc`` and, where the pose model gave world landmarks,
  ``landmarks_m.trc``): every landmark's trajectory in the Motion Analysis / OpenSim
  marker format, the format OpenSim, Sports2D and Pose2Sim read.
* **MOT** (``angles.mot``): per-frame joint and segment angles in degrees, in the
  OpenSim storage format (the format of Sports2D's angle files).
* **XLSX** (``tables.xlsx``): the per-rep or per-step table, the per-side means, the
  faults, what was not judged, the thresholds and the clip facts, one sheet each.

The landmarks are the ones the rules measured: ``landmarks.csv`` of the folder, cleaned
again the way ``hipform analyze`` cleaned them (visibility threshold, gap filling,
low-pass filter) with the thresholds written in ``report.json``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from hipform.errors import InputError, OutputError
from hipform.geometry import angle_at, angle_from_vertical, line_tilt
from hipform.landmarks import LANDMARK_NAMES
from hipform.sequence import PoseSequence

FORMATS = ("trc", "mot", "xlsx")
TRC_PX = "landmarks_px.trc"
TRC_M = "landmarks_m.trc"
MOT = "angles.mot"
XLSX = "tables.xlsx"


# ---------------------------------------------------------------------------------------
# loading
def load_folder(folder: str | Path) -> tuple[dict[str, Any], PoseSequence]:
    """The report and the cleaned landmarks of a report folder.

    Raises
    ------
    InputError
        When the folder has no ``report.json`` or no ``landmarks.csv``.
    """
    from hipform.exercises import get_exercise
    from hipform.landmark_io import read_landmarks_csv
    from hipform.pipeline import prepare
    from hipform.report_io import LANDMARKS_CSV, read_report

    d = Path(folder)
    if not d.is_dir():
        raise InputError(f"not a report folder: {d}")
    report = read_report(d)
    lm = d / LANDMARKS_CSV
    if not lm.is_file():
        raise InputError(f"{d} has no {LANDMARKS_CSV} (written by `hipform analyze`)")
    seq = read_landmarks_csv(lm, fps=float(report.get("fps") or float("nan")))
    try:
        exercise = get_exercise(report["exercise"])
    except Exception:  # noqa: BLE001 - an unknown exercise only loses the exercise's cut-off
        exercise = None
    if exercise is not None and len(seq):
        seq = prepare(seq, exercise, report.get("thresholds") or {}).smoothed
    return report, seq


# ---------------------------------------------------------------------------------------
# TRC
def _num(v: float, digits: int) -> str:
    return "NaN" if not math.isfinite(v) else f"{v:.{digits}f}"


def trc_text(seq: PoseSequence, coords: np.ndarray, units: str, file_name: str, digits: int) -> str:
    """A TRC file (``PathFileType 4``) for (T, 33, 3) marker coordinates.

    Parameters
    ----------
    seq : PoseSequence
        Gives the times and the frame rate.
    coords : numpy.ndarray
        (T, 33, 3) X, Y, Z per landmark, in ``units``; NaN where missing.
    units : str
        ``"px"`` or ``"m"``.
    file_name : str
        Written in the first header line, as the format asks.
    digits : int
        Decimals written.
    """
    n = len(seq)
    rate = seq.fps if math.isfinite(seq.fps) and seq.fps > 0 else _rate_from_times(seq.t)
    out = io.StringIO()
    out.write(f"PathFileType\t4\t(X/Y/Z)\t{file_name}\n")
    out.write("DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n")
    out.write(f"{rate:.6g}\t{rate:.6g}\t{n}\t{len(LANDMARK_NAMES)}\t{units}\t{rate:.6g}\t1\t{n}\n")
    out.write("Frame#\tTime\t" + "\t".join(f"{name}\t\t" for name in LANDMARK_NAMES).rstrip("\t") + "\n")
    out.write("\t\t" + "\t".join(f"X{j}\tY{j}\tZ{j}" for j in range(1, len(LANDMARK_NAMES) + 1)) + "\n")
    out.write("\n")
    for i in range(n):
        vals = "\t".join(_num(float(v), digits) for v in coords[i].reshape(-1))
        out.write(f"{i + 1}\t{float(seq.t[i]):.6f}\t{vals}\n")
    return out.getvalue()


def _rate_from_times(t: np.ndarray) -> float:
    dt = np.diff(np.asarray(t, float))
    dt = dt[np.isfinite(dt) & (dt > 0)]
    return float(1.0 / np.median(dt)) if dt.size else 0.0


def pixel_coords(seq: PoseSequence) -> np.ndarray:
    """(T, 33, 3) image coordinates: x right, y down in pixels, Z 0 (no depth in pixels)."""
    c = np.zeros(seq.xyz.shape, float)
    c[..., :2] = seq.xyz[..., :2]
    c[np.isnan(seq.xyz[..., 0])] = np.nan
    return c


def world_coords(seq: PoseSequence) -> np.ndarray | None:
    """(T, 33, 3) world coordinates in metres turned to OpenSim's axes, or None.

    MediaPipe's world frame has x to the image's right, y down and z away from the
    camera, origin between the hips. OpenSim wants Y up: the frame is turned 180° about
    X, giving X right, Y up, Z towards the camera (still right-handed).
    """
    if seq.world is None or not np.isfinite(seq.world).any():
        return None
    w = np.asarray(seq.world, float).copy()
    w[..., 1] *= -1.0
    w[..., 2] *= -1.0
    return w


# ---------------------------------------------------------------------------------------
# MOT
def frame_angles(seq: PoseSequence) -> dict[str, np.ndarray]:
    """Per-frame 2D joint and segment angles in degrees (image plane), per side.

    ``knee_flexion`` is 180° minus the hip-knee-ankle angle (0 straight), ``hip_flexion``
    180° minus the shoulder-hip-knee angle, ``ankle_dorsiflexion`` 90° minus the
    knee-ankle-toe angle; ``thigh``, ``shank`` and ``trunk`` are the segment's angle from
    vertical, ``pelvis_tilt`` the hip line's tilt from horizontal. All are measured on the
    image, so they are true joint angles only where the limb moves in the image plane
    (a side view for flexion).
    """
    out: dict[str, np.ndarray] = {}
    for s in ("left", "right"):
        hip, knee, ankle = seq.xy(f"{s}_hip"), seq.xy(f"{s}_knee"), seq.xy(f"{s}_ankle")
        shoulder, toe = seq.xy(f"{s}_shoulder"), seq.xy(f"{s}_foot_index")
        out[f"{s}_hip_flexion"] = 180.0 - angle_at(shoulder, hip, knee)
        out[f"{s}_knee_flexion"] = 180.0 - angle_at(hip, knee, ankle)
        out[f"{s}_ankle_dorsiflexion"] = 90.0 - angle_at(knee, ankle, toe)
        out[f"{s}_thigh"] = angle_from_vertical(hip, knee)
        out[f"{s}_shank"] = angle_from_vertical(knee, ankle)
    mid_sh = seq.mid("left_shoulder", "right_shoulder")
    mid_hip = seq.mid("left_hip", "right_hip")
    out["trunk"] = angle_from_vertical(mid_sh, mid_hip)
    out["pelvis_tilt"] = line_tilt(seq.xy("left_hip"), seq.xy("right_hip"))
    return out


def mot_text(t: np.ndarray, columns: Mapping[str, np.ndarray], name: str = "Coordinates") -> str:
    """An OpenSim storage (``.mot``) file: header, ``endheader``, then time and one column per series.

    Parameters
    ----------
    t : numpy.ndarray
        Times in seconds.
    columns : mapping of str to numpy.ndarray
        Angles in degrees, one value per time.
    name : str
        The first header line (OpenSim's storage name).
    """
    n = len(t)
    out = io.StringIO()
    out.write(f"{name}\nversion=1\nnRows={n}\nnColumns={len(columns) + 1}\ninDegrees=yes\n\n")
    out.write("Units are S.I. units (second, meters, Newtons, ...)\n")
    out.write("Angles are in degrees.\n\nendheader\n")
    out.write("time\t" + "\t".join(columns) + "\n")
    for i in range(n):
        vals = "\t".join(_num(float(v[i]), 4) for v in columns.values())
        out.write(f"{float(t[i]):.6f}\t{vals}\n")
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# XLSX
def report_tables(report: Mapping[str, Any]) -> dict[str, list[list[Any]]]:
    """The report's tables as rows (first row the header), keyed by sheet name."""
    steps = bool(report.get("steps"))
    items = report["steps"] if steps else report["reps"]
    metric_names = list(dict.fromkeys(m for it in items for m in it.get("metrics", {})))
    times = list(dict.fromkeys(k for it in items for k in it if k.endswith("_s")))
    base = ["index", "side"] + ([] if steps else ["set"])
    head = base + times + ["scorable", "reason"] + metric_names + ["faults"]
    rows: list[list[Any]] = [head]
    for it in items:
        row = [it.get(c) for c in base + times] + [bool(it.get("scorable")), it.get("reason") or ""]
        row += [it.get("metrics", {}).get(m) for m in metric_names]
        row.append("; ".join(f"{f['code']} ({f['severity']})" for f in it.get("faults", [])))
        rows.append(row)
    tables: dict[str, list[list[Any]]] = {"steps" if steps else "reps": rows}

    means = [["measure", "left", "right", "all"]]
    for m in metric_names:
        row: list[Any] = [m]
        for side in ("left", "right", None):
            vals = [
                it["metrics"][m]
                for it in items
                if it.get("scorable") and isinstance(it.get("metrics", {}).get(m), int | float)
                and (side is None or it.get("side") == side)
            ]
            row.append(round(float(np.mean(vals)), 4) if vals else None)
        means.append(row)
    tables["side means"] = means

    faults = [["item", "side", "code", "severity", "metric", "value", "threshold", "message"]]
    for it in items:
        for f in it.get("faults", []):
            faults.append([it.get("index"), it.get("side"), f["code"], f["severity"], f.get("metric"),
                           f.get("value"), f.get("threshold"), f["message"]])
    tables["faults"] = faults
    tables["not judged"] = [["measure", "reason"]] + [[n["metric"], n["reason"]] for n in report.get("not_judged", [])]
    tables["thresholds"] = [["threshold", "value"]] + [[k, v] for k, v in (report.get("thresholds") or {}).items()]
    clip = [["field", "value"]]
    for k in ("exercise", "source", "backend", "fps", "frames", "duration_s", "view", "view_confidence",
              "working_side", "hipform_version"):
        clip.append([k, report.get(k)])
    for k, v in (report.get("session") or {}).items():
        clip.append([f"session {k}", v])
    for k, v in (report.get("summary") or {}).items():
        clip.append([k, v if isinstance(v, int | float | str) or v is None else str(v)])
    tables["clip"] = clip
    return tables


def write_xlsx(report: Mapping[str, Any], path: Path) -> None:
    """Write the report's tables as a workbook, one sheet per table (temp file then rename)."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise OutputError("xlsx export needs openpyxl: pip install openpyxl") from None
    from hipform.landmark_io import atomic_path

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in report_tables(report).items():
        ws = wb.create_sheet(name[:31])
        for row in rows:
            ws.append([None if isinstance(v, float) and not math.isfinite(v) else v for v in row])
        ws.freeze_panes = "A2"
    with atomic_path(path, suffix=".xlsx") as tmp:
        wb.save(tmp)


# ---------------------------------------------------------------------------------------
def export_folder(folder: str | Path, fmt: str, out_dir: str | Path | None = None) -> list[Path]:
    """Export a report folder in one format.

    Parameters
    ----------
    folder : str or Path
        A folder written by ``hipform analyze``.
    fmt : {"trc", "mot", "xlsx"}
    out_dir : str or Path, optional
        Where to write [default: the report folder].

    Returns
    -------
    list of Path
        The files written.
    """
    from hipform.landmark_io import write_text_atomic

    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out = Path(out_dir) if out_dir else Path(folder)
    if fmt == "xlsx":
        from hipform.report_io import read_report

        report = read_report(folder)
        out.mkdir(parents=True, exist_ok=True)
        write_xlsx(report, out / XLSX)
        return [out / XLSX]
    _report, seq = load_folder(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if fmt == "trc":
        write_text_atomic(out / TRC_PX, trc_text(seq, pixel_coords(seq), "px", TRC_PX, 2))
        written.append(out / TRC_PX)
        w = world_coords(seq)
        if w is not None:
            write_text_atomic(out / TRC_M, trc_text(seq, w, "m", TRC_M, 5))
            written.append(out / TRC_M)
    else:
        write_text_atomic(out / MOT, mot_text(seq.t, frame_angles(seq)))
        written.append(out / MOT)
    return written
