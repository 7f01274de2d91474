# The HTTPS output tests run a TLS server in-process with OpenSSL (libssl-dev).
if(TARGET vigil_engine_tests)
  pkg_check_modules(VIGIL_TEST_OPENSSL REQUIRED IMPORTED_TARGET openssl)
  target_link_libraries(vigil_engine_tests PRIVATE PkgConfig::VIGIL_TEST_OPENSSL)
endif()
