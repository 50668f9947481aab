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

# ys_embed_files(OUT_VAR DIR <dir> PATTERN <glob> NAMESPACE <ns> FUNCTION <name>)
# Compiles the matching files into the binary; OUT_VAR receives the generated source to add.
function(ys_embed_files out_var)
  cmake_parse_arguments(E "" "DIR;PATTERN;NAMESPACE;FUNCTION" "" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${E_FUNCTION}.cc)
  file(GLOB inputs CONFIGURE_DEPENDS ${E_DIR}/${E_PATTERN})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DINPUT_DIR=${E_DIR} -DPATTERN=${E_PATTERN} -DNAMESPACE=${E_NAMESPACE}
            -DFUNCTION=${E_FUNCTION} -DOUTPUT=${out} -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${E_DIR}/${E_PATTERN}")
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
