# Deploy tests (issue 6): sd_notify against a test socket, the .deb built
# by CPack and read back with dpkg-deb, the systemd units' security score
# and syntax, the Ansible playbook, and the installed-path lookup.
# 77 = a tool is missing (skipped).
add_executable(test_service ${CMAKE_CURRENT_LIST_DIR}/test_service.c)
target_include_directories(test_service PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(test_service PRIVATE vk_test_util PkgConfig::CMOCKA)
add_test(NAME unit.service COMMAND test_service)
