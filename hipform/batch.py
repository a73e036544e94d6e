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

import contextlib
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
    out_name : str
        ``out_dir`` relative to the batch output folder (the ``out_dir`` column).
    """

    path: str
    clip: str
    out_dir: str
    settings: Settings
    key: str
    out_name: str = ""


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
    not_regular : list of str
        Entries of the input folder skipped unopened: FIFOs, sockets, devices, broken links.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    scored: int = 0
    skipped: int = 0
    summary_path: Path | None = None
    not_regular: list[str] = field(default_factory=list)

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

    Each worker is a fresh (spawned) interpreter that scores one clip at a time. A worker
    that dies (a segfault in a native library, the OOM killer, ``kill -9``) makes its clip
    a failed row ("the worker crashed: signal 9") and is replaced, so the other clips are
    still scored. Workers die with the batch: they ask the kernel for a signal when their
    parent dies (Linux) and also watch the parent's pid.

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
        yield from _run_in_workers(fn, tasks, min(self.jobs, len(tasks)))


def crashed_result(task: ClipTask, exitcode: int | None) -> dict[str, Any]:
    """The result of a clip whose worker process died (stored like any other failed clip)."""
    import signal

    if exitcode is not None and exitcode < 0:
        try:
            how = f"signal {-exitcode} ({signal.Signals(-exitcode).name})"
        except ValueError:
            how = f"signal {-exitcode}"
    else:
        how = f"exit code {exitcode}"
    row = failed_row(task.clip, f"the worker crashed: {how}")
    _clear_clip_outputs(Path(task.out_dir))
    result = {"schema": RESULT_SCHEMA, "key": task.key, "clip": task.clip, "row": row}
    with contextlib.suppress(OSError, HipformError):
        write_text_atomic(Path(task.out_dir) / RESULT_JSON, json.dumps(result, indent=2, sort_keys=True) + "\n")
    return result


def _run_in_workers(
    fn: Callable[[ClipTask], dict], tasks: list[ClipTask], n_workers: int
) -> Iterator[tuple[ClipTask, dict]]:
    import multiprocessing as mp
    from multiprocessing.connection import wait

    # spawn: fresh interpreters, no state forked from the parent (pose libraries dislike fork)
    ctx = mp.get_context("spawn")
    queue = list(reversed(tasks))
    workers: dict[Any, tuple[Any, Any]] = {}  # connection -> (process, task running or None)

    def start() -> None:
        parent_conn, child_conn = ctx.Pipe()
        proc = ctx.Process(target=worker_main, args=(child_conn, fn, os.getpid()), daemon=True)
        proc.start()
        child_conn.close()
        workers[parent_conn] = (proc, None)

    def feed(conn: Any) -> None:
        proc, _ = workers[conn]
        if queue:
            task = queue.pop()
            conn.send(task)
            workers[conn] = (proc, task)
        else:
            conn.send(None)
            workers.pop(conn)
            proc.join(timeout=5)
            conn.close()

    try:
        for _ in range(n_workers):
            start()
        for conn in list(workers):
            feed(conn)
        while workers:
            for conn in wait(list(workers)):
                proc, task = workers[conn]
                try:
                    result = conn.recv()
                except (EOFError, OSError):
                    result = None
                if result is None:  # the worker died
                    proc.join(timeout=5)
                    workers.pop(conn)
                    conn.close()
                    if task is not None:
                        yield task, crashed_result(task, proc.exitcode)
                    if queue:
                        start()
                        feed(next(reversed(workers)))
                    continue
                workers[conn] = (proc, None)
                yield task, result
                feed(conn)
    finally:
        _stop_workers(workers)


def _stop_workers(workers: dict[Any, tuple[Any, Any]]) -> None:
    """Terminate (then kill) every worker still running, and close the pipes."""
    for proc, _ in workers.values():
        if proc.is_alive():
            proc.terminate()
    for conn, (proc, _) in workers.items():
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
        conn.close()


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` ends (prctl on Linux, and a watchdog thread)."""
    import signal
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5.0)
                os._exit(1)

    threading.Thread(target=watch, name="hipform-parent-watch", daemon=True).start()


