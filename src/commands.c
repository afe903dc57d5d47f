/*
 * commands: the bodies of the commands.  Set-up is shared: every command
 * that hears loads the same grammars into the same recogniser, so `check`,
 * `recognize`, `simulate` and the live kiosk agree.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio_pa.h"
#include "audio_retry.h"
#include "audio_sim.h"
#include "audio_sink.h"
#include "captions.h"
#include "check.h"
#include "content.h"
#include "diag.h"
#include "grammar.h"
#include "keys_term.h"
#include "mem.h"
#include "kiosk.h"
#include "phones.h"
#include "preview.h"
#include "recognizer.h"
#include "scenario.h"
#include "settings.h"
#include "selftest.h"
#include "service.h"
#include "script.h"
#include "site.h"
#include "site_copy.h"
#include "state.h"
#include "tts.h"
#include "wav.h"

#ifndef VK_SOURCE_DIR
#define VK_SOURCE_DIR "."
#endif
#ifndef VK_BINARY_DIR
#define VK_BINARY_DIR "/nonexistent"
#endif
#ifndef VK_DATA_DIR
#define VK_DATA_DIR "/usr/share/voice-kiosk"
#endif
#ifndef VK_SITE_DIR
#define VK_SITE_DIR "/etc/voice-kiosk"
#endif

/* Where the shipped prompts, grammars and acoustic means are.  A binary inside
 * the build tree uses its sources' files (edit, rebuild nothing, run).  An
 * installed binary, PREFIX/bin/voice-kiosk, uses PREFIX/share/voice-kiosk: the
 * package's /usr/share/voice-kiosk, or wherever a copy was unpacked.  Then
 * the configured VK_DATA_DIR, then the sources; if none has the folder,
 * VK_DATA_DIR (so the error names the installed place). */
