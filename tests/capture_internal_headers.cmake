# Converter/reader tests exercise libcapture internals (libcapture/scap/*.h) directly.
if(TARGET vigil_capture_tests)
  target_include_directories(vigil_capture_tests PRIVATE ${PROJECT_SOURCE_DIR}/libcapture)
endif()
