# Warning and sanitizer flags shared by every vigil target.
add_library(vigil_compile_options INTERFACE)
target_compile_options(vigil_compile_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX,C>:-Wall -Wextra -Wno-missing-field-initializers>)
if(VIGIL_SANITIZE)
  target_compile_options(vigil_compile_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(vigil_compile_options INTERFACE -fsanitize=address,undefined)
endif()

# vigil_add_library(NAME capture DIR libcapture): builds every .cpp below DIR into vigil_NAME,
# exported as vigil::NAME. Globbing keeps a new source file a one-file change.
function(vigil_add_library)
  cmake_parse_arguments(ARG "" "NAME;DIR" "" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${ARG_DIR}/*.cpp" "${ARG_DIR}/*.c")
  set(target vigil_${ARG_NAME})
  add_library(${target} ${sources})
  add_library(vigil::${ARG_NAME} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${ARG_NAME} OUTPUT_NAME vigil_${ARG_NAME}
                        VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${ARG_DIR})
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:vigil_compile_options>)
  install(TARGETS ${target} EXPORT vigilTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endfunction()
