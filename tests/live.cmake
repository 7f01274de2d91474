# The live tests look at driver internals (record indexing, the syscall table).
if(TARGET vigil_live_tests)
  target_include_directories(vigil_live_tests PRIVATE ${PROJECT_SOURCE_DIR}/libcapture ${VIGIL_DRIVER_INCLUDE_DIRS})
endif()

# scenario_rules_test runs the vigil CLI and vigil-scenarios: build them with the live tests.
if(TARGET vigil_live_tests AND TARGET vigil AND TARGET vigil-scenarios)
  add_dependencies(vigil_live_tests vigil vigil-scenarios)
endif()
