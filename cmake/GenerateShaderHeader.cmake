# Script mode helper for EmbedShaders.cmake: OUT = header path, SHADERS = list of files.
# Each shaders/name.glsl becomes `constexpr const char* kShader_name = R"glsl(...)glsl";`.
separate_arguments(_files UNIX_COMMAND "${SHADERS}")
set(_text "// Generated from shaders/*.glsl by cmake/GenerateShaderHeader.cmake. Do not edit.\n#pragma once\n\nnamespace posemeet::shaders {\n")
foreach(_f ${_files})
  get_filename_component(_name "${_f}" NAME_WE)
  file(READ "${_f}" _src)
  string(APPEND _text "constexpr const char* ${_name} = R\"glsl(${_src})glsl\";\n")
endforeach()
string(APPEND _text "}  // namespace posemeet::shaders\n")
file(WRITE "${OUT}" "${_text}")
