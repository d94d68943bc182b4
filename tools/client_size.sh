#!/usr/bin/env bash
# What takes the bytes of the client's two wasm modules: the page's (build/wasm/web/
# posemeet.wasm) and the voice worker's (posemeet-voice.wasm, with libopus). Links each once
# more with function names kept (targets posemeet-names and posemeet-voice-names,
# build/wasm/size/) and prints bytes per section, per component (libopus encoder/decoder
# by mode, Dear ImGui, nlohmann/json, libc++, libc, our libraries) and the largest
# functions (tools/wasm_size.mjs). Also the served sizes, raw and gzip -9.
#   tools/client_size.sh [--top=25]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
B="$ROOT/build/wasm"
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"  # Debian's emcc needs acorn
[ -f "$B/CMakeCache.txt" ] || { echo "build/wasm missing: run tools/build.sh wasm" >&2; exit 1; }
cmake "$B" >/dev/null  # picks up a new target
cmake --build "$B" -j"${POSEMEET_JOBS:-2}" --target posemeet posemeet-file posemeet-voice posemeet-names \
  posemeet-voice-names >/dev/null

served() {  # served <file>: raw and gzip -9 bytes
  printf '%-22s %9d raw %9d gzip -9\n' "$(basename "$1")" "$(stat -c %s "$1")" "$(gzip -9 -c "$1" | wc -c)"
}
served "$B/web/posemeet.wasm"
served "$B/web/posemeet.js"
served "$B/web/posemeet-voice.wasm"
served "$B/web/posemeet-voice.js"
served "$B/web/posemeet-voice-worker.js"
served "$B/web/posemeet-file.js"
for module in posemeet-names:src/app/web posemeet-voice-names:src/app/voice_worker; do
  name="${module%%:*}" dir="${module#*:}"
  echo; echo "== ${name%-names}.wasm"
  libs=()
  while IFS= read -r a; do libs+=("--lib=$a"); done < <(
    find "$B" -name '*.a' -not -path "$B/tests/*"
    find "$B/$dir/CMakeFiles/$name.dir" -name '*.o')
  node "$ROOT/tools/wasm_size.mjs" "$B/size/$name.wasm" "${libs[@]}" "$@"
done
