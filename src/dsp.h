/*
 * dsp: signal processing with speexdsp, and the only module that includes
 * speexdsp headers.  For now: sample-rate conversion, of whole buffers
 * (WAV files at any rate, to the kiosk's 16 kHz) and as a stream (TTS output
 * at 22050 Hz, converted as eSpeak NG makes it), and small level helpers
 * used by the simulated room.
 */
#ifndef VK_DSP_H
#define VK_DSP_H

#include <stddef.h>
#include <stdint.h>

/* Converts n samples of mono audio from in_rate to out_rate.  Returns a new
 * buffer (free with free()) and its length in *out_n.  Equal rates copy. */
int16_t *vk_dsp_resample(const int16_t *in, size_t n, int in_rate, int out_rate,
                         size_t *out_n);

/* A growing buffer of 16-bit samples with a ceiling. */
typedef struct vk_pcm_buf {
    int16_t *pcm; /* owned: free with free() */
    size_t n, cap;
    size_t max; /* the ceiling, in samples */
} vk_pcm_buf;

/* Appends n samples (x NULL: silence), as many as the ceiling leaves room
 * for; returns how many. */
size_t vk_pcm_append(vk_pcm_buf *b, const int16_t *x, size_t n);

/* A streaming converter: the same output as vk_dsp_resample over the whole
 * input, sample for sample, however the input is cut. */
typedef struct vk_resampler vk_resampler;

/* Receives converted samples (borrowed for the call). */
typedef void (*vk_resample_sink)(void *ctx, const int16_t *pcm, size_t n);

/* Creates a converter from in_rate to out_rate (different rates).  Free
 * with vk_resampler_destroy(). */
vk_resampler *vk_resampler_create(int in_rate, int out_rate);
void vk_resampler_destroy(vk_resampler *r);

/* Converts n more input samples, handing the output to sink as it comes.
 * `last`: the input ends here; the filter's delay is flushed and the whole
 * output is cut to the input's length at out_rate. */
void vk_resampler_feed(vk_resampler *r, const int16_t *in, size_t n, int last,
                       vk_resample_sink sink, void *ctx);

/* Root-mean-square level of n samples (0 for n == 0). */
double vk_dsp_rms(const int16_t *x, size_t n);

/* Multiplies n samples by gain, saturating at the 16-bit limits. */
void vk_dsp_scale(int16_t *x, size_t n, double gain);

/* Adds b into a (n samples), saturating. */
void vk_dsp_mix(int16_t *a, const int16_t *b, size_t n);

/* Decibels to a linear gain. */
double vk_dsp_db_to_gain(double db);

#endif