def worker_main(conn: Any, fn: Callable[[ClipTask], dict], parent_pid: int) -> None:
    """Loop of a worker process: receive a task, send its result, until told to stop (None)."""
    import signal

    def on_term(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds: temporary files are removed on the way out

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    die_with_parent(parent_pid)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(fn(task))


class DaskExecutor:
    """Clips on a Dask cluster (``pip install 'hipform[dask]'``).

    Workers must see the clip and output paths (a shared file system).

    Parameters
    ----------
    address : str
        Scheduler address, e.g. ``tcp://10.0.0.5:8786``.
    """

    def __init__(self, address: str) -> None:
        address = parse_scheduler_address(address)
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


SCHEDULER_PROTOCOLS = ("tcp", "tls", "ucx", "inproc", "ws", "wss")


def parse_scheduler_address(address: str) -> str:
    """Check a Dask scheduler address (``tcp://host:port``, or ``host:port`` for tcp).

    Raises
    ------
    ConfigError
        One line saying what form is expected.
    """
    from urllib.parse import urlsplit

    from hipform.errors import ConfigError

    a = address.strip()
    expected = "expected e.g. tcp://10.0.0.5:8786"
    if not a or any(c.isspace() for c in a):
        raise ConfigError(f"--scheduler {address!r} is not an address ({expected})")
    full = a if "://" in a else f"tcp://{a}"
    try:
        parts = urlsplit(full)
        port = parts.port
    except ValueError:
        raise ConfigError(f"--scheduler {address!r}: the port is not a number 1..65535 ({expected})") from None
    if parts.scheme not in SCHEDULER_PROTOCOLS:
        raise ConfigError(f"--scheduler {address!r}: unknown protocol {parts.scheme!r} ({expected})")
    if parts.scheme != "inproc" and (not parts.hostname or port is None or parts.path not in ("", "/")):
        raise ConfigError(f"--scheduler {address!r} needs a host and a port ({expected})")
    return full


# --------------------------------------------------------------------------- discovery
BATCH_MARKER = ".hipform-batch"
"""Hidden file marking a batch output folder: never scanned as input, even inside the input folder."""
REPORT_FOLDER_MARKERS = ("report.json", RESULT_JSON, BATCH_MARKER)
"""A folder holding one of these is hipform output (a batch, or an ``analyze`` folder), not input."""


def find_clips(folder: Path, out_dir: Path | None = None, special: list[str] | None = None) -> list[Path]:
    """Every regular, non-hidden file under ``folder`` (recursively), sorted.

    Left out: the output folder, any folder hipform wrote (it holds ``report.json``,
    ``batch_result.json`` or the batch marker) and hidden entries. Entries that are not
    regular files (FIFOs, sockets, devices, broken links) are never opened; their paths
    relative to ``folder`` are appended to ``special``.
    """
    import stat

    folder = folder.resolve()
    out = out_dir.resolve() if out_dir else None
    clips = []
    for root, dirs, files in os.walk(folder):
        r = Path(root)
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".")
            and (out is None or (r / d).resolve() != out)
            and not any((r / d / m).exists() for m in REPORT_FOLDER_MARKERS)
        )
        for f in sorted(files):
            if f.startswith("."):
                continue
            try:
                regular = stat.S_ISREG(os.stat(r / f).st_mode)
            except OSError:
                regular = False
            if regular:
                clips.append(r / f)
            elif special is not None:
                special.append((r / f).relative_to(folder).as_posix())
    return sorted(clips, key=lambda p: p.relative_to(folder).as_posix())


def clip_out_dir(out: Path, clip: str) -> Path:
    """Output folder of a clip: its relative path with the dot of the suffix made ``_`` (``a/b.mp4`` -> ``a/b_mp4``)."""
    p = Path(clip)
    return out / p.parent / p.name.replace(".", "_")


