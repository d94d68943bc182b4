# Dear ImGui 1.86 from Debian's source package (unpacked by tools/setup.sh). The browser
# build adds the OpenGL3 backend, told it runs on WebGL2/ES3 ("#version 300 es"); the native
# build has the core alone, enough to run the UI headless in unit tests.
set(IMGUI_DIR "${POSEMEET_THIRD_PARTY}/imgui")
if(NOT EXISTS "${IMGUI_DIR}/imgui.h")
  message(FATAL_ERROR "Dear ImGui source missing in ${IMGUI_DIR}: run tools/setup.sh")
endif()
add_library(imgui STATIC
  ${IMGUI_DIR}/imgui.cpp
  ${IMGUI_DIR}/imgui_draw.cpp
  ${IMGUI_DIR}/imgui_tables.cpp
  ${IMGUI_DIR}/imgui_widgets.cpp
)
target_include_directories(imgui SYSTEM PUBLIC ${IMGUI_DIR})
target_compile_definitions(imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
if(EMSCRIPTEN)
  target_sources(imgui PRIVATE ${IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
  target_include_directories(imgui SYSTEM PUBLIC ${IMGUI_DIR}/backends)
  target_compile_definitions(imgui PUBLIC IMGUI_IMPL_OPENGL_ES3)
else()
  # Natively ImGui only runs under the unit tests: keep its checks (IM_ASSERT: unbalanced
  # Begin/End, Push/Pop, ...) on in every build type, so UI misuse fails a test.
  # Its own enum arithmetic warns under C++20 GCC: not ours to fix, and not worth the noise.
  target_compile_options(imgui PRIVATE -UNDEBUG -Wno-deprecated-enum-enum-conversion)
endif()
