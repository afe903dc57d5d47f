/*
 * soak: many simulated sessions in one process, to show the kiosk can run
 * for months.  A kiosk in a clinic is one process that serves person after
 * person, so this builds the script, recogniser, synthesiser and one
 * vk_kiosk once, then runs session after session through vk_kiosk_run() on
 * the simulated room (the real PocketSphinx and eSpeak NG; only the sound
 * card is simulated), cycling through the scenario files given.
 *
 * It prints a table of memory (peak and current RSS), open file
 * descriptors and speed at checkpoints, and how the sessions ended.  With
 * --check it is a test: it fails if any descriptor was leaked, if peak RSS
 * grew more than --max-growth-kb after the first round of scenarios, or if
 * a session did not end normally.
 *
 *   soak [--sessions N] [--check] [--max-growth-kb K] [--prompts DIR]
 *        [--grammars DIR] [--events FILE] SCENARIO...
 *
 * --events keeps a copy of the whole event stream (for looking into a run;
 * it grows with the sessions, so not for the benchmark itself).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio_sim.h"
#include "commands.h"
#include "diag.h"
#include "events.h"
#include "kiosk.h"
#include "recognizer.h"
#include "scenario.h"
#include "script.h"
#include "tts.h"

#define MAX_SCENARIOS 64

/* ---- measurements ------------------------------------------------------- */

/* A field of /proc/self/status in kB (VmHWM = peak RSS, VmRSS = now). */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n - 1; /* the one opendir() holds */
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the event stream: counted, never stored ------------------------------
 */

/* Sessions must really end, and end the way they should: the event stream
 * goes through a counting FILE, so nothing accumulates in memory or on
 * disk however many sessions run. */
typedef struct tally {
    long completed, stopped, timeout, other_end, answers;
    FILE *copy; /* --events FILE: also written there, to look into a run */
} tally;

static ssize_t tally_write(void *cookie, const char *buf, size_t size)
{
    tally *t = cookie;
    if (t->copy)
        fwrite(buf, 1, size, t->copy);
    /* Each event is one line, flushed whole (events.c flushes per line). */
    const char *p = buf, *end = buf + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (memmem(p, len, "\"type\":\"end\"", 12)) {
            if (memmem(p, len, "\"reason\":\"completed\"", 20))
                t->completed++;
            else if (memmem(p, len, "\"reason\":\"stopped\"", 18))
                t->stopped++;
            else if (memmem(p, len, "\"reason\":\"timeout\"", 18))
                t->timeout++;
            else
                t->other_end++;
        } else if (memmem(p, len, "\"type\":\"answer\"", 15)) {
            t->answers++;
        }
        p += len + 1;
    }
    return (ssize_t)size;
}

static int sim_key(void *ctx, int64_t t)
{
    return vk_audio_sim_key(ctx, t);
}

/* ---- main ---------------------------------------------------------------- */

typedef struct checkpoint {
    int sessions;
    long hwm_kb, rss_kb;
    int fds;
    double rate;
} checkpoint;

static void take(checkpoint *c, int sessions, double t0)
{
    c->sessions = sessions;
    c->hwm_kb = status_kb("VmHWM");
    c->rss_kb = status_kb("VmRSS");
    c->fds = open_fds();
    double dt = now_s() - t0;
    c->rate = sessions > 0 && dt > 0 ? sessions / dt : 0;
}

