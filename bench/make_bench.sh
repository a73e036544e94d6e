#!/usr/bin/env bash
# Regenerate the rendered validation clips from scratch.
#   bench/make_bench.sh            full set  -> benchmarks/out/rendered/
#   bench/make_bench.sh --small    test set  -> tests/data/rendered/
#   bench/make_bench.sh --out DIR [--small] [--only NAME ...]
# Needs Debian packages for headless GL:  apt-get install -y libegl1 libegl-mesa0 libgl1-mesa-dri
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BENCH_VENV:-$REPO/.venv-bench}"
export BENCH_CACHE_DIR="${BENCH_CACHE_DIR:-$REPO/.bench-cache}"
export ANNY_CACHE_DIR="$BENCH_CACHE_DIR/anny" WARP_CACHE_PATH="$BENCH_CACHE_DIR/warp" XDG_CACHE_HOME="$BENCH_CACHE_DIR/xdg"

if ! ldconfig -p 2>/dev/null | grep -q libEGL_mesa; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libegl1 libegl-mesa0 libgl1-mesa-dri
    else
        echo "make_bench: needs Mesa EGL (Debian: apt-get install -y libegl1 libegl-mesa0 libgl1-mesa-dri)" >&2
        exit 1
    fi
fi

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet torch==2.13.0      # first, and exactly this version
    "$VENV/bin/pip" install --quiet -r "$REPO/bench/requirements.txt"
fi

args=("$@")
has_out=0
small=0
for a in "${args[@]:-}"; do
    [ "$a" = "--out" ] && has_out=1
    [ "$a" = "--small" ] && small=1
done
if [ "$has_out" = 0 ]; then
    if [ "$small" = 1 ]; then args+=(--out "$REPO/tests/data/rendered"); else args+=(--out "$REPO/benchmarks/out/rendered"); fi
fi
cd "$REPO"
exec "$VENV/bin/python" -m bench.generate "${args[@]}"
