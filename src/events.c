/* events: JSON lines through cJSON, flushed per line so a display can follow.
 */
#include "events.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct vk_events {
    FILE *out;
    bool with_answers;
};

vk_events *vk_events_create(FILE *out, bool with_answers)
{
    vk_events *e = vk_calloc(1, sizeof *e);
    e->out = out;
    e->with_answers = with_answers;
    return e;
}

void vk_events_destroy(vk_events *e)
{
    free(e);
}

static bool is_answer(const char *m)
{
    return strcmp(m, "yes") == 0 || strcmp(m, "no") == 0 ||
           strcmp(m, "unsure") == 0;
}

static cJSON *begin(double t, const char *type)
{
    cJSON *o = cJSON_CreateObject();
    /* Millisecond resolution keeps lines short and runs comparable. */
    cJSON_AddNumberToObject(o, "t", round(t * 1000.0) / 1000.0);
    cJSON_AddStringToObject(o, "type", type);
    return o;
}

static void finish(vk_events *e, cJSON *o)
{
    if (e->out) {
        char *s = cJSON_PrintUnformatted(o);
        if (s) {
            if (fprintf(e->out, "%s\n", s) < 0 || fflush(e->out) != 0) {
                /* A display that went away (a closed pipe), a full disk:
                 * the kiosk goes on without its events.  (simulate's room
                 * writes into the same stream: told once.) */
                static bool told;
                if (!told)
                    fprintf(stderr, "voice-kiosk: the event stream cannot "
                                    "be written any more; going on without "
                                    "it\n");
                told = true;
                e->out = NULL;
            }
            cJSON_free(s);
        }
    }
    cJSON_Delete(o);
}

/* The text of a prompt or caption, or none for a personal one, live. */
static void add_text(const vk_events *e, cJSON *o, const char *text,
                     bool personal)
{
    bool hide = personal && !e->with_answers;
    cJSON_AddStringToObject(o, "text", hide ? "" : text);
    if (hide)
        cJSON_AddBoolToObject(o, "private", true);
}

void vk_events_prompt(vk_events *e, double t, const char *id, const char *text,
                      bool personal)
{
    cJSON *o = begin(t, "prompt");
    cJSON_AddStringToObject(o, "id", id);
    add_text(e, o, text, personal);
    finish(e, o);
}

void vk_events_prompt_end(vk_events *e, double t, const char *id,
                          bool interrupted)
{
    cJSON *o = begin(t, "prompt_end");
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddBoolToObject(o, "interrupted", interrupted);
    finish(e, o);
}

void vk_events_user_speech(vk_events *e, double t, double start, double end)
{
    cJSON *o = begin(t, "user_speech");
    cJSON_AddNumberToObject(o, "start", round(start * 1000.0) / 1000.0);
    cJSON_AddNumberToObject(o, "end", round(end * 1000.0) / 1000.0);
    finish(e, o);
}

void vk_events_heard(vk_events *e, double t, const char *meaning,
                     const char *words, double confidence)
{
    cJSON *o = begin(t, "heard");
    const char *m = meaning ? meaning : "";
    /* A live stream must not reveal an answer: it says only that one came. */
    if (!e->with_answers && is_answer(m))
        m = "answer";
    cJSON_AddStringToObject(o, "meaning", m);
    /* Live streams carry the meaning only: the words could be personal. */
    cJSON_AddStringToObject(o, "words", e->with_answers ? words : "");
    cJSON_AddNumberToObject(o, "confidence",
                            round(confidence * 1000.0) / 1000.0);
    finish(e, o);
}

void vk_events_key(vk_events *e, double t, const char *key, const char *action)
{
    cJSON *o = begin(t, "key");
    const char *a = action ? action : "";
    /* Live, the key that answered would give the answer away. */
    bool hide = !e->with_answers && is_answer(a);
    cJSON_AddStringToObject(o, "key", hide ? "" : key);
    cJSON_AddStringToObject(o, "action", hide ? "answer" : a);
    finish(e, o);
}

void vk_events_control(vk_events *e, double t, const char *control,
                       double volume_db, int rate_wpm, bool paused,
                       double time_factor)
{
    cJSON *o = begin(t, "control");
    cJSON_AddStringToObject(o, "control", control);
    cJSON_AddNumberToObject(o, "volume_db", volume_db);
    cJSON_AddNumberToObject(o, "rate_wpm", rate_wpm);
    cJSON_AddBoolToObject(o, "paused", paused);
    cJSON_AddNumberToObject(o, "time_factor", time_factor);
    finish(e, o);
}

void vk_events_expect(vk_events *e, double t, const char *context,
                      const char *say, const char *keys)
{
    cJSON *o = begin(t, "expect");
    cJSON_AddStringToObject(o, "context", context);
    cJSON_AddStringToObject(o, "say", say);
    if (keys)
        cJSON_AddStringToObject(o, "keys", keys);
    finish(e, o);
}

void vk_events_answer(vk_events *e, double t, int question, const char *value)
{
    cJSON *o = begin(t, "answer");
    cJSON_AddNumberToObject(o, "question", question);
    if (e->with_answers)
        cJSON_AddStringToObject(o, "value", value);
    finish(e, o);
}

void vk_events_simple(vk_events *e, double t, const char *type)
{
    finish(e, begin(t, type));
}

void vk_events_end(vk_events *e, double t, const char *reason)
{
    cJSON *o = begin(t, "end");
    cJSON_AddStringToObject(o, "reason", reason);
    finish(e, o);
}

void vk_events_caption(vk_events *e, double t, const char *sentence,
                       bool personal)
{
    cJSON *o = begin(t, "caption");
    add_text(e, o, sentence, personal);
    finish(e, o);
}
