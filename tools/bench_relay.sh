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
#                        [--core-share PCT] [--scaling ROOMSxMEMBERS] [--keyframe-every 1]
# --threads LIST: our server once per count of media threads (--threads N; by default it
# runs one per core), shown as ours-1t, ours-2t...
# --write-window LIST: our server once per --media-write-window-ms value, shown as ours-w0,
# ours-w5... (with --threads too: every pair, ours-2t-w5...).
# --core-share PCT: each of our media threads in a CPU cgroup of its own, allowed PCT % of one
# core (per 10 ms period), the hub thread and the generator not limited; shown as ours-...-cPCT.
# Needs root and the cgroup v1 cpu controller (/sys/fs/cgroup/cpu). For a machine too small to
# give the relay whole cores beside its generator: a thread's share of a core stands in for
# the core.
# --scaling ROOMSxMEMBERS: does the relay use cores in parallel? With each media thread held to
# --core-share (30 % by default), ours with 1 media thread at that load, with 2 at twice the
# rooms, and with 1 at twice the rooms; twice the cores should carry twice the load at the
# same cost per delivery and about the same latency, and one thread should fall behind on it.
# Only our server runs (the baseline has one thread); --loads and the idle runs are skipped.
# --keyframe-every N: one pose in N a keyframe, the rest deltas (the generator's flag): the
# relay may then thin pose to a congested reader, as it does a browser's; "delivered" then
# counts what it chose not to send. By default every pose is a keyframe, owed to everyone.
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
core_share="" scaling="" keyframe_every=1
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
    --core-share) core_share="$2"; shift ;;
    --scaling) scaling="$2"; shift ;;
    --keyframe-every) keyframe_every="$2"; shift ;;
    -h | --help) sed -n '2,41p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

CPU_CGROUPS=/sys/fs/cgroup/cpu
if [ -n "$scaling" ]; then
  [[ "$scaling" =~ ^[0-9]+x[0-9]+$ ]] || { echo "bench_relay.sh: --scaling takes ROOMSxMEMBERS" >&2; exit 2; }
  core_share="${core_share:-30}"
fi
if [ -n "$core_share" ]; then
  [[ "$core_share" =~ ^[0-9]+$ ]] && [ "$core_share" -ge 1 ] && [ "$core_share" -le 100 ] ||
    { echo "bench_relay.sh: --core-share takes a percentage, 1-100" >&2; exit 2; }
  [ -w "$CPU_CGROUPS" ] && [ -f "$CPU_CGROUPS/cpu.cfs_quota_us" ] || {
    echo "bench_relay.sh: --core-share needs root and the cgroup v1 cpu controller at $CPU_CGROUPS" \
      "(this machine: $(stat -fc %T /sys/fs/cgroup 2>/dev/null); on cgroup v2 it is not supported yet)" >&2
    exit 2
  }
fi

TMP="$(mktemp -d)"
relay_pid=""
cleanup() {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
  remove_thread_cgroups
  rm -rf "$TMP"
}
# The cgroups --core-share made (empty once the relay has exited).
remove_thread_cgroups() {
  local group
  for group in "$CPU_CGROUPS"/posemeet-bench-$$-*; do [ -d "$group" ] && rmdir "$group" 2>/dev/null; done
  return 0
}
# Puts each of the relay's media threads (named pm-media-<i>) in a cgroup of its own allowed
# `share` % of one core; waits for the `count` threads to exist.
limit_media_threads() {
  local pid="$1" count="$2" share="$3" task tids=()
  for _ in $(seq 100); do
    tids=()
    for task in /proc/"$pid"/task/*; do
      [[ "$(cat "$task/comm" 2>/dev/null)" == pm-media-* ]] && tids+=("${task##*/}")
    done
    [ "${#tids[@]}" -ge "$count" ] && break
    sleep 0.1
  done
  [ "${#tids[@]}" -ge "$count" ] || { echo "bench_relay.sh: found ${#tids[@]} of $count media threads" >&2; exit 1; }
  for task in "${tids[@]}"; do
    local group="$CPU_CGROUPS/posemeet-bench-$$-$task"
    mkdir -p "$group"
    echo 10000 >"$group/cpu.cfs_period_us"
    echo $((share * 100)) >"$group/cpu.cfs_quota_us"
    echo "$task" >"$group/tasks"
  done
}
trap cleanup EXIT

