/*
 * script: the staff-edited prompts, flow and contacts of one language
 * (prompts/<lang>/flow.ini and contacts.ini), validated as a whole.
 *
 * A script is immutable once loaded.  Loading checks everything a staff
 * member can get wrong (unknown keys, missing prompts, steps that do not
 * exist, a flow that cannot reach the contacts, a sign 3 that does not
 * lead to the crisis contacts, impossible phone numbers) and reports every
 * problem as file:line.  Any problem means no script: the caller keeps the
 * last good one.  Spoken values may use the small SSML subset of ssml.h;
 * a site folder's files override the shipped ones entry by entry (site.h),
 * and {clinic} is filled in from [kiosk] clinic when the files are read.
 */
#ifndef VK_SCRIPT_H
#define VK_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

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

/* Where a script comes from: the shipped prompts of one language, and
 * optionally a site folder whose <lang>/flow.ini and <lang>/contacts.ini
 * override them entry by entry (see site.h).  All borrowed. */
typedef struct vk_script_src {
    const char *prompts_dir; /* shipped prompts/<lang> */
    const char *site_dir;    /* the site folder (not its <lang>), or NULL */
    const char *lang;        /* such as "en-US": the site's subfolder */
    /* Nobody can press a key (the home service reads none): a value's
     * ".voice" variant ("text.voice", "[system] help.voice") is said in
     * its place, and the [system] keys.* lines are left out. */
    bool voice_only;
} vk_script_src;

/* Loads and validates prompts_dir/flow.ini and prompts_dir/contacts.ini.
 * Returns NULL if any problem was found (all of them are in `diag`).
 * Free with vk_script_destroy(). */
vk_script *vk_script_load(const char *prompts_dir, vk_diag *diag);

/* Loads the shipped files with the site's overrides laid over them, and
 * validates the result.  Problems go to `diag` at the file:line of the
 * entry that has them (shipped or site).  Things that work but deserve a
 * look (sample contacts still in use) go to `warnings`, which may be NULL.
 * Returns NULL if there was any problem.  Free with vk_script_destroy(). */
vk_script *vk_script_load_src(const vk_script_src *src, vk_diag *diag,
                              vk_diag *warnings);
/* Frees it.  NULL is a no-op. */
void vk_script_destroy(vk_script *s);

/* The step called `id`, or NULL (borrowed, lives as long as the script). */
const vk_step *vk_script_step(const vk_script *s, const char *id);
/* The first step. */
const vk_step *vk_script_start(const vk_script *s);
/* The eSpeak NG voice to speak with. */
const char *vk_script_voice(const vk_script *s);
/* The clinic name ([kiosk] clinic), or NULL if none is set. */
const char *vk_script_clinic(const vk_script *s);
/* A [system] prompt such as "noinput.1"; never NULL (validated). */
const char *vk_script_system(const vk_script *s, const char *key);
/* True if value `key` of section `id` ("system" for the [system] prompts)
 * is said from its ".voice" variant (vk_script_src.voice_only). */
bool vk_script_said_voice(const vk_script *s, const char *id, const char *key);
/* True if the script was loaded for a kiosk without keys. */
bool vk_script_voice_only(const vk_script *s);
/* The name of the i-th [system] prompt a flow may have, or NULL past the
 * last (for checks that look at every one). */
const char *vk_script_system_key(size_t i);
/* Contacts in file order. */
int vk_script_contact_count(const vk_script *s);
const vk_contact *vk_script_contact(const vk_script *s, int i);
/* All steps, for checks that walk the flow. */
int vk_script_step_count(const vk_script *s);
const vk_step *vk_script_step_at(const vk_script *s, int i);
/* The file and line where step `id` is defined (for messages). */
int vk_script_step_line(const vk_script *s, const char *id, const char **file);
/* The file and line of one value of step `id` (such as "text"), or of the
 * step if it has no such key.  *file is borrowed. */
int vk_script_value_line(const vk_script *s, const char *id, const char *key,
                         const char **file);
/* The file and line staff must fix for a problem with step `id` that its
 * value `key` causes: the value's, if a site file set it, else the step's
 * (as vk_script_step_line).  *file is borrowed. */
int vk_script_site_line(const vk_script *s, const char *id, const char *key,
                        const char **file);
/* Where a text that lists the contacts (the crisis ones only if
 * `crisis_only`), found at *file:`line`, is reported when the list makes
 * it too long: at the first contact a site file adds (its [section]) or
 * changes (the value), if the text itself is not the site's.  Returns the
 * line and updates *file (borrowed). */
int vk_script_contacts_blame(const vk_script *s, bool crisis_only,
                             const char **file, int line);
/* The file and line of [system] prompt `key`. */
int vk_script_system_line(const vk_script *s, const char *key,
                          const char **file);

/* The contacts read out as one text, each through the [system] `contact`
 * template, phone numbers digit by digit; only the crisis ones if
 * `crisis_only`.  Returns a new string (free with free()). */
char *vk_script_contacts_text(const vk_script *s, bool crisis_only);
/* `text` (a value of step `st`, or of [system] if st is NULL) with its
 * placeholders filled as the kiosk would fill them: the contacts, the
 * choices and keys of the step's kind, and counts of 12 (the longest).
 * For previews and length checks.  Returns a new string (free()). */
char *vk_script_sample_text(const vk_script *s, const vk_step *st,
                            const char *text);
/* A phone number as the kiosk reads it: digit by digit, with a pause
 * between groups.  Writes at most len bytes into buf. */
void vk_script_spell_phone(const char *phone, char *buf, size_t len);

#endif
