"""Pose extraction benchmark: throughput and memory.

Run on demand::

    .venv/bin/python benchmarks/bench_pose.py [--clip PATH] [--model full] [--long-minutes 5]

1. Throughput: the raw landmarker (frames decoded into memory first, model inference
   alone) against ``extract_poses`` end to end (decode thread + model + tracking) on the
   same clip; target end-to-end >= 0.9x raw.
2. Memory: peak RSS of ``extract_poses`` in a fresh subprocess on a short clip and on a
   long clip (the short clip repeated to >= 5 minutes, written with ``cv2.VideoWriter``
   to a temporary folder); target < 700 MB and flat in clip length.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = REPO / "sample_videos" / "walk_side_sports2d.mp4"
RSS_TARGET_MB = 700.0
RATIO_TARGET = 0.9

console = Console()


# throughput -------------------------------------------------------------------------
def decode_all(path: Path) -> tuple[list, list[float]]:
    """All frames of a clip in memory, with their times in seconds."""
    from hipform.video import VideoFileSource

    frames, times = [], []
    with VideoFileSource(path) as source:
        for f in source:
            frames.append(f.bgr)
            times.append(f.t_s)
    return frames, times


def raw_run(path: Path, model: str, num_poses: int) -> tuple[float, float, int]:
    """The landmarker alone on pre-decoded frames.

    Returns
    -------
    (wall seconds, process CPU seconds, frames)
    """
    from hipform.backends import get_backend

    frames, times = decode_all(path)
    with get_backend("mediapipe", model=model, num_poses=num_poses) as backend:
        backend.detect_all(frames[0], -1.0)  # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        for bgr, t in zip(frames, times, strict=True):
            backend.detect_all(bgr, t)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return wall, cpu, len(frames)


def end_to_end_run(path: Path, model: str, num_poses: int) -> tuple[float, float, int]:
    """``extract_poses`` on the file (decode thread + model + tracking), model already loaded.

    Returns
    -------
    (wall seconds, process CPU seconds, frames)
    """
    from hipform.backends import get_backend
    from hipform.extract import extract_poses

    frames, _ = decode_all(path)
    with get_backend("mediapipe", model=model, num_poses=num_poses) as backend:
        backend.detect_all(frames[0], -1.0)  # same warm-up as the raw run
        del frames
        t0, c0 = time.perf_counter(), time.process_time()
        seq = extract_poses(path, backend=backend)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return wall, cpu, len(seq)


def throughput(path: Path, model: str, num_poses: int, repeat: int) -> dict[str, tuple[float, float, int]]:
    """Best (shortest wall time) of ``repeat`` interleaved raw and end-to-end runs."""
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(repeat):
        for key, run in (("raw", raw_run), ("e2e", end_to_end_run)):
            result = run(path, model, num_poses)
            if key not in best or result[0] < best[key][0]:
                best[key] = result
    return best


# memory -----------------------------------------------------------------------------
_RSS_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from hipform.extract import extract_poses

def peak_mb():
    # VmHWM is the peak RSS of this process image; ru_maxrss would also carry over the
    # parent's RSS at fork time, which is not ours to count
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

t0 = time.perf_counter()
seq = extract_poses({clip!r}, model={model!r}, num_poses={num_poses})
elapsed = time.perf_counter() - t0
print(json.dumps({{"frames": len(seq), "seconds": elapsed, "peak_mb": peak_mb()}}))
"""


