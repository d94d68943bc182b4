#!/usr/bin/env bash
# README command 2: install what is missing, build native and wasm, run every test
# (doctest unit tests and fuzz replays via CTest, the audio unit tests as wasm under node,
# the server's threads under ThreadSanitizer, then the end-to-end browser scenarios),
# and end with one line "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_DIR="$ROOT/build/test-logs"

"$ROOT/tools/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
if ! "$ROOT/tools/build.sh" all; then echo "build failed"; echo "0 passed, 1 failed"; exit 1; fi
mkdir -p "$LOG_DIR"

# Unit tests: CTest runs one test per doctest suite and per fuzz-replay target.
ctest --test-dir "$ROOT/build/native" --output-on-failure -j2 2>&1 | tee "$LOG_DIR/ctest.log"
unit_line="$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$LOG_DIR/ctest.log" | tail -n1)"
unit_total="$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$unit_line")"
unit_failed="$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$unit_line")"
[ -n "$unit_total" ] || { unit_total=1; unit_failed=1; }
unit_passed=$((unit_total - unit_failed))

# The audio core's unit tests compiled to wasm, under node (the browser runs this code as
# wasm): one test, passed when every doctest case passed there.
wasm_audio_js="$ROOT/build/wasm/tests/wasm/posemeet_audio_tests_wasm.js"
node "$wasm_audio_js" --no-colors=true 2>&1 | tee "$LOG_DIR/wasm-audio.log"
wasm_audio_rc=${PIPESTATUS[0]}
if [ "$wasm_audio_rc" -eq 0 ] && grep -q 'Status: SUCCESS' "$LOG_DIR/wasm-audio.log"; then
  wasm_passed=1; wasm_failed=0
else
  echo "wasm audio tests failed (exit code $wasm_audio_rc; log: $LOG_DIR/wasm-audio.log)"
  wasm_passed=0; wasm_failed=1
fi

# ThreadSanitizer over the server's threads: the server built with -fsanitize=thread
# (build/tsan) under media, control, HTTP and a shutdown; one test per check.
"$ROOT/tools/tsan_check.sh" 2>&1 | tee "$LOG_DIR/tsan.log"
tsan_line="$(grep -E '^tsan: [0-9]+ passed, [0-9]+ failed' "$LOG_DIR/tsan.log" | tail -n1)"
tsan_passed="$(sed -E 's/^tsan: ([0-9]+) passed.*/\1/' <<<"$tsan_line")"
tsan_failed="$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$tsan_line")"
[ -n "$tsan_passed" ] || { tsan_passed=0; tsan_failed=1; }

# End-to-end: real server, real headless Chromium, real WebRTC.
( cd "$ROOT/tests/e2e" && node run_e2e.mjs ) 2>&1 | tee "$LOG_DIR/e2e.log"
e2e_line="$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$LOG_DIR/e2e.log" | tail -n1)"
e2e_passed="$(sed -E 's/^e2e: ([0-9]+) passed.*/\1/' <<<"$e2e_line")"
e2e_failed="$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$e2e_line")"
[ -n "$e2e_passed" ] || { e2e_passed=0; e2e_failed=1; }

passed=$((unit_passed + wasm_passed + tsan_passed + e2e_passed))
failed=$((unit_failed + wasm_failed + tsan_failed + e2e_failed))
echo
echo "unit (ctest): $unit_passed passed, $unit_failed failed; wasm audio (node): $wasm_passed passed, $wasm_failed failed; tsan: $tsan_passed passed, $tsan_failed failed; e2e checks: $e2e_passed passed, $e2e_failed failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
