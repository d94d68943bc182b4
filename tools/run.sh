#!/usr/bin/env bash
# README command 1: install what is missing, build, and start the server on 127.0.0.1
# (port 8080 unless POSEMEET_PORT or --port says otherwise) serving the browser client.
# Extra arguments go to the server (see `posemeet-server --help`).
# It runs the server in development mode (--dev, stated on its first lines): joins need no
# access token, and the page gets one from the server itself. Production: run the server
# binary with --api-key/--api-secret (or --keys-file) instead; see README "Access tokens".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/setup.sh"
"$ROOT/tools/build.sh" all
cd "$ROOT"
exec "$ROOT/build/native/src/app/server/posemeet-server" --dev --web-root "$ROOT/build/wasm/web" \
  --db "${POSEMEET_DB:-$ROOT/posemeet.db}" "$@"
