# Installs headers, the CMake package (find_package(vigil CONFIG)) and a pkg-config file.
include(CMakePackageConfigHelpers)
install(DIRECTORY include/vigil DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT vigilTargets NAMESPACE vigil:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vigil)
if(NOT BUILD_SHARED_LIBS)
  install(EXPORT vigilSharedTwinTargets NAMESPACE vigil:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vigil
          COMPONENT vigil_shared_twin EXCLUDE_FROM_ALL)
endif()
configure_package_config_file(cmake/vigilConfig.cmake.in ${PROJECT_BINARY_DIR}/vigilConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vigil)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/vigilConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/vigilConfig.cmake ${PROJECT_BINARY_DIR}/vigilConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vigil)
configure_file(cmake/vigil.pc.in ${PROJECT_BINARY_DIR}/vigil.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/vigil.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
