# Turns every shaders/*.glsl file into a C++ string constant at build time, so the client
# carries its shaders inside the wasm (no extra fetch, works from file://). Each shader is
# first compiled by glslangValidator as GLSL ES 3.00 (*_vs = vertex, *_fs = fragment), so
# a shader error fails the build instead of the page.
# posemeet_embed_shaders(<target>) adds the generated header dir to <target>.
find_program(GLSLANG_VALIDATOR glslangValidator)
function(posemeet_embed_shaders target)
  file(GLOB _shaders CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/shaders/*.glsl")
  set(_out "${CMAKE_BINARY_DIR}/generated/render/embedded_shaders.hpp")
  set(_validate "")
  if(GLSLANG_VALIDATOR)
    foreach(_s ${_shaders})
      get_filename_component(_name "${_s}" NAME_WE)
      if(_name MATCHES "_vs$")
        set(_stage vert)
      else()
        set(_stage frag)
      endif()
      list(APPEND _validate COMMAND ${GLSLANG_VALIDATOR} -S ${_stage} "${_s}")
    endforeach()
  else()
    message(WARNING "glslangValidator not found (apt glslang-tools): shaders are embedded unchecked")
  endif()
  add_custom_command(
    OUTPUT "${_out}"
    ${_validate}
    COMMAND ${CMAKE_COMMAND} -DOUT=${_out} -DSHADERS="${_shaders}"
            -P "${CMAKE_SOURCE_DIR}/cmake/GenerateShaderHeader.cmake"
    DEPENDS ${_shaders} "${CMAKE_SOURCE_DIR}/cmake/GenerateShaderHeader.cmake"
    COMMENT "Compiling and embedding shaders")
  target_sources(${target} PRIVATE "${_out}")
  target_include_directories(${target} PRIVATE "${CMAKE_BINARY_DIR}/generated")
endfunction()
