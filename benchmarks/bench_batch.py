"""Batch throughput: clips per minute with --jobs 1 and --jobs 2 over the same folder.

Usage::

    .venv/bin/python benchmarks/bench_batch.py [--clips 4] [--video PATH] [--exercise walking]

The folder holds ``--clips`` copies of one real clip (default
``../shared/videos/walk_side_sports2d.mp4``); each job count writes into a fresh output
folder, so nothing is skipped. Prints clips/min for each and their ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from hipform.batch import LocalExecutor, run_batch
from hipform.pipeline import Settings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VIDEO = REPO.parent / "shared" / "videos" / "walk_side_sports2d.mp4"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=4)
    ap.add_argument("--video", type=Path, default=DEFAULT_VIDEO)
    ap.add_argument("--exercise", default="walking")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clips = Path(tmp) / "clips"
        clips.mkdir()
        for i in range(args.clips):
            shutil.copy(args.video, clips / f"clip{i:02d}{args.video.suffix}")
        rates = {}
        for jobs in (1, 2):
            out = Path(tmp) / f"out_jobs{jobs}"
            t0 = time.perf_counter()
            res = run_batch(clips, out, Settings(args.exercise), LocalExecutor(jobs))
            dt = time.perf_counter() - t0
            ok = len(res.rows) - res.failed
            rates[jobs] = 60.0 * len(res.rows) / dt
            print(f"--jobs {jobs}: {len(res.rows)} clips ({ok} ok) in {dt:.1f} s = {rates[jobs]:.2f} clips/min")
        print(f"speed-up --jobs 2 / --jobs 1: {rates[2] / rates[1]:.2f}x on {os.cpu_count()} CPU cores")


if __name__ == "__main__":
    main()
