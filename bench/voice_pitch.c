/*
 * voice_pitch: how high a voice is, for reporting recognition by voice.
 * For each WAV given, prints its path, the median pitch (Hz) of its voiced
 * 10 ms frames and how many frames were voiced, tab-separated.  A clip with
 * fewer than 5 voiced frames prints 0.
 *
 * The pitch tracker is sphinxbase's YIN (de Cheveigné and Kawahara 2002,
 * the library PocketSphinx already links): 32 ms frames every 10 ms, a
 * frame counts as voiced when its best normalised difference is under 0.1
 * (as sphinxbase's own sphinx_pitch tool decides) and the period is within
 * 65-400 Hz.  Used by bench/recognition_bench.py.
 * usage: voice_pitch WAV...
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sphinxbase/yin.h>

#include "wav.h"

#define RATE 16000
#define FRAME 512 /* 32 ms: periods up to 256 samples (62.5 Hz) */
#define SHIFT 160 /* 10 ms */
#define VOICED_DIFF (0.1 * 32768)
#define MIN_HZ 65.0
#define MAX_HZ 400.0
#define MIN_VOICED 5

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median pitch of pcm's voiced frames (0 if too few); *voiced gets their
 * number. */
static double median_pitch(yin_t *yin, const int16_t *pcm, size_t n,
                           size_t *voiced)
{
    size_t cap = n / SHIFT + 1, k = 0;
    double *hz = malloc(cap * sizeof *hz);
    if (!hz)
        return 0;
    yin_start(yin);
    for (size_t at = 0; at + FRAME <= n; at += SHIFT) {
        yin_write(yin, pcm + at);
        uint16 period, diff;
        if (yin_read(yin, &period, &diff) && period > 0 && diff < VOICED_DIFF) {
            double f = (double)RATE / period;
            if (f >= MIN_HZ && f <= MAX_HZ && k < cap)
                hz[k++] = f;
        }
    }
    yin_end(yin);
    *voiced = k;
    double med = 0;
    if (k >= MIN_VOICED) {
        qsort(hz, k, sizeof *hz, by_value);
        med = k % 2 ? hz[k / 2] : (hz[k / 2 - 1] + hz[k / 2]) / 2;
    }
    free(hz);
    return med;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: voice_pitch WAV...\n");
        return 2;
    }
    /* search range 0.2 and smoothing 2 frames, as sphinx_pitch's defaults */
    yin_t *yin = yin_init(FRAME, 0.1f, 0.2f, 2);
    if (!yin) {
        fprintf(stderr, "voice_pitch: the pitch tracker could not start\n");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int16_t *pcm = NULL;
        size_t n = 0, voiced = 0;
        char err[256];
        if (vk_wav_read16k(argv[i], &pcm, &n, err, sizeof err) != VK_OK) {
            fprintf(stderr, "voice_pitch: %s\n", err);
            status = 1;
            continue;
        }
        double hz = median_pitch(yin, pcm, n, &voiced);
        printf("%s\t%.1f\t%zu\n", argv[i], hz, voiced);
        free(pcm);
    }
    yin_free(yin);
    return status;
}
