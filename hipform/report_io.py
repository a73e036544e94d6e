"""Writing an analysis to its folder: report.json, the per-rep or per-step CSV, landmarks.csv.

Every file is written to a temporary file and renamed, so a failure never leaves a
half-written file and never destroys an earlier good one.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from hipform.exercises import Exercise
from hipform.landmark_io import write_landmarks_csv, write_text_atomic
from hipform.results import Report
from hipform.sequence import PoseSequence

REPORT_JSON = "report.json"
LANDMARKS_CSV = "landmarks.csv"
REPS_CSV = "reps.csv"
STEPS_CSV = "steps.csv"


def report_json_text(report: Report) -> str:
    """``report.json`` content."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def items_csv_text(report_dict: dict[str, Any], metric_names: list[str]) -> tuple[str, str]:
    """Per-rep or per-step CSV content and its file name.

    Parameters
    ----------
    report_dict : dict
        ``Report.to_dict()``.
    metric_names : list of str
        Metric columns, in order (the exercise's metrics).
    """
    steps = bool(report_dict["steps"]) or (not report_dict["reps"] and _is_gait(report_dict))
    items = report_dict["steps"] if steps else report_dict["reps"]
    base = ["index", "side", "ic_s", "to_s"] if steps else ["index", "side", "set", "start_s", "bottom_s", "end_s"]
    extra_times = sorted({k for it in items for k in it if k.endswith("_s") and k not in base})
    cols = base + extra_times + ["scorable", "reason"] + metric_names + ["faults"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for it in items:
        row = [it.get(c) for c in base + extra_times]
        row += [it["scorable"], it.get("reason") or ""]
        row += [it["metrics"].get(m) for m in metric_names]
        row.append(";".join(f"{f['code']}:{f['severity']}" for f in it["faults"]))
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue(), STEPS_CSV if steps else REPS_CSV


def _is_gait(report_dict: dict[str, Any]) -> bool:
    return "cadence_spm" in report_dict.get("summary", {})


def write_report_folder(report: Report, seq: PoseSequence, out_dir: str | Path, exercise: Exercise) -> list[Path]:
    """Write ``report.json``, ``landmarks.csv`` and ``reps.csv`` or ``steps.csv``.

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out_dir)
    d = report.to_dict()
    csv_text, csv_name = items_csv_text(d, [m.name for m in exercise.metrics])
    write_landmarks_csv(seq, out / LANDMARKS_CSV)
    write_text_atomic(out / csv_name, csv_text)
    write_text_atomic(out / REPORT_JSON, report_json_text(report))
    return [out / LANDMARKS_CSV, out / csv_name, out / REPORT_JSON]


def read_report(path: str | Path) -> dict[str, Any]:
    """Load a ``report.json`` (or the one inside a report folder)."""
    from hipform.errors import InputError

    p = Path(path)
    if p.is_dir():
        p = p / REPORT_JSON
    if not p.is_file():
        raise InputError(f"report not found: {p}")
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        raise InputError(f"{p}: not a valid report.json ({e.__class__.__name__}: {e})") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror or e})") from None
    from hipform.report_schema import validate_report

    return validate_report(d, str(p))
