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

void vk_events_prompt(vk_events *e, double t, const char *id, const char *text);
void vk_events_prompt_end(vk_events *e, double t, const char *id,
                          bool interrupted);
void vk_events_user_speech(vk_events *e, double t, double start, double end);
void vk_events_heard(vk_events *e, double t, const char *meaning,
                     const char *words, double confidence);
/* A key press; a live stream writes digit keys (the answer keys) as
 * "digit", so the key does not give the answer away. */
void vk_events_key(vk_events *e, double t, char key);
void vk_events_answer(vk_events *e, double t, int question, const char *value);
/* crisis, contacts, listen and other events with no fields */
void vk_events_simple(vk_events *e, double t, const char *type);
void vk_events_end(vk_events *e, double t, const char *reason);
void vk_events_caption(vk_events *e, double t, const char *sentence);

#endif
