/*
 * Unit tests for device-loss recovery: audio_retry over a fake device on a
 * fake clock (pass-through, silence and dropped writes while lost, the
 * backoff schedule, the log), the dialog's device.back step (a question,
 * a pending confirmation, the crisis contacts), and the optional
 * device.back prompt in the script.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audio_retry.h"
#include "dialog.h"
#include "mem.h"
#include "scenario.h"
#include "test_util.h"

/* ---- a fake device and clock ------------------------------------------- */

#define MAX_ATTEMPTS 64

typedef struct fake_world {
    int64_t now_us;
    int present;  /* the device is plugged in */
    unsigned gen; /* bumps on every unplug: old handles die */
    int opens;    /* successful opens */
    int attempts; /* all open calls */
    int64_t attempt_at[MAX_ATTEMPTS];
    long written; /* samples written to a live handle */
    int full;     /* writes fail with VK_ERR_LIMIT (a stalled speaker) */
    int reads;
} fake_world;

typedef struct fake_dev {
    vk_audio base;
    fake_world *w;
    unsigned gen;
} fake_dev;

static int alive(const fake_dev *d)
{
    return d->w->present && d->w->gen == d->gen;
}

static vk_err fake_read(vk_audio *a, int16_t *mic, size_t n)
{
    fake_dev *d = (fake_dev *)a;
    if (!alive(d))
        return VK_ERR_DEVICE;
    for (size_t i = 0; i < n; i++)
        mic[i] = 7;
    d->w->now_us += (int64_t)n * 1000000 / VK_AUDIO_RATE; /* it paces */
    d->w->reads++;
    return VK_OK;
}

static vk_err fake_write(vk_audio *a, const int16_t *spk, size_t n)
{
    fake_dev *d = (fake_dev *)a;
    (void)spk;
    if (!alive(d))
        return VK_ERR_DEVICE;
    if (d->w->full)
        return VK_ERR_LIMIT;
    d->w->written += (long)n;
    return VK_OK;
}

static void fake_destroy(vk_audio *a)
{
    free(a);
}

static const vk_audio_ops fake_ops = {fake_read, fake_write, NULL, fake_destroy,
                                      NULL};

static vk_err fake_open(void *ctx, vk_audio **out, char *errbuf, size_t len)
{
    fake_world *w = ctx;
    if (w->attempts < MAX_ATTEMPTS)
        w->attempt_at[w->attempts] = w->now_us;
    w->attempts++;
    if (!w->present) {
        snprintf(errbuf, len, "fake: no device \"kiosk_mic\"");
        return VK_ERR_DEVICE;
    }
    fake_dev *d = vk_calloc(1, sizeof *d);
    d->base.ops = &fake_ops;
    d->w = w;
    d->gen = w->gen;
    w->opens++;
    *out = &d->base;
    return VK_OK;
}

static int64_t fake_now(void *ctx)
{
    return ((fake_world *)ctx)->now_us;
}

static void fake_wait(void *ctx, int64_t us)
{
    ((fake_world *)ctx)->now_us += us;
}

typedef struct rig {
    fake_world w;
    vk_audio *dev;
    char *log;
    size_t loglen;
    FILE *logf;
} rig;

static rig *rig_new(void)
{
    rig *r = vk_calloc(1, sizeof *r);
    r->w.present = 1;
    r->logf = open_memstream(&r->log, &r->loglen);
    vk_audio_retry_opts o = {.open = fake_open,
                             .open_ctx = &r->w,
                             .clock = {fake_now, fake_wait, &r->w},
                             .log = r->logf};
    char err[256];
    assert_int_equal(vk_audio_retry_create(&o, &r->dev, err, sizeof err),
                     VK_OK);
    return r;
}

static void rig_free(rig *r)
{
    vk_audio_destroy(r->dev);
    fclose(r->logf);
    free(r->log);
    free(r);
}

static const char *rig_log(rig *r)
{
    fflush(r->logf);
    return r->log ? r->log : "";
}

