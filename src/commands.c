/*
 * commands: the bodies of the commands.  Set-up is shared: every command
 * that hears loads the same grammars into the same recogniser, so `check`,
 * `recognize`, `simulate` and the live kiosk agree.
 */
#define _POSIX_C_SOURCE 200809L
#include "commands.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "audio_pa.h"
#include "audio_sim.h"
#include "diag.h"
#include "grammar.h"
#include "keys_term.h"
#include "mem.h"
#include "kiosk.h"
#include "recognizer.h"
#include "scenario.h"
#include "script.h"
#include "tts.h"
#include "wav.h"

#ifndef VK_SOURCE_DIR
#define VK_SOURCE_DIR "."
#endif
#ifndef VK_DATA_DIR
#define VK_DATA_DIR "/usr/share/voice-kiosk"
#endif

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A build tree uses its own sources' files; an installed one, the shared
 * data folder. */
static void data_path(const char *rel, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", VK_SOURCE_DIR, rel);
    if (!is_dir(out))
        snprintf(out, len, "%s/%s", VK_DATA_DIR, rel);
}

void vk_cli_defaults(vk_cli *c)
{
    memset(c, 0, sizeof *c);
    data_path("prompts/en-US", c->default_prompts, sizeof c->default_prompts);
    data_path("grammars", c->default_grammars, sizeof c->default_grammars);
    c->prompts_dir = c->default_prompts;
    c->grammars_dir = c->default_grammars;
    c->context = "answer";
    c->noinput_s = 7.0;
    c->inactivity_s = 60.0;
    c->rate_wpm = VK_TTS_DEFAULT_RATE;
    c->echo_cancel = true;
}

/* ---- shared set-up -------------------------------------------------------- */

typedef struct parts {
    vk_script *script;
    vk_recognizer *rec;
    vk_tts *tts;
} parts;

static void parts_free(parts *p)
{
    vk_recognizer_destroy(p->rec);
    vk_tts_destroy(p->tts);
    vk_script_destroy(p->script);
}

static int load_recognizer(const vk_cli *c, vk_recognizer **rec)
{
    vk_diag *diag = vk_diag_create();
    char err[1024] = "";
    vk_asr_opts o = {.end_silence_ms = c->end_silence_ms};
    vk_err e = vk_recognizer_create(c->grammars_dir, &o, diag, rec, err,
                                    sizeof err);
    int status = VK_EXIT_OK;
    if (e != VK_OK) {
        vk_diag_print(diag, stderr);
        fprintf(stderr, "voice-kiosk: %s\n", err);
        status = e == VK_ERR_MODEL ? VK_EXIT_MISSING : VK_EXIT_BAD_INPUT;
    }
    vk_diag_destroy(diag);
    return status;
}

/* Loads what a talking kiosk needs; prints the problems and returns an exit
 * status if something is wrong. */
static int load_parts(const vk_cli *c, parts *p)
{
    memset(p, 0, sizeof *p);
    vk_diag *diag = vk_diag_create();
    p->script = vk_script_load(c->prompts_dir, diag);
    if (!p->script) {
        vk_diag_print(diag, stderr);
        fprintf(stderr, "voice-kiosk: the prompts have problems; "
                "see `voice-kiosk check`\n");
        vk_diag_destroy(diag);
        return VK_EXIT_BAD_INPUT;
    }
    vk_diag_destroy(diag);
    int st = load_recognizer(c, &p->rec);
    if (st != VK_EXIT_OK) {
        parts_free(p);
        return st;
    }
    char err[512];
    if (vk_tts_create(&p->tts, err, sizeof err) != VK_OK) {
        fprintf(stderr, "voice-kiosk: %s\n", err);
        parts_free(p);
        return VK_EXIT_MISSING;
    }
    return VK_EXIT_OK;
}

static void kiosk_opts(const vk_cli *c, vk_kiosk_opts *o)
{
    vk_kiosk_default_opts(o);
    o->noinput_s = c->noinput_s;
    o->inactivity_s = c->inactivity_s;
    o->rate_wpm = c->rate_wpm;
    o->barge_in = c->barge_in;
    o->echo_cancel = c->echo_cancel;
    o->captions = c->quiet ? NULL : stdout;
}

/* ---- check ---------------------------------------------------------------- */

