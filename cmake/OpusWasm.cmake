# libopus 1.3.1 from Debian's source package, compiled to wasm with its own CMake project.
# (The stack protector needs libc support Emscripten lacks; the tarball misses
# opus_buildtype.cmake, which tools/setup.sh creates empty.)
set(OPUS_DIR "${POSEMEET_THIRD_PARTY}/opus")
if(NOT EXISTS "${OPUS_DIR}/include/opus.h")
  message(FATAL_ERROR "libopus source missing in ${OPUS_DIR}: run tools/setup.sh")
endif()
set(OPUS_STACK_PROTECTOR OFF CACHE BOOL "" FORCE)
set(OPUS_INSTALL_PKG_CONFIG_MODULE OFF CACHE BOOL "" FORCE)
set(OPUS_INSTALL_CMAKE_CONFIG_MODULE OFF CACHE BOOL "" FORCE)
set(BUILD_TESTING OFF CACHE BOOL "" FORCE)
add_subdirectory(${OPUS_DIR} ${CMAKE_BINARY_DIR}/third_party/opus EXCLUDE_FROM_ALL)
# Emscripten's libc has lrint/lrintf; without these opus falls back to a plain cast.
target_compile_definitions(opus PRIVATE HAVE_LRINT=1 HAVE_LRINTF=1)
# Its version lookup runs `git describe` in *our* tree and then gives up; take the version
# from the tarball's package_version file so opus_get_version_string() tells the truth.
file(STRINGS "${OPUS_DIR}/package_version" _opus_version REGEX "PACKAGE_VERSION=")
string(REGEX REPLACE ".*PACKAGE_VERSION=\"?([^\"]*)\"?.*" "\\1" _opus_version "${_opus_version}")
set_source_files_properties("${OPUS_DIR}/celt/celt.c" TARGET_DIRECTORY opus PROPERTIES
  COMPILE_DEFINITIONS "PACKAGE_VERSION=\"${_opus_version}\"")