int main(int argc, char **argv)
{
    vk_cli cli;
    vk_cli_defaults(&cli);
    int sessions = 1000;
    bool check = false;
    const char *events_path = NULL;
    long max_growth_kb = 1024;
    const char *paths[MAX_SCENARIOS];
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sessions") == 0 && i + 1 < argc)
            sessions = atoi(argv[++i]);
        else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
            events_path = argv[++i];
        else if (strcmp(argv[i], "--check") == 0)
            check = true;
        else if (strcmp(argv[i], "--max-growth-kb") == 0 && i + 1 < argc)
            max_growth_kb = atol(argv[++i]);
        else if (strcmp(argv[i], "--prompts") == 0 && i + 1 < argc)
            cli.prompts_dir = argv[++i];
        else if (strcmp(argv[i], "--grammars") == 0 && i + 1 < argc)
            cli.grammars_dir = argv[++i];
        else if (argv[i][0] != '-' && npaths < MAX_SCENARIOS)
            paths[npaths++] = argv[i];
        else {
            fprintf(stderr, "usage: soak [--sessions N] [--check] "
                            "[--max-growth-kb K] SCENARIO...\n");
            return 2;
        }
    }
    if (npaths == 0 || sessions < 1) {
        fprintf(stderr, "soak: give at least one scenario file\n");
        return 2;
    }

    double t_start = now_s();
    checkpoint before;
    take(&before, 0, t_start);

    /* Everything a kiosk keeps for its whole life, built once. */
    vk_diag *diag = vk_diag_create();
    vk_scenario *sc[MAX_SCENARIOS];
    int nsc = 0;
    for (int i = 0; i < npaths; i++) {
        vk_scenario *s = vk_scenario_load(paths[i], diag);
        if (s)
            sc[nsc++] = s;
        else
            fprintf(stderr, "soak: skipping %s (cannot be loaded)\n", paths[i]);
    }
    vk_script *script = vk_script_load(cli.prompts_dir, diag);
    vk_recognizer *rec = NULL;
    vk_tts *tts = NULL;
    char err[1024] = "";
    vk_asr_opts ao = {.means_path = cli.means_path,
                      .rivals_path = cli.rivals_path};
    int status = 0;
    if (!script || nsc == 0 ||
        vk_recognizer_create(cli.grammars_dir, &ao, diag, &rec, err,
                             sizeof err) != VK_OK ||
        vk_tts_create(&tts, err, sizeof err) != VK_OK) {
        vk_diag_print(diag, stderr);
        fprintf(stderr, "soak: cannot set up: %s\n", err);
        status = 2;
        goto done;
    }

    tally tl = {0};
    if (events_path && !(tl.copy = fopen(events_path, "w"))) {
        fprintf(stderr, "soak: cannot write %s\n", events_path);
        status = 2;
        goto done;
    }
    cookie_io_functions_t io = {.write = tally_write};
    FILE *events = fopencookie(&tl, "w", io);
    setvbuf(events, NULL, _IOFBF, 1 << 16);
    vk_kiosk_opts ko;
    vk_kiosk_default_opts(&ko);
    ko.simulate = true;
    ko.events = events;
    ko.max_seconds = 3600.0;
    vk_kiosk *k = vk_kiosk_create(script, rec, tts, &ko);
    vk_events *room_ev = vk_events_create(events, true);

    checkpoint loaded, warm = {0}, at100 = {0}, last;
    take(&loaded, 0, t_start);
    double t0 = now_s();
    long failed = 0;
    for (int i = 0; i < sessions; i++) {
        vk_sim_opts so = {.tts = tts, .events = room_ev};
        vk_audio *room = NULL;
        if (vk_audio_sim_create(sc[i % nsc], &so, &room, err, sizeof err) !=
            VK_OK) {
            fprintf(stderr, "soak: %s\n", err);
            failed++;
            continue;
        }
        if (vk_kiosk_run(k, room, room, sim_key, room) != VK_OK)
            failed++;
        vk_audio_destroy(room);
        int done = i + 1;
        if (done == nsc)
            take(&warm, done, t0);
        if (done == 100)
            take(&at100, done, t0);
        if (done % 100 == 0) {
            fprintf(stderr, "soak: %d sessions, peak RSS %.1f MB\n", done,
                    (double)status_kb("VmHWM") / 1024.0);
        }
    }
    take(&last, sessions, t0);
    fflush(events);
    if (warm.sessions == 0)
        warm = last;

    printf("| point | sessions | peak RSS MB | RSS MB | open fds | sessions/s "
           "|\n");
    printf("|---|---|---|---|---|---|\n");
    checkpoint rows[] = {before, loaded, warm, at100, last};
    const char *labels[] = {"before loading", "loaded (start)",
                            "after one round", "after 100", "at the end"};
    for (int r = 0; r < 5; r++) {
        if (r == 3 && at100.sessions == 0)
            continue;
        const checkpoint *c = &rows[r];
        printf("| %s | %d | %.1f | %.1f | %d | ", labels[r], c->sessions,
               (double)c->hwm_kb / 1024.0, (double)c->rss_kb / 1024.0, c->fds);
        if (c->rate > 0)
            printf("%.2f |\n", c->rate);
        else
            printf("- |\n");
    }
    long growth = last.hwm_kb - warm.hwm_kb;
    long growth100 = at100.sessions ? last.hwm_kb - at100.hwm_kb : 0;
    int fd_growth = last.fds - loaded.fds;
    printf("\nscenarios: %d (", nsc);
    for (int i = 0; i < nsc; i++) {
        const char *b = strrchr(sc[i]->path, '/');
        printf("%s%s", i ? ", " : "", b ? b + 1 : sc[i]->path);
    }
    printf(")\n");
    printf("sessions ended: %ld completed, %ld stopped, %ld timeout, %ld "
           "other, %ld failed; %ld answers\n",
           tl.completed, tl.stopped, tl.timeout, tl.other_end, failed,
           tl.answers);
    printf("peak RSS growth after one round: %.2f MB (goal <= %.2f MB)",
           (double)growth / 1024.0, (double)max_growth_kb / 1024.0);
    if (at100.sessions)
        printf("; after 100: %.2f MB", (double)growth100 / 1024.0);
    printf("\nopen fds: %d after loading, %d at the end (growth %d, goal 0)\n",
           loaded.fds, last.fds, fd_growth);
    printf("wall time: %.1f s, %.2f sessions/s\n", now_s() - t0, last.rate);

    long ended = tl.completed + tl.stopped + tl.timeout;
    if (check) {
        if (fd_growth != 0) {
            printf("FAIL: %d file descriptors leaked\n", fd_growth);
            status = 1;
        }
        if (growth > max_growth_kb) {
            printf("FAIL: peak RSS grew %ld kB (limit %ld kB)\n", growth,
                   max_growth_kb);
            status = 1;
        }
        if (failed || tl.other_end || ended != sessions) {
            printf("FAIL: %ld of %d sessions ended normally (%ld failed)\n",
                   ended, sessions, failed);
            status = 1;
        }
        if (status == 0)
            printf("ok: %d sessions, no fd growth, RSS growth within limit\n",
                   sessions);
    }
    vk_events_destroy(room_ev);
    vk_kiosk_destroy(k);
    fclose(events);
    if (tl.copy)
        fclose(tl.copy);
done:
    vk_tts_destroy(tts);
    vk_recognizer_destroy(rec);
    vk_script_destroy(script);
    for (int i = 0; i < nsc; i++)
        vk_scenario_destroy(sc[i]);
    vk_diag_destroy(diag);
    return status;
}
