"""Writing an analysis to its folder: report.json, the per-rep or per-step CSV, landmarks.csv.

Every file is written to a temporary file and renamed, so a failure never leaves a
half-written file and never destroys an earlier good one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
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
RUN_FILES = (REPORT_JSON, LANDMARKS_CSV, REPS_CSV, STEPS_CSV, "report.html", "annotated.mp4")
"""Files of one analysis run: a new run replaces all of them (one it does not write is dropped)."""
STAGE_TAG = ".hipform-stage-"
"""Marks the temporary folder a run is written into, beside its target (``.<name>.hipform-stage-<pid>-...``)."""


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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_stages(out: Path) -> int:
    """Remove temporary run folders beside ``out`` left by a run that was killed (its pid is gone).

    Returns
    -------
    int
        Number of folders removed.
    """
    removed = 0
    prefix = f".{out.name}{STAGE_TAG}"
    with contextlib.suppress(OSError):
        for p in out.parent.iterdir():
            if not p.name.startswith(prefix):
                continue
            pid_text = p.name[len(prefix):].split("-", 1)[0]
            if pid_text.isdigit() and not _pid_alive(int(pid_text)):
                shutil.rmtree(p, ignore_errors=True)
                removed += 1
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False when unsupported."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    import errno

    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, getattr(errno, "EOPNOTSUPP", errno.EINVAL)):
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextlib.contextmanager
def staged_folder(out: str | Path) -> Iterator[Path]:
    """Write a run into a fresh folder beside ``out`` and swap it in as a whole.

    A reader of ``out`` sees all of the earlier run or all of the new one, never a mix:
    the block writes into ``.<name>.hipform-stage-<pid>-<random>/``, which then takes the
    place of ``out`` in one rename (``RENAME_EXCHANGE`` on Linux; elsewhere two renames,
    between which ``out`` briefly does not exist). Files in ``out`` that are not outputs
    of a run (:data:`RUN_FILES`, e.g. a ``compare.html`` or the user's own notes) are
    carried over as hard links (copies where links are not possible). A folder that is
    the working folder (or above it), a mount point, or holds sub-folders is written in
    place instead, each file still atomically. If the block
    raises, the stage is removed and ``out`` is untouched. Stages of killed runs are
    removed first.

    Raises
    ------
    OutputError
        When the stage cannot be created or swapped in (the path and what to do).
    """
    from hipform.errors import OutputError, output_error

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot write the report folder {out}: a file is in the way (remove it or choose --out)")
    if not _swappable(out):
        yield out  # each file is still written atomically
        return
    remove_stale_stages(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name[:100]}{STAGE_TAG}{os.getpid()}-", dir=out.parent))
    except OSError as e:
        raise output_error(e, out.parent) from None
    try:
        yield stage
        try:
            _carry_over(out, stage)
            os.chmod(stage, 0o777 & ~_umask())
            if out.is_dir():
                if not _exchange(stage, out):
                    prefix = f".{out.name[:100]}{STAGE_TAG}{os.getpid()}-old-"
                    old = Path(tempfile.mkdtemp(prefix=prefix, dir=out.parent))
                    os.rmdir(old)
                    os.replace(out, old)
                    os.replace(stage, out)
                    stage = old
                shutil.rmtree(stage, ignore_errors=True)  # the earlier run, now beside out
            else:
                os.replace(stage, out)
        except OSError as e:
            raise output_error(OSError(e.errno, e.strerror or str(e)), out) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _swappable(out: Path) -> bool:
    """Whether ``out`` can be replaced as a whole.

    Not when it is the working folder (or above it), a mount point, or holds sub-folders
    (those are the user's, and stay in place).
    """
    try:
        full = out.resolve()
        if Path.cwd().resolve().is_relative_to(full) or (full.is_dir() and os.path.ismount(full)):
            return False
        return not full.is_dir() or not any(p.is_dir() for p in full.iterdir())
    except OSError:
        return False


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def _carry_over(out: Path, stage: Path) -> None:
    """Hard-link (or copy) into ``stage`` what ``out`` holds besides a run's files."""
    if not out.is_dir():
        return
    for p in out.iterdir():
        if p.name in RUN_FILES or (stage / p.name).exists() or p.name.startswith("."):
            continue
        _link_or_copy(p, stage / p.name)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    if Path(src).is_symlink():
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
