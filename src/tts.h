/*
 * tts: speech synthesis with eSpeak NG, and the only module that includes
 * eSpeak NG headers.
 *
 * eSpeak NG is initialised once per process (initialising it again hangs)
 * and is not thread-safe, so one synthesis thread, started with it, makes
 * every call (tts.c).  Sentences are jobs: the samples can be read as they
 * are made, so speech starts before the sentence is finished.  Output is
 * converted to the kiosk's 16 kHz.  The functions below are for one
 * thread (the loop's); each job belongs to the caller that started it.
 */
#ifndef VK_TTS_H
#define VK_TTS_H

#include <stdbool.h>
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

/* One sentence being made on the synthesis thread. */
typedef struct vk_tts_job vk_tts_job;

/* Starts synthesising `text` (as vk_tts_say; borrowed, copied) and returns
 * at once.  Jobs run in the order started.  Free with vk_tts_release(). */
vk_tts_job *vk_tts_start(vk_tts *t, const char *voice, int rate_wpm,
                         const char *text);

/* Copies up to `max` samples from sample `pos` of the job into `out`,
 * waiting only until at least one is there (or the job has ended).
 * Returns how many; *end is set once the job has ended and nothing is left
 * after pos + the returned count.  The same job always gives the same
 * samples, however its reads are timed. */
size_t vk_tts_read(vk_tts_job *job, size_t pos, int16_t *out, size_t max,
                   bool *end);

/* Waits for the job to end; true if eSpeak NG refused it (no samples). */
bool vk_tts_failed(vk_tts_job *job);
/* The same, waiting only as long as vk_tts_read(job, 0, ...) would: until
 * the job's first samples are there (false at once) or it has ended. */
bool vk_tts_refused(vk_tts_job *job);

/* Lets go of a job; one still running is stopped.  NULL is a no-op. */
void vk_tts_release(vk_tts_job *job);

#define VK_TTS_MAX_SECONDS 60
#define VK_TTS_DEFAULT_RATE 160

#endif
