#!/usr/bin/env bash
# The media relay at load: our server vs the relay a user would write instead (Node + ws,
# tools/relay_baseline.mjs), driven by the same native load generator (posemeet-relay-load).
#
# For each load (rooms x members; each member sends 166-byte pose packets at 30 Hz) and each
# relay, a fresh relay process, a warm-up, then a measured window; prints deliveries/s, the
# relay's CPU-seconds per million deliveries and CPU %, latency p50/p99 (send to receive,
# one clock), its RSS, the generator's own CPU (near 100 % = it was the bottleneck), and
# ours/baseline ratios. Then the memory per idle joined connection (2000 connections): from
# before the first, and from after the first 200 (what each further one costs, the code and
# tables the first ones touch paid for); ours twice, with --db :memory: (the room state and
# the audit rows then live in the process) and with an SQLite file as the server's default.
# A benchmark, not a test: nothing is asserted. Usage:
#   tools/bench_relay.sh [--seconds 15] [--warmup 3] [--loads 20x10,100x10,1x100]
#                        [--audio-hz 0] [--idle-connections 2000 | --no-idle] [--pin]
#                        [--threads 1,2] [--write-window 0,5,10]
# --threads LIST: our server once per count of media threads (--threads N; by default it
# runs one per core), shown as ours-1t, ours-2t...
# --write-window LIST: our server once per --media-write-window-ms value, shown as ours-w0,
# ours-w5... (with --threads too: every pair, ours-2t-w5...).
# --pin: the relay on core 0 (all its threads: one core each, ours and Node alike) and the
# generator on core 1, so that they never take each other's core. Only on a machine of your
# own: pinned processes cannot move away from other work (shared, they got 10 % of a core).
# Our server runs --dev (joins without a token), with no connection limits and
# --max-participants raised to the room size (relay-only rooms may exceed 16).
# POSEMEET_BENCH_NO_BUILD=1 skips the build; POSEMEET_BENCH_SERVER=<binary> runs that server
# instead of the one built here (a before/after comparison: keep a copy of the old one).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/native"
SERVER="${POSEMEET_BENCH_SERVER:-$BUILD/src/app/server/posemeet-server}"
LOAD="$BUILD/src/app/relay_load/posemeet-relay-load"

seconds=15 warmup=3 loads="20x10,100x10,1x100" audio_hz=0 idle_connections=2000 threads="" windows=""
relay_cpu=() load_cpu=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --loads) loads="$2"; shift ;;
    --audio-hz) audio_hz="$2"; shift ;;
    --idle-connections) idle_connections="$2"; shift ;;
    --no-idle) idle_connections=0 ;;
    --pin) relay_cpu=(taskset -c 0) load_cpu=(taskset -c 1) ;;
    --threads) threads="$2"; shift ;;
    --write-window) windows="$2"; shift ;;
    -h | --help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_relay.sh: unknown argument $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "${POSEMEET_BENCH_NO_BUILD:-0}" != 1 ]; then
  [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j"${POSEMEET_JOBS:-2}" --target posemeet-server posemeet-relay-load >/dev/null
fi
[ -d "$ROOT/tests/e2e/node_modules/ws" ] || { echo "bench_relay.sh: run tools/setup.sh first (npm ws)" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # thousands of sockets

TMP="$(mktemp -d)"
relay_pid=""
cleanup() {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

# Starts a fresh relay (ours|ours-<N>t|baseline) for `members` per room; sets relay_pid and
# relay_port.
start_relay() {
  local which="$1" members="$2" log="$TMP/$1.log" thread_args=() db=:memory:
  [[ "$which" =~ -([0-9]+)t ]] && thread_args+=(--threads "${BASH_REMATCH[1]}")
  [[ "$which" =~ -w([0-9]+) ]] && thread_args+=(--media-write-window-ms "${BASH_REMATCH[1]}")
  [ "$which" = ours-file ] && db="$TMP/ours-file.db"  # the server's default: an SQLite file
  if [ "$which" != baseline ]; then
    "${relay_cpu[@]}" "$SERVER" --dev --host 127.0.0.1 --port 0 --db "$db" --web-root "$TMP" \
      --max-connections 0 --max-connections-per-address 0 "${thread_args[@]}" \
      --max-participants "$((members > 16 ? members : 16))" >"$log" 2>&1 &
  else
    "${relay_cpu[@]}" node "$ROOT/tools/relay_baseline.mjs" 0 >"$log" 2>&1 &
  fi
  relay_pid=$!
  for _ in $(seq 100); do
    relay_port=$(grep -o 'listening on [a-z]*://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [ -n "$relay_port" ] && return 0
    sleep 0.1
  done
  echo "bench_relay.sh: $which relay did not start: $(cat "$log")" >&2
  exit 1
}
stop_relay() {
  kill "$relay_pid" 2>/dev/null || true
  wait "$relay_pid" 2>/dev/null || true
  relay_pid=""
}
# One generator run; appends {"load","relay","uptime","result"|"error"} to results.jsonl.
run_load() {
  local label="$1" which="$2" rooms="$3" members="$4"; shift 4
  start_relay "$which" "$members"
  local target=posemeet; [ "$which" = baseline ] && target=baseline
  local out
  if out=$("${load_cpu[@]}" "$LOAD" --port "$relay_port" --target "$target" --server-pid "$relay_pid" \
      --rooms "$rooms" --members "$members" "$@" 2>"$TMP/load.err"); then
    echo "{\"load\":\"$label\",\"relay\":\"$which\",\"uptime\":\"$(uptime | sed 's/.*load/load/')\",\"result\":$out}" >>"$TMP/results.jsonl"
  else
    echo "{\"load\":\"$label\",\"relay\":\"$which\",\"error\":$(tail -1 "$TMP/load.err" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0,"utf8").trim()))')}" >>"$TMP/results.jsonl"
  fi
  stop_relay
}

ours=ours
[ -n "$threads" ] && ours=$(for n in ${threads//,/ }; do printf 'ours-%st ' "$n"; done)
if [ -n "$windows" ]; then
  ours=$(for o in $ours; do for w in ${windows//,/ }; do printf '%s-w%s ' "$o" "$w"; done; done)
fi
echo "bench_relay.sh:$([ ${#relay_cpu[@]} -gt 0 ] && echo " relay pinned to core 0, generator to core 1;") ${seconds} s measured after ${warmup} s warm-up per run; pose 166 B at 30 Hz per member$([ "$audio_hz" != 0 ] && echo ", audio 89 B at ${audio_hz} Hz"); $(nproc) cores; $(uptime | sed 's/.*load/load/')"
for load in ${loads//,/ }; do
  rooms="${load%x*}" members="${load#*x}"
  [ "$members" -gt 16 ] && echo "  ${load}: our server runs with --max-participants $members (its default cap is 16; relay-only members, as here, may go past it; a room with a peer-to-peer member stays at 16)"
  for which in $ours baseline; do
    echo "  running ${load} against ${which}..." >&2
    run_load "$load" "$which" "$rooms" "$members" --seconds "$seconds" --warmup "$warmup" --audio-hz "$audio_hz" --room-prefix "r$load"
  done
done
if [ "$idle_connections" -gt 0 ]; then
  for which in ours ours-file baseline; do
    echo "  ${idle_connections} idle joined connections against ${which}..." >&2
    run_load idle "$which" "$((idle_connections / 10))" 10 --idle --idle-warmup 200
  done
fi
node "$ROOT/tools/bench_relay_report.mjs" "$TMP/results.jsonl"
