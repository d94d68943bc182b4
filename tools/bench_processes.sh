# Sourced by the benchmark scripts (bench_control.sh, load_test.sh): a temporary folder
# ($TMP) and the processes started in it, all stopped and removed on exit; and
# start_posemeet_server, which starts our server on a free loopback port.
# POSEMEET_KEEP_LOG=1: the servers' logs are copied to /tmp before the folder goes.
TMP="$(mktemp -d)"
pids=()
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${POSEMEET_KEEP_LOG:-}" ] && cp "$TMP"/*.log /tmp/ 2>/dev/null; rm -rf "$TMP"
}
trap bench_cleanup EXIT

# start_posemeet_server NAME [SERVER FLAGS...]: $SERVER in development mode with its own
# SQLite file, logging to $TMP/NAME.log; sets PORT and PID once it listens.
start_posemeet_server() {
  local name="$1"; shift
  "$SERVER" --dev --host 127.0.0.1 --port 0 --db "$TMP/$name.db" --web-root "$TMP" "$@" >"$TMP/$name.log" 2>&1 &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 1 100); do
    PORT=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$TMP/$name.log" | head -n1)
    [ -n "$PORT" ] && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "$(basename "$0"): the $name server did not start:" >&2
  cat "$TMP/$name.log" >&2
  exit 1
}