static void data_path(const char *rel, char *out, size_t len)
{
    char exe[4096], build[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    size_t blen = realpath(VK_BINARY_DIR, build) ? strlen(build) : 0;
    if (blen && strncmp(exe, build, blen) == 0 && exe[blen] == '/') {
        snprintf(out, len, "%s/%s", VK_SOURCE_DIR, rel);
        if (vk_site_dir_exists(out))
            return;
    }
    char *slash = strrchr(exe, '/');
    if (slash && slash - exe >= 4 && strncmp(slash - 4, "/bin", 4) == 0) {
        snprintf(out, len, "%.*s/share/voice-kiosk/%s", (int)(slash - 4 - exe),
                 exe, rel);
        if (vk_site_dir_exists(out))
            return;
    }
    snprintf(out, len, "%s/%s", VK_SOURCE_DIR, rel);
    bool in_sources = vk_site_dir_exists(out);
    snprintf(out, len, "%s/%s", VK_DATA_DIR, rel);
    if (!vk_site_dir_exists(out) && in_sources)
        snprintf(out, len, "%s/%s", VK_SOURCE_DIR, rel);
}

void vk_cli_defaults(vk_cli *c)
{
    memset(c, 0, sizeof *c);
    data_path("prompts/en-US", c->default_prompts, sizeof c->default_prompts);
    data_path("grammars", c->default_grammars, sizeof c->default_grammars);
    data_path("acoustic/en-us", c->default_means, sizeof c->default_means);
    size_t n = strlen(c->default_means);
    snprintf(c->default_rivals, sizeof c->default_rivals, "%s/rivals",
             c->default_means);
    snprintf(c->default_means + n, sizeof c->default_means - n, "/means");
    c->prompts_dir = c->default_prompts;
    c->grammars_dir = c->default_grammars;
    c->means_path = c->default_means;
    c->rivals_path = c->default_rivals;
    c->context = "answer";
    c->lang = "en-US";
    c->echo_cancel = true;
    c->barge_in = -1;
}

void vk_cli_resolve(vk_cli *c)
{
    if (!c->prompts_set) {
        char rel[256];
        snprintf(rel, sizeof rel, "prompts/%s", c->lang);
        data_path(rel, c->default_prompts, sizeof c->default_prompts);
        c->prompts_dir = c->default_prompts;
    }
    c->site_dir = vk_site_dir(c->site_opt);
}

/* Recognition needs an acoustic model for the language; Debian ships
 * en-us only.  Without one the kiosk speaks the language and takes keys. */
static bool lang_has_model(const char *lang)
{
    char path[256];
    int n = snprintf(path, sizeof path, "/usr/share/pocketsphinx/model/");
    for (const char *p = lang; *p && n + 1 < (int)sizeof path; p++)
        path[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    path[n] = '\0';
    return vk_site_dir_exists(path);
}

/* Debian packages the model of en-US (pocketsphinx-en-us): without it that
 * is a broken install, named with its fix, not a keys-only language. */
static bool model_missing(const vk_cli *c)
{
    if (strcmp(c->lang, "en-US") != 0 || lang_has_model(c->lang))
        return false;
    fprintf(stderr, "voice-kiosk: the speech model for en-US is missing "
                    "(/usr/share/pocketsphinx/model/en-us); install the Debian "
                    "package pocketsphinx-en-us\n");
    return true;
}

static void check_opts(const vk_cli *c, vk_check_opts *o)
{
    memset(o, 0, sizeof *o);
    o->src =
        (vk_script_src){c->prompts_dir, c->site_dir, c->lang, c->voice_only};
    o->grammars_dir = c->grammars_dir;
    o->keys_only = !lang_has_model(c->lang);
    o->rate_wpm = c->rate_wpm > 0 ? c->rate_wpm : VK_TTS_DEFAULT_RATE;
}

/* Voice only in a language the kiosk cannot hear (es-ES: Debian ships no
 * model for it) would be a kiosk nobody can answer. */
static bool voice_only_possible(const vk_cli *c)
{
    if (!c->voice_only || lang_has_model(c->lang))
        return true;
    fprintf(stderr,
            "voice-kiosk: %s has no speech recogniser, so it needs keys, but "
            "this kiosk has none (%s); nobody could answer it. Use "
            "--lang en-US, or give it keys (run it in a terminal, or with "
            "the keypad set-up of deploy/systemd/keypad-tty1.conf)\n",
            c->lang,
            c->voice_only_auto ? "its standard input reads nothing"
                               : "--voice-only");
    return false;
}

/* A site folder that was asked for must be there. */
static bool site_ok(const vk_cli *c)
{
    if (!voice_only_possible(c))
        return false;
    if (c->site_opt && !vk_site_dir_exists(c->site_opt)) {
        fprintf(stderr, "voice-kiosk: the site folder %s does not exist\n",
                c->site_opt);
        return false;
    }
    return true;
}

/* ---- shared set-up --------------------------------------------------------
 */

/* How long a start waits for a display to open the --events FIFO. */
#define EVENTS_READER_WAIT_MS 5000

/* Opens the --events file.  A FIFO (a display reading the stream live) is
 * opened without blocking: with no reader after EVENTS_READER_WAIT_MS the
 * kiosk goes on without events, and the stream stays non-blocking, so a
 * display that stops reading can never stall the audio loop (its stream
 * is given up instead: events.c).  Returns false only if the file cannot
 * be written; *out is NULL when there is no stream. */
static bool open_events(const char *path, FILE **out)
{
    *out = NULL;
    if (!path)
        return true;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        *out = fopen(path, "w");
        return *out != NULL;
    }
    int fd = -1;
    for (int ms = 0; fd < 0 && ms <= EVENTS_READER_WAIT_MS; ms += 50) {
        fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno != ENXIO)
            return false;
        if (fd < 0)
            nanosleep(&(struct timespec){0, 50 * 1000000L}, NULL);
    }
    if (fd < 0) {
        fprintf(stderr,
                "voice-kiosk: nothing reads the event stream %s (a display "
                "that is not running?); going on without it\n",
                path);
        return true;
    }
    *out = fdopen(fd, "w");
    if (!*out)
        close(fd);
    return *out != NULL;
}

typedef struct parts {
    vk_settings settings; /* settings.ini with the command line over it */
    vk_content *content;
    const vk_script *script;
    vk_recognizer *rec;
    vk_tts *tts;
    /* The live kiosk keeps a copy of the site files that passed in its
     * state folder, and starts from it when they are broken
     * (site_copy.h); other commands leave state_dir empty. */
    char state_dir[4096];
    const char *lang;
    const char *site_dir;
    char copy_dir[4096];   /* the copy in use at the start, or "" */
    vk_service *svc;       /* the live kiosk's systemd link, or NULL */
    const vk_kiosk *kiosk; /* the live kiosk, once made, or NULL */
} parts;

static void parts_free(parts *p)
{
    vk_recognizer_destroy(p->rec);
    vk_tts_destroy(p->tts);
    vk_content_destroy(p->content);
}

/* Keeps the site files that just passed as the copy to start from. */
static void keep_site_copy(const parts *p)
{
    char err[8400];
    if (p->state_dir[0] && vk_site_copy_save(p->site_dir, p->lang, p->state_dir,
                                             err, sizeof err) != VK_OK)
        fprintf(stderr,
                "voice-kiosk: %s; a restart while the site files have "
                "problems will not start\n",
                err);
}

/* The live kiosk's STATUS= line (`systemctl status`): "listening", and
 * what staff should know about the prompts in use. */
static void say_listening(const parts *p, bool ready)
{
    const char *state = vk_content_state(p->content);
    char line[512];
    snprintf(line, sizeof line, "listening%s%s", state ? "; " : "",
             state ? state : "");
    if (ready)
        vk_service_ready(p->svc, line);
    else
        vk_service_status(p->svc, line);
}

