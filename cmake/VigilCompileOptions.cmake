# Warning and sanitizer flags shared by every vigil target.
add_library(vigil_compile_options INTERFACE)
target_compile_options(vigil_compile_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX,C>:-Wall -Wextra -Wno-missing-field-initializers>)
if(VIGIL_SANITIZE)
  target_compile_options(vigil_compile_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(vigil_compile_options INTERFACE -fsanitize=address,undefined)
endif()

# The shared twins' linker version script, generated from the namespaces the sources open
# (scripts/gen-export-map.py): a new internal namespace is hidden without anyone regenerating it.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(VIGIL_EXPORTS_MAP ${PROJECT_BINARY_DIR}/vigil_exports.map)
file(GLOB_RECURSE vigil_namespace_sources CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/include/*.h ${PROJECT_SOURCE_DIR}/libcapture/*.[ch]*
     ${PROJECT_SOURCE_DIR}/libinspect/*.[ch]* ${PROJECT_SOURCE_DIR}/libengine/*.[ch]*)
add_custom_command(OUTPUT ${VIGIL_EXPORTS_MAP}
                   COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/scripts/gen-export-map.py
                           ${PROJECT_SOURCE_DIR} ${VIGIL_EXPORTS_MAP}
                   DEPENDS ${PROJECT_SOURCE_DIR}/scripts/gen-export-map.py ${vigil_namespace_sources}
                   COMMENT "Generating vigil_exports.map" VERBATIM)
add_custom_target(vigil_exports_map DEPENDS ${VIGIL_EXPORTS_MAP})

# vigil_add_library(NAME inspect DIR libinspect DEPENDS capture): builds every .cpp below DIR into
# vigil_NAME, exported as vigil::NAME, linked to the vigil layers named in DEPENDS and, privately,
# to the third-party libraries (no public header includes them; nlohmann-json, header-only, is
# needed only to build). Globbing keeps a new source file
# a one-file change.
#
# A static build (the default) also links the same objects into a shared twin, vigil_NAME_shared
# (output libvigil_NAME.so in <build>/shared-twin), installed only on request with
# `cmake --install <build> --component vigil_shared_twin`; the package test builds a consumer
# against it, so the shared-library configuration is checked without a second compile.
function(vigil_add_library)
  cmake_parse_arguments(ARG "" "NAME;DIR" "DEPENDS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${ARG_DIR}/*.cpp" "${ARG_DIR}/*.c")
  set(target vigil_${ARG_NAME})
  add_library(${target} ${sources})
  add_library(vigil::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PRIVATE ${ARG_DIR})
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:vigil_compile_options>)
  set(layer_deps)
  foreach(dep ${ARG_DEPENDS})
    list(APPEND layer_deps vigil::${dep})
  endforeach()
  vigil_library_interface(${target} ${ARG_NAME} "${layer_deps}")
  install(TARGETS ${target} EXPORT vigilTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})

  if(NOT BUILD_SHARED_LIBS)
    add_library(${target}_shared SHARED $<TARGET_OBJECTS:${target}>)
    set_target_properties(${target}_shared PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/shared-twin)
    # The objects' compile options also decide the link (the sanitizer runtime).
    target_link_libraries(${target}_shared PRIVATE $<BUILD_INTERFACE:vigil_compile_options>)
    # Only the public API is exported (VIGIL_EXPORTS_MAP, below): the internal namespaces,
    # standard-library instances and linked-in archives stay inside. The static libraries (and a
    # BUILD_SHARED_LIBS build, whose tests reach internals) keep all.
    target_link_options(${target}_shared PRIVATE LINKER:--version-script=${VIGIL_EXPORTS_MAP})
    set_property(TARGET ${target}_shared APPEND PROPERTY LINK_DEPENDS ${VIGIL_EXPORTS_MAP})
    add_dependencies(${target}_shared vigil_exports_map)
    set(twin_deps)
    foreach(dep ${ARG_DEPENDS})
      list(APPEND twin_deps vigil_${dep}_shared)
    endforeach()
    vigil_library_interface(${target}_shared ${ARG_NAME} "${twin_deps}")
    install(TARGETS ${target}_shared EXPORT vigilSharedTwinTargets COMPONENT vigil_shared_twin EXCLUDE_FROM_ALL
            LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  endif()
endfunction()

# What a vigil library and its shared twin have in common: the installed name, version, public
# include directory and link interface. Shared libraries must resolve every symbol themselves, so
# a missing layer dependency fails the build instead of the consumer's link, and find each other
# through their own RUNPATH (a program's RUNPATH does not reach its libraries' dependencies).
function(vigil_library_interface target name layer_deps)
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME vigil_${name}
                        VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${target} PUBLIC ${layer_deps}
                        PRIVATE PkgConfig::VIGIL_DEP_PKGS $<BUILD_INTERFACE:nlohmann_json::nlohmann_json>)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "SHARED_LIBRARY")
    target_link_options(${target} PRIVATE LINKER:--no-undefined)
    # An installed libvigil_engine.so finds libvigil_inspect.so next to it in any prefix.
    set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN")
  endif()
endfunction()
