/*
 * keymap: key names, the actions, and the bindings between them.  Tables,
 * not code: a new action is one line in vk_key_actions.
 */
#include "keymap.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int key;
} key_names[] = {
    {"up", VK_KEY_UP},
    {"down", VK_KEY_DOWN},
    {"left", VK_KEY_LEFT},
    {"right", VK_KEY_RIGHT},
    {"enter", VK_KEY_ENTER},
    {"backspace", VK_KEY_BACKSPACE},
    {"escape", VK_KEY_ESCAPE},
    {"tab", VK_KEY_TAB},
    {"delete", VK_KEY_DELETE},
    {"home", VK_KEY_HOME},
    {"end", VK_KEY_END},
    {"pageup", VK_KEY_PAGEUP},
    {"pagedown", VK_KEY_PAGEDOWN},
    {"space", ' '},
    {"plus", '+'},
    {"minus", '-'},
    {"star", '*'},
    {"slash", '/'},
    {"hash", '#'},
    {"period", '.'},
    {"comma", ','},
    {"question", '?'},
    {"equals", '='},
};
#define N_NAMES (sizeof key_names / sizeof key_names[0])

const vk_key_action vk_key_actions[] = {
    {"yes", "answer yes (in the topics menu: the next topic)", "1"},
    {"no", "answer no (in the topics menu: move on)", "2"},
    {"unsure", "answer not sure", "3"},
    {"up", "move to the previous choice and say it", "up"},
    {"down", "move to the next choice and say it", "down"},
    {"select", "choose the choice that was said last", "enter right"},
    {"repeat", "say the whole prompt again", "r 4"},
    {"repeat_last", "say the last sentence again", "l 6"},
    {"pause", "pause the speech; press again to go on", "p 5 space"},
    {"continue", "go on after a pause", "c"},
    {"help", "say what can be said and pressed", "h ? 0"},
    {"back", "go back to the previous question", "b backspace left"},
    {"skip", "skip this question", "s 9"},
    {"stop", "stop (asks first), then the contacts", "q escape"},
    {"louder", "louder, one step", "+ ="},
    {"softer", "softer, one step", "-"},
    {"slower", "speak slower, one step", "/ <"},
    {"faster", "speak faster, one step", "* >"},
    {"more_time", "more time to answer (doubles the waiting time)", "t 7"},
};
const size_t vk_key_nactions = sizeof vk_key_actions / sizeof vk_key_actions[0];

_Static_assert(sizeof vk_key_actions / sizeof vk_key_actions[0] <=
                   sizeof((vk_keymap *)0)->keys /
                       sizeof((vk_keymap *)0)->keys[0],
               "vk_keymap has room for every action");

int vk_key_from_name(const char *name)
{
    if (!name || !*name)
        return 0;
    if (name[1] == '\0' && isgraph((unsigned char)name[0]))
        return tolower((unsigned char)name[0]);
    for (size_t i = 0; i < N_NAMES; i++)
        if (strcasecmp(key_names[i].name, name) == 0)
            return key_names[i].key;
    return 0;
}

const char *vk_key_name(int key)
{
    static char one[2];
    for (size_t i = 0; i < N_NAMES; i++)
        if (key_names[i].key == key && key > 0xff)
            return key_names[i].name;
    if (key == ' ')
        return "space";
    if (key > 0 && key < 0x80 && isgraph(key)) {
        one[0] = (char)key;
        one[1] = '\0';
        return one;
    }
    return "?";
}

static int action_index(const char *action)
{
    for (size_t i = 0; i < vk_key_nactions; i++)
        if (strcmp(vk_key_actions[i].name, action) == 0)
            return (int)i;
    return -1;
}

bool vk_keymap_bind(vk_keymap *m, const char *action, const char *keys,
                    char *err, size_t errlen)
{
    int a = action_index(action);
    if (a < 0) {
        snprintf(err, errlen, "unknown key action '%s'", action);
        return false;
    }
    int codes[VK_KEYMAP_MAX_KEYS] = {0}, n = 0;
    const char *p = keys;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ' ' && *e != ',')
            e++;
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(e - p), p);
        int code = vk_key_from_name(name);
        if (!code) {
            snprintf(err, errlen,
                     "unknown key '%s' (a single character, or "
                     "up, down, left, right, enter, space, backspace, "
                     "escape, tab, plus, minus, star, slash, ...)",
                     name);
            return false;
        }
        if (n == VK_KEYMAP_MAX_KEYS - 1) {
            snprintf(err, errlen, "at most %d keys per action",
                     VK_KEYMAP_MAX_KEYS - 1);
            return false;
        }
        codes[n++] = code;
        p = e;
    }
    /* Someone who cannot speak answers with these keys. */
    if (n == 0 && (strcmp(action, "yes") == 0 || strcmp(action, "no") == 0 ||
                   strcmp(action, "unsure") == 0)) {
        snprintf(err, errlen,
                 "%s needs at least one key: someone who cannot speak "
                 "answers with it",
                 action);
        return false;
    }
    memcpy(m->keys[a], codes, sizeof codes);
    return true;
}

void vk_keymap_default(vk_keymap *m)
{
    memset(m, 0, sizeof *m);
    char err[160];
    for (size_t i = 0; i < vk_key_nactions; i++)
        if (!vk_keymap_bind(m, vk_key_actions[i].name,
                            vk_key_actions[i].defaults, err, sizeof err))
            __builtin_trap(); /* the table above is broken */
}

const char *vk_keymap_action(const vk_keymap *m, int key)
{
    if (key > 0 && key < 0x80)
        key = tolower(key);
    for (size_t i = 0; i < vk_key_nactions; i++)
        for (int j = 0; j < VK_KEYMAP_MAX_KEYS && m->keys[i][j]; j++)
            if (m->keys[i][j] == key)
                return vk_key_actions[i].name;
    return NULL;
}

const char *vk_keymap_key_for(const vk_keymap *m, const char *action)
{
    int a = action_index(action);
    return a >= 0 && m->keys[a][0] ? vk_key_name(m->keys[a][0]) : NULL;
}

const char *vk_keymap_conflict(const vk_keymap *m, const char **a,
                               const char **b)
{
    for (size_t i = 0; i < vk_key_nactions; i++)
        for (int x = 0; x < VK_KEYMAP_MAX_KEYS && m->keys[i][x]; x++)
            for (size_t j = i + 1; j < vk_key_nactions; j++)
                for (int y = 0; y < VK_KEYMAP_MAX_KEYS && m->keys[j][y]; y++)
                    if (m->keys[i][x] == m->keys[j][y]) {
                        *a = vk_key_actions[i].name;
                        *b = vk_key_actions[j].name;
                        return vk_key_name(m->keys[i][x]);
                    }
    return NULL;
}
