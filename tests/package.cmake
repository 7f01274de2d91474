# The installed package works for an out-of-tree consumer (find_package(vigil CONFIG)).
add_test(NAME "package: an out-of-tree consumer builds and runs against the installed vigil"
         COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-consumer.sh ${PROJECT_BINARY_DIR})
set_tests_properties("package: an out-of-tree consumer builds and runs against the installed vigil"
                     PROPERTIES LABELS package TIMEOUT 600)
