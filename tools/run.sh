#!/usr/bin/env bash
# README command 1: install what is missing, build, and start the server on 127.0.0.1
# (port 8080 unless POSEMEET_PORT or --port says otherwise) serving the browser client.
# Extra arguments go to the server (see `posemeet-server --help`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/setup.sh"
"$ROOT/tools/build.sh" all
cd "$ROOT"
exec "$ROOT/build/native/src/app/server/posemeet-server" --web-root "$ROOT/build/wasm/web" \
  --db "${POSEMEET_DB:-$ROOT/posemeet.db}" "$@"
