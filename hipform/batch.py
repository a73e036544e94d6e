"""Batch scoring of a folder of clips: one output folder per clip and one ``summary.csv``.

- Every file under the input folder (recursively, hidden files and the output folder
  excluded) is a clip. Videos and landmark CSVs are analysed with
  :func:`hipform.pipeline.analyse_file`; anything else becomes a failed row.
- Each clip runs in a worker (a separate process by default) through a pluggable
  :class:`ClipExecutor`: :class:`LocalExecutor` (``--jobs``) or :class:`DaskExecutor`
  (``--scheduler``, the optional ``hipform[dask]`` extra).
- A clip's result is kept in ``<out>/<clip folder>/batch_result.json`` together with a
  key: the SHA-256 of the file's content, the settings and the hipform version. A rerun
  skips clips whose key has not changed, so an interrupted batch picks up where it
  stopped.
- ``summary.csv`` is rebuilt from the per-clip results after every clip and written
  atomically: it always holds every clip finished so far, sorted by path.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import hipform
from hipform.errors import HipformError, InputError
from hipform.landmark_io import write_text_atomic
from hipform.pipeline import Settings

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".3gp"})
LANDMARK_SUFFIXES = frozenset({".csv"})
RESULT_JSON = "batch_result.json"
SUMMARY_CSV = "summary.csv"
RESULT_SCHEMA = "hipform.batch-result/1"

GAIT_COLUMNS = (
    "cadence_spm",
    "stance_s",
    "peak_hip_extension_left_deg",
    "peak_hip_extension_right_deg",
    "symmetry_index_pct",
    "steps_analysed",
    "low_confidence",
)
REP_COLUMNS = ("rep_count",)
GAIT_FAULTS = ("low_hip_extension", "lumbar_compensation", "overstride", "low_cadence", "asymmetry", "pelvic_drop")


@dataclass(frozen=True)
class ClipTask:
    """One clip to score (picklable: sent to worker processes).

    Attributes
    ----------
    path : str
        Absolute path of the clip.
    clip : str
        Path relative to the input folder, with ``/`` separators (the ``clip`` column).
    out_dir : str
        Output folder of this clip.
    settings : Settings
    key : str
        Cache key (content + settings + version).
    """

    path: str
    clip: str
    out_dir: str
    settings: Settings
    key: str


@dataclass
class BatchResult:
    """What a batch run did.

    Attributes
    ----------
    rows : list of dict
        Summary rows of every clip, sorted by clip path.
    scored : int
        Clips analysed in this run.
    skipped : int
        Clips whose results were up to date.
    summary_path : Path
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    scored: int = 0
    skipped: int = 0
    summary_path: Path | None = None

    @property
    def failed(self) -> int:
        """Number of failed clips."""
        return sum(1 for r in self.rows if r["status"] != "ok")


# --------------------------------------------------------------------------- executors
class ClipExecutor(Protocol):
    """Runs ``fn(task)`` for every task and yields ``(task, result)`` as each finishes."""

    def run(self, fn: Callable[[ClipTask], dict], tasks: list[ClipTask]) -> Iterator[tuple[ClipTask, dict]]:
        """Yield results in completion order."""
        ...


