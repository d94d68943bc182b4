#!/usr/bin/env bash
# Installs everything PoseMeet needs on Debian 12, idempotently: a second run only
# checks and returns in seconds. Called by tools/run.sh and tools/test.sh.
#   - apt packages (compilers, Emscripten, Boost, SQLite, Chromium, header-only libs)
#   - Debian *source* packages of Dear ImGui and libopus, unpacked into third_party/
#     (Debian ships only native binaries of them; the wasm build needs their source)
#   - npm playwright-core for the browser tests (tests/e2e, pinned by its lockfile)
#   - npm packages of camera pose (web/pose-assets, pinned by its lockfile) and the model
#     bundle built from them (tools/make_pose_task.mjs)
#   - a photo of a person from Debian's python3-skimage, for the fake camera of the tests
#   - promtool from Debian's prometheus (not installed), to check GET /metrics in the tests
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
THIRD_PARTY="$ROOT/third_party"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  build-essential cmake pkg-config dpkg-dev xz-utils gzip
  emscripten                                 # em++ 3.1.6, clang-14, lld, binaryen
  glslang-tools                              # compiles shaders/*.glsl at build time
  libboost-dev libssl-dev libsqlite3-dev libopus-dev
  nlohmann-json3-dev libglm-dev doctest-dev
  chromium                                   # headless browser tests
  fonts-wqy-microhei                         # CJK glyphs, served to the client on demand
  fonts-inter fonts-font-awesome python3-fonttools  # the UI's font and icons, subset into the client
)

log() { printf '[setup] %s\n' "$*"; }

missing_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

# Enable deb-src lines once so `apt-get source` can fetch imgui and opus.
enable_deb_src() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [ -f "$f" ] && grep -q '^Types: deb$' "$f"; then
    log "enabling deb-src in $f"
    $SUDO sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
    return 0
  fi
  if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list \
     && ! grep -q '^deb-src ' /etc/apt/sources.list; then
    log "enabling deb-src in /etc/apt/sources.list"
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee -a /etc/apt/sources.list >/dev/null
    return 0
  fi
  return 1
}

need_update=0
if enable_deb_src; then need_update=1; fi
missing="$(missing_packages | tr '\n' ' ')"
need_sources=0
[ -f "$THIRD_PARTY/imgui/imgui.h" ] && [ -f "$THIRD_PARTY/opus/include/opus.h" ] || need_sources=1

if [ -n "${missing// }" ] || [ "$need_sources" = 1 ]; then need_update=1; fi
if [ "$need_update" = 1 ]; then
  log "apt-get update"
  $SUDO apt-get update -qq >/dev/null
fi
if [ -n "${missing// }" ]; then
  log "installing: $missing"
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing \
       >/tmp/posemeet-apt.log 2>&1; then
    tail -n 30 /tmp/posemeet-apt.log
    echo "[setup] apt-get install failed (full log: /tmp/posemeet-apt.log)" >&2
    exit 1
  fi
fi

# Source packages: Dear ImGui 1.86 and libopus 1.3.1, unpacked to stable folder names.
fetch_source() { # $1 = Debian source package, $2 = folder under third_party, $3 = file that proves it is there
  local pkg="$1" dest="$THIRD_PARTY/$2" proof="$3"
  [ -f "$dest/$proof" ] && return 0
  mkdir -p "$THIRD_PARTY/downloads"
  ( cd "$THIRD_PARTY/downloads" && ls ${pkg}_*.orig.tar.* >/dev/null 2>&1 || apt-get source --download-only "$pkg" >/dev/null )
  local tarball
  tarball="$(ls "$THIRD_PARTY/downloads/${pkg}"_*.orig.tar.* | head -n1)"
  log "unpacking $tarball"
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xf "$tarball" -C "$dest" --strip-components=1
}
fetch_source imgui imgui imgui.h
fetch_source opus opus include/opus.h
# libopus 1.3.1's CMakeLists includes a file its tarball lacks.
[ -f "$THIRD_PARTY/opus/opus_buildtype.cmake" ] || : > "$THIRD_PARTY/opus/opus_buildtype.cmake"

