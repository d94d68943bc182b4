#!/usr/bin/env bash
# The soak of issue 12 (not part of CI): two browser pages and 6 speaking bots in one room,
# 40 pose-only bots in other rooms, for N minutes (default 6), printing every 30 s what
# each page's speaker and the server do. See tests/e2e/soak.mjs.
#   tools/soak.sh [--minutes 6]     (POSEMEET_SOAK_NO_BUILD=1 skips the build)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ "${POSEMEET_SOAK_NO_BUILD:-0}" = 1 ] || POSEMEET_JOBS="${POSEMEET_JOBS:-2}" "$ROOT/tools/build.sh" all >/dev/null
cd "$ROOT/tests/e2e"
[ -d node_modules ] || "$ROOT/tools/setup.sh"
exec node soak.mjs "$@"