class LocalExecutor:
    """Clips in parallel worker processes on this machine (``jobs == 1``: in this process).

    Parameters
    ----------
    jobs : int, optional
        Worker processes; default = the number of CPU cores.
    """

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, int(jobs or os.cpu_count() or 1))

    def run(self, fn: Callable[[ClipTask], dict], tasks: list[ClipTask]) -> Iterator[tuple[ClipTask, dict]]:
        """Yield ``(task, result)`` as clips finish."""
        if self.jobs == 1 or len(tasks) <= 1:
            for t in tasks:
                yield t, fn(t)
            return
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # spawn: fresh interpreters, no state forked from the parent (pose libraries dislike fork)
        pool = ProcessPoolExecutor(max_workers=min(self.jobs, len(tasks)), mp_context=mp.get_context("spawn"))
        try:
            futures = {pool.submit(fn, t): t for t in tasks}
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Clips on a Dask cluster (``pip install 'hipform[dask]'``).

    Workers must see the clip and output paths (a shared file system).

    Parameters
    ----------
    address : str
        Scheduler address, e.g. ``tcp://10.0.0.5:8786``.
    """

    def __init__(self, address: str) -> None:
        try:
            from dask.distributed import Client
        except ImportError:
            raise InputError(
                "--scheduler needs Dask: pip install 'hipform[dask]' (or 'dask[distributed]')"
            ) from None
        self.address = address
        try:
            self.client = Client(address, timeout="10s")
        except OSError as e:
            raise InputError(f"cannot reach the Dask scheduler at {address}: {e}") from None

    def run(self, fn: Callable[[ClipTask], dict], tasks: list[ClipTask]) -> Iterator[tuple[ClipTask, dict]]:
        """Yield ``(task, result)`` as clips finish on the cluster."""
        from dask.distributed import as_completed

        futures = {
            self.client.submit(fn, t, pure=False, key=f"hipform-{t.key[:16]}-{i}"): t for i, t in enumerate(tasks)
        }
        try:
            for fut in as_completed(list(futures)):
                yield futures[fut], fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        """Disconnect from the scheduler."""
        self.client.close()


# --------------------------------------------------------------------------- discovery
def find_clips(folder: Path, out_dir: Path | None = None) -> list[Path]:
    """Every regular, non-hidden file under ``folder`` (recursively), sorted; the output folder is left out."""
    folder = folder.resolve()
    out = out_dir.resolve() if out_dir else None
    clips = []
    for root, dirs, files in os.walk(folder):
        r = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (out is None or (r / d).resolve() != out))
        for f in sorted(files):
            if not f.startswith("."):
                clips.append(r / f)
    return sorted(clips, key=lambda p: p.relative_to(folder).as_posix())


def clip_out_dir(out: Path, clip: str) -> Path:
    """Output folder of a clip: its relative path with the dot of the suffix made ``_`` (``a/b.mp4`` -> ``a/b_mp4``)."""
    p = Path(clip)
    return out / p.parent / p.name.replace(".", "_")


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def settings_fingerprint(settings: Settings) -> str:
    """Canonical JSON of everything that changes a result: settings, thresholds, version."""
    d = asdict(settings)
    d["overrides"] = {k: dict(sorted(v.items())) for k, v in sorted((settings.overrides or {}).items())}
    d["thresholds"] = dict(sorted(settings.thresholds().items()))
    d["hipform_version"] = hipform.__version__
    return json.dumps(d, sort_keys=True, default=str)


def cache_key(path: Path, settings: Settings) -> str:
    """Key of a clip's result: SHA-256 of (file content digest, settings fingerprint)."""
    return hashlib.sha256(f"{file_sha256(path)}\n{settings_fingerprint(settings)}".encode()).hexdigest()


# --------------------------------------------------------------------------- one clip
def score_clip(task: ClipTask) -> dict[str, Any]:
    """Analyse one clip and store its result JSON (runs in a worker).

    Never raises for a bad clip: the failure becomes the row's ``status``/``error``.

    Returns
    -------
    dict
        The stored result: ``key``, ``clip``, ``row``.
    """
    out = Path(task.out_dir)
    try:
        row = _analyse(task)
    except HipformError as e:
        row = failed_row(task.clip, str(e))
    except Exception as e:  # noqa: BLE001 - a batch must survive any one clip
        row = failed_row(task.clip, f"{e.__class__.__name__}: {e}")
    result = {"schema": RESULT_SCHEMA, "key": task.key, "clip": task.clip, "row": row}
    try:
        write_text_atomic(out / RESULT_JSON, json.dumps(result, indent=2, sort_keys=True) + "\n")
    except (OSError, HipformError) as e:
        result["row"] = failed_row(task.clip, f"cannot write results: {e}")
    return result


def failed_row(clip: str, error: str) -> dict[str, Any]:
    """A summary row for a clip that could not be scored (error on one line)."""
    return {"clip": clip, "status": "failed", "error": " ".join(str(error).split())}


def _analyse(task: ClipTask) -> dict[str, Any]:
    from hipform.pipeline import analyse_file

    suffix = Path(task.path).suffix.lower()
    if suffix not in VIDEO_SUFFIXES | LANDMARK_SUFFIXES:
        raise InputError(f"not a video or landmark file ({suffix or 'no extension'})")
    report, _seq, _out = analyse_file(task.path, task.settings, task.out_dir)
    d = report.to_dict()
    if not d["reps"] and not d["steps"]:
        why = "; ".join(d["notes"]) or "no rep or step found"
        return failed_row(task.clip, f"nothing to score: {why}")
    return ok_row(task.clip, d)


def ok_row(clip: str, report: dict[str, Any]) -> dict[str, Any]:
    """Summary row of a scored clip, from its ``report.json`` content."""
    s = report["summary"]
    row: dict[str, Any] = {"clip": clip, "status": "ok", "error": "", "view": report["view"]}
    if report["steps"] or "cadence_spm" in s:
        ext = s.get("peak_hip_extension_deg", {})
        row.update(
            {
                "cadence_spm": s.get("cadence_spm"),
                "stance_s": s.get("stance_s"),
                "peak_hip_extension_left_deg": ext.get("left", {}).get("mean"),
                "peak_hip_extension_right_deg": ext.get("right", {}).get("mean"),
                "symmetry_index_pct": s.get("symmetry_index_pct"),
                "steps_analysed": s.get("steps_analysed"),
                "low_confidence": s.get("low_confidence"),
            }
        )
    else:
        row["rep_count"] = s.get("rep_count")
    counts = dict(s.get("fault_counts", {}))
    for f in s.get("clip_faults", []):
        counts[f["code"]] = counts.get(f["code"], 0) + 1
    row["faults"] = counts
    return row


