# Camera pose files served under build/wasm/web/pose/ (the browser loads them from our own
# server, never from a CDN): the PoseLandmarker ES module and its wasm from npm's
# @mediapipe/tasks-vision, the model bundle tools/make_pose_task.mjs builds, and our worker.
# tools/setup.sh installs web/pose-assets/node_modules and writes the .task; the copy runs
# at build time (cmake/CopyPoseAssets.cmake) so files that setup adds later are picked up
# without re-configuring, and a build before setup warns instead of failing.
#
# Only the ES-module flavour of the wasm loader is shipped: a module Worker cannot
# importScripts(), and tasks-vision then import()s vision_wasm_module_internal.js. It is
# the SIMD build; every browser with module workers also has wasm SIMD, so the non-SIMD
# files (12 MB) are left out.
set(POSEMEET_POSE_ASSETS "${CMAKE_SOURCE_DIR}/web/pose-assets" CACHE PATH "npm packages and generated model of camera pose")
set(_tasks_vision "${POSEMEET_POSE_ASSETS}/node_modules/@mediapipe/tasks-vision")
set(POSEMEET_POSE_FILES
  "${_tasks_vision}/vision_bundle.mjs"
  "${_tasks_vision}/wasm/vision_wasm_module_internal.js"
  "${_tasks_vision}/wasm/vision_wasm_module_internal.wasm"
  "${POSEMEET_POSE_ASSETS}/generated/pose_landmarker_lite.task"
  "${CMAKE_SOURCE_DIR}/web/pose-worker.mjs")
string(REPLACE ";" "|" _pose_files_arg "${POSEMEET_POSE_FILES}")
add_custom_target(posemeet_pose_assets ALL
  COMMAND ${CMAKE_COMMAND} "-DFILES=${_pose_files_arg}" "-DDEST=${POSEMEET_WEB_OUT}/pose"
          -P "${CMAKE_SOURCE_DIR}/cmake/CopyPoseAssets.cmake"
  VERBATIM)

# Precompressed copies (name.gz beside the file) of the large files the browser downloads,
# which the server sends to browsers that accept gzip (src/server/http_session.cpp). -n
# keeps the output byte-identical across builds.
find_program(POSEMEET_GZIP gzip)
function(posemeet_gzip_after target)
  if(POSEMEET_GZIP)
    foreach(_file IN LISTS ARGN)
      # A file setup has not produced yet is skipped (the copy already warned).
      add_custom_command(TARGET ${target} POST_BUILD
        COMMAND sh -c "test ! -f \"$1\" || ${POSEMEET_GZIP} -9 -n -k -f \"$1\"" gzip "${_file}"
        VERBATIM)
    endforeach()
  endif()
endfunction()
posemeet_gzip_after(posemeet_pose_assets
  "${POSEMEET_WEB_OUT}/pose/vision_bundle.mjs"
  "${POSEMEET_WEB_OUT}/pose/vision_wasm_module_internal.js"
  "${POSEMEET_WEB_OUT}/pose/vision_wasm_module_internal.wasm"
  "${POSEMEET_WEB_OUT}/pose/pose_landmarker_lite.task")
