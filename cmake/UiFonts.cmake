# The UI's fonts, inside the wasm (no flash of another font, works from file://):
#   Inter (fonts-inter), a proportional UI font, subset to Latin (35 KB), and
#   Font Awesome 4.7 (fonts-font-awesome), subset to the icons the UI draws (3 KB).
# Subset at build time by fontTools (python3-fonttools) and turned into C++ byte arrays
# (cmake/EmbedBinary.cmake). Without those packages the UI falls back to Dear ImGui's
# built-in font and labels without icons (a warning says so).
# Makes the library posemeet_ui_fonts (kUiFontFiles of src/ui/ui_fonts.hpp).
set(POSEMEET_UI_FONT "/usr/share/fonts/opentype/inter/Inter-Regular.otf" CACHE FILEPATH "proportional UI font")
set(POSEMEET_ICON_FONT "/usr/share/fonts/truetype/font-awesome/fontawesome-webfont.ttf" CACHE FILEPATH "icon font")
# Latin, Latin-1, Latin Extended-A, general punctuation, arrows, euro, minus, ellipsis.
set(_ui_ranges "U+0020-007E,U+00A0-00FF,U+0100-017F,U+2010-2027,U+2030-203A,U+20AC,U+2122,U+2190-2193,U+2212")
# Must list every icon of src/ui/icons.hpp.
set(_icon_ranges "U+F00C,U+F00D,U+F013,U+F03D,U+F040,U+F070,U+F086,U+F08B,U+F095,U+F0C0,U+F108,U+F130,U+F131,U+F141,U+F256,U+F28B")
find_program(POSEMEET_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)

function(posemeet_add_ui_fonts_library)
  set(_dir "${CMAKE_BINARY_DIR}/generated/ui")
  set(_cpp "${_dir}/ui_fonts_data.cpp")
  if(POSEMEET_PYTHON3 AND EXISTS "${POSEMEET_UI_FONT}" AND EXISTS "${POSEMEET_ICON_FONT}")
    execute_process(COMMAND ${POSEMEET_PYTHON3} -c "import fontTools" RESULT_VARIABLE _no_fonttools OUTPUT_QUIET ERROR_QUIET)
  else()
    set(_no_fonttools 1)
  endif()
  if(_no_fonttools)
    message(WARNING "UI fonts not embedded (apt install fonts-inter fonts-font-awesome python3-fonttools): "
                    "the client uses Dear ImGui's built-in font")
    file(WRITE "${_cpp}.in" "#include \"ui/ui_fonts.hpp\"\nnamespace posemeet::ui {\nconst UiFontFiles kUiFontFiles{};\n}\n")
    configure_file("${_cpp}.in" "${_cpp}" COPYONLY)
  else()
    add_custom_command(
      OUTPUT "${_cpp}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${_dir}"
      COMMAND ${POSEMEET_PYTHON3} -m fontTools.subset "${POSEMEET_UI_FONT}" "--unicodes=${_ui_ranges}"
              --layout-features=kern --no-hinting "--output-file=${_dir}/ui.otf"
      COMMAND ${POSEMEET_PYTHON3} -m fontTools.subset "${POSEMEET_ICON_FONT}" "--unicodes=${_icon_ranges}"
              --no-hinting "--output-file=${_dir}/icons.ttf"
      COMMAND ${CMAKE_COMMAND} "-DOUT=${_cpp}" "-DTEXT_FONT=${_dir}/ui.otf" "-DICON_FONT=${_dir}/icons.ttf"
              -P "${CMAKE_SOURCE_DIR}/cmake/EmbedUiFonts.cmake"
      DEPENDS "${POSEMEET_UI_FONT}" "${POSEMEET_ICON_FONT}" "${CMAKE_SOURCE_DIR}/cmake/EmbedUiFonts.cmake"
      COMMENT "Subsetting and embedding the UI fonts"
      VERBATIM)
  endif()
  add_library(posemeet_ui_fonts STATIC "${_cpp}")
  target_include_directories(posemeet_ui_fonts PRIVATE "${CMAKE_SOURCE_DIR}/src")
endfunction()
posemeet_add_ui_fonts_library()
