/* Unit tests: the keypad layout (keymap), settings.ini (settings), the
 * terminal keys (keys_term) and the person's speech controls (controls). */
#define _XOPEN_SOURCE 700 /* posix_openpt */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <cmocka.h>

#include "controls.h"
#include "keymap.h"
#include "keys_term.h"
#include "settings.h"
#include "test_util.h"

static void key_names_round_trip(void **state)
{
    (void)state;
    const char *names[] = {"up",   "down", "enter", "space",
                           "plus", "1",    "q",     "?"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int k = vk_key_from_name(names[i]);
        assert_int_not_equal(k, 0);
        assert_int_equal(vk_key_from_name(vk_key_name(k)), k);
    }
    assert_int_equal(vk_key_from_name("Q"), 'q');
    assert_int_equal(vk_key_from_name("nonsense"), 0);
}

static void default_layout_is_ez_access_and_unambiguous(void **state)
{
    (void)state;
    vk_keymap m;
    vk_keymap_default(&m);
    assert_string_equal(vk_keymap_action(&m, '1'), "yes");
    assert_string_equal(vk_keymap_action(&m, '2'), "no");
    assert_string_equal(vk_keymap_action(&m, '3'), "unsure");
    assert_string_equal(vk_keymap_action(&m, VK_KEY_UP), "up");
    assert_string_equal(vk_keymap_action(&m, VK_KEY_DOWN), "down");
    assert_string_equal(vk_keymap_action(&m, VK_KEY_ENTER), "select");
    assert_string_equal(vk_keymap_action(&m, '?'), "help");
    assert_string_equal(vk_keymap_action(&m, 'Q'), "stop");
    assert_null(vk_keymap_action(&m, 'x'));
    const char *a, *b;
    assert_null(vk_keymap_conflict(&m, &a, &b));
    /* Every action has a key. */
    for (size_t i = 0; i < vk_key_nactions; i++)
        assert_non_null(vk_keymap_key_for(&m, vk_key_actions[i].name));
}

static void rebinding_replaces_and_reports(void **state)
{
    (void)state;
    vk_keymap m;
    vk_keymap_default(&m);
    char err[256];
    assert_true(vk_keymap_bind(&m, "yes", "7 y", err, sizeof err));
    assert_string_equal(vk_keymap_action(&m, '7'), "yes");
    assert_null(vk_keymap_action(&m, '1'));
    assert_false(vk_keymap_bind(&m, "yes", "f13", err, sizeof err));
    assert_non_null(strstr(err, "unknown key 'f13'"));
    assert_false(vk_keymap_bind(&m, "jump", "j", err, sizeof err));
    assert_non_null(strstr(err, "unknown key action"));
}

static vk_settings load(const char *text, vk_diag *d, bool *ok)
{
    char *dir = vk_test_dir();
    vk_test_write(dir, "settings.ini", text);
    char path[4200];
    snprintf(path, sizeof path, "%s/settings.ini", dir);
    vk_settings s;
    vk_settings_default(&s);
    *ok = vk_settings_load(&s, path, d);
    vk_test_rmdir(dir);
    return s;
}

static void settings_are_read_over_the_defaults(void **state)
{
    (void)state;
    vk_diag *d = vk_diag_create();
    bool ok;
    vk_settings s = load("[volume]\ndefault = -3\n[speech]\nrate = 140\n"
                         "[keys]\nlouder = kp_nothing\n",
                         d, &ok);
    assert_false(ok); /* a bad key name refuses the whole file */
    assert_true(
        vk_test_diag_has(d, "settings.ini:6: unknown key 'kp_nothing'"));
    vk_diag_destroy(d);
    d = vk_diag_create();
    s = load("[volume]\ndefault = -3\n[speech]\nrate = 140\n[keys]\n"
             "louder = u\n[audio]\nheadphones = USB headset\n",
             d, &ok);
    vk_diag_print(d, stderr);
    assert_true(ok);
    assert_true(s.volume_default_db == -3.0);
    assert_int_equal(s.rate_default, 140);
    assert_int_equal(s.rate_max, 400); /* untouched: the default */
    assert_string_equal(s.headphones, "USB headset");
    assert_string_equal(vk_keymap_action(&s.keys, 'u'), "louder");
    vk_diag_destroy(d);
}

static void every_settings_problem_has_its_line(void **state)
{
    (void)state;
    vk_diag *d = vk_diag_create();
    bool ok;
    (void)load("[volume]\nstep = loud\nmax = 90\n[colour]\nx = 1\n"
               "[timing]\nno_answer = 3\nsoon = 2\n",
               d, &ok);
    assert_false(ok);
    assert_true(vk_test_diag_has(d, "settings.ini:2: [volume] step: 'loud' is "
                                    "not a number"));
    assert_true(vk_test_diag_has(d, "settings.ini:3: [volume] max: 90 is out "
                                    "of range"));
    assert_true(
        vk_test_diag_has(d, "settings.ini:4: unknown section [colour]"));
    assert_true(vk_test_diag_has(d, "settings.ini:7: [timing] no_answer: 3 is "
                                    "out of range (7 to 120)"));
    assert_true(vk_test_diag_has(d, "settings.ini:8: unknown setting 'soon'"));
    vk_diag_destroy(d);
}

static void settings_that_conflict_are_refused(void **state)
{
    (void)state;
    vk_diag *d = vk_diag_create();
    bool ok;
    (void)load("[volume]\nmin = -6\nmax = 6\n[keys]\nyes = 2\n", d, &ok);
    assert_false(ok);
    assert_true(vk_test_diag_has(d, "at least 18 dB"));
    assert_true(vk_test_diag_has(d, "key '2' is bound to both yes and no"));
    vk_diag_destroy(d);
}

