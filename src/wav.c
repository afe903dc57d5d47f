/* wav: libsndfile in, 16 kHz mono out (via dsp's resampler), and a writer. */
#include "wav.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

#include "dsp.h"
#include "mem.h"

/* A recording longer than this is not a kiosk answer. */
#define VK_WAV_MAX_SECONDS 600
/* Outside these the file is not a speech recording, and the resampler
 * cannot be set up for it (a rate of 872 MHz once crashed `recognize`). */
#define VK_WAV_MIN_RATE 1000
#define VK_WAV_MAX_RATE 384000
#define VK_WAV_MAX_CHANNELS 64
/* Frames read at a time: the header's frame count is not trusted for the
 * size of an allocation, the samples actually present are. */
#define VK_WAV_BLOCK 4096

struct vk_wav_writer {
    SNDFILE *f;
    int channels;
};

vk_err vk_wav_read16k(const char *path, int16_t **pcm, size_t *n, char *errbuf,
                      size_t errlen)
{
    *pcm = NULL;
    *n = 0;
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f) {
        snprintf(errbuf, errlen, "%s: cannot read audio: %s", path,
                 sf_strerror(NULL));
        return VK_ERR_IO;
    }
    if (info.channels < 1 || info.channels > VK_WAV_MAX_CHANNELS ||
        info.samplerate < VK_WAV_MIN_RATE ||
        info.samplerate > VK_WAV_MAX_RATE ||
        info.frames > (sf_count_t)info.samplerate * VK_WAV_MAX_SECONDS) {
        snprintf(errbuf, errlen,
                 "%s: unsupported audio (%d channels, %d Hz, "
                 "%lld frames)",
                 path, info.channels, info.samplerate, (long long)info.frames);
        sf_close(f);
        return VK_ERR_IO;
    }
    size_t max_frames = (size_t)info.samplerate * VK_WAV_MAX_SECONDS;
    short *block =
        vk_malloc(VK_WAV_BLOCK * (size_t)info.channels * sizeof(short));
    int16_t *mono = NULL;
    size_t got = 0, cap = 0;
    sf_count_t r;
    while (got < max_frames &&
           (r = sf_readf_short(f, block, VK_WAV_BLOCK)) > 0) {
        size_t take =
            (size_t)r < max_frames - got ? (size_t)r : max_frames - got;
        if (got + take > cap) {
            cap = cap ? cap * 2 : VK_WAV_BLOCK;
            mono = vk_realloc(mono, cap * sizeof(int16_t));
        }
        /* Mix down to mono by averaging the channels. */
        for (size_t i = 0; i < take; i++) {
            long acc = 0;
            for (int c = 0; c < info.channels; c++)
                acc += block[i * (size_t)info.channels + (size_t)c];
            mono[got + i] = (int16_t)(acc / info.channels);
        }
        got += take;
    }
    sf_close(f);
    free(block);
    *pcm = vk_dsp_resample(mono, got, info.samplerate, 16000, n);
    free(mono);
    return VK_OK;
}

vk_err vk_wav_open(const char *path, int rate, int channels,
                   vk_wav_writer **out, char *errbuf, size_t errlen)
{
    SF_INFO info = {.samplerate = rate,
                    .channels = channels,
                    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    if (!f) {
        snprintf(errbuf, errlen, "%s: cannot write: %s", path,
                 sf_strerror(NULL));
        *out = NULL;
        return VK_ERR_IO;
    }
    vk_wav_writer *w = vk_calloc(1, sizeof *w);
    w->f = f;
    w->channels = channels;
    *out = w;
    return VK_OK;
}

vk_err vk_wav_write(vk_wav_writer *w, const int16_t *interleaved, size_t frames)
{
    sf_count_t put = sf_writef_short(w->f, interleaved, (sf_count_t)frames);
    return put == (sf_count_t)frames ? VK_OK : VK_ERR_IO;
}

void vk_wav_close(vk_wav_writer *w)
{
    if (!w)
        return;
    sf_close(w->f);
    free(w);
}
