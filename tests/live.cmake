# The live tests look at driver internals (record indexing, the syscall table).
if(TARGET vigil_live_tests)
  target_include_directories(vigil_live_tests PRIVATE ${PROJECT_SOURCE_DIR}/libcapture ${VIGIL_DRIVER_INCLUDE_DIRS})
endif()