def clip_out_dirs(out: Path, clips: Iterable[str]) -> dict[str, Path]:
    """Output folder of every clip, collision-free.

    Clips whose :func:`clip_out_dir` would coincide (``squat.v1.mp4`` and
    ``squat_v1.mp4``; also names differing only in case, for case-insensitive file
    systems) each get ``-<8 hex digits of the SHA-1 of the clip path>`` appended.
    """
    clips = list(clips)
    base = {c: clip_out_dir(out, c) for c in clips}
    seen: dict[str, int] = {}
    for d in base.values():
        seen[str(d).casefold()] = seen.get(str(d).casefold(), 0) + 1
    result = {}
    for c, d in base.items():
        if seen[str(d).casefold()] > 1:
            d = d.with_name(f"{d.name}-{hashlib.sha1(c.encode()).hexdigest()[:8]}")
        result[c] = d
    return result


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
    if "out_dir" not in row:  # the clip could not be analysed: an earlier report in its folder is stale
        _clear_clip_outputs(out)
    result = {"schema": RESULT_SCHEMA, "key": task.key, "clip": task.clip, "row": row, "outputs": {}}
    with contextlib.suppress(OSError):
        result["outputs"] = output_digests(out)
    try:
        write_text_atomic(out / RESULT_JSON, json.dumps(result, indent=2, sort_keys=True) + "\n")
    except (OSError, HipformError) as e:
        result["row"] = failed_row(task.clip, f"cannot write results: {e}")
    return result


CLIP_OUTPUTS = (
    "report.json", "report.html", "landmarks.csv", "reps.csv", "steps.csv", "annotated.mp4", "live.json", RESULT_JSON,
)
"""Files hipform writes into a clip's folder (removed when the clip now fails, so no stale report stays linked)."""


def _clear_clip_outputs(out_dir: Path) -> None:
    for name in CLIP_OUTPUTS:
        with contextlib.suppress(OSError):
            (out_dir / name).unlink()


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
        return {**failed_row(task.clip, f"nothing to score: {why}"), "out_dir": task.out_name or task.out_dir}
    return {**ok_row(task.clip, d), "out_dir": task.out_name or task.out_dir}


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
    """Columns of ``summary.csv``: clip, status, error, view, figures, one per fault code, then out_dir."""
    codes = set(GAIT_FAULTS) if gait else set()
    for r in rows:
        codes.update(r.get("faults", {}))
    figures = GAIT_COLUMNS if gait else REP_COLUMNS
    return ["clip", "status", "error", "view", *figures, *(f"faults_{c}" for c in sorted(codes)), "out_dir"]


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
def plan_batch(
    folder: str | Path, out: str | Path, settings: Settings, special: list[str] | None = None
) -> tuple[list[ClipTask], dict[str, dict]]:
    """Clips to score and results already up to date.

    A clip is up to date when its stored result has the same key (content, settings,
    version) and every output file it lists is there with the recorded content. Entries
    that are not regular files are appended to ``special`` and not planned.

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
    paths = find_clips(folder, out, special)
    clips = [p.relative_to(folder.resolve()).as_posix() for p in paths]
    out_dirs = clip_out_dirs(out, clips)
    for path, clip in zip(paths, clips, strict=True):
        odir = out_dirs[clip]
        try:
            key = cache_key(path, settings)
        except OSError as e:
            todo.append(ClipTask(str(path), clip, str(odir), settings, f"unreadable:{e}", _rel(odir, out)))
            continue
        prev = read_result(odir)
        if prev is not None and prev.get("key") == key and prev.get("clip") == clip and outputs_match(odir, prev):
            done[clip] = prev
        else:
            todo.append(ClipTask(str(path), clip, str(odir), settings, key, _rel(odir, out)))
    return todo, done


def _rel(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


def output_digests(out_dir: Path) -> dict[str, str]:
    """SHA-256 of every hipform output file in a clip's folder (``batch_result.json`` aside)."""
    return {
        name: file_sha256(out_dir / name)
        for name in CLIP_OUTPUTS
        if name != RESULT_JSON and (out_dir / name).is_file()
    }


def outputs_match(out_dir: Path, result: dict[str, Any]) -> bool:
    """True when the files a stored result lists are all there with the content it recorded."""
    want = result.get("outputs")
    if not isinstance(want, dict):
        return False
    try:
        return all(file_sha256(out_dir / name) == digest for name, digest in want.items())
    except OSError:
        return False


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
    (out / BATCH_MARKER).touch()
    gait = get_exercise(settings.exercise).kind == "steps"
    special: list[str] = []
    todo, done = plan_batch(folder, out, settings, special)
    if on_start:
        on_start(len(todo) + len(done), len(done))
    rows = {clip: r["row"] for clip, r in done.items()}
    result = BatchResult(skipped=len(done), summary_path=out / SUMMARY_CSV, not_regular=special)
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
