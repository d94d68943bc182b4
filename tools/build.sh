#!/usr/bin/env bash
# Builds both halves: native (server, bot, tests) in build/native and the browser client
# (wasm) in build/wasm. Usage: tools/build.sh [native|wasm|all]   (default all)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${POSEMEET_JOBS:-2}"
what="${1:-all}"
# Debian's emcc needs acorn from Debian's node modules (the machine's node does not look there).
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"

if [ "$what" = native ] || [ "$what" = all ]; then
  [ -f "$ROOT/build/native/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$ROOT/build/native" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build/native" -j"$JOBS"
fi
if [ "$what" = wasm ] || [ "$what" = all ]; then
  [ -f "$ROOT/build/wasm/CMakeCache.txt" ] || emcmake cmake -S "$ROOT" -B "$ROOT/build/wasm" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build/wasm" -j"$JOBS"
fi
