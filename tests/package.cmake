# The installed package works for an out-of-tree consumer (find_package(vigil CONFIG)).
add_test(NAME "package: an out-of-tree consumer builds and runs against the installed vigil"
         COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-consumer.sh ${PROJECT_BINARY_DIR} as-built)
set_tests_properties("package: an out-of-tree consumer builds and runs against the installed vigil"
                     PROPERTIES LABELS package TIMEOUT 600)
# A static build also installs, on request, the same objects as shared libraries; the consumer
# must build and run against those too (no second compile of vigil).
if(NOT BUILD_SHARED_LIBS)
  add_test(NAME "package: an out-of-tree consumer builds and runs against vigil's shared libraries"
           COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-consumer.sh ${PROJECT_BINARY_DIR} shared-twin)
  set_tests_properties("package: an out-of-tree consumer builds and runs against vigil's shared libraries"
                       PROPERTIES LABELS package TIMEOUT 600)
  # The same consumer replays a capture through the inspector and the engine: the whole public
  # path an embedding application takes, across the shared libraries' export list.
  add_test(NAME "package: a consumer of vigil's shared libraries replays a capture through the rules"
           COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-consumer.sh ${PROJECT_BINARY_DIR} shared-twin
                   ${VIGIL_SHARED_DIR}/captures/cat_write.scap ${VIGIL_SHARED_DIR}/peer-tests/rules/single_rule.yaml)
  set_tests_properties("package: a consumer of vigil's shared libraries replays a capture through the rules"
                       PROPERTIES LABELS package TIMEOUT 600
                       PASS_REGULAR_EXPRESSION "vigil consumer: [0-9]+ events, 4 alerts")
endif()
# An installed tree may be moved (or unpacked from a package to another prefix): the moved `vigil`
# still finds its default rules next to itself.
add_test(NAME "package: an installed vigil moved to another prefix still loads its default rules"
         COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-relocated-cli.sh ${PROJECT_BINARY_DIR})
set_tests_properties("package: an installed vigil moved to another prefix still loads its default rules"
                     PROPERTIES LABELS package TIMEOUT 300)