/* The kiosk asks before each session: a reload happens here, if any. */
static const vk_script *next_script(void *ctx)
{
    parts *p = ctx;
    const char *before = vk_content_state(p->content);
    if (vk_content_refresh(p->content, stderr))
        keep_site_copy(p);
    if (p->svc && vk_content_state(p->content) != before)
        say_listening(p, false);
    return vk_content_script(p->content);
}

/* The live kiosk's tick: the watchdog ping, and a reload asked for
 * (SIGHUP) is checked at once rather than when the next person comes, so
 * staff who reload an idle kiosk see a broken file's file:line problems
 * in the log (and STATUS=) straight away.  Only a check: the script in
 * use changes only in next_script(), between sessions, and a refused
 * change leaves the last good version running.  Not during a session:
 * the check (25-50 ms) would hold up the sound; next_script() makes it
 * when the next person comes, and this tick after the session ends. */
static void live_tick(void *ctx, int64_t t)
{
    parts *p = ctx;
    vk_service_tick(p->svc, (uint64_t)t * 1000000u / VK_AUDIO_RATE);
    if (!vk_content_reload_asked() ||
        (p->kiosk && vk_kiosk_in_session(p->kiosk)))
        return;
    const char *before = vk_content_state(p->content);
    (void)vk_content_check_reload(p->content, stderr);
    if (p->svc && vk_content_state(p->content) != before)
        say_listening(p, false);
}

/* The prompts and contacts: the site's files, or, for the live kiosk when
 * they have problems, the last good copy of them.  Prints the problems;
 * returns NULL if there is nothing to start from. */
static vk_content *load_content(const vk_cli *c, parts *p)
{
    vk_check_opts co;
    check_opts(c, &co);
    vk_diag *diag = vk_diag_create();
    vk_content *content = vk_content_create(&co, NULL, diag);
    vk_diag_print(diag, stderr);
    vk_diag_destroy(diag);
    char saved[32];
    if (content) {
        keep_site_copy(p);
    } else if (p->state_dir[0] &&
               vk_site_copy_find(p->state_dir, c->site_dir, c->lang,
                                 p->copy_dir, sizeof p->copy_dir, saved,
                                 sizeof saved)) {
        diag = vk_diag_create();
        content = vk_content_create(&co, p->copy_dir, diag);
        vk_diag_print(diag, stderr);
        vk_diag_destroy(diag);
        if (content)
            fprintf(stderr,
                    "voice-kiosk: the site files have the problems above, "
                    "so the kiosk starts from the last good copy of them, "
                    "saved %s UTC in %s. Fix them: the kiosk takes them "
                    "between sessions as soon as they pass `voice-kiosk "
                    "check`\n",
                    saved, p->copy_dir);
    }
    if (!content) {
        p->copy_dir[0] = '\0';
        fprintf(stderr, "voice-kiosk: the prompts have problems; "
                        "see `voice-kiosk check`\n");
    }
    return content;
}

/* The site's settings.ini, then the command line over it.  Problems are
 * printed; returns an exit status. */
static int load_settings(const vk_cli *c, const char *site_dir, vk_settings *s)
{
    vk_settings_default(s);
    if (site_dir) {
        char path[4200];
        snprintf(path, sizeof path, "%s/settings.ini", site_dir);
        vk_diag *diag = vk_diag_create();
        bool ok = vk_settings_load(s, path, diag);
        vk_diag_print(diag, stderr);
        vk_diag_destroy(diag);
        if (!ok) {
            fprintf(stderr,
                    "voice-kiosk: %s has problems; see `voice-kiosk "
                    "check`\n",
                    path);
            return VK_EXIT_BAD_INPUT;
        }
    }
    if (c->noinput_s > 0)
        s->noinput_s = c->noinput_s;
    if (c->inactivity_s > 0)
        s->inactivity_s = c->inactivity_s;
    if (s->warn_s >= s->inactivity_s)
        s->warn_s = s->inactivity_s / 3.0;
    if (c->end_silence_ms > 0)
        s->end_silence_ms = c->end_silence_ms;
    if (c->rate_wpm > 0) {
        s->rate_default = c->rate_wpm;
        if (s->rate_min > c->rate_wpm)
            s->rate_min = c->rate_wpm;
        if (s->rate_max < c->rate_wpm)
            s->rate_max = c->rate_wpm;
    }
    return VK_EXIT_OK;
}

