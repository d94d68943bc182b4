# Build-time half of PoseAssets.cmake: copies FILES ('|'-separated) into DEST, warning
# (not failing) when tools/setup.sh has not produced them yet.
string(REPLACE "|" ";" _files "${FILES}")
file(MAKE_DIRECTORY "${DEST}")
foreach(_f IN LISTS _files)
  if(EXISTS "${_f}")
    file(COPY "${_f}" DESTINATION "${DEST}")
  else()
    message(WARNING "camera pose: ${_f} is missing, camera pose will not load (run tools/setup.sh)")
  endif()
endforeach()
