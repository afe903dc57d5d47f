/*
 * tts: eSpeak NG on a synthesis thread of its own.
 *
 * eSpeak NG is process-global, is initialised once (initialising it again
 * hangs) and is not thread-safe, so exactly one thread ever calls it: the
 * synthesis thread started with it.  Callers hand it jobs (a sentence, a
 * voice, a rate) and read the 16 kHz samples as they come: the kiosk starts
 * a reply as soon as the first ~100 ms chunk is out (well under a
 * millisecond of eSpeak's time), not when the whole sentence is done (3-17
 * ms measured on this machine's prompts), and the rest is made while the
 * first part plays.  vk_tts_say is the same job, waited for.
 *
 * eSpeak NG's output depends a little on what it said before (it draws from
 * the C library's random generator), so the same call sequence gives the
 * same samples (a simulated session is repeatable) but one text said twice
 * may differ by a few samples.  Nothing else in the kiosk calls rand().
 *
 * eSpeak runs in synchronous mode on that thread; samples arrive through a
 * callback, are converted from eSpeak's 22050 Hz as they come
 * (vk_resampler: the same samples as converting the whole sentence) and
 * appended under the lock.  Returning 1 from the
 * callback is the only way to stop a running synthesis: it is used when a
 * job is cancelled (the kiosk dropped the sentence) or reaches the cap.
 */
#define _POSIX_C_SOURCE 200809L
#include "tts.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp.h"
#include "mem.h"
#include "ssml.h"

#define OUT_RATE 16000

struct vk_tts {
    int unused;
};

struct vk_tts_job {
    /* Set by the caller before the job is queued; read-only after. */
    char *text;
    char voice[64];
    int rate_wpm;
    /* Under g.mu (written only by the synthesis thread). */
    vk_pcm_buf out; /* 16 kHz samples made so far, VK_TTS_MAX_SECONDS at most */
    int done;       /* no more samples will come */
    int failed;     /* eSpeak refused it (n = 0) */
    int cancelled;  /* the owner let go: stop and free */
    int refs;       /* owner + queue/thread */
    struct vk_tts_job *next;
    vk_resampler *rs; /* the synthesis thread's own */
};

/* The one synthesis thread and its queue. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a job queued, or samples or an end arrived */
    pthread_t thread;
    vk_tts_job *head, *tail;
    vk_tts_job *cur;    /* being synthesised (the callback's job) */
    int rate;           /* eSpeak's output rate; 0 = not started */
    int init_state;     /* 0 not yet, 1 ok, -1 failed */
    char init_err[160]; /* " from FOLDER (eSpeak NG's reason)" */
    char voice[64];     /* voice eSpeak has now */
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void job_unref_locked(vk_tts_job *j)
{
    if (--j->refs > 0)
        return;
    free(j->text);
    free(j->out.pcm);
    free(j);
}

/* vk_resample_sink: appends converted samples to the job (on the
 * synthesis thread) and wakes a reader. */
static void put(void *ctx, const int16_t *pcm, size_t n)
{
    vk_tts_job *j = ctx;
    pthread_mutex_lock(&g.mu);
    (void)vk_pcm_append(&j->out, pcm, n);
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
}

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
    (void)events;
    vk_tts_job *j = g.cur;
    if (!j || !wav || n <= 0)
        return 0;
    pthread_mutex_lock(&g.mu);
    int stop = j->cancelled || j->out.n >= j->out.max; /* dropped, or full */
    pthread_mutex_unlock(&g.mu);
    if (stop)
        return 1;
    vk_resampler_feed(j->rs, wav, (size_t)n, 0, put, j);
    return 0;
}

/* Synthesises one job on the synthesis thread. */
static void run_job(vk_tts_job *j)
{
    int ok = 1;
    if (strcmp(g.voice, j->voice) != 0) {
        ok = espeak_SetVoiceByName(j->voice) == EE_OK;
        snprintf(g.voice, sizeof g.voice, "%s", ok ? j->voice : "");
    }
    if (ok) {
        espeak_SetParameter(espeakRATE, j->rate_wpm, 0);
        j->rs = vk_resampler_create(g.rate, OUT_RATE);
        /* Prompts may carry the SSML subset that `check` validates
         * (ssml.h); without the flag eSpeak NG would read the tags aloud.
         * Plain text goes without it: in SSML mode eSpeak NG picks the
         * voice again from its SSML stack, which changed how a variant
         * such as en-us+m3 sounds. */
        unsigned flags =
            espeakCHARS_UTF8 | (vk_ssml_has_markup(j->text) ? espeakSSML : 0);
        g.cur = j;
        ok = espeak_Synth(j->text, strlen(j->text) + 1, 0, POS_CHARACTER, 0,
                          flags, NULL, NULL) == EE_OK;
        g.cur = NULL;
        if (ok)
            vk_resampler_feed(j->rs, NULL, 0, 1, put, j);
        vk_resampler_destroy(j->rs);
        j->rs = NULL;
    }
    pthread_mutex_lock(&g.mu);
    if (!ok) {
        j->failed = 1;
        j->out.n = 0;
    }
    j->done = 1;
    pthread_cond_broadcast(&g.cv);
    job_unref_locked(j);
    pthread_mutex_unlock(&g.mu);
}

/* Starts eSpeak NG as espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 100,
 * NULL, 0) does, with the same data path (ESPEAK_DATA_PATH, then
 * $HOME/espeak-ng-data, then the built-in one), but returns its status:
 * espeak_Initialize calls exit(1) itself when the data is missing, and a
 * kiosk must say so and exit 3 (systemd then does not restart it).
 * Returns the sample rate, or 0 with the reason in g.init_err. */
