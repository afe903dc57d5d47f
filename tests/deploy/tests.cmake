# Deploy tests (issue 6): sd_notify against a test socket, the .deb built
# by CPack and read back with dpkg-deb, the systemd units' security score
# and syntax, the Ansible playbook, and the installed-path lookup.
# 77 = a tool is missing (skipped).
add_executable(test_service ${CMAKE_CURRENT_LIST_DIR}/test_service.c)
target_include_directories(test_service PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(test_service PRIVATE vk_test_util PkgConfig::CMOCKA)
add_test(NAME unit.service COMMAND test_service)

# The .deb: Depends, files, conffiles, and the unpacked binary finding its
# data under the unpacked root.
add_test(NAME deploy.package
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/package_test.sh ${CMAKE_BINARY_DIR})
set_tests_properties(deploy.package PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120
  RESOURCE_LOCK cpack)

# The systemd units: security score <= 2.0, verify, required settings.
add_test(NAME deploy.systemd
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/systemd_test.sh ${CMAKE_SOURCE_DIR}
          $<TARGET_FILE:voice-kiosk>)
set_tests_properties(deploy.systemd PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)

# The first-start self-test, with the real recogniser and synthesiser and
# a test-double sound card (a person who answers).
add_executable(test_selftest ${CMAKE_CURRENT_LIST_DIR}/test_selftest.c)
target_include_directories(test_selftest PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
target_compile_definitions(test_selftest PRIVATE
  VK_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(test_selftest PRIVATE vk_test_util PkgConfig::CMOCKA)
add_test(NAME unit.selftest COMMAND test_selftest)

# The Ansible playbook: syntax-check, check mode against localhost, and the
# two refusals (no phone number; `voice-kiosk check` fails).
add_test(NAME deploy.ansible
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/ansible_test.sh ${CMAKE_SOURCE_DIR}
          ${CMAKE_BINARY_DIR} $<TARGET_FILE:voice-kiosk>)
set_tests_properties(deploy.ansible PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240
  RESOURCE_LOCK cpack)

# The kiosk as systemd runs it, on the headless PulseAudio devices:
# first-start self-test, READY=1, WATCHDOG=1 every WatchdogSec/2,
# STOPPING=1, and exit 2 with STATUS= on a bad prompts folder; a self-test
# answered "no" logs only that no yes was heard, never the word.
add_test(NAME deploy.service_live
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/service_live.sh ${CMAKE_SOURCE_DIR}
          $<TARGET_FILE:voice-kiosk>)
set_tests_properties(deploy.service_live PROPERTIES SKIP_RETURN_CODE 77
  TIMEOUT 180 RUN_SERIAL TRUE)
