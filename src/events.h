/*
 * events: the JSON-lines event stream (one object per line, each with `t`
 * in seconds on the session clock and a `type`), and the captions.
 *
 * Answer values are written only when the stream was opened for a
 * simulation; a live stream never carries them.
 */
#ifndef VK_EVENTS_H
#define VK_EVENTS_H

#include <stdbool.h>
#include <stdio.h>

typedef struct vk_events vk_events;

/* Writes to `out` (borrowed; NULL = no stream).  `with_answers` must be
 * false for live sessions.  Free with vk_events_destroy(). */
vk_events *vk_events_create(FILE *out, bool with_answers);
void vk_events_destroy(vk_events *e);

/* A prompt, and each of its sentences as a caption.  A `personal` one (an
 * answer said back, the summary, the contacts: kiosk.c is_personal) has
 * its text left out of a live stream, which may be saved to a file, and
 * is marked "private". */
void vk_events_prompt(vk_events *e, double t, const char *id, const char *text,
                      bool personal);
void vk_events_prompt_end(vk_events *e, double t, const char *id,
                          bool interrupted);
void vk_events_user_speech(vk_events *e, double t, double start, double end);
void vk_events_heard(vk_events *e, double t, const char *meaning,
                     const char *words, double confidence);
/* A key and its action; live, an answer key shows as action "answer". */
void vk_events_key(vk_events *e, double t, const char *key, const char *action);
/* A speech control was used; the session's settings after it. */
void vk_events_control(vk_events *e, double t, const char *control,
                       double volume_db, int rate_wpm, bool paused,
                       double time_factor);
/* Listening started: what can be said and pressed, for a display. */
void vk_events_expect(vk_events *e, double t, const char *context,
                      const char *say, const char *keys);
void vk_events_answer(vk_events *e, double t, int question, const char *value);
/* crisis, contacts, listen and other events with no fields */
void vk_events_simple(vk_events *e, double t, const char *type);
void vk_events_end(vk_events *e, double t, const char *reason);
void vk_events_caption(vk_events *e, double t, const char *sentence,
                       bool personal);

#endif
