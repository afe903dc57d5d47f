/*
 * script: the staff-edited prompts, flow and contacts of one language
 * (prompts/<lang>/flow.ini and contacts.ini), validated as a whole.
 *
 * A script is immutable once loaded.  Loading checks everything a staff
 * member can get wrong (unknown keys, missing prompts, steps that do not
 * exist, a flow that cannot reach the contacts, a sign 3 that does not
 * lead to the crisis contacts, impossible phone numbers) and reports every
 * problem as file:line.  Any problem means no script: the caller keeps the
 * last good one.
 */
#ifndef VK_SCRIPT_H
#define VK_SCRIPT_H

#include <stdbool.h>

#include "diag.h"

#define VK_SIGNS 12
#define VK_SAFETY_SIGN 3

typedef enum {
    VK_STEP_SAY,
    VK_STEP_QUESTION,
    VK_STEP_ASK,
    VK_STEP_CRISIS,
    VK_STEP_SUMMARY,
    VK_STEP_MENU,
    VK_STEP_CONTACTS,
    VK_STEP_END
} vk_step_type;

typedef struct vk_menu_option {
    const char *topic;  /* meaning tag in grammars/menu.gram */
    const char *target; /* step id */
} vk_menu_option;

typedef struct vk_step {
    const char *id;
    vk_step_type type;
    const char *text;       /* may contain {placeholders} */
    const char *text_again; /* menu: said after a topic; else NULL */
    const char *help;       /* NULL if none */
    const char *next;
    const char *on_yes, *on_no, *on_unsure; /* NULL = next */
    int sign;                               /* question: 1..12, else 0 */
    const vk_menu_option *options;
    int noptions;
} vk_step;

typedef struct vk_contact {
    const char *id, *name, *offer, *phone, *hours;
    bool crisis;
} vk_contact;

typedef struct vk_script vk_script;

/* Loads and validates prompts_dir/flow.ini and prompts_dir/contacts.ini.
 * Returns NULL if any problem was found (all of them are in `diag`).
 * Free with vk_script_destroy(). */
vk_script *vk_script_load(const char *prompts_dir, vk_diag *diag);
/* Frees it.  NULL is a no-op. */
void vk_script_destroy(vk_script *s);

/* The step called `id`, or NULL (borrowed, lives as long as the script). */
const vk_step *vk_script_step(const vk_script *s, const char *id);
/* The first step. */
const vk_step *vk_script_start(const vk_script *s);
/* The eSpeak NG voice to speak with. */
const char *vk_script_voice(const vk_script *s);
/* A [system] prompt such as "noinput.1"; never NULL (validated). */
const char *vk_script_system(const vk_script *s, const char *key);
/* Contacts in file order. */
int vk_script_contact_count(const vk_script *s);
const vk_contact *vk_script_contact(const vk_script *s, int i);
/* All steps, for checks that walk the flow. */
int vk_script_step_count(const vk_script *s);
const vk_step *vk_script_step_at(const vk_script *s, int i);
/* The file and line where step `id` is defined (for messages). */
int vk_script_step_line(const vk_script *s, const char *id, const char **file);

#endif
