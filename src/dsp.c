/* dsp: speexdsp resampling and plain level arithmetic. */
#include "dsp.h"

#include <math.h>
#include <speex/speex_resampler.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* Quality 5 is speexdsp's default for VoIP: clean enough for a recogniser,
 * and cheap (a 5 s prompt converts in well under a millisecond). */
#define VK_RESAMPLE_QUALITY 5

int16_t *vk_dsp_resample(const int16_t *in, size_t n, int in_rate, int out_rate,
                         size_t *out_n)
{
    if (in_rate == out_rate || n == 0) {
        int16_t *copy = vk_malloc((n ? n : 1) * sizeof(int16_t));
        if (n)
            memcpy(copy, in, n * sizeof(int16_t));
        *out_n = n;
        return copy;
    }
    int err = 0;
    SpeexResamplerState *st =
        speex_resampler_init(1, (spx_uint32_t)in_rate, (spx_uint32_t)out_rate,
                             VK_RESAMPLE_QUALITY, &err);
    if (!st)
        abort(); /* only fails on invalid rates or out of memory */
    speex_resampler_skip_zeros(st);
    size_t cap = (size_t)((double)n * out_rate / in_rate) + 256;
    int16_t *out = vk_malloc(cap * sizeof(int16_t));
    size_t done_in = 0, done_out = 0;
    /* Feed the input, then enough zeros to flush the filter's delay. */
    size_t latency = (size_t)speex_resampler_get_input_latency(st);
    int16_t *zeros = vk_calloc(latency + 1, sizeof(int16_t));
    for (int pass = 0; pass < 2; pass++) {
        const int16_t *src = pass ? zeros : in;
        size_t total = pass ? latency : n, used = 0;
        while (used < total && done_out < cap) {
            spx_uint32_t ilen = (spx_uint32_t)(total - used);
            spx_uint32_t olen = (spx_uint32_t)(cap - done_out);
            speex_resampler_process_int(st, 0, src + used, &ilen,
                                        out + done_out, &olen);
            used += ilen;
            done_out += olen;
            if (ilen == 0 && olen == 0)
                break;
        }
        done_in += used;
    }
    (void)done_in;
    free(zeros);
    speex_resampler_destroy(st);
    size_t want = (size_t)((double)n * out_rate / in_rate + 0.5);
    *out_n = done_out < want ? done_out : want;
    return out;
}

double vk_dsp_rms(const int16_t *x, size_t n)
{
    if (n == 0)
        return 0.0;
    double acc = 0.0;
    for (size_t i = 0; i < n; i++)
        acc += (double)x[i] * x[i];
    return sqrt(acc / (double)n);
}

static int16_t clip(double v)
{
    if (v > 32767.0)
        return 32767;
    if (v < -32768.0)
        return -32768;
    return (int16_t)lrint(v);
}

void vk_dsp_scale(int16_t *x, size_t n, double gain)
{
    for (size_t i = 0; i < n; i++)
        x[i] = clip(x[i] * gain);
}

void vk_dsp_mix(int16_t *a, const int16_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = clip((double)a[i] + b[i]);
}

double vk_dsp_db_to_gain(double db)
{
    return pow(10.0, db / 20.0);
}
