# nlohmann/json, glm and doctest come from Debian's -dev packages (header-only). The wasm
# build must not see /usr/include (native libc headers would shadow Emscripten's), so each
# library is exposed through a folder of symlinks in the build tree instead.
set(_hdr "${CMAKE_BINARY_DIR}/header_only")
file(MAKE_DIRECTORY "${_hdr}")
foreach(_lib nlohmann glm doctest)
  if(NOT EXISTS "/usr/include/${_lib}")
    message(FATAL_ERROR "/usr/include/${_lib} missing: run tools/setup.sh")
  endif()
  if(NOT EXISTS "${_hdr}/${_lib}")
    file(CREATE_LINK "/usr/include/${_lib}" "${_hdr}/${_lib}" SYMBOLIC)
  endif()
endforeach()
add_library(header_only_libs INTERFACE)
target_include_directories(header_only_libs SYSTEM INTERFACE "${_hdr}")
target_compile_definitions(header_only_libs INTERFACE GLM_FORCE_CXX17)
