# A test that cannot run here must still show up, say why, and be counted as
# skipped rather than passed or failed: uvref_skipped_test(NAME REASON) adds
# NAME as a test that prints "SKIPPED: REASON" and exits with 77, CTest's skip
# code for it (SKIP_RETURN_CODE). Unit tests that skip from inside use the
# same code (tests/support/main.cpp).
set(UVREF_SKIP_RETURN_CODE 77)

function(uvref_skipped_test name reason)
  add_test(NAME ${name} COMMAND sh -c "echo \"SKIPPED: $1\"; exit ${UVREF_SKIP_RETURN_CODE}" sh "${reason}")
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE ${UVREF_SKIP_RETURN_CODE})
endfunction()
