# The browser client's download size (issue 12). What runs per audio frame stays fast, the
# rest is optimised for size:
#   - C++ (UI, Dear ImGui, JSON, protocol, session, platform glue): -Oz. CMake puts these
#     flags on em++'s link line too, so binaryen's wasm-opt also runs for size at the link
#     of every wasm program (the client, and the codec benchmark and tests alike, so that
#     tools/bench_audio_codec.sh measures the codec as the client links it);
#   - libopus (C, its own project) keeps -O3 from CMAKE_C_FLAGS_RELEASE, and the audio core
#     (src/core/audio) and the client's audio engine add POSEMEET_WASM_HOT_CXX back.
#   - No C++ exceptions and no RTTI. Emscripten's default build cannot catch an exception
#     anyway (a throw ends the program), and the client's code never relies on one: JSON is
#     parsed with allow_exceptions=false and read after is_*() checks. Without exceptions
#     nlohmann/json and libc++ call abort() where they would throw, and the code building
#     their exception objects (messages, type names) is gone. The wasm unit tests turn both
#     back on for doctest (tests/wasm).
#   - emmalloc instead of dlmalloc (POSEMEET_WASM_LINK, also on the codec benchmark).
# tools/client_size.sh prints what takes the bytes.
set(CMAKE_CXX_FLAGS_RELEASE "-Oz -DNDEBUG")
string(APPEND CMAKE_CXX_FLAGS " -fno-exceptions -fno-rtti")
set(POSEMEET_WASM_HOT_CXX -O2)
set(POSEMEET_WASM_LINK -sMALLOC=emmalloc)
