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
