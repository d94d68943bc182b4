#!/usr/bin/env bash
# Mouth-to-ear latency of voice from one native bot to another through the server's relay
# on loopback, and where each millisecond goes. A benchmark that prints figures, not a test.
#   tools/bench_mouth_to_ear.sh [--seconds=20] [--runs=1]
#   tools/bench_mouth_to_ear.sh --browsers [--seconds=30] [--fps=10] [--busy-ms=0]
#     two browser pages peer to peer instead (tests/e2e/bench_voice_browsers.mjs)
# Each run starts a fresh server (in-memory, a free port), a listening bot ("Ear") and a
# speaking bot ("Talker", a 440 Hz tone WAV) in separate processes, lets them talk for
# --seconds and reads Ear's last stats line (audio.remotes[talker]). Runs differ in the
# phase between the talker's capture clock and the ear's playback clock, so several runs
# show the spread. POSEMEET_BENCH_NO_BUILD=1 skips the build (build/native must exist).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${POSEMEET_JOBS:-2}"
SECONDS_PER_RUN=20
RUNS=1
BROWSERS=0
BUSY_MS=0
FPS=10
for arg in "$@"; do
  case "$arg" in
    --seconds=*) SECONDS_PER_RUN="${arg#*=}"; SECONDS_GIVEN=1 ;;
    --runs=*) RUNS="${arg#*=}" ;;
    --browsers) BROWSERS=1 ;;
    --busy-ms=*) BUSY_MS="${arg#*=}" ;;
    --fps=*) FPS="${arg#*=}" ;;
    *) echo "usage: $0 [--seconds=20] [--runs=1] [--browsers [--fps=10] [--busy-ms=0]]" >&2; exit 2 ;;
  esac
done

# --browsers: two browser pages peer to peer instead (tests/e2e/bench_voice_browsers.mjs).
if [ "$BROWSERS" = 1 ]; then
  # The pages' mouth-to-ear window is their last 30 s of frames: measure at least that long.
  [ "${SECONDS_GIVEN:-0}" = 1 ] || SECONDS_PER_RUN=30
  [ "${POSEMEET_BENCH_NO_BUILD:-0}" = 1 ] || POSEMEET_JOBS="$JOBS" "$ROOT/tools/build.sh" all >/dev/null
  cd "$ROOT/tests/e2e"
  for run in $(seq 1 "$RUNS"); do
    node bench_voice_browsers.mjs --seconds "$SECONDS_PER_RUN" --fps "$FPS" --busy-ms "$BUSY_MS"
  done
  exit 0
fi
BIN="$ROOT/build/native"
SERVER="$BIN/src/app/server/posemeet-server"
BOT="$BIN/src/app/bot/posemeet-bot"
CODEC_BENCH="$BIN/tests/bench/posemeet_opus_bench"

if [ "${POSEMEET_BENCH_NO_BUILD:-0}" != 1 ]; then
  [ -f "$BIN/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BIN" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BIN" -j"$JOBS" --target posemeet-server posemeet-bot posemeet_opus_bench >/dev/null
fi

WORK="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# 10 s of a 440 Hz tone, 48 kHz mono PCM16 (the talker loops it).
node -e '
  const rate = 48000, n = rate * 10, buf = Buffer.alloc(44 + n * 2);
  buf.write("RIFF", 0); buf.writeUInt32LE(36 + n * 2, 4); buf.write("WAVE", 8);
  buf.write("fmt ", 12); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24); buf.writeUInt32LE(rate * 2, 28); buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34);
  buf.write("data", 36); buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(0.3 * 32767 * Math.sin(2 * Math.PI * 440 * i / rate)), 44 + i * 2);
  require("fs").writeFileSync(process.argv[1], buf);' "$WORK/tone.wav"

encode_us="$("$CODEC_BENCH" --seconds=5 | sed -n 's/^RESULT.* encode_us=\([0-9.]*\).*/\1/p')"
decode_us="$("$CODEC_BENCH" --seconds=5 | sed -n 's/^RESULT.* decode_us=\([0-9.]*\).*/\1/p')"