static int start_espeak(void)
{
    espeak_ng_InitializePath(NULL);
    espeak_ng_ERROR_CONTEXT context = NULL;
    espeak_ng_STATUS st = espeak_ng_Initialize(&context);
    espeak_ng_ClearErrorContext(&context);
    if (st == ENS_OK)
        st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 100, NULL);
    if (st != ENS_OK) {
        const char *path = NULL;
        char why[96];
        espeak_Info(&path);
        espeak_ng_GetStatusCodeMessage(st, why, sizeof why);
        snprintf(g.init_err, sizeof g.init_err, " from %s (%s)",
                 path ? path : "its data folder", why);
        return 0;
    }
    return espeak_ng_GetSampleRate();
}

static void *synth_thread(void *arg)
{
    (void)arg;
    int rate = start_espeak();
    if (rate > 0)
        espeak_SetSynthCallback(on_samples);
    pthread_mutex_lock(&g.mu);
    g.rate = rate > 0 ? rate : 0;
    g.init_state = rate > 0 ? 1 : -1;
    pthread_cond_broadcast(&g.cv);
    if (rate <= 0) {
        pthread_mutex_unlock(&g.mu);
        return NULL;
    }
    for (;;) {
        while (!g.head)
            pthread_cond_wait(&g.cv, &g.mu);
        vk_tts_job *j = g.head;
        g.head = j->next;
        if (!g.head)
            g.tail = NULL;
        if (j->cancelled) {
            j->done = 1;
            job_unref_locked(j);
            continue;
        }
        pthread_mutex_unlock(&g.mu);
        run_job(j);
        pthread_mutex_lock(&g.mu);
    }
    return NULL;
}

vk_err vk_tts_create(vk_tts **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    pthread_mutex_lock(&g.mu);
    if (g.init_state == 0) {
        /* Signals are the loop thread's business: the thread blocks them. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        int started = pthread_create(&g.thread, NULL, synth_thread, NULL) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (!started)
            g.init_state = -1;
        while (g.init_state == 0)
            pthread_cond_wait(&g.cv, &g.mu);
    }
    int ok = g.init_state == 1;
    pthread_mutex_unlock(&g.mu);
    if (!ok) {
        snprintf(errbuf, errlen,
                 "eSpeak NG could not start: its voice data is missing%s. "
                 "Install it with: apt-get install espeak-ng-data",
                 g.init_err);
        return VK_ERR_TTS;
    }
    *out = vk_calloc(1, sizeof **out);
    return VK_OK;
}

void vk_tts_destroy(vk_tts *t)
{
    free(t);
}

vk_tts_job *vk_tts_start(vk_tts *t, const char *voice, int rate_wpm,
                         const char *text)
{
    (void)t;
    vk_tts_job *j = vk_calloc(1, sizeof *j);
    j->text = vk_strdup(text);
    snprintf(j->voice, sizeof j->voice, "%s", voice);
    j->rate_wpm = rate_wpm;
    j->out.max = (size_t)OUT_RATE * VK_TTS_MAX_SECONDS;
    j->refs = 2;
    pthread_mutex_lock(&g.mu);
    if (g.tail)
        g.tail->next = j;
    else
        g.head = j;
    g.tail = j;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    return j;
}

size_t vk_tts_read(vk_tts_job *j, size_t pos, int16_t *out, size_t max,
                   bool *end)
{
    pthread_mutex_lock(&g.mu);
    while (!j->done && j->out.n <= pos)
        pthread_cond_wait(&g.cv, &g.mu);
    size_t got = 0;
    if (j->out.n > pos) {
        got = j->out.n - pos < max ? j->out.n - pos : max;
        memcpy(out, j->out.pcm + pos, got * sizeof *out);
    }
    *end = j->done && pos + got >= j->out.n;
    pthread_mutex_unlock(&g.mu);
    return got;
}

bool vk_tts_failed(vk_tts_job *j)
{
    pthread_mutex_lock(&g.mu);
    while (!j->done)
        pthread_cond_wait(&g.cv, &g.mu);
    bool failed = j->failed != 0;
    pthread_mutex_unlock(&g.mu);
    return failed;
}

bool vk_tts_refused(vk_tts_job *j)
{
    pthread_mutex_lock(&g.mu);
    while (!j->done && j->out.n == 0)
        pthread_cond_wait(&g.cv, &g.mu);
    bool refused = j->done && j->failed != 0;
    pthread_mutex_unlock(&g.mu);
    return refused;
}

void vk_tts_release(vk_tts_job *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&g.mu);
    j->cancelled = 1;
    job_unref_locked(j);
    pthread_mutex_unlock(&g.mu);
}

vk_err vk_tts_say(vk_tts *t, const char *voice, int rate_wpm, const char *text,
                  int16_t **pcm, size_t *n)
{
    *pcm = NULL;
    *n = 0;
    vk_tts_job *j = vk_tts_start(t, voice, rate_wpm, text);
    if (vk_tts_failed(j)) {
        vk_tts_release(j);
        return VK_ERR_TTS;
    }
    pthread_mutex_lock(&g.mu);
    *pcm = j->out.pcm ? j->out.pcm : vk_malloc(sizeof(int16_t));
    *n = j->out.n;
    j->out.pcm = NULL;
    pthread_mutex_unlock(&g.mu);
    vk_tts_release(j);
    return VK_OK;
}
