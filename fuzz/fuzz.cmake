# Fuzzing: one harness per parser of outside input (see fuzz/README.md).
#
# In every build, fuzz.regress.<name> replays the committed seed corpus and
# every crash fixture through the harness with a plain driver (replay.c), so
# a crash once found stays fixed without clang.  With -DVK_FUZZ=ON (clang
# only; scripts/fuzz.sh configures it) each harness is also a libFuzzer
# program, and fuzz.run.<name> fuzzes it for VK_FUZZ_SECONDS.
set(VK_FUZZ_SECONDS 30 CACHE STRING "seconds each fuzz.run.* test fuzzes")
set(VK_FUZZ_DIR ${CMAKE_SOURCE_DIR}/fuzz)

# name -> harness source and extra definitions
set(vk_fuzz_ini_src fuzz_ini.c)
set(vk_fuzz_flow_src fuzz_script.c)
set(vk_fuzz_flow_defs FUZZ_FILE="flow.ini")
set(vk_fuzz_contacts_src fuzz_script.c)
set(vk_fuzz_contacts_defs FUZZ_FILE="contacts.ini")
set(vk_fuzz_grammar_src fuzz_grammar.c)
set(vk_fuzz_scenario_src fuzz_scenario.c)
set(vk_fuzz_wav_src fuzz_wav.c)
set(vk_fuzz_settings_src fuzz_settings.c)
set(vk_fuzz_site_src fuzz_site.c)

foreach(name ini flow contacts grammar scenario wav settings site)
  set(src ${VK_FUZZ_DIR}/${vk_fuzz_${name}_src})
  set(defs FUZZ_SOURCE_DIR="${CMAKE_SOURCE_DIR}" ${vk_fuzz_${name}_defs})
  add_executable(fuzz_replay_${name} ${VK_FUZZ_DIR}/replay.c ${src})
  target_compile_definitions(fuzz_replay_${name} PRIVATE ${defs})
  target_link_libraries(fuzz_replay_${name} PRIVATE vk)
  add_test(NAME fuzz.regress.${name}
    COMMAND fuzz_replay_${name} ${VK_FUZZ_DIR}/corpus/${name}
            ${VK_FUZZ_DIR}/crashes/${name})
  if(VK_FUZZ)
    add_executable(fuzz_${name} ${src})
    target_compile_definitions(fuzz_${name} PRIVATE ${defs})
    target_link_libraries(fuzz_${name} PRIVATE vk)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
    add_test(NAME fuzz.run.${name}
      COMMAND ${VK_FUZZ_DIR}/run.sh $<TARGET_FILE:fuzz_${name}> ${name}
              ${VK_FUZZ_SECONDS} ${CMAKE_CURRENT_BINARY_DIR}/fuzz-work)
    set_tests_properties(fuzz.run.${name} PROPERTIES
      TIMEOUT 600 ENVIRONMENT "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1")
  endif()
endforeach()
