/*
 * synth: eSpeak NG renderings of every phrase of the shipped grammars, as
 * extra in-grammar examples for fitting the confidence (the recordings hold
 * only yes / no / stop of all the phrases the kiosk listens for).
 *
 * usage: synth [-voices V,V..] [-rates R,R..] [-contexts C,C..] GRAMMAR_DIR
 *              OUT_DIR > OUT_DIR/manifest.tsv
 * Each phrase of each context (default answer, command, menu) is spoken in
 * every voice (default VOICES) at every rate (default RATES), the way the
 * simulated room's virtual user speaks (src/audio_sim.c): eSpeak NG through
 * vk_tts (16 kHz), normalised to -20 dBFS.  The manifest has the lab's columns:
 * path, label (the phrase), speaker ("espeak:<voice>"), source, licence.  A
 * phrase in more than one context is written once.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/diag.h"
#include "../../src/dsp.h"
#include "../../src/grammar.h"
#include "../../src/mem.h"
#include "../../src/tts.h"
#include "../../src/wav.h"

#define VOICES                                                                 \
    "en-us,en-us+f3,en-us+m3,en-us+f2,en-us+m1,en-us+f4,en-us+m7,en-us+f1"
#define RATES "130,160,190"
#define CONTEXTS "answer,command,menu"
#define MAX_LIST 16

/* Splits a comma-separated list in place into at most MAX_LIST items. */
static size_t split(char *s, char **item)
{
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok && n < MAX_LIST;
         tok = strtok(NULL, ","))
        item[n++] = tok;
    return n;
}

static int seen(char **list, size_t n, const char *p)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], p) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    char voices_s[512] = VOICES, rates_s[128] = RATES, ctx_s[128] = CONTEXTS;
    int a = 1;
    for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
        char *to = strcmp(argv[a], "-voices") == 0     ? voices_s
                   : strcmp(argv[a], "-rates") == 0    ? rates_s
                   : strcmp(argv[a], "-contexts") == 0 ? ctx_s
                                                       : NULL;
        size_t cap = to == voices_s ? sizeof voices_s : sizeof rates_s;
        if (!to || strlen(argv[a + 1]) >= cap)
            break;
        strcpy(to, argv[a + 1]);
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: synth [-voices V,V..] [-rates R,R..] "
                        "[-contexts C,C..] GRAMMAR_DIR OUT_DIR\n");
        return 2;
    }
    const char *gdir = argv[a], *outdir = argv[a + 1];
    char *voice[MAX_LIST], *rate_s[MAX_LIST], *context[MAX_LIST];
    size_t nv = split(voices_s, voice), nr = split(rates_s, rate_s),
           nc = split(ctx_s, context);
    char eb[256];
    vk_tts *t;
    if (vk_tts_create(&t, eb, sizeof eb) != VK_OK) {
        fprintf(stderr, "tts: %s\n", eb);
        return 1;
    }
    char *done[1024];
    size_t nd = 0;
    printf("path\tlabel\tspeaker\tsource\tlicence\n");
    int k = 0;
    for (size_t c = 0; c < nc; c++) {
        vk_diag *d = vk_diag_create();
        vk_grammar *g = vk_grammar_load(gdir, context[c], d);
        if (!g) {
            fprintf(stderr, "grammar %s has errors\n", context[c]);
            return 1;
        }
        for (size_t i = 0; i < vk_grammar_phrase_count(g); i++) {
            const char *tag;
            const char *p = vk_grammar_phrase(g, i, &tag);
            if (seen(done, nd, p) || nd == 1024)
                continue;
            done[nd++] = vk_strdup(p);
            for (size_t v = 0; v < nv; v++)
                for (size_t r = 0; r < nr; r++) {
                    int16_t *pcm;
                    size_t n;
                    int wpm = atoi(rate_s[r]);
                    if (vk_tts_say(t, voice[v], wpm, p, &pcm, &n) != VK_OK) {
                        fprintf(stderr, "voice %s: could not speak\n",
                                voice[v]);
                        continue;
                    }
                    double rms = vk_dsp_rms(pcm, n);
                    if (rms > 0)
                        vk_dsp_scale(pcm, n, 3277.0 / rms);
                    char rel[64], path[4096];
                    snprintf(rel, sizeof rel, "s%05d.wav", k++);
                    snprintf(path, sizeof path, "%s/%s", outdir, rel);
                    vk_wav_writer *w;
                    if (vk_wav_open(path, 16000, 1, &w, eb, sizeof eb) !=
                        VK_OK) {
                        fprintf(stderr, "%s\n", eb);
                        return 1;
                    }
                    if (vk_wav_write(w, pcm, n) != VK_OK)
                        fprintf(stderr, "%s: write failed\n", path);
                    vk_wav_close(w);
                    free(pcm);
                    printf("%s\t%s\tespeak:%s@%d\teSpeak NG %s\tGPL-3.0 tool "
                           "output\n",
                           rel, p, voice[v], wpm, voice[v]);
                }
        }
        vk_grammar_destroy(g);
        vk_diag_destroy(d);
    }
    vk_tts_destroy(t);
    return 0;
}
