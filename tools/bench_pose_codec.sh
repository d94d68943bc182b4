#!/usr/bin/env bash
# Pose stream codec figures: packet sizes, keyframes, bytes per second per receiver at 30,
# 20 and 10 poses/s and decodable fractions at 0/10/30 % loss, for the synthetic figure,
# camera-like motion and (with --trace=FILE) a recorded landmark trace, against the first
# format's 166-byte packets. Builds posemeet_pose_codec_bench in build/native and runs it:
#   tools/bench_pose_codec.sh [--seconds=60] [--receivers=3] [--trace=FILE [--trace-hz=30]]
# A trace is a JSON array of frames, each 33 x [x, y, z, visibility] (tests/bench/pose_codec_bench.cpp).
# POSEMEET_BENCH_NO_BUILD=1 skips the build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/native"
if [ "${POSEMEET_BENCH_NO_BUILD:-0}" != 1 ]; then
  [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j"${POSEMEET_JOBS:-2}" --target posemeet_pose_codec_bench >/dev/null
fi
exec "$BUILD/tests/bench/posemeet_pose_codec_bench" "$@"