# Starts a fresh relay (ours|ours-<N>t|baseline) for `members` per room; sets relay_pid and
# relay_port.
start_relay() {
  local which="$1" members="$2" log="$TMP/$1.log" thread_args=() db=:memory:
  [[ "$which" =~ -([0-9]+)t ]] && thread_args+=(--threads "${BASH_REMATCH[1]}")
  [[ "$which" =~ -w([0-9]+) ]] && thread_args+=(--media-write-window-ms "${BASH_REMATCH[1]}")
  local share=""; [[ "$which" =~ -c([0-9]+) ]] && share="${BASH_REMATCH[1]}"
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
    if [ -n "$relay_port" ]; then
      [ -z "$share" ] || limit_media_threads "$relay_pid" "$([[ "$which" =~ -([0-9]+)t ]] && echo "${BASH_REMATCH[1]}" || nproc)" "$share"
      return 0
    fi
    sleep 0.1
  done
  echo "bench_relay.sh: $which relay did not start: $(cat "$log")" >&2
  exit 1
}
stop_relay() {
  kill "$relay_pid" 2>/dev/null || true
  wait "$relay_pid" 2>/dev/null || true
  relay_pid=""
  remove_thread_cgroups
}
# One generator run; appends {"load","relay","role","uptime","result"|"error"} to results.jsonl
# (role: the run's part in --scaling, else empty).
run_load() {
  local label="$1" which="$2" rooms="$3" members="$4"; shift 4
  local role="${RUN_ROLE:-}"
  start_relay "$which" "$members"
  local target=posemeet; [ "$which" = baseline ] && target=baseline
  local out
  if out=$("${load_cpu[@]}" "$LOAD" --port "$relay_port" --target "$target" --server-pid "$relay_pid" \
      --rooms "$rooms" --members "$members" --keyframe-every "$keyframe_every" "$@" 2>"$TMP/load.err"); then
    # Ours: the messages each media thread wrote (how the rooms' work was split between them).
    local split=null
    [ "$which" = baseline ] || split=$(curl -sf "http://127.0.0.1:$relay_port/api/v1/stats" |
      node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(JSON.stringify(s.media_threads.map((t) => t.messages_written)))' || echo null)
    echo "{\"load\":\"$label\",\"relay\":\"$which\",\"role\":\"$role\",\"uptime\":\"$(uptime | sed 's/.*load/load/')\",\"messages_written_per_thread\":$split,\"result\":$out}" >>"$TMP/results.jsonl"
  else
    echo "{\"load\":\"$label\",\"relay\":\"$which\",\"role\":\"$role\",\"error\":$(tail -1 "$TMP/load.err" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0,"utf8").trim()))')}" >>"$TMP/results.jsonl"
  fi
  stop_relay
}

ours=ours
[ -n "$threads" ] && ours=$(for n in ${threads//,/ }; do printf 'ours-%st ' "$n"; done)
if [ -n "$windows" ]; then
  ours=$(for o in $ours; do for w in ${windows//,/ }; do printf '%s-w%s ' "$o" "$w"; done; done)
fi
[ -n "$core_share" ] && ours=$(for o in $ours; do printf '%s-c%s ' "$o" "$core_share"; done)
if [ -n "$scaling" ]; then
  rooms="${scaling%x*}" members="${scaling#*x}"
  twice="$((2 * rooms))x$members"
  echo "bench_relay.sh: scaling, each media thread held to ${core_share} % of a core; ${seconds} s measured after ${warmup} s warm-up per run; pose 166 B at 30 Hz per member; $(nproc) cores; $(uptime | sed 's/.*load/load/')"
  for run in "1 $rooms $scaling one" "2 $((2 * rooms)) $twice two" "1 $((2 * rooms)) $twice one-at-twice"; do
    set -- $run
    echo "  running $3 against ours with $1 media thread(s)..." >&2
    RUN_ROLE="$4" run_load "$3" "ours-$1t-c$core_share" "$2" "$members" --seconds "$seconds" --warmup "$warmup" \
      --audio-hz "$audio_hz" --room-prefix "r$3"
  done
  node "$ROOT/tools/bench_relay_report.mjs" "$TMP/results.jsonl"
  exit 0
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
