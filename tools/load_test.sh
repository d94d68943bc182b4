#!/usr/bin/env bash
# The original design's headline as a load test (issue 13; run by hand, not in CI): 1000
# native clients in 50 rooms of 20 plus one room of 100 on one server, pose and audio
# flowing through the relay for --seconds, while 100 more clients in rooms of 10 fire
# control operations (mute, unmute, permits, chat, ...) at --control-rate each. Prints
# what an operator would ask: control messages lost (sent vs replied), control round trip
# p50/p99, media deliveries/s and latency p50/p99, the server's CPU and memory; and the
# generators' own CPU (all share this machine: a saturated machine is said, not hidden).
#
#   tools/load_test.sh [--seconds 60] [--pose-hz 10] [--audio-hz 50] [--speakers 2]
#                      [--control-clients 100] [--control-rate 2] [--nice-media]
#                      [--control-arrivals independent|together] [-- SERVER FLAGS...]
#
# --control-arrivals: independent (default): each control client acts at random moments,
# --control-rate a second on average, as people in different meetings do; together: every
# client's first 4 operations at the same instant, then all paced in step (a thundering herd
# every 1/rate seconds: the queueing it makes, not the server, then sets the round trip's
# tail; 100 clients in step on an idle server: p99 up to 14-16 ms, independent: 0.5-1.2 ms).
#
# Flags after -- go to the server (-- --threads 1, -- --media-write-window-ms 10).
# --nice-media: the media generators at nice 10, so that the server and the control
# clients get a core when they need one (a server on a machine of its own does not share
# its cores with a thousand simulated clients). Without it everyone competes as equals.
#
# Rooms past 16 members use the large-room forwarding (audio of the loudest 3, pose at the
# room's 10 Hz tier); the generators' members send pose at --pose-hz and the first
# --speakers of each room send audio at --audio-hz. The server runs --dev with a real
# SQLite file. POSEMEET_BENCH_NO_BUILD=1 skips the build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/native"
SERVER="$BUILD/src/app/server/posemeet-server"
LOAD="$BUILD/src/app/relay_load/posemeet-relay-load"
CONTROL="$BUILD/tests/bench/posemeet_control_bench"