int vk_cmd_check(const vk_cli *c)
{
    vk_diag *diag = vk_diag_create();
    vk_script *s = vk_script_load(c->prompts_dir, diag);
    /* Every grammar the flow uses must load, and a question needs answers. */
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++) {
        vk_grammar *g = vk_grammar_load(c->grammars_dir,
                                        vk_recognizer_contexts[i], diag);
        if (g && strcmp(vk_recognizer_contexts[i], "answer") == 0) {
            static const char *const need[] = {"yes", "no", "unsure", "help",
                                               "repeat", "back", "skip", "stop"};
            for (size_t k = 0; k < sizeof need / sizeof need[0]; k++)
                if (!vk_grammar_has_tag(g, need[k]))
                    vk_diag_add(diag, c->grammars_dir, 0,
                                "answer.gram has no phrase meaning {%s}: a "
                                "question could not be answered that way",
                                need[k]);
        }
        if (g && s && strcmp(vk_recognizer_contexts[i], "menu") == 0) {
            for (int k = 0; k < vk_script_step_count(s); k++) {
                const vk_step *st = vk_script_step_at(s, k);
                for (int o = 0; o < st->noptions; o++)
                    if (!vk_grammar_has_tag(g, st->options[o].topic)) {
                        const char *file;
                        int line = vk_script_step_line(s, st->id, &file);
                        vk_diag_add(diag, file, line,
                                    "menu option '%s' has no phrase in "
                                    "menu.gram meaning {%s}",
                                    st->options[o].topic, st->options[o].topic);
                    }
            }
        }
        vk_grammar_destroy(g);
    }
    vk_script_destroy(s);
    int n = vk_diag_count(diag);
    vk_diag_print(diag, stdout);
    if (n == 0)
        printf("ok: %s and %s have no problems\n", c->prompts_dir,
               c->grammars_dir);
    else
        printf("%d problem%s found\n", n, n == 1 ? "" : "s");
    vk_diag_destroy(diag);
    return n == 0 ? VK_EXIT_OK : VK_EXIT_BAD_INPUT;
}

/* ---- recognize ------------------------------------------------------------ */

int vk_cmd_recognize(const vk_cli *c)
{
    bool known = false;
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++)
        known |= strcmp(vk_recognizer_contexts[i], c->context) == 0;
    if (!known) {
        fprintf(stderr, "voice-kiosk: unknown context '%s' (answer, command "
                "or menu)\n", c->context);
        return VK_EXIT_BAD_INPUT;
    }
    if (c->nfiles == 0) {
        fprintf(stderr, "voice-kiosk: recognize needs at least one WAV file\n");
        return VK_EXIT_BAD_INPUT;
    }
    vk_recognizer *rec;
    int st = load_recognizer(c, &rec);
    if (st != VK_EXIT_OK)
        return st;
    int status = VK_EXIT_OK;
    for (int i = 0; i < c->nfiles; i++) {
        int16_t *pcm;
        size_t n;
        char err[1024];
        if (vk_wav_read16k(c->files[i], &pcm, &n, err, sizeof err) != VK_OK) {
            fprintf(stderr, "voice-kiosk: %s\n", err);
            status = VK_EXIT_BAD_INPUT;
            continue;
        }
        vk_heard h;
        vk_recognizer_clip(rec, c->context, pcm, n, &h);
        free(pcm);
        printf("%s\t%s\t%s\t%.3f\n", c->files[i], h.meaning, h.words,
               h.confidence);
        fflush(stdout);
    }
    vk_recognizer_destroy(rec);
    return status;
}

/* ---- simulate ------------------------------------------------------------- */

static char sim_key(void *ctx, int64_t t)
{
    return vk_audio_sim_key(ctx, t);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
    if (n == 0)
        return 0.0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

static void write_stats(const char *path, const vk_kiosk_stats *s,
                        double setup_s, double wall_s)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    /* Sorted copies for the percentiles; the stats stay in session order. */
    double *gap = vk_malloc(sizeof(double) * (size_t)(s->turns + 1));
    double *cpu = vk_malloc(sizeof(double) * (size_t)(s->turns + 1));
    {
        memcpy(gap, s->turn_gap_s, sizeof(double) * (size_t)s->turns);
        memcpy(cpu, s->compute_ms, sizeof(double) * (size_t)s->turns);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(f, "startup_ms\t%.2f\n", setup_s * 1000.0);
        fprintf(f, "first_sample_ms\t%.2f\n",
                setup_s * 1000.0 + (double)s->first_sample_ns / 1e6);
        fprintf(f, "peak_rss_mb\t%.1f\n", (double)ru.ru_maxrss / 1024.0);
        fprintf(f, "turns\t%d\n", s->turns);
        fprintf(f, "turn_gap_median_ms\t%.0f\n", pct(gap, s->turns, 0.5) * 1000);
        fprintf(f, "turn_gap_p95_ms\t%.0f\n", pct(gap, s->turns, 0.95) * 1000);
        fprintf(f, "compute_median_ms\t%.2f\n", pct(cpu, s->turns, 0.5));
        fprintf(f, "compute_p95_ms\t%.2f\n", pct(cpu, s->turns, 0.95));
        fprintf(f, "session_s\t%.1f\n", s->session_s);
        fprintf(f, "wall_s\t%.3f\n", wall_s);
        fprintf(f, "speed_x\t%.1f\n", wall_s > 0 ? s->session_s / wall_s : 0);
    }
    free(gap);
    free(cpu);
    fclose(f);
}

