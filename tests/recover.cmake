# Device-loss recovery (issue 6 "Device loss"): the retry wrapper, the
# dialog's device.back step and the optional prompt (unit); `unplug` fault
# injection on the simulated room (end to end); and a device removed and
# added back on the CI audio server (real audio path).
add_executable(test_recover test_recover.c)
target_compile_definitions(test_recover PRIVATE
  VK_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(test_recover PRIVATE vk_test_util PkgConfig::CMOCKA)
add_test(NAME unit.recover COMMAND test_recover)

vk_e2e(unplug unplug.scn answers=${N} answer_count=12 recovered=2.1
       contacts end=completed audio)
vk_e2e(unplug_crisis unplug_crisis.scn answers=no,no,yes,,,,,,,,,
       crisis_before=sign.4 recovered=2.1
       prompt_order=sign.3,crisis,system.device.back,crisis,crisis.again
       finished=crisis contacts end=completed)
vk_e2e(unplug_timeout unplug_timeout.scn answer_count=1 lost_timeout=60)
# A yes to sign 3 pressed while the device is gone (it went while the kiosk
# waited for that answer) counts: the crisis contacts are said, in full,
# when it is back.  A second key in the loss does nothing.
vk_e2e(unplug_key_crisis unplug_key_crisis.scn answers=no,no,yes,,,,,,,,,
       crisis_before=sign.4 recovered=2.1 event_count=key:6
       prompt_order=sign.3,system.device.back,crisis,crisis.again
       finished=crisis contacts end=completed)

# A device removed and added back on the CI audio server, once each way
# (sinks unloaded / server killed / server frozen), plus a long outage and
# SIGTERM while retrying; prints the timing table (bench/recover_bench.py
# runs more rounds).  About a minute.  77 = skipped.
add_test(NAME audio.recover
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/pa/recover_live.py
          $<TARGET_FILE:voice-kiosk> --rounds 1)
set_tests_properties(audio.recover PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300
  RUN_SERIAL TRUE)
