# Differential tests: `vigil --raw -p FORMAT` against sysdig 0.29.3 `-D -p FORMAT`, on every
# shared capture sysdig can open. Each test compares with the committed golden output
# (tests/golden/capture, made by scripts/golden/gen-capture-golden.sh) and with sysdig run now.
find_program(VIGIL_PYTHON3 python3 REQUIRED)
set(vigil_sysdig_diff_captures
  cat_write connect_localhost empty open-multiple-files ping_sendto psp_privileged
  psp_write_tmp_test sample single_ipv6_conn syscall test_ipv6_client)
# Hand-built events (scripts/golden/make_probe_capture.py) for the types the captures lack.
set(vigil_sysdig_diff_probe "cli: vigil --raw prints hand-built events of every parameter type exactly like sysdig 0.29.3 -D")
if(TARGET vigil)
  foreach(capture ${vigil_sysdig_diff_captures})
    set(name "cli: vigil --raw prints ${capture}.scap exactly like sysdig 0.29.3 -D")
    add_test(NAME "${name}"
      COMMAND ${VIGIL_PYTHON3} ${PROJECT_SOURCE_DIR}/scripts/golden/sysdig_diff.py check --live
              --capture ${VIGIL_SHARED_DIR}/captures/${capture}.scap
              --golden-dir ${PROJECT_SOURCE_DIR}/tests/golden/capture
              --docs ${VIGIL_SHARED_DIR}/docs
              --vigil $<TARGET_FILE:vigil>)
    set_tests_properties("${name}" PROPERTIES LABELS cli TIMEOUT 300)
  endforeach()
  add_test(NAME "${vigil_sysdig_diff_probe}"
    COMMAND ${VIGIL_PYTHON3} ${PROJECT_SOURCE_DIR}/scripts/golden/sysdig_diff.py check --live --capture probe
            --golden-dir ${PROJECT_SOURCE_DIR}/tests/golden/capture
            --docs ${VIGIL_SHARED_DIR}/docs
            --vigil $<TARGET_FILE:vigil>)
  set_tests_properties("${vigil_sysdig_diff_probe}" PROPERTIES LABELS cli TIMEOUT 300)
endif()
