#!/usr/bin/env bash
# Opus voice codec speed, native vs wasm: builds posemeet_opus_bench in build/native and
# (for node) in build/wasm, runs both on the same 30 s of speech-like audio and prints
# both reports and the wasm/native ratio of the time per frame (above 1 = wasm slower).
#   tools/bench_audio_codec.sh [--seconds=30] [--bitrate=24000] [--repeat=3]
# Arguments go to both runs (tests/bench/opus_codec_bench.cpp). POSEMEET_BENCH_NO_BUILD=1
# skips the builds (both build directories must exist; tools/build.sh makes them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${POSEMEET_JOBS:-2}"
NATIVE="$ROOT/build/native/tests/bench/posemeet_opus_bench"
WASM="$ROOT/build/wasm/tests/bench/posemeet_opus_bench.js"
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"  # Debian's emcc needs acorn

if [ "${POSEMEET_BENCH_NO_BUILD:-0}" != 1 ]; then
  [ -f "$ROOT/build/native/CMakeCache.txt" ] ||
    cmake -S "$ROOT" -B "$ROOT/build/native" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build/native" -j"$JOBS" --target posemeet_opus_bench >/dev/null
  [ -f "$ROOT/build/wasm/CMakeCache.txt" ] ||
    emcmake cmake -S "$ROOT" -B "$ROOT/build/wasm" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build/wasm" -j"$JOBS" --target posemeet_opus_bench >/dev/null
fi

native_out="$("$NATIVE" "$@")"
wasm_out="$(node "$WASM" "$@")"
echo "$native_out" | grep -v '^RESULT'
echo
echo "$wasm_out" | grep -v '^RESULT'
echo

field() {  # field <output> <name>
  grep '^RESULT' <<<"$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
printf '%-15s %12s %12s %14s\n' "us/frame" native wasm "wasm/native"
for f in encode decode total; do
  n="$(field "$native_out" "${f}_us")"
  w="$(field "$wasm_out" "${f}_us")"
  label="$f"
  [ "$f" = total ] && label="encode+decode"
  awk -v l="$label" -v n="$n" -v w="$w" 'BEGIN { printf "%-15s %12.1f %12.1f %13.2fx\n", l, n, w, w / n }'
done
echo "(node $(node --version), $(nproc) cores; best of the runs each; lower is faster)"
