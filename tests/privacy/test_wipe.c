/*
 * Privacy, unit level: the answers are wiped with explicit_bzero() when a
 * session ends, however it ends (completed, or the person walked away and
 * the inactivity timeout fired), and when a session object is destroyed.
 *
 * The test is linked with -Wl,--wrap=explicit_bzero, so every wipe the
 * kiosk's code makes passes through __wrap_explicit_bzero below, which
 * notes the buffer and how many of its bytes were set just before.  After a
 * whole simulated session (the real recogniser and synthesiser; only the
 * sound card is simulated), the buffer that held the answers must have
 * been wiped while it held them, and must read all zero now.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audio_sim.h"
#include "commands.h"
#include "diag.h"
#include "events.h"
#include "kiosk.h"
#include "recognizer.h"
#include "scenario.h"
#include "script.h"
#include "session.h"
#include "tts.h"

#ifndef VK_TEST_SOURCE_DIR
#define VK_TEST_SOURCE_DIR "."
#endif

/* ---- the wrap ------------------------------------------------------------ */

void __real_explicit_bzero(void *p, size_t n);

static struct {
    int calls;
    unsigned char *last;   /* the last buffer the size of the answers */
    size_t set_before;     /* its non-zero bytes just before that wipe */
    size_t max_set_before; /* the most seen in any such wipe */
} wipes;

/* Wipes of buffers the size of half a second of audio or more: the
 * recogniser's copies of a person's voice.  The second decoding pass wipes
 * from its own thread, hence the lock. */
#define AUDIO_WIPE_BYTES 16000
static pthread_mutex_t audio_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    int calls;
    size_t max_set_before; /* most non-zero bytes in one such wipe */
} audio_wipes;

/* Other wipes, of text: the last sentence said, kept for "repeat that"
 * (it may be "You answered yes."), is wiped with the answers.  The text
 * of each such wipe is kept (the last few). */
#define TEXT_WIPES 16
static char text_wipes[TEXT_WIPES][512];
static int ntext_wipes;

void __wrap_explicit_bzero(void *p, size_t n);
void __wrap_explicit_bzero(void *p, size_t n)
{
    if (n > 0 && n < 512 && n != VK_SIGNS + 1) {
        pthread_mutex_lock(&audio_mu);
        char *t = text_wipes[ntext_wipes++ % TEXT_WIPES];
        memcpy(t, p, n);
        t[n] = '\0';
        pthread_mutex_unlock(&audio_mu);
    }
    if (n >= AUDIO_WIPE_BYTES) {
        size_t set = 0;
        for (size_t i = 0; i < n; i++)
            set += ((unsigned char *)p)[i] != 0;
        pthread_mutex_lock(&audio_mu);
        audio_wipes.calls++;
        if (set > audio_wipes.max_set_before)
            audio_wipes.max_set_before = set;
        pthread_mutex_unlock(&audio_mu);
    }
    if (n == VK_SIGNS + 1) {
        size_t set = 0;
        for (size_t i = 0; i < n; i++)
            set += ((unsigned char *)p)[i] != 0;
        wipes.calls++;
        wipes.last = p;
        wipes.set_before = set;
        if (set > wipes.max_set_before)
            wipes.max_set_before = set;
    }
    __real_explicit_bzero(p, n);
}

static void reset_wipes(void)
{
    memset(&wipes, 0, sizeof wipes);
    pthread_mutex_lock(&audio_mu);
    memset(&audio_wipes, 0, sizeof audio_wipes);
    ntext_wipes = 0;
    memset(text_wipes, 0, sizeof text_wipes);
    pthread_mutex_unlock(&audio_mu);
}

static size_t set_bytes(const unsigned char *p)
{
    size_t set = 0;
    for (size_t i = 0; i < VK_SIGNS + 1; i++)
        set += p[i] != 0;
    return set;
}

/* ---- session ------------------------------------------------------------- */

static void wipe_overwrites_the_answers(void **state)
{
    (void)state;
    reset_wipes();
    vk_session *s = vk_session_create();
    vk_session_set(s, 1, VK_ANSWER_YES);
    vk_session_set(s, 3, VK_ANSWER_UNSURE);
    vk_session_set(s, 12, VK_ANSWER_NO);
    vk_session_wipe(s);
    assert_int_equal(wipes.calls, 1);
    assert_int_equal(wipes.set_before, 3);
    assert_int_equal(set_bytes(wipes.last), 0);
    assert_int_equal(vk_session_count(s, VK_ANSWER_NONE), VK_SIGNS);
    vk_session_destroy(s);
}

static void destroy_wipes_before_freeing(void **state)
{
    (void)state;
    reset_wipes();
    vk_session *s = vk_session_create();
    vk_session_set(s, 2, VK_ANSWER_NO);
    vk_session_set(s, 4, VK_ANSWER_YES);
    vk_session_destroy(s);
    assert_int_equal(wipes.calls, 1);
    assert_int_equal(wipes.set_before, 2);
}

/* ---- whole sessions through the kiosk --------------------------------- */

typedef struct parts {
    vk_script *script;
    vk_recognizer *rec;
    vk_tts *tts;
} parts;

static int setup(void **state)
{
    vk_cli cli;
    vk_cli_defaults(&cli);
    parts *p = calloc(1, sizeof *p);
    vk_diag *diag = vk_diag_create();
    char err[1024] = "";
    vk_asr_opts ao = {.means_path = cli.means_path,
                      .rivals_path = cli.rivals_path};
    p->script = vk_script_load(cli.prompts_dir, diag);
    if (!p->script ||
        vk_recognizer_create(cli.grammars_dir, &ao, diag, &p->rec, err,
                             sizeof err) != VK_OK ||
        vk_tts_create(&p->tts, err, sizeof err) != VK_OK) {
        vk_diag_print(diag, stderr);
        fprintf(stderr, "set-up failed: %s\n", err);
        vk_diag_destroy(diag);
        return -1;
    }
    vk_diag_destroy(diag);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    parts *p = *state;
    vk_tts_destroy(p->tts);
    vk_recognizer_destroy(p->rec);
    vk_script_destroy(p->script);
    free(p);
    return 0;
}