def peak_rss(clip: Path, model: str, num_poses: int) -> dict:
    """Run ``extract_poses`` in a fresh interpreter and return frames, time and peak RSS (MB)."""
    code = _RSS_CHILD.format(repo=str(REPO), clip=str(clip), model=model, num_poses=num_poses)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_long_clip(src: Path, dest: Path, minutes: float, fps: float, scale: float) -> tuple[int, float]:
    """Repeat ``src`` (resized by ``scale``) until ``minutes`` of video at ``fps`` is written.

    At least one full pass is written (``minutes=0`` gives the short clip).

    Returns
    -------
    (frames, duration_s)
    """
    from hipform.video import VideoFileSource

    frames = []
    with VideoFileSource(src) as source:
        for f in source:
            frames.append(cv2.resize(f.bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(dest), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    need = int(minutes * 60 * fps)
    n = 0
    while n == 0 or n < need:
        for f in frames:
            writer.write(f)
            n += 1
    writer.release()
    return n, n / fps


# main -------------------------------------------------------------------------------
def report_throughput(args: argparse.Namespace) -> None:
    """Print raw vs end-to-end throughput."""
    console.print(f"[bold]clip[/] {args.clip.name}  model {args.model}  num_poses {args.num_poses}")
    load = os.getloadavg()[0]
    best = throughput(args.clip, args.model, args.num_poses, args.repeat)
    (raw_wall, raw_cpu, n_raw), (e2e_wall, e2e_cpu, n_e2e) = best["raw"], best["e2e"]
    raw, e2e = n_raw / raw_wall, n_e2e / e2e_wall
    ratio = e2e / raw
    table = Table(
        title=f"Throughput, best of {args.repeat} (load average before: {load:.1f} on {os.cpu_count()} cores)"
    )
    for col in ("run", "frames", "frames/s", "CPU ms/frame", "vs raw", "target"):
        table.add_column(col, justify="right" if col != "run" else "left")
    table.add_row(
        "raw landmarker (frames in memory)", str(n_raw), f"{raw:.1f}", f"{1000 * raw_cpu / n_raw:.0f}", "1.00x", ""
    )
    ok = "[green]ok[/]" if ratio >= RATIO_TARGET else "[red]below[/]"
    table.add_row(
        "extract_poses end to end",
        str(n_e2e),
        f"{e2e:.1f}",
        f"{1000 * e2e_cpu / n_e2e:.0f}",
        f"{ratio:.2f}x",
        f">= {RATIO_TARGET}x {ok}",
    )
    console.print(table)


def report_memory(args: argparse.Namespace) -> None:
    """Print peak RSS on a short and a long clip."""
    with tempfile.TemporaryDirectory(prefix="hipform-bench-") as tmp:
        short = Path(tmp) / "short.mp4"
        long = Path(tmp) / "long.mp4"
        n_short, d_short = make_long_clip(args.clip, short, 0.0, args.long_fps, args.long_scale)
        n_long, d_long = make_long_clip(args.clip, long, args.long_minutes, args.long_fps, args.long_scale)
        console.print(
            f"memory runs: model {args.memory_model}, clips at {args.long_fps:g} fps, scale {args.long_scale:g}"
        )
        r_short = peak_rss(short, args.memory_model, args.num_poses)
        r_long = peak_rss(long, args.memory_model, args.num_poses)
    table = Table(title="Peak RSS of extract_poses (fresh process)")
    for col in ("clip", "frames", "duration", "time", "peak RSS", "target"):
        table.add_column(col, justify="right" if col != "clip" else "left")
    for label, n, d, r in (("short", n_short, d_short, r_short), ("long", n_long, d_long, r_long)):
        ok = "[green]ok[/]" if r["peak_mb"] < RSS_TARGET_MB else "[red]over[/]"
        table.add_row(
            label,
            str(n),
            f"{d:.0f} s",
            f"{r['seconds']:.0f} s",
            f"{r['peak_mb']:.0f} MB",
            f"< {RSS_TARGET_MB:.0f} MB {ok}",
        )
    console.print(table)
    growth = r_long["peak_mb"] / r_short["peak_mb"]
    console.print(
        f"long/short peak RSS ratio: [bold]{growth:.2f}[/] for {n_long / n_short:.0f}x the frames "
        f"(+{r_long['peak_mb'] - r_short['peak_mb']:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--model", default="full")
    parser.add_argument("--num-poses", type=int, default=3)
    parser.add_argument("--long-minutes", type=float, default=5.0)
    parser.add_argument("--long-fps", type=float, default=10.0, help="frame rate of the long clip")
    parser.add_argument("--long-scale", type=float, default=0.5, help="resize factor of the long clip")
    parser.add_argument("--memory-model", default="lite", help="model for the memory runs")
    parser.add_argument("--repeat", type=int, default=2, help="interleaved throughput runs; best is kept")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()

    if not args.skip_throughput:
        report_throughput(args)
    if not args.skip_memory:
        report_memory(args)


if __name__ == "__main__":
    main()
