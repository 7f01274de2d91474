# Fuzz targets for the capture layer (tests/fuzz, docs/fuzzing.md). The target entries always
# build into vigil_fuzz_targets, which the capture tests replay over seed corpora and fixed
# mutations; VIGIL_BUILD_FUZZERS (clang only) adds one libFuzzer executable per target.
option(VIGIL_BUILD_FUZZERS "Build the libFuzzer targets (requires clang)" OFF)

set(fuzz_dir ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
set(fuzz_names scap_reader_plain scap_reader_gzip event_converter event_format metadata_block
               scap_writer_roundtrip)

if(VIGIL_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "VIGIL_BUILD_FUZZERS needs clang (-DCMAKE_CXX_COMPILER=clang++)")
  endif()
  # Coverage instrumentation for everything the targets reach, libcapture included.
  target_compile_options(vigil_compile_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(vigil_compile_options INTERFACE -fsanitize=address,undefined)
endif()

add_library(vigil_fuzz_targets STATIC
  ${fuzz_dir}/fuzz_io.cpp ${fuzz_dir}/fuzz_seeds.cpp ${fuzz_dir}/mutations.cpp
  ${fuzz_dir}/reader_target.cpp ${fuzz_dir}/converter_target.cpp ${fuzz_dir}/format_target.cpp
  ${fuzz_dir}/writer_target.cpp)
target_include_directories(vigil_fuzz_targets PUBLIC ${fuzz_dir}
  PRIVATE ${PROJECT_SOURCE_DIR}/libcapture ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_link_libraries(vigil_fuzz_targets PUBLIC vigil::capture PRIVATE PkgConfig::VIGIL_DEP_PKGS vigil_compile_options)

if(TARGET vigil_capture_tests)
  target_link_libraries(vigil_capture_tests PRIVATE vigil_fuzz_targets)
endif()

if(VIGIL_BUILD_FUZZERS)
  foreach(name ${fuzz_names})
    add_executable(vigil_fuzz_${name} ${fuzz_dir}/libfuzzer_main.cpp)
    target_compile_definitions(vigil_fuzz_${name} PRIVATE VIGIL_FUZZ_TARGET=${name})
    target_link_libraries(vigil_fuzz_${name} PRIVATE vigil_fuzz_targets vigil_compile_options)
    target_link_options(vigil_fuzz_${name} PRIVATE -fsanitize=fuzzer)
  endforeach()
  add_executable(vigil_fuzz_corpus ${fuzz_dir}/make_corpus.cpp)
  target_compile_definitions(vigil_fuzz_corpus PRIVATE VIGIL_SHARED_DIR="${VIGIL_SHARED_DIR}")
  target_link_libraries(vigil_fuzz_corpus PRIVATE vigil_fuzz_targets vigil_compile_options)
endif()
