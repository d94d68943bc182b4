#!/usr/bin/env bash
# ThreadSanitizer over the server's threads (issue 13), run by tools/test.sh. Builds the
# server with -fsanitize=thread in build/tsan (the other tools stay the Release ones of
# build/native) and runs it with two media threads through every path that crosses
# threads: media relayed within rooms placed on one thread, media of rooms spread over
# both (connections that name no room), control operations and HTTP statistics while media
# flow (webhooks queued for a receiver that is down), the write window sending a receiver's
# media together, and a shutdown with everyone still connected. One line per check, then
# "tsan: N passed, N failed". A data race reported by TSan fails the last check. (-Wno-tsan:
# Asio's executors use std::atomic_thread_fence, which TSan does not model; GCC says so
# once per use.)
#   tools/tsan_check.sh            (POSEMEET_TSAN_NO_BUILD=1 skips the build)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TSAN_BUILD="$ROOT/build/tsan"
NATIVE="$ROOT/build/native"
SERVER="$TSAN_BUILD/src/app/server/posemeet-server"
LOAD="$NATIVE/src/app/relay_load/posemeet-relay-load"
CONTROL="$NATIVE/tests/bench/posemeet_control_bench"

if [ "${POSEMEET_TSAN_NO_BUILD:-0}" != 1 ]; then
  if [ ! -f "$TSAN_BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$TSAN_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="-fsanitize=thread -Wno-tsan" \
      -DCMAKE_C_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >/dev/null ||
      { echo "tsan: configure failed"; echo "tsan: 0 passed, 1 failed"; exit 1; }
  fi
  cmake --build "$TSAN_BUILD" -j"${POSEMEET_JOBS:-2}" --target posemeet-server >"$ROOT/build/tsan-build.log" 2>&1 ||
    { tail -20 "$ROOT/build/tsan-build.log"; echo "tsan: build failed"; echo "tsan: 0 passed, 1 failed"; exit 1; }
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# shellcheck source=tools/bench_processes.sh
. "$ROOT/tools/bench_processes.sh"
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 history_size=4"
passed=0 failed=0
check() {  # check NAME CONDITION-EXIT-CODE [detail]
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "tsan: ok      $1"
  else failed=$((failed + 1)); echo "tsan: FAILED  $1${3:+ ($3)}"; fi
}
# json FILE EXPRESSION: a field of the last JSON line of FILE, by node.
json() { node -e 'const fs=require("fs");const l=fs.readFileSync(process.argv[1],"utf8").trim().split("\n").pop();
  try{const j=JSON.parse(l);console.log(eval(process.argv[2]))}catch{console.log("")}' "$1" "$2"; }
# until_ready FILE PID: waits for a load generator's "connections ready" (or its end).
until_ready() {
  while ! grep -q 'connections ready' "$1" 2>/dev/null; do kill -0 "$2" 2>/dev/null || return 1; sleep 0.1; done
}

# Webhooks to a port nothing listens on: every event goes through the outbox (posted to the
# hub's thread from the media threads) and its retries. A write window of 20 ms (default 5):
# a receiver's packets of that time are sure to leave together, which check 1 counts.
start_posemeet_server tsan --threads 2 --max-participants 40 --max-connections 0 --max-connections-per-address 0 \
  --webhook-url http://127.0.0.1:9/webhook --media-write-window-ms 20
server=$PID port=$PORT

# 1. Rooms each on one thread (the clients name their room), pose and audio.
"$LOAD" --port "$port" --rooms 4 --members 6 --seconds 3 --warmup 1 --audio-hz 50 --room-prefix placed \
  >"$TMP/placed.json" 2>"$TMP/placed.err"
got=$(json "$TMP/placed.json" 'j.delivered_of_expected >= 0.99 && j.deliveries > 0 ? 1 : 0')
check "media relayed in rooms placed on one thread each" "$([ "$got" = 1 ] && echo 0 || echo 1)" "$(tail -1 "$TMP/placed.err")"
# Each receiver got 5 x 80 packets/s, 8 per window: held media leave in one write (the joins'
# replies and informs, written at once, are single). Without the window: 1.2 per write.
curl -sf "http://127.0.0.1:$port/api/v1/stats" >"$TMP/stats.json"
per_write=$(node -e 'const t=require(process.argv[1]).media_threads;const w=t.reduce((a,x)=>a+x.writes,0),m=t.reduce((a,x)=>a+x.messages_written,0);console.log(w?(m/w).toFixed(2):0)' "$TMP/stats.json" 2>/dev/null || echo 0)
check "the write window sends a receiver's media together ($per_write messages per write)" \
  "$(node -e 'process.exit(Number(process.argv[1]) >= 2 ? 0 : 1)' "$per_write"; echo $?)"

# 2. Rooms spread over both threads (no room named), past the mesh size (selective
#    forwarding), while control operations and HTTP statistics run on the hub's thread.
"$LOAD" --port "$port" --rooms 2 --members 20 --seconds 6 --warmup 1 --audio-hz 50 --speakers 4 --no-room-hint \
  --room-prefix spread >"$TMP/spread.json" 2>"$TMP/spread.err" &
load=$!; pids+=("$load")
until_ready "$TMP/spread.err" "$load"
"$CONTROL" --url "ws://127.0.0.1:$port/ws" --clients 20 --room-size 5 --ops 10 --rate 20 --json "$TMP/control.json" \
  >"$TMP/control.out" 2>&1
control_rc=$?
stats_rc=0
for path in /api/v1/stats /metrics /api/v1/rooms /healthz; do
  curl -sf "http://127.0.0.1:$port$path" >/dev/null || stats_rc=1
done
wait "$load"
got=$(json "$TMP/spread.json" 'j.deliveries > 0 && j.connections === 40 ? 1 : 0')
check "media relayed in rooms spread over both threads" "$([ "$got" = 1 ] && echo 0 || echo 1)" "$(tail -1 "$TMP/spread.err")"
lost=$(node -e 'const j=require(process.argv[1]).burst;console.log(j.sent>0&&j.sent===j.replies?0:1)' "$TMP/control.json" 2>/dev/null || echo 1)
check "control operations answered while media flow" "$([ "$control_rc" = 0 ] && [ "$lost" = 0 ] && echo 0 || echo 1)" "$(tail -2 "$TMP/control.out" | head -1)"
check "HTTP statistics served while media flow" "$stats_rc"

# 3. Shutdown with connections open: SIGTERM, every session closed, the store written.
"$LOAD" --port "$port" --rooms 2 --members 6 --seconds 30 --warmup 1 --room-prefix shutdown \
  >"$TMP/shutdown.json" 2>"$TMP/shutdown.err" &
load=$!; pids+=("$load")
until_ready "$TMP/shutdown.err" "$load"
kill -TERM "$server"
wait "$server"; server_rc=$?
kill "$load" 2>/dev/null; wait "$load" 2>/dev/null
grep -q 'PoseMeet server stopped' "$TMP/tsan.log"; stopped=$?
check "clean shutdown with connections open" "$([ "$server_rc" = 0 ] && [ "$stopped" = 0 ] && echo 0 || echo 1)" "exit code $server_rc"

races=$(grep -c 'WARNING: ThreadSanitizer' "$TMP/tsan.log")
if [ "$races" -gt 0 ]; then
  mkdir -p "$ROOT/build/test-logs" && cp "$TMP/tsan.log" "$ROOT/build/test-logs/tsan-server.log"
  grep -A24 'WARNING: ThreadSanitizer' "$TMP/tsan.log" | head -80
fi
check "ThreadSanitizer reports nothing" "$([ "$races" = 0 ] && echo 0 || echo 1)" "$races report(s): build/test-logs/tsan-server.log"
echo "tsan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
