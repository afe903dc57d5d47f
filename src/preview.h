/*
 * preview: renders prompts as the kiosk would speak them, so staff hear a
 * change before the kiosk does (`voice-kiosk preview`).
 *
 * A prompt is split into sentences exactly as the kiosk splits it, each
 * sentence is synthesised with eSpeak NG (SSML and all) and its caption
 * printed, and the audio is returned as one 16 kHz buffer for a WAV file
 * or the speaker.  Placeholders are filled as the kiosk fills them (the
 * contacts, the choices and keys; counts of 12).
 */
#ifndef VK_PREVIEW_H
#define VK_PREVIEW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "script.h"
#include "tts.h"

/* Pause put between two prompts of a whole-flow preview. */
#define VK_PREVIEW_GAP_MS 600

/* Renders prompt `id` of `s` (a step id such as "sign.3", "STEP.help",
 * "STEP.text_again", or "system.KEY"), or every step in file order if
 * `id` is NULL.  Each sentence's caption goes to `captions` (may be NULL),
 * prefixed by the prompt id when the prompt starts.  On success *pcm is a
 * new 16 kHz buffer (free with free()) of *n samples.  An unknown id is
 * VK_ERR_NOTFOUND with a message naming the nearest ids in errbuf. */
vk_err vk_preview_render(const vk_script *s, vk_tts *tts, int rate_wpm,
                         const char *id, FILE *captions, int16_t **pcm,
                         size_t *n, char *errbuf, size_t errlen) VK_WARN_UNUSED;

#endif
