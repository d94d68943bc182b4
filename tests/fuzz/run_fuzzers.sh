#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build/fuzz and runs each one for a while.
# For people hunting bugs, not for CI (CI runs the short replay/smoke tests through ctest).
#
#   tests/fuzz/run_fuzzers.sh [SECONDS] [TARGET...]
#
#   SECONDS   per target, default 60 (env FUZZ_SECONDS works too)
#   TARGET    fuzz_protocol_request fuzz_media_packet fuzz_relay_frame fuzz_join_request
#             fuzz_audio_payload fuzz_wav fuzz_room_state fuzz_pose_stream fuzz_access_token
#             fuzz_websocket_frames
#             (default: all)
#   env JOBS  parallel build jobs (default 2); FUZZ_ARGS  extra libFuzzer flags
#
# Each target fuzzes a working corpus in build/fuzz/corpus/<target> (seeded from
# tests/fuzz/corpus/<target>, which is only read). Crashes land in
# build/fuzz/artifacts/<target>/; reproduce one with
#   build/fuzz/tests/<target> build/fuzz/artifacts/<target>/crash-...
# or, without clang, with the replay driver of a normal build:
#   build/native/tests/replay_<target> build/fuzz/artifacts/<target>/crash-...
# Worth keeping an interesting new input? Copy it into tests/fuzz/corpus/<target>/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$root/build/fuzz"
all_targets=(fuzz_protocol_request fuzz_media_packet fuzz_relay_frame fuzz_join_request fuzz_audio_payload fuzz_wav fuzz_room_state fuzz_pose_stream fuzz_access_token fuzz_websocket_frames)

seconds="${FUZZ_SECONDS:-60}"
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
  seconds="$1"
  shift
fi
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  if [[ ! " ${all_targets[*]} " == *" $t "* ]]; then
    echo "unknown target '$t' (known: ${all_targets[*]})" >&2
    exit 2
  fi
done

cc="$(command -v clang || command -v clang-14 || true)"
cxx="$(command -v clang++ || command -v clang++-14 || true)"
if [[ -z "$cc" || -z "$cxx" ]]; then
  echo "clang is needed for libFuzzer (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi

echo "== configuring $build with $cxx"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DPOSEMEET_FUZZ=ON >/dev/null
echo "== building ${targets[*]}"
cmake --build "$build" -j"${JOBS:-2}" --target "${targets[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=()
for t in "${targets[@]}"; do
  bin="$(find "$build" -type f -name "$t" -perm -u+x | head -n1)"
  corpus="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  echo "== $t for ${seconds}s (corpus $corpus)"
  set +e
  # shellcheck disable=SC2086
  "$bin" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} "$corpus" "$here/corpus/$t" 2>&1 |
    tee "$build/$t.log" |
    grep --line-buffered -E "(DONE|ERROR|SUMMARY|fuzz invariant failed|stat::number_of_executed_units|Test unit written)"
  rc=${PIPESTATUS[0]}
  set -e
  if [[ $rc -ne 0 ]]; then
    failed+=("$t")
    echo "!! $t failed: see $build/$t.log and $artifacts/" >&2
  fi
done

echo
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all ${#targets[@]} fuzzers ran ${seconds}s each without a crash"
