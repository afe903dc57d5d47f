/*
 * events: the JSON-lines event stream (one object per line, each with `t`
 * in seconds on the session clock and a `type`), and the captions.
 *
 * The types: prompt, prompt_end, caption, expect, user_speech, heard, key,
 * control, answer and end have fields (the functions below); crisis,
 * contacts, wake, wake_over, barge_pause, barge_resume, device_lost,
 * device_back, headphones_missing and headphones_back have none
 * (vk_events_simple); a simulation's room adds unplug, replug and
 * phones_off.
 *
 * Answer values, the words heard, the keys that answered and the text of
 * personal prompts are written only when the stream was opened for a
 * simulation.  A live stream still shows a person's path: a `crisis`
 * event and the crisis prompt ids follow a yes or not sure to sign 3, and
 * the cursor keys' choices are there.  A saved one is personal data.
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
 * answer said back, a confirmation, the summary, the contacts, the crisis
 * contacts and the offer to hear them again, and their help: kiosk.c
 * is_personal) has its text left out of a live stream, which may be saved
 * to a file, and is marked "private". */
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
/* crisis, contacts, wake and the other events with no fields (above) */
void vk_events_simple(vk_events *e, double t, const char *type);
void vk_events_end(vk_events *e, double t, const char *reason);
void vk_events_caption(vk_events *e, double t, const char *sentence,
                       bool personal);

#endif
