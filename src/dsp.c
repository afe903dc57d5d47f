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

struct vk_resampler {
    SpeexResamplerState *st;
    int in_rate, out_rate;
    size_t in_n, out_n; /* input taken, output given so far */
};

vk_resampler *vk_resampler_create(int in_rate, int out_rate)
{
    int err = 0;
    vk_resampler *r = vk_calloc(1, sizeof *r);
    r->st =
        speex_resampler_init(1, (spx_uint32_t)in_rate, (spx_uint32_t)out_rate,
                             VK_RESAMPLE_QUALITY, &err);
    if (!r->st)
        abort(); /* only fails on invalid rates or out of memory */
    speex_resampler_skip_zeros(r->st);
    r->in_rate = in_rate;
    r->out_rate = out_rate;
    return r;
}

void vk_resampler_destroy(vk_resampler *r)
{
    if (!r)
        return;
    speex_resampler_destroy(r->st);
    free(r);
}

/* Runs n samples through the filter; `cap`: the most output still wanted. */
static void run(vk_resampler *r, const int16_t *in, size_t n, size_t cap,
                vk_resample_sink sink, void *ctx)
{
    int16_t out[2048];
    size_t used = 0;
    for (;;) {
        spx_uint32_t ilen = (spx_uint32_t)(n - used);
        spx_uint32_t olen = sizeof out / sizeof out[0];
        speex_resampler_process_int(r->st, 0, in + used, &ilen, out, &olen);
        used += ilen;
        size_t room = cap > r->out_n ? cap - r->out_n : 0;
        size_t give = olen < room ? olen : room;
        if (give) {
            sink(ctx, out, give);
            r->out_n += give;
        }
        if ((used >= n && olen < sizeof out / sizeof out[0]) ||
            (ilen == 0 && olen == 0))
            break;
    }
}

void vk_resampler_feed(vk_resampler *r, const int16_t *in, size_t n, int last,
                       vk_resample_sink sink, void *ctx)
{
    r->in_n += n;
    run(r, in, n, (size_t)-1, sink, ctx);
    if (!last)
        return;
    /* Enough zeros to flush the filter's delay, and no more output than
     * the input's length at the new rate. */
    size_t latency = (size_t)speex_resampler_get_input_latency(r->st);
    int16_t *zeros = vk_calloc(latency + 1, sizeof(int16_t));
    size_t want = (size_t)((double)r->in_n * r->out_rate / r->in_rate + 0.5);
    run(r, zeros, latency, want, sink, ctx);
    free(zeros);
}

size_t vk_pcm_append(vk_pcm_buf *b, const int16_t *x, size_t n)
{
    if (n > b->max - b->n)
        n = b->max - b->n;
    if (b->n + n > b->cap) {
        while (b->n + n > b->cap)
            b->cap = b->cap ? b->cap * 2 : 16000;
        if (b->cap > b->max)
            b->cap = b->max;
        b->pcm = vk_realloc(b->pcm, b->cap * sizeof *b->pcm);
    }
    if (x)
        memcpy(b->pcm + b->n, x, n * sizeof *x);
    else
        memset(b->pcm + b->n, 0, n * sizeof *b->pcm);
    b->n += n;
    return n;
}

static void to_buf(void *ctx, const int16_t *pcm, size_t n)
{
    (void)vk_pcm_append(ctx, pcm, n);
}

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
    vk_resampler *r = vk_resampler_create(in_rate, out_rate);
    vk_pcm_buf b = {.max = (size_t)((double)n * out_rate / in_rate) + 256};
    vk_resampler_feed(r, in, n, 1, to_buf, &b);
    vk_resampler_destroy(r);
    *out_n = b.n;
    return b.pcm ? b.pcm : vk_malloc(sizeof(int16_t));
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
