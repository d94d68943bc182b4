#!/usr/bin/env bash
# Server-side time per control operation under a burst from many bots.
#
# Builds posemeet-server and posemeet_control_bench (build/native), starts two real servers
# on free loopback ports, each with its own temporary SQLite file - one takes the burst,
# the other stays idle for the sequential baseline - runs the bench against both and
# prints its tables (also written to build/bench/control_bench.json). Arguments go to the
# bench (tests/bench/control_bench.cpp; --help lists them), e.g.
#   tools/bench_control.sh                      # 200 bots in 20 rooms of 10, 100 ops each
#   tools/bench_control.sh --clients 400 --ops 300
# The servers run with a per-connection control limit of twice the bench's pacing
# (--rate/--burst, default 50/s and 100, the server's own defaults), so that messages
# bunched up on the way never hit 429; the report says which flags were used.
# POSEMEET_BENCH_SERVER_ARGS adds flags to both servers; POSEMEET_BENCH_NO_BUILD=1 skips
# the build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/native"
SERVER="$BUILD/src/app/server/posemeet-server"
BENCH="$BUILD/tests/bench/posemeet_control_bench"

for a in "$@"; do
  if [ "$a" = --help ] || [ "$a" = -h ]; then
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    [ -x "$BENCH" ] && "$BENCH" --help
    exit 0
  fi
done

if [ "${POSEMEET_BENCH_NO_BUILD:-0}" != 1 ]; then
  [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j"${POSEMEET_JOBS:-2}" --target posemeet-server posemeet_control_bench >/dev/null
fi

# The bench's pacing decides the servers' limits (2x) and the room size their capacity.
rate=50 burst=100 room_size=10
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  a="${args[$i]}" v="${args[$((i + 1))]:-}"
  case "$a" in
    --rate) rate="$v" ;;
    --rate=*) rate="${a#*=}" ;;
    --burst) burst="$v" ;;
    --burst=*) burst="${a#*=}" ;;
    --room-size) room_size="$v" ;;
    --room-size=*) room_size="${a#*=}" ;;
  esac
done
server_rate=$(awk -v r="$rate" 'BEGIN { printf "%g", 2 * r }')
server_burst=$(awk -v b="$burst" 'BEGIN { printf "%g", 2 * b }')
max_participants=$((room_size > 16 ? room_size : 16))
limits="--control-rate $server_rate --control-burst $server_burst (server defaults: 50 and 100; raised to 2x the bench's pacing so it is never rate limited)"

# shellcheck source=tools/bench_processes.sh
. "$ROOT/tools/bench_processes.sh"
# start_server NAME: a server with the bench's limits; sets PORT and PID.
start_server() {
  # shellcheck disable=SC2086
  start_posemeet_server "$1" --control-rate "$server_rate" --control-burst "$server_burst" \
    --max-participants "$max_participants" ${POSEMEET_BENCH_SERVER_ARGS:-}
}

start_server burst
burst_port=$PORT burst_pid=$PID
start_server baseline
base_port=$PORT

mkdir -p "$ROOT/build/bench"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews the figures)" >&2
status=0
"$BENCH" --url "ws://127.0.0.1:$burst_port/ws" --baseline-url "ws://127.0.0.1:$base_port/ws" \
  --server-pid "$burst_pid" --server-limits "$limits" --json "$ROOT/build/bench/control_bench.json" "$@" || status=$?

rss_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$burst_pid/status" 2>/dev/null || echo "?")
echo
echo "burst server: peak RSS ${rss_kb} kB; log lines at WARN/ERROR: $(grep -cE ' (WARN|ERROR) ' "$TMP/burst.log" || true)"
grep -E ' (WARN|ERROR) ' "$TMP/burst.log" | head -n 5 | sed 's/^/  /' || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "figures as JSON: build/bench/control_bench.json"
exit "$status"
