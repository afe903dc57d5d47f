/*
 * dialog: the walk-through as a pure state machine.
 *
 * The dialog never touches audio, the recogniser or the clock.  The kiosk
 * loop tells it what happened (a prompt finished, something was heard, a
 * key was pressed, nothing was heard in time) and it answers with a list of
 * actions (speak this, then listen in that context; record this answer;
 * the crisis contacts start; the session ends).  This is the VoiceXML
 * model: fields with grammars, counted noinput/nomatch events with tapered
 * reprompts, universal commands, and confidence bands (accept, confirm,
 * reject).  Nothing about the questions is known here: it follows the
 * script.
 */
#ifndef VK_DIALOG_H
#define VK_DIALOG_H

#include <stdbool.h>

#include "script.h"
#include "session.h"

#define VK_DIALOG_MAX_ACTIONS 16
/* The most one prompt may hold once its contacts are filled in: bytes, and
 * sentences (the kiosk queues each sentence on its own).  `check` refuses
 * content that goes over either, rather than letting the end of a contacts
 * list go unsaid. */
#define VK_DIALOG_MAX_TEXT 8192
#define VK_DIALOG_MAX_SENTENCES 128

typedef enum {
    VK_ACT_SPEAK,    /* say `text` (prompt `id`); `safety`: only a deliberate
                        command stops it */
    VK_ACT_LISTEN,   /* after the speech, listen in `context` */
    VK_ACT_ANSWER,   /* sign `sign` was answered `answer` */
    VK_ACT_CRISIS,   /* the crisis contacts start */
    VK_ACT_CONTACTS, /* the local contacts start */
    VK_ACT_END       /* the session is over; `reason` */
} vk_action_type;

typedef struct vk_action {
    vk_action_type type;
    char id[64];
    char *text; /* SPEAK: owned by the action list */
    bool safety;
    const char *context; /* LISTEN: "answer" or "menu" */
    int sign;
    vk_answer answer;
    const char *reason; /* END: "completed", "stopped" or "timeout" */
} vk_action;

typedef struct vk_actions {
    vk_action items[VK_DIALOG_MAX_ACTIONS];
    int count;
} vk_actions;

typedef enum {
    VK_IN_SPEECH,  /* `meaning` recognised with `confidence` */
    VK_IN_KEY,     /* a key meaning `meaning` (see keymap.h) */
    VK_IN_NOINPUT, /* nothing heard before the no-answer timeout */
    VK_IN_NOMATCH  /* something heard, not understood */
} vk_input_kind;

typedef struct vk_input {
    vk_input_kind kind;
    const char *meaning;
    double confidence;
} vk_input;

typedef struct vk_dialog_opts {
    double accept;  /* confidence at or above: act at once */
    double confirm; /* at or above (and below accept): confirm first */
} vk_dialog_opts;

typedef struct vk_dialog vk_dialog;

/* Creates a dialog over `script` and `session` (both borrowed; they must
 * outlive it).  Free with vk_dialog_destroy(). */
vk_dialog *vk_dialog_create(const vk_script *script, vk_session *session,
                            const vk_dialog_opts *opts);
/* Frees it.  NULL is a no-op. */
void vk_dialog_destroy(vk_dialog *d);

/* Starts a session at the first step. */
void vk_dialog_start(vk_dialog *d, vk_actions *out);
/* At the end of a session, with the answers: what the walk-through knows
 * of the person (the questions answered, the one to resume after the crisis
 * contacts, that they were said) is wiped; the dialog is ended until the
 * next vk_dialog_start. */
void vk_dialog_forget(vk_dialog *d);
/* All speech queued by the last actions has been played, and it did not
 * end in listening. */
void vk_dialog_on_spoken(vk_dialog *d, vk_actions *out);
/* Something happened while listening (or, for barge-in, while speaking). */
void vk_dialog_on_input(vk_dialog *d, const vk_input *in, vk_actions *out);
/* The person has been gone for the inactivity timeout: the [system]
 * timeout goodbye, and the session ends.  If the crisis contacts were
 * begun in this session, [system] timeout.crisis says them once more
 * first, as a safety message. */
void vk_dialog_on_inactive(vk_dialog *d, vk_actions *out);
/* The microphone or speaker was gone and is back, and what was being
 * said or asked was cut off: says the [system] device.back notice, then
 * the current step again from its start (a question is asked again, a
 * crisis message is said again in full).  Nothing if the session ended. */
void vk_dialog_on_device_back(vk_dialog *d, vk_actions *out);
/* The current step again from its start, without a notice (the caller
 * says its own).  Nothing if the session ended. */
void vk_dialog_say_again(vk_dialog *d, vk_actions *out);
/* True if `meaning` (an answer meaning: "yes", "unsure") would be taken at
 * once toward the crisis contacts now: the current step is a question
 * whose branch for it leads there (sign 3), asked normally (not a
 * confirmation). */
bool vk_dialog_toward_crisis(const vk_dialog *d, const char *meaning);
/* How the step listened for is answered: "answer" (yes, no or not sure),
 * "offer" (yes or no) or "menu"; [system] choices.KIND and keys.KIND say
 * it. */
const char *vk_dialog_choices(const vk_dialog *d);
/* True while the current prompt is a safety message. */
bool vk_dialog_in_safety(const vk_dialog *d);

/* The person showed they are there (a control such as "louder", which the
 * kiosk handles itself): the silence ladder starts again, so a silence
 * after it gets "Sorry, I did not hear anything." again. */
void vk_dialog_person_here(vk_dialog *d);
/* True once VK_ACT_END was produced. */
bool vk_dialog_ended(const vk_dialog *d);

/* Frees the texts held by an action list and empties it. */
void vk_actions_clear(vk_actions *a);

#endif
