/*
 * tts: speech synthesis with eSpeak NG, and the only module that includes
 * eSpeak NG headers.
 *
 * eSpeak NG is initialised once per process (initialising it again hangs)
 * and is not thread-safe, so every call must come from the loop thread.
 * Output is converted to the kiosk's 16 kHz.
 */
#ifndef VK_TTS_H
#define VK_TTS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct vk_tts vk_tts;

/* Starts eSpeak NG (once per process).  On failure writes a message naming
 * the Debian package to install.  Free with vk_tts_destroy(). */
vk_err vk_tts_create(vk_tts **out, char *errbuf, size_t errlen) VK_WARN_UNUSED;
/* Frees the handle (eSpeak itself stays initialised).  NULL is a no-op. */
void vk_tts_destroy(vk_tts *t);

/* Synthesises `text` with `voice` (such as "en-us+f3") at `rate_wpm`
 * words per minute.  `text` is read as SSML (the subset of ssml.h): plain
 * text works as it is, but a bare '<' or '&' must be escaped.  On success *pcm
 * is a new 16 kHz buffer (free with free()) of *n samples.  Text over
 * VK_TTS_MAX_SECONDS of audio is cut. */
vk_err vk_tts_say(vk_tts *t, const char *voice, int rate_wpm, const char *text,
                  int16_t **pcm, size_t *n) VK_WARN_UNUSED;

#define VK_TTS_MAX_SECONDS 60
#define VK_TTS_DEFAULT_RATE 160

#endif
