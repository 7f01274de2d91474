# Engine tests: support code (a fields.tsv-backed registry) lives in tests/engine/support/.
if(TARGET vigil_engine_tests)
  file(GLOB engine_support_sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/engine/support/*.cpp")
  target_sources(vigil_engine_tests PRIVATE ${engine_support_sources})
  target_include_directories(vigil_engine_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/engine)
endif()
# White-box tests of the condition passes include libengine's internal headers.
if(TARGET vigil_engine_tests)
  target_include_directories(vigil_engine_tests PRIVATE ${PROJECT_SOURCE_DIR}/libengine)
endif()
