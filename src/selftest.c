/*
 * selftest: speak, listen, report (see selftest.h).  The loop is the
 * kiosk's in miniature: one 20 ms microphone frame in, one speaker frame
 * out, the sample clock advanced, so a real device paces it and a test
 * double runs it as fast as the CPU allows.
 */
#define _POSIX_C_SOURCE 200809L
#include "selftest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "state.h"

#define RATE VK_AUDIO_RATE
#define FRAME VK_AUDIO_FRAME
#define MARK "selftest-passed"
/* After speaking, wait this long before listening, so the prompt's tail
 * (still in the device's output buffer) is not heard as an answer. */
#define GRACE_S 0.3

typedef struct run {
    vk_audio *dev;
    const vk_selftest_opts *o;
    vk_selftest_result *r;
    int64_t t;
    int16_t mic[FRAME];
} run;

void vk_selftest_default_opts(vk_selftest_opts *o)
{
    memset(o, 0, sizeof *o);
    o->voice = "en-us";
    o->rate_wpm = VK_TTS_DEFAULT_RATE;
    o->listen_s = 7.0;
    o->tries = 3;
}

/* One tick: read a microphone frame, write `spk` (or silence). */
static vk_err tick(run *x, const int16_t *spk)
{
    static const int16_t silence[FRAME];
    vk_err e = vk_audio_read(x->dev, x->mic, FRAME);
    if (e != VK_OK)
        return e;
    e = vk_audio_write(x->dev, spk ? spk : silence, FRAME);
    if (e != VK_OK)
        return e;
    x->t += FRAME;
    if (x->o->on_tick)
        x->o->on_tick(x->o->tick_ctx, x->t);
    return VK_OK;
}

/* Speaks `text` to the end, then the grace pause. */
static vk_err say(run *x, vk_tts *tts, const char *text)
{
    int16_t *pcm = NULL;
    size_t n = 0;
    vk_err e = vk_tts_say(tts, x->o->voice, x->o->rate_wpm, text, &pcm, &n);
    if (e != VK_OK)
        return e;
    int16_t frame[FRAME];
    for (size_t i = 0; i < n && e == VK_OK; i += FRAME) {
        size_t k = n - i < FRAME ? n - i : FRAME;
        memcpy(frame, pcm + i, k * sizeof *pcm);
        memset(frame + k, 0, (FRAME - k) * sizeof *pcm);
        e = tick(x, frame);
    }
    free(pcm);
    x->r->spoken_s += (double)n / RATE;
    for (int64_t end = x->t + (int64_t)(GRACE_S * RATE);
         x->t < end && e == VK_OK;)
        e = tick(x, NULL);
    return e;
}

static double frame_dbfs(const int16_t *s)
{
    int peak = 0;
    for (int i = 0; i < FRAME; i++) {
        int v = abs(s[i]);
        if (v > peak)
            peak = v;
    }
    return peak > 0 ? 20.0 * log10((double)peak / 32768.0) : -120.0;
}

/* Listens for one answer: *h gets it, or an empty meaning after listen_s
 * with no speech. */
static vk_err hear(run *x, vk_recognizer *rec, vk_heard *h)
{
    vk_recognizer_listen(rec, "answer");
    memset(h, 0, sizeof *h);
    int64_t start = x->t;
    bool in_speech = false;
    while (in_speech || x->t - start < (int64_t)(x->o->listen_s * RATE)) {
        vk_err e = tick(x, NULL);
        if (e != VK_OK)
            return e;
        double db = frame_dbfs(x->mic);
        if (db > x->r->mic_peak_dbfs)
            x->r->mic_peak_dbfs = db;
        vk_asr_state st = vk_recognizer_feed(rec, x->mic, FRAME, h);
        in_speech = st == VK_ASR_SPEECH;
        if (st == VK_ASR_DONE)
            return VK_OK;
        /* A safety stop: speech that never ends is not an answer. */
        if (x->t - start > (int64_t)((x->o->listen_s + 30.0) * RATE))
            break;
    }
    return VK_OK;
}

vk_err vk_selftest_run(vk_recognizer *rec, vk_tts *tts, vk_audio *dev,
                       const vk_selftest_opts *opts, vk_selftest_result *out)
{
    memset(out, 0, sizeof *out);
    out->mic_peak_dbfs = -120.0;
    run x = {.dev = dev, .o = opts, .r = out};
    vk_err e = VK_OK;
    for (int i = 0; i < opts->tries && !out->heard_yes; i++) {
        /* First the line; then a plainer one, after silence or
         * another answer. */
        const char *ask =
            i == 0 ? VK_SELFTEST_PROMPT : "Please say yes, if you can hear me.";
        if ((e = say(&x, tts, ask)) != VK_OK)
            break;
        out->tries = i + 1;
        vk_heard h;
        if ((e = hear(&x, rec, &h)) != VK_OK)
            break;
        snprintf(out->meaning, sizeof out->meaning, "%s", h.meaning);
        out->confidence = h.confidence;
        out->heard_yes =
            strcmp(h.meaning, "yes") == 0 && h.confidence >= VK_ASR_CONFIRM;
    }
    if (e == VK_OK)
        e = say(&x, tts,
                out->heard_yes
                    ? "Thank you. I heard you. The kiosk is ready."
                    : "I could not hear a yes. Please check that the "
                      "microphone is on, or ask someone to help.");
    out->elapsed_s = (double)x.t / RATE;
    return e;
}

bool vk_selftest_passed_before(const char *state_dir)
{
    char p[4096];
    struct stat st;
    snprintf(p, sizeof p, "%s/" MARK, state_dir);
    return stat(p, &st) == 0;
}

vk_err vk_selftest_remember(const char *state_dir)
{
    char p[4096];
    if (!vk_state_make_dirs(state_dir))
        return VK_ERR_IO;
    snprintf(p, sizeof p, "%s/" MARK, state_dir);
    FILE *f = fopen(p, "w");
    if (!f)
        return VK_ERR_IO;
    /* Nothing personal: only that a yes was heard once. */
    fputs("the first-start self-test heard yes\n", f);
    return fclose(f) == 0 ? VK_OK : VK_ERR_IO;
}
