/*
 * wav: reading and writing WAV files with libsndfile.  Reading converts any
 * rate and channel count to the kiosk's 16 kHz mono.  Only the `recognize`,
 * `simulate` and `preview -o` commands use it: a live session never writes
 * audio.
 */
#ifndef VK_WAV_H
#define VK_WAV_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Reads `path` as 16 kHz mono.  On success *pcm is new (free with free()).
 * On failure writes a message naming the file into errbuf. */
vk_err vk_wav_read16k(const char *path, int16_t **pcm, size_t *n, char *errbuf,
                      size_t errlen) VK_WARN_UNUSED;

typedef struct vk_wav_writer vk_wav_writer;

/* Opens a 16-bit PCM WAV for writing with `channels` channels at `rate`.
 * Free with vk_wav_close(). */
vk_err vk_wav_open(const char *path, int rate, int channels,
                   vk_wav_writer **out, char *errbuf,
                   size_t errlen) VK_WARN_UNUSED;
/* Appends `frames` interleaved frames. */
vk_err vk_wav_write(vk_wav_writer *w, const int16_t *interleaved,
                    size_t frames) VK_WARN_UNUSED;
/* Finishes the header and closes.  NULL is a no-op. */
void vk_wav_close(vk_wav_writer *w);

#endif