static int count_lines(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void unplug(rig *r)
{
    r->w.present = 0;
    r->w.gen++;
}

/* One loop tick: read a frame, write a frame. */
static void tick(rig *r, int16_t *mic)
{
    int16_t spk[VK_AUDIO_FRAME] = {0};
    assert_int_equal(vk_audio_read(r->dev, mic, VK_AUDIO_FRAME), VK_OK);
    assert_int_equal(vk_audio_write(r->dev, spk, VK_AUDIO_FRAME), VK_OK);
}

/* ---- audio_retry -------------------------------------------------------- */

static void retry_passes_through_while_up(void **state)
{
    (void)state;
    rig *r = rig_new();
    int16_t mic[VK_AUDIO_FRAME];
    for (int i = 0; i < 10; i++)
        tick(r, mic);
    assert_int_equal(mic[0], 7);
    assert_int_equal(r->w.reads, 10);
    assert_int_equal(r->w.written, 10 * VK_AUDIO_FRAME);
    assert_int_equal(vk_audio_get_state(r->dev), VK_AUDIO_UP);
    assert_string_equal(rig_log(r), "");
    rig_free(r);
}

static void retry_first_open_failure_is_returned(void **state)
{
    (void)state;
    fake_world w = {0};
    vk_audio_retry_opts o = {
        .open = fake_open, .open_ctx = &w, .clock = {fake_now, fake_wait, &w}};
    vk_audio *dev = (vk_audio *)&w; /* must be reset to NULL */
    char err[256] = "";
    assert_int_equal(vk_audio_retry_create(&o, &dev, err, sizeof err),
                     VK_ERR_DEVICE);
    assert_null(dev);
    assert_non_null(strstr(err, "kiosk_mic"));
    assert_int_equal(w.attempts, 1); /* no retry at start */
}

/* Lost: silence and dropped writes, paced by the clock; reopened on a
 * doubling backoff capped at 2 s; back at the first attempt after the
 * device returns; one log line each way. */
static void retry_backoff_and_recovery(void **state)
{
    (void)state;
    rig *r = rig_new();
    int16_t mic[VK_AUDIO_FRAME];
    tick(r, mic);
    unplug(r);
    int64_t t_gone = r->w.now_us;
    tick(r, mic);
    assert_int_equal(vk_audio_get_state(r->dev), VK_AUDIO_LOST);
    assert_int_equal(mic[0], 0);
    long written = r->w.written;
    /* 12 s gone. */
    while (r->w.now_us - t_gone < 12000000) {
        int64_t before = r->w.now_us;
        tick(r, mic);
        assert_int_equal(mic[VK_AUDIO_FRAME / 2], 0);
        /* A lost device still takes a frame of time per frame. */
        assert_int_equal(r->w.now_us - before,
                         (int64_t)VK_AUDIO_FRAME * 1000000 / VK_AUDIO_RATE);
    }
    assert_int_equal(r->w.written, written);
    assert_int_equal(vk_audio_get_state(r->dev), VK_AUDIO_LOST);
    /* Attempt 0 was the first open; then 0.25, 0.75, 1.75, 3.75, 5.75 ...
     * after the loss (each within one 20 ms frame). */
    static const double want_s[] = {0.25, 0.75, 1.75, 3.75,
                                    5.75, 7.75, 9.75, 11.75};
    assert_int_equal(r->w.attempts, 1 + 8);
    for (int i = 0; i < 8; i++) {
        double got = (double)(r->w.attempt_at[i + 1] - t_gone) / 1e6;
        if (got < want_s[i] || got > want_s[i] + 0.021)
            fail_msg("attempt %d at %.3f s after the loss, want %.2f s", i + 1,
                     got, want_s[i]);
    }
    /* Back: the next attempt (within the 2 s cap) opens it. */
    r->w.present = 1;
    int64_t t_back = r->w.now_us;
    while (vk_audio_get_state(r->dev) == VK_AUDIO_LOST &&
           r->w.now_us - t_back < 5000000)
        tick(r, mic);
    assert_int_equal(vk_audio_get_state(r->dev), VK_AUDIO_UP);
    double back_s = (double)(r->w.now_us - t_back) / 1e6;
    if (back_s > 2.04)
        fail_msg("back after %.3f s, want <= 2 s + a frame", back_s);
    tick(r, mic);
    assert_int_equal(mic[0], 7);
    assert_true(r->w.written > written);
    vk_audio_retry_stats st;
    vk_audio_retry_stats_get(r->dev, &st);
    assert_int_equal(st.losses, 1);
    assert_int_equal(st.recoveries, 1);
    assert_int_equal(st.lost_at_us, t_gone);
    const char *log = rig_log(r);
    assert_int_equal(count_lines(log, "is gone"), 1);
    assert_int_equal(count_lines(log, "not back yet"), 1);
    assert_int_equal(count_lines(log, "is back after"), 1);
    assert_int_equal(count_lines(log, "\n"), 3);
    rig_free(r);
}

static void retry_write_failure_is_a_loss_too(void **state)
{
    (void)state;
    rig *r = rig_new();
    int16_t mic[VK_AUDIO_FRAME], spk[VK_AUDIO_FRAME] = {0};
    assert_int_equal(vk_audio_read(r->dev, mic, VK_AUDIO_FRAME), VK_OK);
    unplug(r);
    assert_int_equal(vk_audio_write(r->dev, spk, VK_AUDIO_FRAME), VK_OK);
    assert_int_equal(vk_audio_get_state(r->dev), VK_AUDIO_LOST);
    assert_non_null(strstr(rig_log(r), "the speaker is gone"));
    rig_free(r);
}

/* A full speaker queue now and then is dropped; one that stays full is a
 * lost speaker, reopened like any other. */
static void retry_stalled_speaker_is_reopened(void **state)
{
    (void)state;
    rig *r = rig_new();
    int16_t mic[VK_AUDIO_FRAME];
    r->w.full = 1;
    for (int i = 0; i < 3; i++)
        tick(r, mic); /* tick asserts VK_OK: dropped, not fatal */
    assert_int_equal(vk_audio_get_state(r->dev), VK_AUDIO_UP);
    r->w.full = 0;
    tick(r, mic);
    r->w.full = 1;
    for (int i = 0; i < 3; i++)
        tick(r, mic);
    assert_int_equal(vk_audio_get_state(r->dev), VK_AUDIO_UP);
    tick(r, mic);
    assert_int_equal(vk_audio_get_state(r->dev), VK_AUDIO_LOST);
    assert_non_null(strstr(rig_log(r), "stopped taking samples"));
    r->w.full = 0;
    for (int i = 0; i < 20; i++)
        tick(r, mic);
    assert_int_equal(vk_audio_get_state(r->dev), VK_AUDIO_UP);
    assert_int_equal(r->w.opens, 2);
    rig_free(r);
}

static void retry_long_outage_logs_now_and_then(void **state)
{
    (void)state;
    rig *r = rig_new();
    int16_t mic[VK_AUDIO_FRAME];
    unplug(r);
    tick(r, mic);
    int64_t t0 = r->w.now_us;
    while (r->w.now_us - t0 < 150000000) /* 150 s */
        tick(r, mic);
    const char *log = rig_log(r);
    assert_int_equal(count_lines(log, "still no device"), 2);
    /* At the 2 s cap: about 150 / 2 attempts, not one per frame. */
    if (r->w.attempts > 80 || r->w.attempts < 70)
        fail_msg("%d attempts in 150 s, want about 75", r->w.attempts);
    rig_free(r);
}

static void retry_destroy_while_lost_and_null(void **state)
{
    (void)state;
    rig *r = rig_new();
    int16_t mic[VK_AUDIO_FRAME];
    unplug(r);
    tick(r, mic);
    rig_free(r); /* no device to close: returns at once */
    vk_audio_destroy(NULL);
}

/* ---- dialog ------------------------------------------------------------- */

typedef vk_test_dialog dfix;

static bool has(const dfix *f, vk_action_type t)
{
    for (int i = 0; i < f->acts.count; i++)
        if (f->acts.items[i].type == t)
            return true;
    return false;
}

/* The i-th SPEAK action, or NULL. */
static const vk_action *spoken(const dfix *f, int i)
{
    for (int k = 0; k < f->acts.count; k++)
        if (f->acts.items[k].type == VK_ACT_SPEAK && i-- == 0)
            return &f->acts.items[k];
    return NULL;
}

static void settle(dfix *f)
{
    for (int guard = 0; guard < 50; guard++) {
        if (has(f, VK_ACT_LISTEN) || has(f, VK_ACT_END))
            return;
        vk_actions_clear(&f->acts);
        vk_dialog_on_spoken(f->dialog, &f->acts);
    }
    fail_msg("the dialog neither listened nor ended");
}

static void input(dfix *f, vk_input in)
{
    vk_actions_clear(&f->acts);
    vk_dialog_on_input(f->dialog, &in, &f->acts);
    settle(f);
}

static void device_back(dfix *f)
{
    vk_actions_clear(&f->acts);
    vk_dialog_on_device_back(f->dialog, &f->acts);
}

static void start(dfix *f)
{
    vk_actions_clear(&f->acts);
    vk_dialog_start(f->dialog, &f->acts);
    settle(f);
}

static void device_back_asks_the_question_again(void **state)
{
    dfix *f = *state;
    start(f);
    input(f, (vk_input){.kind = VK_IN_KEY, .meaning = "no"});
    assert_string_equal(spoken(f, 0)->id, "system.answer.taken");
    assert_string_equal(spoken(f, 1)->id, "sign.2");
    device_back(f);
    assert_non_null(spoken(f, 1));
    assert_string_equal(spoken(f, 0)->id, "system.device.back");
    assert_string_equal(spoken(f, 0)->text,
                        vk_script_system(f->script, "device.back"));
    assert_string_equal(spoken(f, 1)->id, "sign.2");
    assert_true(has(f, VK_ACT_LISTEN));
    assert_false(has(f, VK_ACT_ANSWER));
    /* The session goes on as before: sign 1 kept, sign 2 answerable. */
    input(f, (vk_input){.kind = VK_IN_KEY, .meaning = "yes"});
    assert_int_equal(vk_session_get(f->session, 1), VK_ANSWER_NO);
    assert_int_equal(vk_session_get(f->session, 2), VK_ANSWER_YES);
    assert_string_equal(spoken(f, 1)->id, "sign.3");
}

static void device_back_drops_an_unheard_confirmation(void **state)
{
    dfix *f = *state;
    start(f);
    input(f,
          (vk_input){.kind = VK_IN_SPEECH, .meaning = "no", .confidence = 0.5});
    assert_string_equal(spoken(f, 0)->id, "system.confirm");
    device_back(f);
    assert_string_equal(spoken(f, 1)->id, "sign.1");
    /* "yes" now answers the question, not "Is that right?". */
    input(f, (vk_input){.kind = VK_IN_KEY, .meaning = "yes"});
    assert_int_equal(vk_session_get(f->session, 1), VK_ANSWER_YES);
}

static void device_back_says_the_crisis_contacts_in_full(void **state)
{
    dfix *f = *state;
    start(f);
    input(f, (vk_input){.kind = VK_IN_KEY, .meaning = "no"});
    input(f, (vk_input){.kind = VK_IN_KEY, .meaning = "no"});
    vk_actions_clear(&f->acts);
    vk_input yes = {.kind = VK_IN_KEY, .meaning = "yes"};
    vk_dialog_on_input(f->dialog, &yes, &f->acts); /* sign 3: crisis */
    assert_true(has(f, VK_ACT_CRISIS));
    const char *crisis_id = spoken(f, 0)->id;
    char *crisis_text = vk_strdup(spoken(f, 0)->text);
    device_back(f); /* lost while the crisis contacts played */
    assert_string_equal(spoken(f, 0)->id, "system.device.back");
    assert_true(has(f, VK_ACT_CRISIS));
    assert_string_equal(spoken(f, 1)->id, crisis_id);
    assert_string_equal(spoken(f, 1)->text, crisis_text);
    assert_true(spoken(f, 1)->safety);
    assert_true(vk_dialog_in_safety(f->dialog));
    free(crisis_text);
}

static void device_back_after_the_end_says_nothing(void **state)
{
    dfix *f = *state;
    start(f);
    vk_actions_clear(&f->acts);
    vk_dialog_on_inactive(f->dialog, &f->acts);
    device_back(f);
    assert_int_equal(f->acts.count, 0);
}

/* ---- script: device.back is optional ------------------------------------ */

static void device_back_prompt_is_optional(void **state)
{
    (void)state;
    size_t len;
    char *flow = vk_read_file(VK_TEST_SOURCE_DIR "/prompts/en-US/flow.ini",
                              1 << 20, &len);
    char *contacts = vk_read_file(
        VK_TEST_SOURCE_DIR "/prompts/en-US/contacts.ini", 1 << 20, &len);
    assert_non_null(flow);
    assert_non_null(contacts);
    char *line = strstr(flow, "\ndevice.back =");
    assert_non_null(line);
    char *dir = vk_test_dir();
    vk_test_write(dir, "contacts.ini", contacts);

    /* Left out: the built-in notice. */
    char *without = vk_strdup(flow);
    char *l = without + (line - flow) + 1;
    memmove(l, strchr(l, '\n') + 1, strlen(strchr(l, '\n') + 1) + 1);
    vk_test_write(dir, "flow.ini", without);
    vk_diag *d = vk_diag_create();
    vk_script *s = vk_script_load(dir, d);
    vk_diag_print(d, stderr);
    assert_non_null(s);
    assert_non_null(strstr(vk_script_system(s, "device.back"), "sound"));
    vk_script_destroy(s);
    vk_diag_destroy(d);

    /* Given with a placeholder it may not use: a file:line error. */
    char *bad = vk_malloc(strlen(flow) + 64);
    size_t head = (size_t)(line - flow) + 1;
    memcpy(bad, flow, head);
    sprintf(bad + head, "device.back = Sorry {heard}.\n%s",
            strchr(line + 1, '\n') + 1);
    vk_test_write(dir, "flow.ini", bad);
    d = vk_diag_create();
    s = vk_script_load(dir, d);
    assert_null(s);
    assert_true(vk_test_diag_has(d, "unknown placeholder {heard} in "
                                    "'device.back'"));
    vk_diag_destroy(d);
    free(bad);
    free(without);
    free(flow);
    free(contacts);
    vk_test_rmdir(dir);
}

/* ---- scenario: the unplug fault step ----------------------------------- */

static void scenario_unplug_steps_parse(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/u.scn", dir);
    vk_test_write(dir, "u.scn", "key 2\nunplug 3\nbarge 1.5 unplug 0.5\n");
    vk_diag *d = vk_diag_create();
    vk_scenario *sc = vk_scenario_load(path, d);
    vk_diag_print(d, stderr);
    assert_non_null(sc);
    assert_int_equal(sc->count, 3);
    assert_int_equal(sc->steps[1].kind, VK_SC_UNPLUG);
    assert_true(sc->steps[1].seconds == 3.0);
    assert_true(sc->steps[1].barge == 0.0);
    assert_int_equal(sc->steps[2].kind, VK_SC_UNPLUG);
    assert_true(sc->steps[2].seconds == 0.5);
    assert_true(sc->steps[2].barge == 1.5);
    vk_scenario_destroy(sc);
    vk_diag_destroy(d);

    vk_test_write(dir, "u.scn", "unplug\nunplug 0\nunplug soon\n");
    d = vk_diag_create();
    assert_null(vk_scenario_load(path, d));
    assert_int_equal(vk_diag_count(d), 3);
    assert_true(vk_test_diag_has(d, "u.scn:2: unplug needs how many seconds"));
    vk_diag_destroy(d);
    vk_test_rmdir(dir);
}

int main(void)
{
#define D(name)                                                                \
    cmocka_unit_test_setup_teardown(name, vk_test_dialog_setup,                \
                                    vk_test_dialog_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(retry_passes_through_while_up),
        cmocka_unit_test(retry_first_open_failure_is_returned),
        cmocka_unit_test(retry_backoff_and_recovery),
        cmocka_unit_test(retry_write_failure_is_a_loss_too),
        cmocka_unit_test(retry_stalled_speaker_is_reopened),
        cmocka_unit_test(retry_long_outage_logs_now_and_then),
        cmocka_unit_test(retry_destroy_while_lost_and_null),
        D(device_back_asks_the_question_again),
        D(device_back_drops_an_unheard_confirmation),
        D(device_back_says_the_crisis_contacts_in_full),
        D(device_back_after_the_end_says_nothing),
        cmocka_unit_test(device_back_prompt_is_optional),
        cmocka_unit_test(scenario_unplug_steps_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
