/*
 * dsp: signal processing with speexdsp, and the only module that includes
 * speexdsp headers.  For now: sample-rate conversion of whole buffers (TTS
 * output at 22050 Hz and WAV files at any rate, to the kiosk's 16 kHz), and
 * small level helpers used by the simulated room.
 */
#ifndef VK_DSP_H
#define VK_DSP_H

#include <stddef.h>
#include <stdint.h>

/* Converts n samples of mono audio from in_rate to out_rate.  Returns a new
 * buffer (free with free()) and its length in *out_n.  Equal rates copy. */
int16_t *vk_dsp_resample(const int16_t *in, size_t n, int in_rate, int out_rate,
                         size_t *out_n);

/* Root-mean-square level of n samples (0 for n == 0). */
double vk_dsp_rms(const int16_t *x, size_t n);

/* Multiplies n samples by gain, saturating at the 16-bit limits. */
void vk_dsp_scale(int16_t *x, size_t n, double gain);

/* Adds b into a (n samples), saturating. */
void vk_dsp_mix(int16_t *a, const int16_t *b, size_t n);

/* Decibels to a linear gain. */
double vk_dsp_db_to_gain(double db);

#endif