static void missing_file_means_defaults(void **state)
{
    (void)state;
    vk_settings s;
    vk_settings_default(&s);
    vk_diag *d = vk_diag_create();
    assert_true(vk_settings_load(&s, "/nonexistent/settings.ini", d));
    assert_int_equal(vk_diag_count(d), 0);
    assert_int_equal(s.rate_default, 160);
    assert_true(s.noinput_s >= 7.0);
    assert_true(s.volume_max_db - s.volume_min_db >= 18.0);
    vk_diag_destroy(d);
}

static void sample_file_is_valid_and_complete(void **state)
{
    (void)state;
    /* The sample, with every setting uncommented, loads without problems. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    vk_settings_write_sample(f);
    fclose(f);
    char *out = malloc(len + 1), *o = out;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == ';' && line[1] != ' ')
            line++; /* ";key = value" -> "key = value" */
        else if (line[0] == ';')
            continue;
        o += sprintf(o, "%s\n", line);
    }
    vk_diag *d = vk_diag_create();
    bool ok;
    vk_settings s = load(out, d, &ok);
    vk_diag_print(d, stderr);
    assert_true(ok);
    assert_int_equal(s.rate_default, 160);
    assert_non_null(strstr(out, "more_time = t 7"));
    vk_diag_destroy(d);
    free(out);
    free(buf);
}

static void controls_step_within_the_range(void **state)
{
    (void)state;
    vk_settings s;
    vk_settings_default(&s);
    vk_controls c;
    vk_controls_reset(&c, &s);
    assert_int_equal(vk_controls_apply(&c, "louder"), VK_CTL_DONE);
    assert_true(c.volume_db == 3.0);
    for (int i = 0; i < 10; i++)
        (void)vk_controls_apply(&c, "louder");
    assert_true(c.volume_db == s.volume_max_db);
    assert_int_equal(vk_controls_apply(&c, "louder"), VK_CTL_AT_LIMIT);
    assert_string_equal(vk_controls_prompt("louder", VK_CTL_AT_LIMIT),
                        "control.loudest");
    while (vk_controls_apply(&c, "slower") == VK_CTL_DONE)
        ;
    assert_int_equal(c.rate_wpm, 80);
    while (vk_controls_apply(&c, "faster") == VK_CTL_DONE)
        ;
    assert_int_equal(c.rate_wpm, 400);
    /* A new session starts at the site's defaults. */
    vk_controls_reset(&c, &s);
    assert_true(c.volume_db == 0.0);
    assert_int_equal(c.rate_wpm, 160);
    assert_true(vk_controls_gain(&c) == 1.0);
}

static void pause_more_time_and_non_controls(void **state)
{
    (void)state;
    vk_settings s;
    vk_settings_default(&s);
    vk_controls c;
    vk_controls_reset(&c, &s);
    assert_int_equal(vk_controls_apply(&c, "continue"), VK_CTL_NOTHING);
    assert_int_equal(vk_controls_apply(&c, "pause"), VK_CTL_DONE);
    assert_true(c.paused);
    assert_int_equal(vk_controls_apply(&c, "pause"), VK_CTL_DONE);
    assert_false(c.paused); /* the pause key toggles */
    assert_int_equal(vk_controls_apply(&c, "more_time"), VK_CTL_DONE);
    assert_true(c.time_factor == 2.0);
    assert_int_equal(vk_controls_apply(&c, "yes"), VK_CTL_NOT_A_CONTROL);
    assert_false(vk_controls_is_control("stop"));
    assert_true(vk_controls_is_control("repeat_last"));
}

/* On the kiosk's own keypad console, Ctrl+C, Ctrl+Z, Ctrl+\ and Ctrl+S are
 * plain keys (a keyboard cannot stop or freeze the service); at a
 * developer's terminal Ctrl+C still stops it.  The terminal is a pty. */
static void keypad_console_has_no_signal_keys(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    int tty = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(tty >= 0);
    struct termios t;
    assert_int_equal(tcgetattr(tty, &t), 0);
    t.c_lflag |= ISIG | ICANON;
    t.c_iflag |= IXON;
    assert_int_equal(tcsetattr(tty, TCSANOW, &t), 0);
    int saved = dup(STDIN_FILENO);
    assert_true(dup2(tty, STDIN_FILENO) == STDIN_FILENO);
    for (int console = 0; console <= 1; console++) {
        vk_keys_term *k = vk_keys_term_create(console);
        assert_int_equal(tcgetattr(STDIN_FILENO, &t), 0);
        assert_false(t.c_lflag & ICANON);
        assert_int_equal((t.c_lflag & ISIG) != 0, !console);
        assert_int_equal((t.c_iflag & IXON) != 0, !console);
        vk_keys_term_destroy(k);
        assert_int_equal(tcgetattr(STDIN_FILENO, &t), 0);
        assert_true(t.c_lflag & ISIG); /* restored */
        assert_true(t.c_lflag & ICANON);
    }
    dup2(saved, STDIN_FILENO);
    close(saved);
    close(tty);
    close(master);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(key_names_round_trip),
        cmocka_unit_test(keypad_console_has_no_signal_keys),
        cmocka_unit_test(default_layout_is_ez_access_and_unambiguous),
        cmocka_unit_test(rebinding_replaces_and_reports),
        cmocka_unit_test(settings_are_read_over_the_defaults),
        cmocka_unit_test(every_settings_problem_has_its_line),
        cmocka_unit_test(settings_that_conflict_are_refused),
        cmocka_unit_test(missing_file_means_defaults),
        cmocka_unit_test(sample_file_is_valid_and_complete),
        cmocka_unit_test(controls_step_within_the_range),
        cmocka_unit_test(pause_more_time_and_non_controls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
