/* wav: libsndfile in, 16 kHz mono out (via dsp's resampler), and a writer. */
#include "wav.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

#include "dsp.h"
#include "mem.h"

/* A recording longer than this is not a kiosk answer. */
#define VK_WAV_MAX_SECONDS 600

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
    if (info.channels < 1 || info.samplerate < 1000 ||
        info.frames > (sf_count_t)info.samplerate * VK_WAV_MAX_SECONDS) {
        snprintf(errbuf, errlen, "%s: unsupported audio (%d channels, %d Hz, "
                 "%lld frames)", path, info.channels, info.samplerate,
                 (long long)info.frames);
        sf_close(f);
        return VK_ERR_IO;
    }
    size_t frames = (size_t)info.frames;
    short *inter = vk_malloc((frames ? frames : 1) * (size_t)info.channels *
                             sizeof(short));
    sf_count_t got = sf_readf_short(f, inter, (sf_count_t)frames);
    sf_close(f);
    if (got < 0)
        got = 0;
    /* Mix down to mono by averaging the channels. */
    int16_t *mono = vk_malloc(((size_t)got ? (size_t)got : 1) * sizeof(int16_t));
    for (sf_count_t i = 0; i < got; i++) {
        long acc = 0;
        for (int c = 0; c < info.channels; c++)
            acc += inter[i * info.channels + c];
        mono[i] = (int16_t)(acc / info.channels);
    }
    free(inter);
    *pcm = vk_dsp_resample(mono, (size_t)got, info.samplerate, 16000, n);
    free(mono);
    return VK_OK;
}

vk_err vk_wav_open(const char *path, int rate, int channels,
                   vk_wav_writer **out, char *errbuf, size_t errlen)
{
    SF_INFO info = {.samplerate = rate, .channels = channels,
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