static int sim_key(void *ctx, int64_t t)
{
    return vk_audio_sim_key(ctx, t);
}

/* Runs one simulated session of tests/<rel> and checks its wipe; `end` is
 * the end reason the events must show. */
static void session_is_wiped(parts *p, const char *rel, double inactivity_s,
                             const char *end)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/%s", VK_TEST_SOURCE_DIR, rel);
    vk_diag *diag = vk_diag_create();
    vk_scenario *sc = vk_scenario_load(path, diag);
    vk_diag_print(diag, stderr);
    vk_diag_destroy(diag);
    assert_non_null(sc);

    char *buf = NULL;
    size_t len = 0;
    FILE *events = open_memstream(&buf, &len);
    vk_kiosk_opts ko;
    vk_kiosk_default_opts(&ko);
    ko.simulate = true;
    ko.events = events;
    ko.settings.inactivity_s = inactivity_s;
    if (ko.settings.warn_s >= inactivity_s)
        ko.settings.warn_s = inactivity_s / 3.0;
    ko.max_seconds = 3600.0;
    vk_kiosk *k = vk_kiosk_create(p->script, p->rec, p->tts, &ko);
    vk_events *room_ev = vk_events_create(NULL, true);
    vk_sim_opts so = {.tts = p->tts, .events = room_ev};
    vk_audio *room = NULL;
    char err[512];
    assert_int_equal(vk_audio_sim_create(sc, &so, &room, err, sizeof err),
                     VK_OK);

    reset_wipes();
    assert_int_equal(vk_kiosk_run(k, room, room, sim_key, room), VK_OK);
    fflush(events);
    char want[64];
    snprintf(want, sizeof want, "\"type\":\"end\",\"reason\":\"%s\"", end);
    if (!strstr(buf, want))
        fprintf(stderr, "events:\n%s\n", buf);
    assert_non_null(strstr(buf, want));
    assert_non_null(strstr(buf, "\"type\":\"answer\""));
    /* The wipe happened while the answers were there ... */
    assert_true(wipes.calls >= 1);
    assert_true(wipes.max_set_before >= 3);
    /* ... and what is left of them (the kiosk still holds the buffer) is
     * zero. */
    assert_non_null(wipes.last);
    assert_int_equal(set_bytes(wipes.last), 0);
    /* So is the last sentence said: the last caption's text. */
    const char *cap = NULL, *at = buf;
    while ((at = strstr(at, "\"type\":\"caption\",\"text\":\"")))
        cap = at += strlen("\"type\":\"caption\",\"text\":\"");
    assert_non_null(cap);
    char last[512];
    size_t n = strcspn(cap, "\"");
    assert_true(n > 0 && n < sizeof last);
    memcpy(last, cap, n);
    last[n] = '\0';
    bool wiped = false;
    pthread_mutex_lock(&audio_mu);
    for (int i = 0; i < TEXT_WIPES; i++)
        wiped |= strcmp(text_wipes[i], last) == 0;
    pthread_mutex_unlock(&audio_mu);
    if (!wiped)
        fprintf(stderr, "the last sentence, \"%s\", was not wiped\n", last);
    assert_true(wiped);

    vk_audio_destroy(room);
    vk_events_destroy(room_ev);
    vk_kiosk_destroy(k);
    fclose(events);
    free(buf);
    vk_scenario_destroy(sc);
}

/* Spoken answers: the recogniser wipes the audio of each utterance once it
 * has been decoded (src/asr.c, forget_audio), so a person's voice is not
 * left in memory; at least one wipe a spoken answer, each of a buffer that
 * held the voice (well over half a second of non-zero samples in the
 * largest). */
static void spoken_session_wipes_the_voice(void **state)
{
    session_is_wiped(*state, "scenarios/all_yes.scn", 60.0, "completed");
    pthread_mutex_lock(&audio_mu);
    int calls = audio_wipes.calls;
    size_t most = audio_wipes.max_set_before;
    pthread_mutex_unlock(&audio_mu);
    fprintf(stderr, "audio wipes: %d, most non-zero bytes in one: %zu\n", calls,
            most);
    assert_true(calls >= 12);
    assert_true(most >= AUDIO_WIPE_BYTES);
}

static void timeout_wipes(void **state)
{
    /* Three answers by key, then the person walks away. */
    session_is_wiped(*state, "privacy/walk_away.scn", 30.0, "timeout");
}

static void completed_session_wipes(void **state)
{
    session_is_wiped(*state, "scenarios/keys_only.scn", 60.0, "completed");
}

static void stopped_session_wipes(void **state)
{
    session_is_wiped(*state, "scenarios/stop.scn", 60.0, "stopped");
}

int main(void)
{
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(wipe_overwrites_the_answers),
        cmocka_unit_test(destroy_wipes_before_freeing),
    };
    const struct CMUnitTest kiosk[] = {
        cmocka_unit_test(timeout_wipes),
        cmocka_unit_test(completed_session_wipes),
        cmocka_unit_test(stopped_session_wipes),
        cmocka_unit_test(spoken_session_wipes_the_voice),
    };
    int failed = cmocka_run_group_tests(unit, NULL, NULL);
    failed += cmocka_run_group_tests(kiosk, setup, teardown);
    return failed;
}
