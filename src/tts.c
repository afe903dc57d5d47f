/*
 * tts: eSpeak NG in synchronous mode.  Samples arrive through a callback
 * into a capped buffer; returning 1 from the callback is the only way to
 * stop a running synthesis, and it is used when the cap is reached.
 */
#define _POSIX_C_SOURCE 200809L
#include "tts.h"

#include <espeak-ng/speak_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp.h"
#include "mem.h"
#include "ssml.h"

struct vk_tts {
    int rate; /* eSpeak's output rate */
    char voice[64];
};

typedef struct capture {
    int16_t *buf;
    size_t n, cap, max;
} capture;

static capture *g_capture; /* eSpeak's callback has no user pointer per call */
static int g_rate;         /* 0 until eSpeak is initialised */

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
    (void)events;
    capture *c = g_capture;
    if (!c || !wav || n <= 0)
        return 0;
    if (c->n + (size_t)n > c->max)
        return 1;
    if (c->n + (size_t)n > c->cap) {
        while (c->n + (size_t)n > c->cap)
            c->cap = c->cap ? c->cap * 2 : 22050;
        c->buf = vk_realloc(c->buf, c->cap * sizeof(int16_t));
    }
    memcpy(c->buf + c->n, wav, (size_t)n * sizeof(int16_t));
    c->n += (size_t)n;
    return 0;
}

vk_err vk_tts_create(vk_tts **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (!g_rate) {
        int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 100, NULL, 0);
        if (rate <= 0) {
            snprintf(errbuf, errlen,
                     "eSpeak NG could not start: its voice data is missing. "
                     "Install it with: apt-get install espeak-ng-data");
            return VK_ERR_TTS;
        }
        espeak_SetSynthCallback(on_samples);
        g_rate = rate;
    }
    vk_tts *t = vk_calloc(1, sizeof *t);
    t->rate = g_rate;
    *out = t;
    return VK_OK;
}

void vk_tts_destroy(vk_tts *t)
{
    free(t);
}

vk_err vk_tts_say(vk_tts *t, const char *voice, int rate_wpm, const char *text,
                  int16_t **pcm, size_t *n)
{
    *pcm = NULL;
    *n = 0;
    if (strcmp(t->voice, voice) != 0) {
        if (espeak_SetVoiceByName(voice) != EE_OK)
            return VK_ERR_TTS;
        snprintf(t->voice, sizeof t->voice, "%s", voice);
    }
    espeak_SetParameter(espeakRATE, rate_wpm, 0);
    capture c = {.max = (size_t)t->rate * VK_TTS_MAX_SECONDS};
    g_capture = &c;
    /* Prompts may carry the SSML subset that `check` validates (ssml.h);
     * without the flag eSpeak NG would read the tags aloud.  Plain text
     * goes without it: in SSML mode eSpeak NG picks the voice again from
     * its SSML stack, which changed how a variant such as en-us+m3 sounds. */
    unsigned flags =
        espeakCHARS_UTF8 | (vk_ssml_has_markup(text) ? espeakSSML : 0);
    espeak_ERROR e = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
                                  flags, NULL, NULL);
    g_capture = NULL;
    if (e != EE_OK) {
        free(c.buf);
        return VK_ERR_TTS;
    }
    *pcm = vk_dsp_resample(c.buf, c.n, t->rate, 16000, n);
    free(c.buf);
    return VK_OK;
}