static int load_recognizer(const vk_cli *c, const vk_settings *set,
                           vk_recognizer **rec)
{
    vk_diag *diag = vk_diag_create();
    char err[1024] = "";
    vk_asr_opts o = {.end_silence_ms = set->end_silence_ms,
                     .means_path = c->means_path,
                     .rivals_path = c->rivals_path};
    vk_err e =
        vk_recognizer_create(c->grammars_dir, &o, diag, rec, err, sizeof err);
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
 * status if something is wrong.  `live`: the kiosk itself, which keeps the
 * last good copy of the site files (site_copy.h). */
static int load_parts(const vk_cli *c, parts *p, bool live)
{
    memset(p, 0, sizeof *p);
    if (!site_ok(c))
        return VK_EXIT_BAD_INPUT;
    if (model_missing(c))
        return VK_EXIT_MISSING;
    p->lang = c->lang;
    p->site_dir = c->site_dir;
    if (live)
        vk_state_dir(p->state_dir, sizeof p->state_dir);
    p->content = load_content(c, p);
    if (!p->content)
        return VK_EXIT_BAD_INPUT;
    p->script = vk_content_script(p->content);
    int st = load_settings(c, p->copy_dir[0] ? p->copy_dir : c->site_dir,
                           &p->settings);
    if (st == VK_EXIT_OK)
        st = load_recognizer(c, &p->settings, &p->rec);
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

/* The kiosk's options, with the settings load_parts() read. */
static void kiosk_opts(const vk_cli *c, const parts *p, vk_kiosk_opts *o)
{
    vk_kiosk_default_opts(o);
    o->settings = p->settings;
    o->barge_in = c->barge_in >= 0 ? c->barge_in == 1 : p->settings.barge_in;
    o->echo_cancel = c->echo_cancel;
    o->sessions = c->sessions;
    o->keys_only = !lang_has_model(c->lang);
}

/* The captions: on --screen if given (the packaged service's stdout is
 * the journal, where captions must never go), else on stdout unless
 * --quiet, large on a terminal and plain lines elsewhere.  A screen that
 * cannot be opened is reported, and the kiosk goes on speaking without
 * it. */
static vk_captions *open_captions(const vk_cli *c)
{
    if (c->screen) {
        vk_captions *cap = vk_captions_open(c->screen);
        if (!cap)
            fprintf(stderr,
                    "voice-kiosk: cannot write captions to %s (%s); going on "
                    "without them\n",
                    c->screen, strerror(errno));
        return cap;
    }
    return c->quiet ? NULL : vk_captions_create(stdout, isatty(STDOUT_FILENO));
}

/* The kiosk takes new content between sessions (content.h). */
static void watch_content(vk_kiosk_opts *o, parts *p)
{
    o->next_script = next_script;
    o->next_script_ctx = p;
}

/* ---- check ----------------------------------------------------------------
 */

int vk_cmd_check(const vk_cli *c)
{
    if (!site_ok(c))
        return VK_EXIT_BAD_INPUT;
    if (model_missing(c))
        return VK_EXIT_MISSING;
    vk_check_opts o;
    check_opts(c, &o);
    char err[512];
    /* Prompt lengths are measured by speaking them; without eSpeak NG they
     * are estimated from the words. */
    if (vk_tts_create(&o.tts, err, sizeof err) != VK_OK) {
        o.tts = NULL;
        printf("warning: %s\nwarning: without it, prompt lengths are "
               "estimated from the words and the voice is not checked\n",
               err);
    }
    vk_diag *errors = vk_diag_create();
    vk_diag *warnings = vk_diag_create();
    int n = vk_check_run(&o, errors, warnings, NULL);
    vk_diag_print(errors, stdout);
    vk_diag_print(warnings, stdout);
    int w = vk_diag_count(warnings);
    if (n == 0)
        printf("ok: %s%s%s and %s have no problems", c->prompts_dir,
               c->site_dir ? " with the site folder " : "",
               c->site_dir ? c->site_dir : "", c->grammars_dir);
    else
        printf("%d problem%s found", n, n == 1 ? "" : "s");
    if (w)
        printf(" (%d warning%s)", w, w == 1 ? "" : "s");
    printf("\n");
    if (o.keys_only)
        printf("note: no recognition model for %s: the kiosk speaks it and "
               "takes keys only\n",
               c->lang);
    vk_diag_destroy(errors);
    vk_diag_destroy(warnings);
    vk_tts_destroy(o.tts);
    return n == 0 ? VK_EXIT_OK : VK_EXIT_BAD_INPUT;
}

/* ---- preview --------------------------------------------------------------
 */

static int play(const vk_cli *c, const int16_t *pcm, size_t n)
{
    vk_audio *dev = NULL;
    char err[2048];
    if (vk_audio_pa_open(c->input_device, c->output_device, &dev, err,
                         sizeof err) != VK_OK) {
        fprintf(stderr,
                "voice-kiosk: cannot play the preview: %s\n"
                "voice-kiosk: use -o FILE.wav to write it to a file instead\n",
                err);
        return VK_EXIT_NO_DEVICE;
    }
    int16_t mic[VK_AUDIO_FRAME], spk[VK_AUDIO_FRAME];
    int status = VK_EXIT_OK;
    /* Reading a microphone frame paces the writes in real time; then a
     * second of silence lets the last words leave the device. */
    for (size_t i = 0; i < n + VK_AUDIO_RATE; i += VK_AUDIO_FRAME) {
        for (size_t k = 0; k < VK_AUDIO_FRAME; k++)
            spk[k] = i + k < n ? pcm[i + k] : 0;
        if (vk_audio_read(dev, mic, VK_AUDIO_FRAME) != VK_OK ||
            vk_audio_write(dev, spk, VK_AUDIO_FRAME) != VK_OK) {
            fprintf(stderr, "voice-kiosk: the audio device was lost\n");
            status = VK_EXIT_FAIL;
            break;
        }
    }
    vk_audio_destroy(dev);
    return status;
}

int vk_cmd_preview(const vk_cli *c)
{
    if ((c->nfiles == 1) == c->preview_all) {
        fprintf(stderr, "voice-kiosk: preview needs one PROMPT_ID, or --all\n");
        return VK_EXIT_BAD_INPUT;
    }
    if (!site_ok(c))
        return VK_EXIT_BAD_INPUT;
    vk_diag *diag = vk_diag_create();
    vk_script_src src = {c->prompts_dir, c->site_dir, c->lang, c->voice_only};
    vk_script *s = vk_script_load_src(&src, diag, NULL);
    if (!s) {
        vk_diag_print(diag, stderr);
        fprintf(stderr, "voice-kiosk: the prompts have problems; see "
                        "`voice-kiosk check`\n");
        vk_diag_destroy(diag);
        return VK_EXIT_BAD_INPUT;
    }
    vk_diag_destroy(diag);
    vk_tts *tts;
    char err[1024];
    if (vk_tts_create(&tts, err, sizeof err) != VK_OK) {
        fprintf(stderr, "voice-kiosk: %s\n", err);
        vk_script_destroy(s);
        return VK_EXIT_MISSING;
    }
    int16_t *pcm;
    size_t n;
    int status = VK_EXIT_OK;
    vk_err e = vk_preview_render(
        s, tts, c->rate_wpm > 0 ? c->rate_wpm : VK_TTS_DEFAULT_RATE,
        c->preview_all ? NULL : c->files[0], stdout, &pcm, &n, err, sizeof err);
    if (e != VK_OK) {
        fprintf(stderr, "voice-kiosk: %s\n", err);
        status = e == VK_ERR_NOTFOUND ? VK_EXIT_BAD_INPUT : VK_EXIT_MISSING;
    } else if (c->output_path) {
        vk_wav_writer *w = NULL;
        if (vk_wav_open(c->output_path, VK_AUDIO_RATE, 1, &w, err,
                        sizeof err) != VK_OK ||
            vk_wav_write(w, pcm, n) != VK_OK) {
            fprintf(stderr, "voice-kiosk: cannot write %s\n", c->output_path);
            status = VK_EXIT_FAIL;
        } else {
            printf("wrote %s: %.1f s\n", c->output_path,
                   (double)n / VK_AUDIO_RATE);
        }
        vk_wav_close(w);
    } else {
        status = play(c, pcm, n);
    }
    free(pcm);
    vk_tts_destroy(tts);
    vk_script_destroy(s);
    return status;
}

/* ---- recognize ------------------------------------------------------------
 */

int vk_cmd_recognize(const vk_cli *c)
{
    bool known = false;
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++)
        known |= strcmp(vk_recognizer_contexts[i], c->context) == 0;
    if (!known) {
        fprintf(stderr,
                "voice-kiosk: unknown context '%s' (answer, command "
                "or menu)\n",
                c->context);
        return VK_EXIT_BAD_INPUT;
    }
    if (c->nfiles == 0) {
        fprintf(stderr, "voice-kiosk: recognize needs at least one WAV file\n");
        return VK_EXIT_BAD_INPUT;
    }
    vk_recognizer *rec;
    vk_settings set;
    int st = load_settings(c, c->site_dir, &set);
    if (st == VK_EXIT_OK)
        st = load_recognizer(c, &set, &rec);
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

/* ---- simulate -------------------------------------------------------------
 */

static int sim_key(void *ctx, int64_t t)
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
                        const vk_asr_ahead_stats *ah, double setup_s,
                        double wall_s)
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
        fprintf(f, "turn_gap_median_ms\t%.0f\n",
                pct(gap, s->turns, 0.5) * 1000);
        fprintf(f, "turn_gap_p95_ms\t%.0f\n", pct(gap, s->turns, 0.95) * 1000);
        fprintf(f, "compute_median_ms\t%.2f\n", pct(cpu, s->turns, 0.5));
        fprintf(f, "compute_p95_ms\t%.2f\n", pct(cpu, s->turns, 0.95));
        fprintf(f, "compute_max_ms\t%.2f\n", pct(cpu, s->turns, 1.0));
        fprintf(f, "session_s\t%.1f\n", s->session_s);
        fprintf(f, "wall_s\t%.3f\n", wall_s);
        fprintf(f, "speed_x\t%.1f\n", wall_s > 0 ? s->session_s / wall_s : 0);
        /* Second passes whose job the worker had ready at the end / all. */
        fprintf(f, "pass2_ready\t%lu/%lu\n", ah->ready, ah->ready + ah->at_end);
        fprintf(f, "pass2_held\t%lu\n", ah->held);
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
    int st = load_parts(c, &p, false);
    if (st != VK_EXIT_OK) {
        vk_scenario_destroy(sc);
        return st;
    }
    FILE *events = NULL;
    if (!open_events(c->events_path, &events)) {
        fprintf(stderr, "voice-kiosk: cannot write %s\n", c->events_path);
        parts_free(&p);
        vk_scenario_destroy(sc);
        return VK_EXIT_BAD_INPUT;
    }
    vk_kiosk_opts ko;
    kiosk_opts(c, &p, &ko);
    ko.simulate = true;
    ko.events = events;
    ko.max_seconds = 3600.0 * (c->sessions > 1 ? c->sessions : 1);
    ko.captions = open_captions(c);
    char err[1024];
    if (c->headphones_record &&
        vk_audio_sink_open(c->headphones_record, &ko.headphones, err,
                           sizeof err) != VK_OK) {
        fprintf(stderr, "voice-kiosk: %s\n", err);
        vk_captions_destroy(ko.captions);
        if (events)
            fclose(events);
        parts_free(&p);
        vk_scenario_destroy(sc);
        return VK_EXIT_BAD_INPUT;
    }
    watch_content(&ko, &p);
    vk_recognizer_set_paced(p.rec, c->realtime);
    vk_kiosk *k = vk_kiosk_create(p.script, p.rec, p.tts, &ko);
    vk_sim_opts so = {.record_path = c->record_path,
                      .tts = p.tts,
                      .realtime = c->realtime,
                      .phones = ko.headphones};
    /* The room writes its ground truth into the same event stream. */
    vk_events *ev = vk_events_create(events, true);
    so.events = ev;
    vk_audio *room = NULL, *dev = NULL;
    int status = VK_EXIT_OK;
    if (vk_audio_sim_create(sc, &so, &room, err, sizeof err) != VK_OK) {
        fprintf(stderr, "voice-kiosk: %s\n", err);
        status = VK_EXIT_BAD_INPUT;
    } else {
        /* The kiosk talks to the room through the same recovering wrapper
         * as a live kiosk, on the room's clock, so `unplug` steps test the
         * real recovery path. */
        vk_audio_retry_opts ro = {.open = vk_audio_sim_open_port,
                                  .open_ctx = room,
                                  .clock = vk_audio_sim_clock(room)};
        if (vk_audio_retry_create(&ro, &dev, err, sizeof err) != VK_OK)
            abort(); /* a fresh room is always plugged in */
        clock_gettime(CLOCK_MONOTONIC, &t_run);
        vk_err e = vk_kiosk_run(k, dev, room, sim_key, room);
        if (e != VK_OK) {
            fprintf(stderr, "voice-kiosk: simulation failed: %s\n",
                    vk_strerror(e));
            status = VK_EXIT_FAIL;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    vk_asr_ahead_stats ah = {0};
    vk_recognizer_ahead_stats(p.rec, &ah);
    if (c->stats_path)
        write_stats(c->stats_path, vk_kiosk_stats_get(k), &ah,
                    (double)(t_run.tv_sec - t0.tv_sec) +
                        (double)(t_run.tv_nsec - t0.tv_nsec) / 1e9,
                    (double)(t1.tv_sec - t_run.tv_sec) +
                        (double)(t1.tv_nsec - t_run.tv_nsec) / 1e9);
    vk_audio_destroy(dev);
    vk_audio_destroy(room);
    vk_events_destroy(ev);
    vk_kiosk_destroy(k);
    vk_captions_destroy(ko.captions);
    vk_audio_destroy(ko.headphones);
    if (events)
        fclose(events);
    parts_free(&p);
    vk_scenario_destroy(sc);
    return status;
}

/* ---- live -----------------------------------------------------------------
 */

int vk_cmd_list_devices(void)
{
    char err[2048];
    int n = vk_audio_pa_list(stdout, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "voice-kiosk: %s\n",
                *err ? err : "PortAudio could not start");
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

/* The kiosk loop's tick: the systemd watchdog ping, on the sample clock
 * (real audio paces it, so a hung loop stops the pings). */
static void service_tick(void *ctx, int64_t t)
{
    vk_service_tick(ctx, (uint64_t)t * 1000000u / VK_AUDIO_RATE);
}

/* ---- selftest ------------------------------------------------------------ */

/* Runs the self-test on `dev` and prints one line about it (nothing
 * personal: the level and whether a yes was heard).  Returns true if it
 * heard yes. */
static bool selftest(const parts *p, vk_audio *dev, vk_service *svc)
{
    const vk_settings *set = &p->settings;
    vk_selftest_opts o;
    vk_selftest_default_opts(&o);
    o.voice = vk_script_voice(p->script);
    o.rate_wpm = set->rate_default;
    o.listen_s = set->noinput_s;
    o.on_tick = svc ? service_tick : NULL;
    o.tick_ctx = svc;
    vk_selftest_result r;
    vk_err e = vk_selftest_run(p->rec, p->tts, dev, &o, &r);
    if (e != VK_OK) {
        fprintf(stderr, "voice-kiosk: self-test stopped: %s\n", vk_strerror(e));
        return false;
    }
    /* Only whether a yes was heard: what else was understood (a no, a
     * not sure) is the person's answer and stays out of the log. */
    fprintf(stderr,
            "voice-kiosk: self-test %s: spoke %.1f s, microphone peak %.1f "
            "dBFS, heard %s after %d tr%s\n",
            r.heard_yes ? "passed" : "FAILED", r.spoken_s, r.mic_peak_dbfs,
            r.heard_yes ? "a yes" : "no yes", r.tries,
            r.tries == 1 ? "y" : "ies");
    if (!r.heard_yes)
        fprintf(stderr, "voice-kiosk: %s\n",
                r.mic_peak_dbfs < -60.0
                    ? "the microphone heard almost nothing: is it on, and "
                      "is it the right one (--list-devices)?"
                    : "the microphone works but no yes was understood");
    return r.heard_yes;
}

/* Opens the sound card: device names from the command line, else from
 * settings.ini's [audio], else the defaults.  No device at start is a
 * set-up problem (exit 4); lost later, it is reopened with backoff while
 * the kiosk waits (audio_retry).  `target` must outlive *dev. */
static vk_err open_device(const vk_cli *c, const vk_settings *set,
                          vk_audio_pa_target *target, vk_audio **dev, char *err,
                          size_t errlen)
{
    target->input_name = c->input_device ? c->input_device
                         : *set->input   ? set->input
                                         : NULL;
    target->output_name = c->output_device ? c->output_device
                          : *set->output   ? set->output
                                           : NULL;
    target->opened = false;
    vk_audio_retry_opts ro = {.open = vk_audio_pa_open_fn, .open_ctx = target};
    return vk_audio_retry_create(&ro, dev, err, errlen);
}

int vk_cmd_selftest(const vk_cli *c)
{
    parts p;
    int st = load_parts(c, &p, false);
    if (st != VK_EXIT_OK)
        return st;
    vk_kiosk_opts ko;
    kiosk_opts(c, &p, &ko);
    vk_audio *dev = NULL;
    char err[2048];
    vk_audio_pa_target target;
    if (open_device(c, &ko.settings, &target, &dev, err, sizeof err) != VK_OK) {
        fprintf(stderr, "voice-kiosk: %s\n", err);
        parts_free(&p);
        return VK_EXIT_NO_DEVICE;
    }
    bool ok = selftest(&p, dev, NULL);
    vk_audio_destroy(dev);
    parts_free(&p);
    return ok ? VK_EXIT_OK : VK_EXIT_FAIL;
}

/* ---- run ------------------------------------------------------------------
 */

static void on_hup(int sig)
{
    (void)sig;
    vk_content_request_reload();
}

/* --self-test-once: the home set-up's first start. */
static void first_start_selftest(const parts *p, vk_audio *dev, vk_service *svc)
{
    char dir[4096];
    vk_state_dir(dir, sizeof dir);
    if (vk_selftest_passed_before(dir))
        return;
    vk_service_status(svc, "first start: self-test");
    if (selftest(p, dev, svc) && vk_selftest_remember(dir) != VK_OK)
        fprintf(stderr,
                "voice-kiosk: cannot write the self-test mark in "
                "%s; it will run again at the next start\n",
                dir);
}

/* The hidden `probe-output NAME` command: opens and starts an output device
 * and closes it again (vk_audio_pa_probe_output runs it as a child, and
 * reads why it failed on its stdout). */
int vk_cmd_probe_output(const char *name)
{
    vk_audio *a = NULL;
    char err[2048];
    vk_audio_pa_trial_run();
    if (vk_audio_pa_open_output(name, &a, err, sizeof err) != VK_OK) {
        printf("%s\n", err);
        return VK_EXIT_NO_DEVICE;
    }
    vk_audio_destroy(a);
    return VK_EXIT_OK;
}

/* The hidden `probe-device IN OUT` command: the same for the main device,
 * microphone and speaker ("" is the default one), before a reopen (see
 * vk_audio_pa_open_fn). */
int vk_cmd_probe_device(const char *input, const char *output)
{
    vk_audio *a = NULL;
    char err[2048];
    vk_audio_pa_trial_run();
    if (vk_audio_pa_open(*input ? input : NULL, *output ? output : NULL, &a,
                         err, sizeof err) != VK_OK) {
        printf("%s\n", err);
        return VK_EXIT_NO_DEVICE;
    }
    vk_audio_destroy(a);
    return VK_EXIT_OK;
}

/* The hidden `probe-init` (see vk_audio_pa_init_trial). */
int vk_cmd_probe_init(void)
{
    vk_audio_pa_trial_run();
    return vk_audio_pa_init_trial() == 0 ? VK_EXIT_OK : VK_EXIT_NO_DEVICE;
}

int vk_cmd_run(const vk_cli *c)
{
    vk_service *svc = vk_service_create();
    parts p;
    int st = load_parts(c, &p, true);
    if (st != VK_EXIT_OK) {
        /* The messages above went to the journal; the unit fails with this
         * exit status and systemd does not restart it (see the unit). */
        vk_service_status(svc, st == VK_EXIT_MISSING
                                   ? "failed: a model or voice is missing"
                                   : "failed: bad configuration, see the log");
        vk_service_destroy(svc);
        return st;
    }
    vk_kiosk_opts ko;
    kiosk_opts(c, &p, &ko);
    vk_audio *dev = NULL;
    char err[2048];
    vk_audio_pa_target target;
    if (open_device(c, &ko.settings, &target, &dev, err, sizeof err) != VK_OK) {
        fprintf(stderr, "voice-kiosk: %s\n", err);
        vk_service_status(svc, "failed: no audio device");
        vk_service_destroy(svc);
        parts_free(&p);
        return VK_EXIT_NO_DEVICE;
    }
    if (c->self_test_once)
        first_start_selftest(&p, dev, svc);
    /* Private listening: settings.ini [audio] headphones.  Without them
     * the kiosk still runs, on the speaker, and says so at the start of
     * every session: a person who cannot see the screen is told before
     * answering that their results will be said out loud (refusing to run
     * would leave them with a silent kiosk and no reason). */
    vk_phones *phones = NULL;
    if (*ko.settings.headphones) {
        err[0] = 0;
        phones = vk_phones_open(ko.settings.headphones, err, sizeof err);
        ko.headphones = vk_phones_device(phones);
        ko.retry_headphones = phones ? vk_phones_retry : NULL;
        ko.retry_headphones_ctx = phones;
    }
    if (*ko.settings.headphones && !ko.headphones) {
        fprintf(stderr,
                "voice-kiosk: private listening is off: the headphones "
                "\"%s\" (%s%ssettings.ini [audio] headphones) cannot be "
                "opened, so everything, the summary and the contacts too, "
                "is said on the speaker, after a spoken notice. Connect "
                "them: the kiosk tries them again between sessions. %s\n",
                ko.settings.headphones, c->site_dir ? c->site_dir : "",
                c->site_dir ? "/" : "", err);
        ko.headphones_missing = true;
    }
    FILE *events = NULL;
    if (!open_events(c->events_path, &events))
        fprintf(stderr,
                "voice-kiosk: cannot write %s; going on without "
                "events\n",
                c->events_path);
    ko.events = events;
    ko.captions = open_captions(c);
    p.svc = svc;
    ko.on_tick = live_tick;
    ko.tick_ctx = &p;
    watch_content(&ko, &p);
    vk_recognizer_set_paced(p.rec, true); /* a sound card's pace */
    vk_kiosk *k = vk_kiosk_create(p.script, p.rec, p.tts, &ko);
    p.kiosk = k;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* SIGHUP: reload the prompts before the next session. */
    struct sigaction hup = {0};
    hup.sa_handler = on_hup;
    sigaction(SIGHUP, &hup, NULL);
    vk_keys_term *keys = vk_keys_term_create(vk_service_active(svc));
    if (ko.keys_only)
        printf("voice-kiosk is ready (%s: keys only). Press any key to "
               "begin.\n",
               c->lang);
    else if (c->voice_only)
        printf("voice-kiosk is listening (voice only: it never speaks of "
               "keys). Speak to begin.\n");
    else
        printf("voice-kiosk is listening. Speak, or press any key, to "
               "begin.\n");
    fflush(stdout);
    say_listening(&p, true);
    vk_err e = vk_kiosk_run(k, dev, NULL, vk_keys_term_poll, keys);
    vk_service_stopping(svc, e == VK_OK ? "stopping" : vk_strerror(e));
    vk_keys_term_destroy(keys);
    if (e != VK_OK)
        fprintf(stderr, "voice-kiosk: stopped: %s\n", vk_strerror(e));
    vk_kiosk_destroy(k);
    vk_captions_destroy(ko.captions);
    vk_phones_destroy(phones);
    vk_audio_destroy(dev);
    if (events)
        fclose(events);
    parts_free(&p);
    vk_service_destroy(svc);
    return e == VK_OK ? VK_EXIT_OK : VK_EXIT_FAIL;
}

/* ---- settings -------------------------------------------------------------
 */

int vk_cmd_settings(const vk_cli *c)
{
    (void)c;
    vk_settings_write_sample(stdout);
    return VK_EXIT_OK;
}
