/* audio_sink: the WAV-writing output device (see audio_sink.h). */
#include "audio_sink.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "wav.h"

typedef struct sink {
    vk_audio base;
    vk_wav_writer *wav;
    bool failed; /* vk_audio_sink_fail: every write fails from now on */
} sink;

static vk_err sink_read(vk_audio *a, int16_t *mic, size_t n)
{
    (void)a;
    memset(mic, 0, n * sizeof *mic);
    return VK_OK;
}

static vk_err sink_write(vk_audio *a, const int16_t *spk, size_t n)
{
    if (((sink *)a)->failed)
        return VK_ERR_DEVICE;
    return vk_wav_write(((sink *)a)->wav, spk, n) == VK_OK ? VK_OK : VK_ERR_IO;
}

void vk_audio_sink_fail(vk_audio *a)
{
    ((sink *)a)->failed = true;
}

static void sink_destroy(vk_audio *a)
{
    vk_wav_close(((sink *)a)->wav);
    free(a);
}

static const vk_audio_ops ops = {
    .read = sink_read, .write = sink_write, .destroy = sink_destroy};

vk_err vk_audio_sink_open(const char *path, vk_audio **out, char *errbuf,
                          size_t errlen)
{
    sink *s = vk_calloc(1, sizeof *s);
    s->base.ops = &ops;
    vk_err e = vk_wav_open(path, VK_AUDIO_RATE, 1, &s->wav, errbuf, errlen);
    if (e != VK_OK) {
        free(s);
        return e;
    }
    *out = &s->base;
    return VK_OK;
}