for run in $(seq 1 "$RUNS"); do
  "$SERVER" --dev --host 127.0.0.1 --port 0 --db :memory: --web-root "$WORK" >"$WORK/server.log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/server.log" | head -1)"
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }
  url="ws://127.0.0.1:$port/ws"
  # The ear joins first and leaves first, so its last line sees the talker to the end.
  "$BOT" --url "$url" --room m2e --name Ear --duration "$((SECONDS_PER_RUN + 1))" --stats-interval 0 \
    --quiet >"$WORK/ear.jsonl" 2>"$WORK/ear.log" &
  ear_pid=$!
  sleep 0.5
  "$BOT" --url "$url" --room m2e --name Talker --audio-in "$WORK/tone.wav" \
    --duration "$((SECONDS_PER_RUN + 2))" --stats-interval 0 --quiet >"$WORK/talker.jsonl" 2>"$WORK/talker.log" &
  talker_pid=$!
  wait "$ear_pid" "$talker_pid"
  kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
  server_pid=""
  cp "$WORK/ear.jsonl" "$WORK/ear-$run.jsonl"
done

node - "$WORK" "$RUNS" "$encode_us" "$decode_us" <<'EOF'
const fs = require('fs');
const [dir, runs, encodeUs, decodeUs] = process.argv.slice(2);
const rows = [];
for (let run = 1; run <= Number(runs); run++) {
  const lines = fs.readFileSync(`${dir}/ear-${run}.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const last = lines[lines.length - 1];
  const remote = Object.values(last.audio.remotes)[0];
  if (!remote) { console.log(`run ${run}: the ear heard nobody`); continue; }
  rows.push({ run, m2e: remote.mouth_to_ear_ms, jitter: remote.jitter });
}
const f = (x) => (typeof x === 'number' ? x.toFixed(1) : String(x)).padStart(7);
console.log('mouth-to-ear, bot -> server relay -> bot on loopback (ms, over the whole run)');
console.log(' run  median     p99  frames | framing  transit-20  jitter depth (target, spreads)  mix  output |' +
            ' concealed lost late dropped restarts');
for (const { run, m2e, jitter: j } of rows) {
  console.log(`${String(run).padStart(4)} ${f(m2e.median)} ${f(m2e.p99)} ${String(m2e.samples).padStart(7)} |` +
              `${f(20)} ${f(j.min_transit_ms - 20).padStart(11)} ${f(j.depth_ms).padStart(12)} (${j.target_delay_ms}, ${j.spread_ms}+${j.pop_spread_ms ?? '?'})`.padEnd(10) +
              `${'0'.padStart(5)} ${'0'.padStart(7)} |` +
              ` ${String(j.concealed).padStart(9)} ${String(j.lost).padStart(4)} ${String(j.late).padStart(4)}` +
              ` ${String(j.dropped).padStart(7)} ${String(j.restarts).padStart(8)}`);
}
console.log(`
Where the time goes (mouth-to-ear = min transit + jitter-buffer depth + output delay):
  framing       20 ms: a frame's first sample waits for the other 959 (20 ms Opus frames).
  transit-20    the rest of the fastest arrival: the talker's capture tick, encode
                (${Number(encodeUs).toFixed(0)} us per frame, posemeet_opus_bench), WebSocket to the server, the relay,
                WebSocket to the ear (loopback, TCP_NODELAY).
  jitter depth  how long after the fastest possible arrival the frame plays: the target
                (arrival spread + playback-clock spread + margin, at least min_delay_ms) plus
                the phase between the talker's 20 ms capture grid and the ear's 20 ms
                playback grid (0-20 ms, fixed for a run: why runs differ).
  mix           0: decode (${Number(decodeUs).toFixed(0)} us) and mix run inside the playback pull.
  output        0: the bot's speaker plays a frame the moment it pulls it (an ideal device;
                a sound card would add its period, 5-20 ms).`);
EOF
