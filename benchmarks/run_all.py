"""Run every benchmark, one after the other (``make benchmarks``).

Each benchmark prints its own figures and ratios against a baseline measured in the same
run. They are never part of the test suite: run them on a quiet machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("bench_pose.py", "bench_live.py", "bench_batch.py")


def main() -> int:
    """Run each benchmark script; return non-zero if any failed."""
    failed = []
    for name in BENCHMARKS:
        print(f"\n=== {name} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
