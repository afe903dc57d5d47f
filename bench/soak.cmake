# Soak: many simulated sessions in one process (bench/soak.c); the
# benchmark is bench/soak.sh, and soak.short is its short version in CI:
# no descriptor growth, bounded RSS growth, every session ends normally.
add_executable(soak ${CMAKE_SOURCE_DIR}/bench/soak.c)
target_link_libraries(soak PRIVATE vk)
set(VK_SOAK_SCN ${CMAKE_SOURCE_DIR}/tests/scenarios)
add_test(NAME soak.short
  COMMAND soak --sessions 40 --check --max-growth-kb 1024
          ${VK_SOAK_SCN}/keys_only.scn ${VK_SOAK_SCN}/all_no.scn
          ${VK_SOAK_SCN}/stop.scn ${VK_SOAK_SCN}/sign3_yes.scn
          ${VK_SOAK_SCN}/back.scn ${VK_SOAK_SCN}/repeat_skip.scn
          ${VK_SOAK_SCN}/silent.scn ${VK_SOAK_SCN}/mixed.scn)
set_tests_properties(soak.short PROPERTIES TIMEOUT 600)
