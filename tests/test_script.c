/* Unit tests for script: the shipped prompts load, and the rules hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "script.h"
#include "test_util.h"

static void shipped_prompts_load(void **state)
{
    (void)state;
    vk_diag *d = vk_diag_create();
    vk_script *s = vk_script_load(VK_TEST_SOURCE_DIR "/prompts/en-US", d);
    vk_diag_print(d, stderr);
    assert_non_null(s);
    for (int n = 1; n <= VK_SIGNS; n++) {
        char id[16];
        snprintf(id, sizeof id, "sign.%d", n);
        const vk_step *st = vk_script_step(s, id);
        assert_non_null(st);
        assert_int_equal(st->type, VK_STEP_QUESTION);
        assert_int_equal(st->sign, n);
    }
    const vk_step *s3 = vk_script_step(s, "sign.3");
    assert_int_equal(vk_script_step(s, s3->on_yes)->type, VK_STEP_CRISIS);
    assert_int_equal(vk_script_step(s, s3->on_unsure)->type, VK_STEP_CRISIS);
    assert_true(vk_script_contact_count(s) >= 2);
    vk_script_destroy(s);
    vk_diag_destroy(d);
}

/* A minimal flow: greeting, one question per sign, contacts, end. */
static char *minimal_flow(const char *sign3_yes, const char *extra)
{
    static const char *sys =
        "[system]\nnoinput.1 = a.\nnoinput.2 = {choices} {keys}\n"
        "noinput.3 = c.\nnomatch.1 = a.\nnomatch.2 = b.\nnomatch.3 = c.\n"
        "confirm = I heard {heard}.\nconfirm.retry = r.\nstop.confirm = s?\n"
        "stop.cancel = c.\nback.first = f.\nskip.done = s.\ntimeout = t.\n"
        "choices.answer = c.\nkeys.answer = k.\nchoices.menu = c.\n"
        "keys.menu = k.\nhelp = h.\nheard.yes = yes\nheard.no = no\n"
        "heard.unsure = not sure\ncontact = {name} {phone}.\n"
        "control.paused = p.\ncontrol.louder = l.\ncontrol.softer = s.\n"
        "control.loudest = l.\ncontrol.softest = s.\ncontrol.slower = s.\n"
        "control.faster = f.\ncontrol.slowest = s.\ncontrol.fastest = f.\n"
        "control.more_time = m.\ncontrol.warning = w.\n"
        "control.choose = c.\nchoice.next = n.\nchoice.done = d.\n";
    char *buf = malloc(16384);
    int o = snprintf(buf, 16384, "[kiosk]\nstart = sign.1\n%s%s", sys, extra);
    for (int n = 1; n <= VK_SIGNS; n++) {
        o += snprintf(buf + o, (size_t)(16384 - o),
                      "[sign.%d]\ntype = question\nsign = %d\ntext = Q%d?\n"
                      "next = %s\n",
                      n, n, n, n < VK_SIGNS ? "" : "contacts");
        if (n < VK_SIGNS) {
            o--; /* replace the newline after "next = " */
            o += snprintf(buf + o, (size_t)(16384 - o), "sign.%d\n", n + 1);
        }
        if (n == 3)
            o += snprintf(buf + o, (size_t)(16384 - o),
                          "on_yes = %s\non_unsure = crisis\n", sign3_yes);
    }
    snprintf(buf + o, (size_t)(16384 - o),
             "[crisis]\ntype = crisis\ntext = {crisis_contacts}\nnext = resume\n"
             "[contacts]\ntype = contacts\ntext = {contacts}\nnext = bye\n"
             "[bye]\ntype = end\ntext = Bye.\n");
    return buf;
}

static const char *contacts = "[desk]\nname = Desk\nphone = 555 0100\ncrisis = yes\n";

static void minimal_flow_is_valid(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    char *flow = minimal_flow("crisis", "");
    vk_test_write(dir, "flow.ini", flow);
    vk_test_write(dir, "contacts.ini", contacts);
    vk_diag *d = vk_diag_create();
    vk_script *s = vk_script_load(dir, d);
    vk_diag_print(d, stderr);
    assert_non_null(s);
    vk_script_destroy(s);
    vk_diag_destroy(d);
    free(flow);
    vk_test_rmdir(dir);
}

static void sign_3_must_lead_to_crisis(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    char *flow = minimal_flow("sign.4", "");
    vk_test_write(dir, "flow.ini", flow);
    vk_test_write(dir, "contacts.ini", contacts);
    vk_diag *d = vk_diag_create();
    assert_null(vk_script_load(dir, d));
    assert_true(vk_test_diag_has(d, "must have on_yes = a crisis step"));
    vk_diag_destroy(d);
    free(flow);
    vk_test_rmdir(dir);
}

static void every_problem_is_reported_with_its_line(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    /* Three problems at known lines: a bad key, a bad placeholder, a line
     * that is not key = value. */
    char *flow = minimal_flow("crisis", "[extra]\ntype = say\ntext = Hi {who}.\n"
                                        "colour = blue\nnext = sign.1\n"
                                        "this line is wrong\n");
    vk_test_write(dir, "flow.ini", flow);
    vk_test_write(dir, "contacts.ini", "[desk]\nname = Desk\nphone = 12AB\n");
    vk_diag *d = vk_diag_create();
    assert_null(vk_script_load(dir, d));
    /* The line numbers count from the [extra] section's own line. */
    int extra = 1;
    for (const char *p = flow; p < strstr(flow, "[extra]"); p++)
        extra += *p == '\n';
    char want[4300];
    snprintf(want, sizeof want, "%s/flow.ini:%d: unknown placeholder {who}",
             dir, extra + 2);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s/flow.ini:%d: 'colour' is not used", dir,
             extra + 3);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s/flow.ini:%d: expected 'key = value'", dir,
             extra + 5);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s/contacts.ini:3: phone '12AB' has 'A'", dir);
    assert_true(vk_test_diag_has(d, want));
    vk_diag_destroy(d);
    free(flow);
    vk_test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_prompts_load),
        cmocka_unit_test(minimal_flow_is_valid),
        cmocka_unit_test(sign_3_must_lead_to_crisis),
        cmocka_unit_test(every_problem_is_reported_with_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
