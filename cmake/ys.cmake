# ys_add_test(NAME <target> LABEL unit|integration|e2e SOURCES ... LIBS ...)
# One gtest binary, its cases discovered at test time and labelled for `ctest -L`.
function(ys_add_test)
  cmake_parse_arguments(T "" "NAME;LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${T_NAME}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS ${T_LABEL}
    TEST_PREFIX "${T_LABEL}.")
endfunction()
