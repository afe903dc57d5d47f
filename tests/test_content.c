/* Reload between sessions, end to end: a real kiosk (real eSpeak NG, real
 * recogniser, the simulated room) runs several sessions over one content
 * holder while the site files change between them.
 *   - a broken edit is refused: the old prompt is still spoken, and the
 *     problem is logged at the site file's line;
 *   - a good edit is spoken at the next session;
 *   - a reload asked for (SIGHUP's path) with no change keeps the text;
 *   - the content is looked at only when a session starts;
 *   - a reload asked for is checked at once (vk_content_check_reload, the
 *     live kiosk's tick): a broken file is reported before any session and
 *     not again, the script in use never changes there, and files that
 *     pass are taken at the next session;
 *   - a start from the last good copy of the site files (site_copy.h)
 *     gives way to the site's own once they pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio_sim.h"
#include "content.h"
#include "kiosk.h"
#include "mem.h"
#include "recognizer.h"
#include "scenario.h"
#include "test_util.h"

typedef struct world {
    char *prompts, *site, *site_lang, *tmp;
    char log_path[4096], events_path[4096], scn_path[4096];
    FILE *log, *events;
    vk_content *content;
    vk_recognizer *rec;
    vk_tts *tts;
    vk_kiosk *kiosk;
    int hook_calls;
} world;

static const vk_script *hook(void *ctx)
{
    world *w = ctx;
    w->hook_calls++;
    vk_content_refresh(w->content, w->log);
    return vk_content_script(w->content);
}

static int sim_key(void *ctx, int64_t t)
{
    return vk_audio_sim_key(ctx, t);
}

static void copy_file(const char *from, const char *dir, const char *name)
{
    size_t n;
    char *text = vk_read_file(from, 1 << 20, &n);
    assert_non_null(text);
    vk_test_write(dir, name, text);
    free(text);
}

/* Runs one session (stop at once, confirm, no repeat of the contacts) and
 * returns the text of its greeting prompt, from the events (malloc'd). */
static char *run_session(world *w)
{
    vk_diag *d = vk_diag_create();
    vk_scenario *sc = vk_scenario_load(w->scn_path, d);
    vk_diag_print(d, stderr);
    assert_non_null(sc);
    vk_diag_destroy(d);
    long start = ftell(w->events);
    vk_sim_opts so = {.tts = w->tts};
    vk_audio *room = NULL;
    char err[512];
    assert_int_equal(vk_audio_sim_create(sc, &so, &room, err, sizeof err),
                     VK_OK);
    assert_int_equal(vk_kiosk_run(w->kiosk, room, room, sim_key, room), VK_OK);
    vk_audio_destroy(room);
    vk_scenario_destroy(sc);
    fflush(w->events);
    /* The greeting prompt of this session, from the events it wrote. */
    FILE *f = fopen(w->events_path, "r");
    assert_non_null(f);
    fseek(f, start, SEEK_SET);
    char line[8192];
    char *greeting = NULL;
    bool ended = false;
    while (fgets(line, sizeof line, f)) {
        const char *key = "\"id\":\"greeting\",\"text\":\"";
        char *p = strstr(line, key);
        if (p && strstr(line, "\"type\":\"prompt\"") && !greeting) {
            p += strlen(key);
            greeting = vk_strndup(p, strcspn(p, "\""));
        }
        ended |= strstr(line, "\"type\":\"end\"") != NULL;
    }
    fclose(f);
    assert_true(ended);
    assert_non_null(greeting);
    return greeting;
}

static char *read_log(world *w)
{
    fflush(w->log);
    size_t n;
    char *t = vk_read_file(w->log_path, 1 << 20, &n);
    assert_non_null(t);
    return t;
}

/* The files of a kiosk: a copy of the shipped prompts, an empty site
 * folder, a log and an event stream. */
static void world_open(world *w)
{
    memset(w, 0, sizeof *w);
    w->tmp = vk_test_dir();
    w->prompts = vk_test_dir();
    w->site = vk_test_dir();
    w->site_lang = vk_malloc(4200);
    snprintf(w->site_lang, 4200, "%s/en-US", w->site);
    assert_int_equal(mkdir(w->site_lang, 0700), 0);
    copy_file(VK_TEST_SOURCE_DIR "/prompts/en-US/flow.ini", w->prompts,
              "flow.ini");
    copy_file(VK_TEST_SOURCE_DIR "/prompts/en-US/contacts.ini", w->prompts,
              "contacts.ini");
    vk_test_write(w->tmp, "stop.scn", "key q\nkey 1\nkey 2\n");
    snprintf(w->scn_path, sizeof w->scn_path, "%s/stop.scn", w->tmp);
    snprintf(w->log_path, sizeof w->log_path, "%s/log.txt", w->tmp);
    snprintf(w->events_path, sizeof w->events_path, "%s/events.jsonl", w->tmp);
    w->log = fopen(w->log_path, "w+");
    w->events = fopen(w->events_path, "w+");
    assert_non_null(w->log);
    assert_non_null(w->events);
}

/* The content (from copy_dir, or the site), the recogniser, the voice and
 * the kiosk. */