int vk_cmd_simulate(const vk_cli *c)
{
    if (c->nfiles != 1) {
        fprintf(stderr, "voice-kiosk: simulate needs one SCENARIO file\n");
        return VK_EXIT_BAD_INPUT;
    }
    struct timespec t0, t1, t_run = {0};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vk_diag *diag = vk_diag_create();
    vk_scenario *sc = vk_scenario_load(c->files[0], diag);
    if (!sc) {
        vk_diag_print(diag, stderr);
        vk_diag_destroy(diag);
        return VK_EXIT_BAD_INPUT;
    }
    vk_diag_destroy(diag);
    parts p;
    int st = load_parts(c, &p);
    if (st != VK_EXIT_OK) {
        vk_scenario_destroy(sc);
        return st;
    }
    FILE *events = NULL;
    if (c->events_path && !(events = fopen(c->events_path, "w"))) {
        fprintf(stderr, "voice-kiosk: cannot write %s\n", c->events_path);
        parts_free(&p);
        vk_scenario_destroy(sc);
        return VK_EXIT_BAD_INPUT;
    }
    vk_kiosk_opts ko;
    kiosk_opts(c, &ko);
    ko.simulate = true;
    ko.events = events;
    ko.max_seconds = 3600.0;
    vk_kiosk *k = vk_kiosk_create(p.script, p.rec, p.tts, &ko);
    vk_sim_opts so = {.record_path = c->record_path, .tts = p.tts};
    /* The room writes its ground truth into the same event stream. */
    vk_events *ev = vk_events_create(events, true);
    so.events = ev;
    vk_audio *room = NULL;
    char err[1024];
    int status = VK_EXIT_OK;
    if (vk_audio_sim_create(sc, &so, &room, err, sizeof err) != VK_OK) {
        fprintf(stderr, "voice-kiosk: %s\n", err);
        status = VK_EXIT_BAD_INPUT;
    } else {
        clock_gettime(CLOCK_MONOTONIC, &t_run);
        vk_err e = vk_kiosk_run(k, room, room, sim_key, room);
        if (e != VK_OK) {
            fprintf(stderr, "voice-kiosk: simulation failed: %s\n",
                    vk_strerror(e));
            status = VK_EXIT_FAIL;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (c->stats_path)
        write_stats(c->stats_path, vk_kiosk_stats_get(k),
                    (double)(t_run.tv_sec - t0.tv_sec) +
                        (double)(t_run.tv_nsec - t0.tv_nsec) / 1e9,
                    (double)(t1.tv_sec - t_run.tv_sec) +
                        (double)(t1.tv_nsec - t_run.tv_nsec) / 1e9);
    vk_audio_destroy(room);
    vk_events_destroy(ev);
    vk_kiosk_destroy(k);
    if (events)
        fclose(events);
    parts_free(&p);
    vk_scenario_destroy(sc);
    return status;
}

/* ---- live ----------------------------------------------------------------- */

int vk_cmd_list_devices(void)
{
    int n = vk_audio_pa_list(stdout);
    if (n < 0) {
        fprintf(stderr, "voice-kiosk: PortAudio could not start\n");
        return VK_EXIT_NO_DEVICE;
    }
    if (n == 0)
        printf("no audio devices found; `voice-kiosk simulate SCENARIO` runs "
               "a session without one\n");
    return VK_EXIT_OK;
}

static void on_signal(int sig)
{
    (void)sig;
    vk_kiosk_request_stop();
}

int vk_cmd_run(const vk_cli *c)
{
    parts p;
    int st = load_parts(c, &p);
    if (st != VK_EXIT_OK)
        return st;
    vk_audio *dev = NULL;
    char err[2048];
    if (vk_audio_pa_open(c->input_device, c->output_device, &dev, err,
                         sizeof err) != VK_OK) {
        fprintf(stderr, "voice-kiosk: %s\n", err);
        parts_free(&p);
        return VK_EXIT_NO_DEVICE;
    }
    FILE *events = NULL;
    if (c->events_path && !(events = fopen(c->events_path, "w")))
        fprintf(stderr, "voice-kiosk: cannot write %s; going on without "
                "events\n", c->events_path);
    vk_kiosk_opts ko;
    kiosk_opts(c, &ko);
    ko.events = events;
    vk_kiosk *k = vk_kiosk_create(p.script, p.rec, p.tts, &ko);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    vk_keys_term *keys = vk_keys_term_create();
    printf("voice-kiosk is listening. Speak, or press any key, to begin.\n");
    fflush(stdout);
    vk_err e = vk_kiosk_run(k, dev, NULL, vk_keys_term_poll, keys);
    vk_keys_term_destroy(keys);
    if (e != VK_OK)
        fprintf(stderr, "voice-kiosk: stopped: %s\n", vk_strerror(e));
    vk_kiosk_destroy(k);
    vk_audio_destroy(dev);
    if (events)
        fclose(events);
    parts_free(&p);
    return e == VK_OK ? VK_EXIT_OK : VK_EXIT_FAIL;
}