# --------------------------------------------------------------------------- summary
def summary_columns(rows: list[dict[str, Any]], gait: bool) -> list[str]:
    """Columns of ``summary.csv``: clip, status, error, view, figures, then one per fault code."""
    codes = set(GAIT_FAULTS) if gait else set()
    for r in rows:
        codes.update(r.get("faults", {}))
    figures = GAIT_COLUMNS if gait else REP_COLUMNS
    return ["clip", "status", "error", "view", *figures, *(f"faults_{c}" for c in sorted(codes))]


def summary_csv_text(rows: list[dict[str, Any]], gait: bool) -> str:
    """CSV text of the summary (floats rounded to 4 decimals, empty for missing)."""
    cols = summary_columns(rows, gait)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in sorted(rows, key=lambda r: r["clip"]):
        out = []
        for c in cols:
            if c.startswith("faults_"):
                v = r.get("faults", {}).get(c[7:], 0) if r["status"] == "ok" else None
            else:
                v = r.get(c)
            out.append(_cell(v))
        w.writerow(out)
    return buf.getvalue()


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return v


def read_result(out_dir: Path) -> dict[str, Any] | None:
    """A clip's stored result, or None when absent or unreadable."""
    p = out_dir / RESULT_JSON
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(d, dict) or d.get("schema") != RESULT_SCHEMA or "row" not in d:
        return None
    return d


# --------------------------------------------------------------------------- run
def plan_batch(folder: str | Path, out: str | Path, settings: Settings) -> tuple[list[ClipTask], dict[str, dict]]:
    """Clips to score and results already up to date.

    Returns
    -------
    (list of ClipTask, dict)
        Tasks still to do, and clip -> stored result for the clips that can be skipped.
    """
    folder = Path(folder)
    out = Path(out)
    if not folder.is_dir():
        raise InputError(f"input folder not found: {folder}")
    todo, done = [], {}
    for path in find_clips(folder, out):
        clip = path.relative_to(folder.resolve()).as_posix()
        odir = clip_out_dir(out, clip)
        try:
            key = cache_key(path, settings)
        except OSError as e:
            todo.append(ClipTask(str(path), clip, str(odir), settings, f"unreadable:{e}"))
            continue
        prev = read_result(odir)
        if prev is not None and prev.get("key") == key:
            done[clip] = prev
        else:
            todo.append(ClipTask(str(path), clip, str(odir), settings, key))
    return todo, done


def run_batch(
    folder: str | Path,
    out: str | Path,
    settings: Settings,
    executor: ClipExecutor | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_clip: Callable[[dict[str, Any], bool], None] | None = None,
) -> BatchResult:
    """Score every clip of a folder; resumable.

    Parameters
    ----------
    folder : path
        Input folder (searched recursively).
    out : path
        Output folder: one sub-folder per clip, and ``summary.csv``.
    settings : Settings
        Exercise and options, the same for every clip.
    executor : ClipExecutor, optional
        Default: :class:`LocalExecutor` with one process per CPU core.
    on_start : callable, optional
        ``on_start(total_clips, already_done)`` once the plan is made.
    on_clip : callable, optional
        ``on_clip(row, skipped)`` after each clip (skipped ones first).

    Returns
    -------
    BatchResult
    """
    from hipform.exercises import get_exercise
    from hipform.pipeline import ensure_writable

    out = Path(out)
    ensure_writable(out)
    gait = get_exercise(settings.exercise).kind == "steps"
    todo, done = plan_batch(folder, out, settings)
    if on_start:
        on_start(len(todo) + len(done), len(done))
    rows = {clip: r["row"] for clip, r in done.items()}
    result = BatchResult(skipped=len(done), summary_path=out / SUMMARY_CSV)
    for clip in sorted(done):
        if on_clip:
            on_clip(done[clip]["row"], True)
    write_summary(out, rows, gait)
    executor = executor or LocalExecutor()
    for _task, res in executor.run(score_clip, todo):
        rows[res["clip"]] = res["row"]
        result.scored += 1
        write_summary(out, rows, gait)
        if on_clip:
            on_clip(res["row"], False)
    result.rows = [rows[c] for c in sorted(rows)]
    return result


def write_summary(out: Path, rows: dict[str, dict[str, Any]] | Iterable[dict[str, Any]], gait: bool) -> Path:
    """Write ``summary.csv`` atomically from the rows of every finished clip."""
    rs = list(rows.values()) if isinstance(rows, dict) else list(rows)
    path = out / SUMMARY_CSV
    write_text_atomic(path, summary_csv_text(rs, gait))
    return path