static void world_start(world *w, const char *copy_dir)
{
    vk_check_opts co = {
        .src = {w->prompts, w->site, "en-US"},
        .grammars_dir = VK_TEST_SOURCE_DIR "/grammars",
    };
    vk_diag *d = vk_diag_create();
    w->content = vk_content_create(&co, copy_dir, d);
    vk_diag_print(d, stderr);
    assert_non_null(w->content);
    vk_diag_destroy(d);
    d = vk_diag_create();
    char err[1024];
    assert_int_equal(vk_recognizer_create(co.grammars_dir, NULL, d, &w->rec,
                                          err, sizeof err),
                     VK_OK);
    vk_diag_destroy(d);
    assert_int_equal(vk_tts_create(&w->tts, err, sizeof err), VK_OK);
    vk_kiosk_opts ko;
    vk_kiosk_default_opts(&ko);
    ko.simulate = true;
    ko.events = w->events;
    ko.max_seconds = 600;
    ko.next_script = hook;
    ko.next_script_ctx = w;
    w->kiosk =
        vk_kiosk_create(vk_content_script(w->content), w->rec, w->tts, &ko);
}

static void world_close(world *w)
{
    vk_kiosk_destroy(w->kiosk);
    vk_tts_destroy(w->tts);
    vk_recognizer_destroy(w->rec);
    vk_content_destroy(w->content);
    fclose(w->log);
    fclose(w->events);
    vk_test_rmdir(w->site_lang);
    vk_test_rmdir(w->site);
    vk_test_rmdir(w->prompts);
    vk_test_rmdir(w->tmp);
}

static void reload_between_sessions(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    world_start(&w, NULL);

    /* 1: the shipped greeting. */
    char *g = run_session(&w);
    assert_non_null(strstr(g, "Hello."));
    free(g);
    assert_null(vk_content_state(w.content));

    /* 2: a broken site edit (an SSML tag left open) is refused. */
    vk_test_write(w.site_lang, "flow.ini",
                  "; site\n[greeting]\ntext = <emphasis>Welcome, friend.\n");
    g = run_session(&w);
    assert_non_null(strstr(g, "Hello."));
    assert_null(strstr(g, "Welcome"));
    free(g);
    assert_int_equal(vk_content_refused(w.content), 1);
    assert_non_null(strstr(vk_content_state(w.content),
                           "refused and the last good version runs"));
    char *log = read_log(&w);
    char want[4400];
    snprintf(want, sizeof want,
             "%s/flow.ini:3: 'text': <emphasis> is never "
             "closed",
             w.site_lang);
    if (!strstr(log, want))
        fprintf(stderr, "log:\n%s\nwanted: %s\n", log, want);
    assert_non_null(strstr(log, want));
    assert_non_null(strstr(log, "the last good version keeps running"));
    free(log);

    /* 3: the fixed edit is spoken at the next session. */
    vk_test_write(w.site_lang, "flow.ini",
                  "; site\n[greeting]\ntext = <emphasis>Welcome</emphasis>, "
                  "friend. Nothing is recorded.\n");
    g = run_session(&w);
    assert_string_equal(g, "Welcome, friend. Nothing is recorded.");
    free(g);
    assert_int_equal(vk_content_refused(w.content), 1);
    assert_null(vk_content_state(w.content));

    /* 4: a reload asked for with nothing changed keeps the same words. */
    const vk_script *before = vk_content_script(w.content);
    vk_content_request_reload();
    g = run_session(&w);
    assert_string_equal(g, "Welcome, friend. Nothing is recorded.");
    free(g);
    assert_ptr_not_equal(vk_content_script(w.content), before);
    log = read_log(&w);
    assert_non_null(strstr(log, "prompts reloaded (asked to)"));
    free(log);

    /* 5: the site file removed: back to the shipped greeting. */
    char path[4400];
    snprintf(path, sizeof path, "%s/flow.ini", w.site_lang);
    unlink(path);
    g = run_session(&w);
    assert_non_null(strstr(g, "Hello."));
    free(g);

    /* 6: a changed settings.ini is checked, and staff are told it takes
     * effect at the next restart (once, not at every session). */
    vk_test_write(w.site, "settings.ini", "[timing]\nno_answer = 12\n");
    g = run_session(&w);
    free(g);
    g = run_session(&w);
    free(g);
    log = read_log(&w);
    const char *told = "settings.ini changed: it passed the check, and takes "
                       "effect when the kiosk restarts";
    const char *at = strstr(log, told);
    assert_non_null(at);
    assert_null(strstr(at + 1, told));
    free(log);

    /* Looked at once per session, never during one. */
    assert_int_equal(w.hook_calls, 7);

    world_close(&w);
}

/* A start with broken site files, from the last good copy of them: the
 * copy's greeting is spoken, a reload of the still broken files is
 * refused, and once they are fixed they replace the copy's script (and
 * the log says so, with the settings note: the copy's settings.ini was in
 * use). */
