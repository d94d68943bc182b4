#!/usr/bin/env bash
# Pose playout under loss and jitter: builds posemeet_pose_playout_bench in build/native and
# runs it (tests/bench/pose_playout_bench.cpp). Prints, per pose tier (30/20/10 per s) and
# playout (the old fixed 80 ms, today's own delay, in step with the voice), the largest and
# 99th-percentile per-frame landmark jump against a perfect network, and the pose/voice skew.
#   tools/bench_pose_playout.sh [--seconds=60] [--loss=0.10] [--jitter-ms=40] [--speaker-ms=60] [--seed=1]
# POSEMEET_BENCH_NO_BUILD=1 skips the build (build/native must exist; tools/build.sh makes it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${POSEMEET_JOBS:-2}"
BIN="$ROOT/build/native/tests/bench/posemeet_pose_playout_bench"

if [ "${POSEMEET_BENCH_NO_BUILD:-0}" != 1 ]; then
  [ -f "$ROOT/build/native/CMakeCache.txt" ] ||
    cmake -S "$ROOT" -B "$ROOT/build/native" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build/native" -j"$JOBS" --target posemeet_pose_playout_bench >/dev/null
fi

"$BIN" "$@" | grep -v '^RESULT'
