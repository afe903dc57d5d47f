/*
 * keymap: which key does what.
 *
 * Keys are small integers: a printable key is its (lower-case) character,
 * and the keys that print nothing (arrows, Enter, Backspace) have codes
 * above 255.  Each key is bound to one action ("yes", "pause", "up", ...).
 * The default layout follows the EZ Access convention (up/down to move
 * through the choices, Enter to choose, "?" for help) beside 1 = yes,
 * 2 = no, 3 = not sure; a site can rebind any action for its keypad in
 * settings.ini (see src/settings.h).  The answer and command actions have
 * the same names as the meanings in the grammars, so a key and a spoken
 * word reach the dialog the same way.
 */
#ifndef VK_KEYMAP_H
#define VK_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

enum {
    VK_KEY_NONE = 0,
    VK_KEY_UP = 0x101,
    VK_KEY_DOWN,
    VK_KEY_LEFT,
    VK_KEY_RIGHT,
    VK_KEY_ENTER,
    VK_KEY_BACKSPACE,
    VK_KEY_ESCAPE,
    VK_KEY_TAB,
    VK_KEY_DELETE,
    VK_KEY_HOME,
    VK_KEY_END,
    VK_KEY_PAGEUP,
    VK_KEY_PAGEDOWN
};

/* Key names as written in settings.ini and scenario files: "up", "enter",
 * "space", "plus", or a single character.  Returns the code, or 0 if the
 * name is unknown. */
int vk_key_from_name(const char *name);
/* The name of a key code, as vk_key_from_name() reads it (static). */
const char *vk_key_name(int key);

#define VK_KEYMAP_MAX_KEYS 4 /* keys per action */

typedef struct vk_key_action {
    const char *name;     /* "yes", "pause", ... */
    const char *doc;      /* what it does, for help and the sample file */
    const char *defaults; /* space-separated key names */
} vk_key_action;

/* Every action a key can have, in the order help lists them. */
extern const vk_key_action vk_key_actions[];
extern const size_t vk_key_nactions;

typedef struct vk_keymap {
    int keys[32][VK_KEYMAP_MAX_KEYS]; /* per action, 0-terminated */
} vk_keymap;

/* The default layout. */
void vk_keymap_default(vk_keymap *m);
/* Binds `action` to the space-separated key names in `keys`, replacing its
 * keys.  Returns false with a message in `err` for an unknown action or
 * key name, or too many keys. */
bool vk_keymap_bind(vk_keymap *m, const char *action, const char *keys,
                    char *err, size_t errlen);
/* The action bound to `key`, or NULL. */
const char *vk_keymap_action(const vk_keymap *m, int key);
/* The first key bound to `action` as a name ("1", "up"), or NULL. */
const char *vk_keymap_key_for(const vk_keymap *m, const char *action);
/* Returns the name of the first key bound to two actions, or NULL. */
const char *vk_keymap_conflict(const vk_keymap *m, const char **a,
                               const char **b);

#endif
