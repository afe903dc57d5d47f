# Hardening tests (issue 6, "Keep it up"):
#  valgrind.session  memcheck over one whole simulated session, clean;
#  style.format      the C layout is .clang-format's (scripts/format-check.sh).
# The ASan+UBSan suite is scripts/sanitize.sh, the fuzzers scripts/fuzz.sh
# and fuzz/fuzz.cmake; ./test.sh runs all three.
add_test(NAME valgrind.session
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/valgrind_session.sh
          $<TARGET_FILE:voice-kiosk> ${CMAKE_SOURCE_DIR})
set_tests_properties(valgrind.session PROPERTIES SKIP_RETURN_CODE 77
  TIMEOUT 1200)
add_test(NAME style.format COMMAND ${CMAKE_SOURCE_DIR}/scripts/format-check.sh)
set_tests_properties(style.format PROPERTIES SKIP_RETURN_CODE 77)
