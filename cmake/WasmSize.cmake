# The browser client's download size (issue 12). What runs per audio frame stays fast, the
# rest is optimised for size:
#   - C++ (UI, Dear ImGui, JSON, protocol, session, platform glue): compiled -Oz, as LLVM
#     bitcode (-flto) so that the link drops and merges across files;
#   - the link itself (LTO code generation and binaryen's wasm-opt over the whole module)
#     runs at POSEMEET_WASM_LINK's level, for the client and the codec benchmark alike so
#     that tools/bench_audio_codec.sh measures the codec as the client links it. Never -Oz
#     or -Os there: em++ then links a libc built for size (libc-optz), whose expf/logf/...
#     made the float Opus encoder ~35 % slower. That is why -Oz is a compile option of C++
#     files here and not in CMAKE_CXX_FLAGS_RELEASE (CMake repeats those on the link line);
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
add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Oz>)
string(APPEND CMAKE_CXX_FLAGS " -fno-exceptions -fno-rtti -flto")
set(POSEMEET_WASM_HOT_CXX -O2)
set(POSEMEET_WASM_LINK -O3 -sMALLOC=emmalloc)  # -O2: encoder 5 % slower, 1 % smaller