# npm: playwright-core drives Debian's Chromium (never download a browser).
if [ -f "$ROOT/tests/e2e/package-lock.json" ]; then
  if [ ! -d "$ROOT/tests/e2e/node_modules/playwright-core" ] \
     || [ "$ROOT/tests/e2e/package-lock.json" -nt "$ROOT/tests/e2e/node_modules/.package-lock.json" ]; then
    log "npm ci (tests/e2e)"
    ( cd "$ROOT/tests/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent )
  fi
fi
# npm: camera pose runs MediaPipe's PoseLandmarker in the browser, served by our own server.
POSE_ASSETS="$ROOT/web/pose-assets"
if [ ! -d "$POSE_ASSETS/node_modules/@mediapipe/tasks-vision" ] \
   || [ "$POSE_ASSETS/package-lock.json" -nt "$POSE_ASSETS/node_modules/.package-lock.json" ]; then
  log "npm ci (web/pose-assets)"
  ( cd "$POSE_ASSETS" && npm ci --no-audit --no-fund --silent )
fi
# The .task model bundle is not published to npm: build it from the legacy package's models.
POSE_TASK="$POSE_ASSETS/generated/pose_landmarker_lite.task"
pose_task_stale() {
  [ -f "$POSE_TASK" ] || return 0
  local input
  for input in "$ROOT/tools/make_pose_task.mjs" "$POSE_ASSETS/node_modules/.package-lock.json"; do
    [ "$input" -nt "$POSE_TASK" ] && return 0
  done
  return 1
}
if pose_task_stale; then
  log "building $(basename "$POSE_TASK")"
  node "$ROOT/tools/make_pose_task.mjs" --assets "$POSE_ASSETS" --out "$POSE_TASK" >/dev/null
fi

# Test picture for the fake camera (tests/e2e/lib/fake_camera.mjs): only astronaut.png out of
# python3-skimage (public domain, NASA); the package itself is not installed (heavy deps).
PICTURES="$THIRD_PARTY/test-pictures"
if [ ! -f "$PICTURES/astronaut.png" ]; then
  log "extracting astronaut.png from python3-skimage"
  mkdir -p "$THIRD_PARTY/downloads" "$PICTURES"
  ( cd "$THIRD_PARTY/downloads" && ls python3-skimage_*.deb >/dev/null 2>&1 || apt-get download python3-skimage >/dev/null 2>&1 )
  tmp="$(mktemp -d)"
  dpkg-deb --fsys-tarfile "$(ls "$THIRD_PARTY"/downloads/python3-skimage_*.deb | head -n1)" \
    | tar -x -C "$tmp" --wildcards '*/skimage/data/astronaut.png'
  cp "$(find "$tmp" -name astronaut.png | head -n1)" "$PICTURES/astronaut.png"
  rm -rf "$tmp"
fi
# promtool checks /metrics in the tests (Prometheus' own parser and linter): only that binary
# out of Debian's prometheus package, which is not installed (it would start a server).
PROMTOOL="$THIRD_PARTY/tools/promtool"
if [ ! -x "$PROMTOOL" ]; then
  log "extracting promtool from prometheus"
  mkdir -p "$THIRD_PARTY/downloads" "$THIRD_PARTY/tools"
  ( cd "$THIRD_PARTY/downloads" && ls prometheus_*.deb >/dev/null 2>&1 || apt-get download prometheus >/dev/null 2>&1 )
  tmp="$(mktemp -d)"
  dpkg-deb --fsys-tarfile "$(ls "$THIRD_PARTY"/downloads/prometheus_*.deb | head -n1)" \
    | tar -x -C "$tmp" ./usr/bin/promtool
  install -m 755 "$tmp/usr/bin/promtool" "$PROMTOOL"
  rm -rf "$tmp"
fi
log "ready"