static void start_from_copy(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    char *copy = vk_test_dir();
    char copy_lang[4200];
    snprintf(copy_lang, sizeof copy_lang, "%s/en-US", copy);
    assert_int_equal(mkdir(copy_lang, 0700), 0);
    vk_test_write(copy_lang, "flow.ini",
                  "[greeting]\ntext = Welcome back. Nothing is recorded.\n");
    vk_test_write(w.site_lang, "flow.ini",
                  "[greeting]\ntext = <emphasis>Broken.\n");
    vk_test_write(w.site, "settings.ini", "[timing]\nno_answer = 12\n");
    world_start(&w, copy);
    assert_true(vk_content_from_copy(w.content));
    assert_non_null(
        strstr(vk_content_state(w.content), "started from the last good copy"));

    char *g = run_session(&w);
    assert_string_equal(g, "Welcome back. Nothing is recorded.");
    free(g);
    vk_content_request_reload();
    g = run_session(&w);
    assert_string_equal(g, "Welcome back. Nothing is recorded.");
    free(g);
    assert_int_equal(vk_content_refused(w.content), 1);
    assert_true(vk_content_from_copy(w.content));
    assert_non_null(strstr(vk_content_state(w.content),
                           "the changed files still have problems"));

    vk_test_write(w.site_lang, "flow.ini",
                  "[greeting]\ntext = Fixed. Nothing is recorded.\n");
    g = run_session(&w);
    assert_string_equal(g, "Fixed. Nothing is recorded.");
    free(g);
    assert_false(vk_content_from_copy(w.content));
    assert_non_null(
        strstr(vk_content_state(w.content), "the fixed site files are in use"));
    char *log = read_log(&w);
    assert_non_null(strstr(log, "used instead of the last good copy"));
    assert_non_null(strstr(log, "settings.ini changed"));
    free(log);

    vk_test_rmdir(vk_strdup(copy_lang));
    vk_test_rmdir(copy);
    world_close(&w);
}

static void check_reload_at_once(void **state)
{
    (void)state;
    world w;
    world_open(&w);
    world_start(&w, NULL);
    const vk_script *first = vk_content_script(w.content);

    /* Nothing asked for: nothing checked. */
    assert_false(vk_content_reload_asked());
    assert_false(vk_content_check_reload(w.content, w.log));

    /* A broken edit, then a reload: reported now, before any session. */
    vk_test_write(w.site_lang, "flow.ini",
                  "; site\n[greeting]\ntext = <emphasis>Welcome, friend.\n");
    vk_content_request_reload();
    assert_true(vk_content_reload_asked());
    assert_true(vk_content_check_reload(w.content, w.log));
    assert_false(vk_content_reload_asked());
    assert_ptr_equal(vk_content_script(w.content), first);
    assert_int_equal(vk_content_refused(w.content), 1);
    assert_non_null(strstr(vk_content_state(w.content),
                           "refused and the last good version runs"));
    char *log = read_log(&w);
    char want[4400];
    snprintf(want, sizeof want, "%s/flow.ini:3: ", w.site_lang);
    assert_non_null(strstr(log, want));
    size_t logged = strlen(log);
    free(log);

    /* The session after it keeps the last good words and says nothing
     * more about the same files. */
    char *g = run_session(&w);
    assert_non_null(strstr(g, "Hello."));
    free(g);
    assert_int_equal(vk_content_refused(w.content), 1);
    log = read_log(&w);
    assert_int_equal(strlen(log), logged);
    free(log);

    /* Fixed, and a reload: it passes, but is put in use only at the next
     * session, without a second check's messages. */
    vk_test_write(w.site_lang, "flow.ini",
                  "; site\n[greeting]\ntext = Welcome, friend. Nothing is "
                  "recorded.\n");
    vk_content_request_reload();
    assert_true(vk_content_check_reload(w.content, w.log));
    assert_ptr_equal(vk_content_script(w.content), first);
    assert_null(vk_content_state(w.content));
    log = read_log(&w);
    assert_non_null(strstr(log, "used from the next session"));
    free(log);
    g = run_session(&w);
    assert_string_equal(g, "Welcome, friend. Nothing is recorded.");
    free(g);
    assert_int_equal(vk_content_refused(w.content), 1);
    log = read_log(&w);
    assert_non_null(strstr(log, "prompts reloaded (asked to)"));
    free(log);

    /* Passed, then broken again before a session: checked again then,
     * and refused. */
    vk_content_request_reload();
    vk_test_write(w.site_lang, "flow.ini",
                  "; site\n[greeting]\ntext = Hi. Nothing is recorded.\n");
    assert_true(vk_content_check_reload(w.content, w.log));
    vk_test_write(w.site_lang, "flow.ini",
                  "; site\n[greeting]\n\ntext = <emphasis>Hi, again.\n");
    g = run_session(&w);
    assert_string_equal(g, "Welcome, friend. Nothing is recorded.");
    free(g);
    assert_int_equal(vk_content_refused(w.content), 2);
    log = read_log(&w);
    snprintf(want, sizeof want, "%s/flow.ini:4: ", w.site_lang);
    assert_non_null(strstr(log, want));
    free(log);

    world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reload_between_sessions),
        cmocka_unit_test(start_from_copy),
        cmocka_unit_test(check_reload_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
