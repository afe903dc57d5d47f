/* Unit tests for scenario: every verb, and errors with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scenario.h"
#include "test_util.h"

static void verbs_parse(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    vk_test_write(dir, "s.scn",
                  "# comment\n\nvoice en-us+f3\nsay yes please  # trailing\n"
                  "key 2\nsilent 8\ndelay 1.5\nconfirm key 1\n"
                  "barge 1 say stop\necho 60 -6 0.3\necho off\n"
                  "barge 2 explain.what say louder\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/s.scn", dir);
    vk_diag *d = vk_diag_create();
    vk_scenario *s = vk_scenario_load(path, d);
    vk_diag_print(d, stderr);
    assert_non_null(s);
    assert_int_equal(s->count, 10);
    assert_int_equal(s->steps[0].kind, VK_SC_VOICE);
    assert_int_equal(s->steps[0].line, 3);
    assert_string_equal(s->steps[1].text, "yes please");
    assert_int_equal(s->steps[2].key, '2');
    assert_true(s->steps[3].seconds == 8.0);
    assert_int_equal(s->steps[5].key, '1');
    assert_true(s->steps[6].barge == 1.0);
    assert_string_equal(s->steps[6].text, "stop");
    assert_string_equal(s->steps[6].prompt, ""); /* the next question */
    assert_true(s->steps[7].seconds > 0.059 && s->steps[7].seconds < 0.061);
    assert_true(s->steps[8].seconds < 0);
    assert_true(s->steps[9].barge == 2.0);
    assert_string_equal(s->steps[9].prompt, "explain.what");
    assert_string_equal(s->steps[9].text, "louder");
    vk_scenario_destroy(s);
    vk_diag_destroy(d);
    vk_test_rmdir(dir);
}

static void errors_name_file_and_line(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    vk_test_write(dir, "s.scn",
                  "say yes\nshout no\nkey\nplay missing.wav\n"
                  "noise x.wav loud\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/s.scn", dir);
    vk_diag *d = vk_diag_create();
    assert_null(vk_scenario_load(path, d));
    char want[4300];
    snprintf(want, sizeof want, "%s:2: unknown step 'shout'", path);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s:3: key needs one key", path);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s:4: %s/missing.wav: cannot read audio", path,
             dir);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s:5: noise needs a WAV file and an SNR",
             path);
    assert_true(vk_test_diag_has(d, want));
    vk_diag_destroy(d);
    vk_test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verbs_parse),
        cmocka_unit_test(errors_name_file_and_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