seconds=60 pose_hz=10 audio_hz=50 speakers=2 control_clients=100 control_rate=2 control_arrivals=independent
media_nice=() server_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift ;;
    --pose-hz) pose_hz="$2"; shift ;;
    --audio-hz) audio_hz="$2"; shift ;;
    --speakers) speakers="$2"; shift ;;
    --control-clients) control_clients="$2"; shift ;;
    --control-rate) control_rate="$2"; shift ;;
    --nice-media) media_nice=(nice -n 10) ;;
    --control-arrivals)
      case "$2" in independent | together) control_arrivals="$2" ;;
        *) echo "load_test.sh: --control-arrivals is independent or together, not '$2'" >&2; exit 2 ;;
      esac
      shift ;;
    --) shift; server_flags=("$@"); break ;;
    -h | --help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "load_test.sh: unknown argument $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "${POSEMEET_BENCH_NO_BUILD:-0}" != 1 ]; then
  [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j"${POSEMEET_JOBS:-2}" --target posemeet-server posemeet-relay-load posemeet_control_bench >/dev/null
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # over a thousand sockets on each side

# shellcheck source=tools/bench_processes.sh
. "$ROOT/tools/bench_processes.sh"
start_posemeet_server load --max-connections 0 --max-connections-per-address 0 --max-participants 100 ${server_flags[@]+"${server_flags[@]}"}
server_pid=$PID port=$PORT

cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }  # utime + stime, 100 Hz ticks
# Each server thread's name and CPU-seconds so far (the hub's thread carries the program's name).
thread_cpu() { for t in /proc/"$1"/task/*; do awk '{ gsub(/[()]/, "", $2); printf "%s %.2f\n", $2, ($14 + $15) / 100 }' "$t/stat"; done; }
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

echo "load_test.sh: 50 rooms x 20 + 1 room x 100 media clients (pose ${pose_hz} Hz each, audio ${audio_hz} Hz from ${speakers} per room)," \
     "${control_clients} control clients at ${control_rate} ops/s each (arrivals ${control_arrivals}), ${seconds} s measured; $(nproc) cores; $(uptime | sed 's/.*load/load/')"
media_args=(--port "$port" --seconds "$seconds" --warmup 5 --pose-hz "$pose_hz" --audio-hz "$audio_hz" --speakers "$speakers")
"${media_nice[@]}" "$LOAD" "${media_args[@]}" --rooms 50 --members 20 --room-prefix r20 >"$TMP/rooms20.json" 2>"$TMP/rooms20.err" &
pids+=($!); load20=$!
"${media_nice[@]}" "$LOAD" "${media_args[@]}" --rooms 1 --members 100 --room-prefix r100 >"$TMP/room100.json" 2>"$TMP/room100.err" &
pids+=($!); load100=$!
# The control clients start once the media clients are in (their warm-up), and run as long.
while ! { grep -q 'connections ready' "$TMP/rooms20.err" && grep -q 'connections ready' "$TMP/room100.err"; }; do
  kill -0 "$load20" 2>/dev/null && kill -0 "$load100" 2>/dev/null || break
  sleep 0.2
done
cpu_start=$(cpu_s "$server_pid") t_start=$(date +%s.%N)
thread_cpu "$server_pid" >"$TMP/threads_start.txt"
# A client's operations take ~3x their pacing (the hosts answer share requests in turn), or
# ~4x at independent moments (each of a host's answers waits for its next moment): this many
# end within the media's measured window, so that every request meets the whole load.
ops_pacings=3; [ "$control_arrivals" = independent ] && ops_pacings=4
ops=$(awk -v r="$control_rate" -v s="$seconds" -v k="$ops_pacings" 'BEGIN { n = int(r * s / k); printf "%d", n < 10 ? 10 : n }')
control_ok=1
"$CONTROL" --url "ws://127.0.0.1:$port/ws" --server-pid "$server_pid" --clients "$control_clients" --room-size 10 --ops "$ops" \
  --rate "$control_rate" --burst 4 --arrivals "$control_arrivals" --json "$TMP/control.json" >"$TMP/control.out" 2>&1 || control_ok=0
[ "$control_ok" = 1 ] || { echo "  the control bench failed; its last lines:" >&2; tail -5 "$TMP/control.out" >&2; }
wait "$load20" || true
wait "$load100" || true
cpu_end=$(cpu_s "$server_pid") t_end=$(date +%s.%N)
thread_cpu "$server_pid" >"$TMP/threads_end.txt"
rss=$(rss_mb "$server_pid")

node - "$TMP" "$cpu_start" "$cpu_end" "$t_start" "$t_end" "$rss" "$control_ok" <<'EOF'
const fs = require('fs');
const [tmp, cpu0, cpu1, t0, t1, rss, controlOk] = process.argv.slice(2);
// The generators print one JSON line last; the control bench writes a JSON file.
const read = (f) => { try { return JSON.parse(fs.readFileSync(`${tmp}/${f}`, 'utf8').trim().split('\n').pop()); } catch { return null; } };
const readWhole = (f) => { try { return JSON.parse(fs.readFileSync(`${tmp}/${f}`, 'utf8')); } catch { return null; } };
const media = { '50 rooms x 20': read('rooms20.json'), '1 room x 100': read('room100.json') };
const control = readWhole('control.json')?.burst;
const f = (x, d = 1) => (x === undefined || x === null ? '-' : Number(x).toFixed(d));
for (const [name, m] of Object.entries(media)) {
  if (!m) { console.log(`  media ${name}: no result (${fs.readFileSync(`${tmp}/${name.startsWith('50') ? 'rooms20' : 'room100'}.err`, 'utf8').trim().split('\n').pop()})`); continue; }
  console.log(`  media ${name}: ${m.connections} clients, ${f(m.deliveries_per_s, 0)} deliveries/s, latency p50 ${f(m.latency_ms_p50)} ms` +
              ` p99 ${f(m.latency_ms_p99)} ms max ${f(m.latency_ms_max)} ms; sent ${m.sent} (${m.send_skipped} skipped: the client's own queue was full);` +
              ` generator CPU ${f(m.generator_cpu_pct, 0)} %`);
}
if (control) {
  const rtts = Object.values(control.client || {});
  const worst = Math.max(...rtts.map((o) => o.rtt_p99_ms || 0));
  const all = control.client_all || {};
  // The server's own time on each request (parse, handle, audit, replies and informs handed
  // to the sockets; /api/v1/stats): what is left of the round trip is waiting, for a
  // thread's turn or for a core.
  const serverOps = Object.values(control.server?.websocket || {}).filter((o) => o && o.total);
  const serverP99 = serverOps.length ? Math.max(...serverOps.map((o) => o.total.p99_us || 0)) / 1000 : null;
  console.log(`  control: ${control.sent} requests, ${control.replies} replies (${control.sent - control.replies} lost), ` +
              `${control.timed_out ? 'timed out, ' : ''}${control.disconnects} disconnects; ${f(control.ops_per_s, 0)} ops/s`);
  console.log(`    round trip over all requests p50 ${f(all.rtt_median_ms)} ms p99 ${f(all.rtt_p99_ms)} ms; ` +
              `the worst operation's p99 ${f(worst)} ms; the server's own time on a request, worst operation's p99 ${f(serverP99, 2)} ms`);
  // From /proc/<pid>/schedstat over the control run: time runnable but without a core.
  if (control.client_waiting_for_cpu_s >= 0)
    console.log(`    waiting for a core (others had both) during the control run: the control clients ${f(control.client_waiting_for_cpu_s, 2)} s` +
                ` (they ran ${f(control.client_on_cpu_s, 2)} s), the server's threads ${f(control.server_waiting_for_cpu_s, 2)} s` +
                ` (they ran ${f(control.server_on_cpu_s, 2)} s)`);
} else {
  console.log(`  control: no result (${controlOk === '1' ? 'no JSON' : 'the bench failed'}: see its output)`);
}
const secs = Number(t1) - Number(t0);
console.log(`  server: ${f((Number(cpu1) - Number(cpu0)) / secs * 100, 0)} % of one core from the control clients' start to the end (${f(secs, 0)} s;` +
            ` control ran ${f(control?.seconds, 0)} s of the media's ${f(media['50 rooms x 20']?.seconds, 0)} s), RSS ${rss} MB at the end`);
// Per thread: the media threads should share the relaying; the hub's thread (control) stays light.
const threads = (f) => { try { return fs.readFileSync(`${tmp}/${f}`, 'utf8').trim().split('\n').map((l) => l.split(' ')); } catch { return []; } };
const before = new Map(threads('threads_start.txt'));
const parts = threads('threads_end.txt').map(([name, cpu]) => `${name === 'posemeet-server' ? 'hub' : name} ${f((Number(cpu) - Number(before.get(name) ?? 0)) / secs * 100, 0)} %`);
console.log(`  server threads (% of one core): ${parts.join(', ')}`);
EOF
