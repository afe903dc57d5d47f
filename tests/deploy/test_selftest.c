/* Tests for selftest, end to end with the real eSpeak NG and PocketSphinx:
 * only the sound card is a test double, a "person" who answers once the
 * kiosk has spoken and gone quiet.  Also the state folder and its mark. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"
#include "selftest.h"
#include "state.h"
#include "test_util.h"

#define RATE VK_AUDIO_RATE

/* ---- the test double: a room with one person in it ---------------------- */

typedef struct person {
    vk_audio base;
    vk_tts *tts;
    const char *const *turns; /* what to say after each prompt; NULL = end */
    int turn;
    int16_t *speech; /* what is being said now */
    size_t nspeech, pos;
    bool kiosk_spoke;    /* the speaker was loud since the last answer */
    int64_t quiet;       /* speaker samples of silence since then */
    int64_t spk_loud;    /* speaker samples that were not silent */
    int64_t frames_left; /* frames until the device is "unplugged"; <0 never */
    unsigned noise;      /* LCG state for the room's noise floor */
} person;

static vk_err person_read(vk_audio *a, int16_t *mic, size_t n)
{
    person *p = (person *)a;
    if (p->frames_left == 0)
        return VK_ERR_DEVICE;
    if (p->frames_left > 0)
        p->frames_left--;
    /* A person answers half a second after the kiosk has gone quiet. */
    if (!p->speech && p->kiosk_spoke && p->quiet >= RATE / 2 &&
        p->turns[p->turn]) {
        vk_err e = vk_tts_say(p->tts, "en-us", 160, p->turns[p->turn++],
                              &p->speech, &p->nspeech);
        assert_int_equal(e, VK_OK);
        p->pos = 0;
        p->kiosk_spoke = false;
    }
    for (size_t i = 0; i < n; i++) {
        p->noise = p->noise * 1103515245u + 12345u;
        int v = (int)((p->noise >> 16) % 33) - 16; /* about -66 dBFS */
        if (p->speech && p->pos < p->nspeech)
            v += p->speech[p->pos++];
        mic[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
    if (p->speech && p->pos >= p->nspeech) {
        free(p->speech);
        p->speech = NULL;
    }
    return VK_OK;
}

static vk_err person_write(vk_audio *a, const int16_t *spk, size_t n)
{
    person *p = (person *)a;
    for (size_t i = 0; i < n; i++) {
        if (spk[i] > 64 || spk[i] < -64) {
            p->kiosk_spoke = true;
            p->quiet = 0;
            p->spk_loud++;
        } else {
            p->quiet++;
        }
    }
    return VK_OK;
}

static void person_destroy(vk_audio *a)
{
    person *p = (person *)a;
    free(p->speech);
    free(p);
}

static const vk_audio_ops person_ops = {
    .read = person_read, .write = person_write, .destroy = person_destroy};

typedef struct world {
    vk_recognizer *rec;
    vk_tts *tts;
} world;

static int setup(void **state)
{
    world *w = vk_calloc(1, sizeof *w);
    char err[1024];
    vk_asr_opts o = {.means_path = VK_TEST_SOURCE_DIR "/acoustic/en-us/means",
                     .rivals_path =
                         VK_TEST_SOURCE_DIR "/acoustic/en-us/rivals"};
    vk_diag *diag = vk_diag_create();
    assert_int_equal(vk_recognizer_create(VK_TEST_SOURCE_DIR "/grammars", &o,
                                          diag, &w->rec, err, sizeof err),
                     VK_OK);
    vk_diag_destroy(diag);
    assert_int_equal(vk_tts_create(&w->tts, err, sizeof err), VK_OK);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    vk_recognizer_destroy(w->rec);
    vk_tts_destroy(w->tts);
    free(w);
    return 0;
}

static person *person_new(world *w, const char *const *turns)
{
    person *p = vk_calloc(1, sizeof *p);
    p->base.ops = &person_ops;
    p->tts = w->tts;
    p->turns = turns;
    p->frames_left = -1;
    p->noise = 1;
    return p;
}

static void count_tick(void *ctx, int64_t t)
{
    int64_t *ticks = ctx;
    (*ticks)++;
    assert_int_equal(t, *ticks * VK_AUDIO_FRAME);
}

/* ---- the self-test ------------------------------------------------------- */

static void says_yes(void **state)
{
    world *w = *state;
    static const char *const turns[] = {"yes", NULL};
    person *p = person_new(w, turns);
    vk_selftest_opts o;
    vk_selftest_default_opts(&o);
    int64_t ticks = 0;
    o.on_tick = count_tick;
    o.tick_ctx = &ticks;
    vk_selftest_result r;
    assert_int_equal(vk_selftest_run(w->rec, w->tts, &p->base, &o, &r), VK_OK);
    printf("yes: tries %d, heard '%s' %.2f, mic %.1f dBFS, spoke %.1f s, "
           "%.1f s\n",
           r.tries, r.meaning, r.confidence, r.mic_peak_dbfs, r.spoken_s,
           r.elapsed_s);
    assert_true(r.heard_yes);
    assert_int_equal(r.tries, 1);
    assert_string_equal(r.meaning, "yes");
    assert_true(r.confidence >= VK_ASR_CONFIRM);
    assert_true(r.mic_peak_dbfs > -40.0);
    /* The prompt and the thank-you were really played. */
    assert_true(r.spoken_s > 2.0);
    assert_true(p->spk_loud > RATE);
    /* The loop ticked once per frame, and the test ended soon after. */
    assert_int_equal(ticks * VK_AUDIO_FRAME, (int64_t)(r.elapsed_s * RATE));
    assert_true(r.elapsed_s < r.spoken_s + 7.0);
    vk_audio_destroy(&p->base);
}

static void silence_fails_after_three_tries(void **state)
{
    world *w = *state;
    static const char *const turns[] = {NULL};
    person *p = person_new(w, turns);
    vk_selftest_opts o;
    vk_selftest_default_opts(&o);
    vk_selftest_result r;
    assert_int_equal(vk_selftest_run(w->rec, w->tts, &p->base, &o, &r), VK_OK);
    printf("silence: tries %d, heard '%s', mic %.1f dBFS, %.1f s\n", r.tries,
           r.meaning, r.mic_peak_dbfs, r.elapsed_s);
    assert_false(r.heard_yes);
    assert_int_equal(r.tries, 3);
    assert_string_equal(r.meaning, "");
    assert_true(r.mic_peak_dbfs < -60.0);
    assert_true(r.elapsed_s >= 3 * o.listen_s);
    vk_audio_destroy(&p->base);
}

static void no_then_yes(void **state)
{
    world *w = *state;
    static const char *const turns[] = {"no", "yes", NULL};
    person *p = person_new(w, turns);
    vk_selftest_opts o;
    vk_selftest_default_opts(&o);
    vk_selftest_result r;
    assert_int_equal(vk_selftest_run(w->rec, w->tts, &p->base, &o, &r), VK_OK);
    printf("no, yes: tries %d, heard '%s' %.2f\n", r.tries, r.meaning,
           r.confidence);
    assert_true(r.heard_yes);
    assert_int_equal(r.tries, 2);
    vk_audio_destroy(&p->base);
}

static void device_lost(void **state)
{
    world *w = *state;
    static const char *const turns[] = {"yes", NULL};
    person *p = person_new(w, turns);
    p->frames_left = 25; /* half a second into the prompt */
    vk_selftest_opts o;
    vk_selftest_default_opts(&o);
    vk_selftest_result r;
    assert_int_equal(vk_selftest_run(w->rec, w->tts, &p->base, &o, &r),
                     VK_ERR_DEVICE);
    assert_false(r.heard_yes);
    vk_audio_destroy(&p->base);
}

/* ---- the state folder and its mark ----------------------------------------
 */

static void state_dir_and_mark(void **state)
{
    (void)state;
    char *tmp = vk_test_dir();
    char want[4096], got[4096];

    setenv("STATE_DIRECTORY", "/var/lib/a:/var/lib/b", 1);
    vk_state_dir(got, sizeof got);
    assert_string_equal(got, "/var/lib/a");
    unsetenv("STATE_DIRECTORY");
    setenv("XDG_STATE_HOME", tmp, 1);
    vk_state_dir(got, sizeof got);
    snprintf(want, sizeof want, "%s/voice-kiosk", tmp);
    assert_string_equal(got, want);
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", tmp, 1);
    vk_state_dir(got, sizeof got);
    snprintf(want, sizeof want, "%s/.local/state/voice-kiosk", tmp);
    assert_string_equal(got, want);

    /* The folder does not exist yet: remember() makes it. */
    assert_false(vk_selftest_passed_before(got));
    assert_int_equal(vk_selftest_remember(got), VK_OK);
    assert_true(vk_selftest_passed_before(got));
    struct stat st;
    assert_int_equal(stat(got, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    /* A folder that cannot be made is an error, not a crash. */
    snprintf(want, sizeof want, "%s/.local/state/voice-kiosk/selftest-passed/x",
             tmp);
    assert_int_equal(vk_selftest_remember(want), VK_ERR_IO);
    vk_test_rmdir(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(says_yes),
        cmocka_unit_test(silence_fails_after_three_tries),
        cmocka_unit_test(no_then_yes),
        cmocka_unit_test(device_lost),
        cmocka_unit_test(state_dir_and_mark),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
