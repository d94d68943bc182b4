# Turns every shaders/*.glsl file into a C++ string constant at build time, so the client
# carries its shaders inside the wasm (no extra fetch, works from file://).
# posemeet_embed_shaders(<target>) adds the generated header dir to <target>.
function(posemeet_embed_shaders target)
  file(GLOB _shaders CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/shaders/*.glsl")
  set(_out "${CMAKE_BINARY_DIR}/generated/render/embedded_shaders.hpp")
  add_custom_command(
    OUTPUT "${_out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${_out} -DSHADERS="${_shaders}"
            -P "${CMAKE_SOURCE_DIR}/cmake/GenerateShaderHeader.cmake"
    DEPENDS ${_shaders} "${CMAKE_SOURCE_DIR}/cmake/GenerateShaderHeader.cmake"
    COMMENT "Embedding shaders")
  target_sources(${target} PRIVATE "${_out}")
  target_include_directories(${target} PRIVATE "${CMAKE_BINARY_DIR}/generated")
endfunction()
