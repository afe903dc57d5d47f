# Privacy tests (issue 6, "Keep it private"):
#  privacy.wipe   answers are wiped with explicit_bzero at the end of every
#                 session, including the inactivity timeout (whole simulated
#                 sessions through the kiosk API, the wipe observed with
#                 -Wl,--wrap=explicit_bzero);
#  privacy.live   a live session on the CI audio server: no file written,
#                 no answer in the events or the logs, no network socket.
add_executable(test_privacy_wipe privacy/test_wipe.c)
target_compile_definitions(test_privacy_wipe PRIVATE
  VK_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(test_privacy_wipe PRIVATE vk PkgConfig::CMOCKA)
target_link_options(test_privacy_wipe PRIVATE -Wl,--wrap=explicit_bzero)
add_test(NAME privacy.wipe COMMAND test_privacy_wipe)
add_test(NAME privacy.live
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/privacy/live_privacy.sh
          $<TARGET_FILE:voice-kiosk>)
set_tests_properties(privacy.live PROPERTIES SKIP_RETURN_CODE 77
  TIMEOUT 300 RUN_SERIAL TRUE)
