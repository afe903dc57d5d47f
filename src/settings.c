/*
 * settings: the table of kiosk settings, and the reader of settings.ini.
 */
#include "settings.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inifile.h"

typedef enum {
    T_DB,
    T_INT,
    T_SECONDS,
    T_MS,
    T_DEVICE,
    T_BOOL,
    T_COMMAND
} setting_type;

typedef struct setting {
    const char *section, *name;
    setting_type type;
    size_t offset;
    double def, min, max;
    const char *doc;
} setting;

#define OFF(f) offsetof(vk_settings, f)

/* Every setting: section, key, type, where it goes, default, range, doc. */
static const setting table[] = {
    {"volume", "default", T_DB, OFF(volume_default_db), 0, -30, 20,
     "Volume at the start of every session, in dB (0 = the voice's own "
     "level)."},
    {"volume", "min", T_DB, OFF(volume_min_db), -12, -40, 0,
     "Softest setting a person can choose, in dB."},
    {"volume", "max", T_DB, OFF(volume_max_db), 12, 0, 24,
     "Loudest setting a person can choose, in dB."},
    {"volume", "step", T_DB, OFF(volume_step_db), 3, 1, 12,
     "How much each \"louder\" or \"softer\" changes the volume, in dB."},
    {"speech", "rate", T_INT, OFF(rate_default), 160, 80, 400,
     "Speech rate at the start of every session, in words a minute."},
    {"speech", "min", T_INT, OFF(rate_min), 80, 80, 400,
     "Slowest rate a person can choose (\"slower\")."},
    {"speech", "max", T_INT, OFF(rate_max), 400, 80, 450,
     "Fastest rate a person can choose (\"faster\")."},
    {"speech", "step", T_INT, OFF(rate_step), 40, 5, 100,
     "How much each \"slower\" or \"faster\" changes the rate."},
    {"timing", "no_answer", T_SECONDS, OFF(noinput_s), 7, 7, 120,
     "Seconds of silence before a question is asked again (at least 7)."},
    {"timing", "inactivity", T_SECONDS, OFF(inactivity_s), 60, 20, 3600,
     "Seconds with nobody answering before the session ends and the\n"
     "answers are cleared."},
    {"timing", "warning", T_SECONDS, OFF(warn_s), 20, 5, 600,
     "The kiosk offers more time this many seconds before that happens."},
    {"timing", "end_of_speech", T_MS, OFF(end_silence_ms), 300, 150, 2000,
     "Milliseconds of silence that end an answer. Raise it for people who\n"
     "pause while they speak."},
    {"audio", "input", T_DEVICE, OFF(input), 0, 0, 0,
     "Microphone device name (see `voice-kiosk --list-devices`); empty = "
     "default."},
    {"audio", "output", T_DEVICE, OFF(output), 0, 0, 0,
     "Speaker device name; empty = default."},
    {"audio", "headphones", T_DEVICE, OFF(headphones), 0, 0, 0,
     "Headphone device for private listening; empty = none. When set, the\n"
     "summary, the contacts, the crisis contacts and anything that gives an\n"
     "answer away are spoken only into the headphones."},
    {"audio", "barge_in", T_BOOL, OFF(barge_in), 1, 0, 1,
     "Listen while speaking (yes or no): a person can answer, or say a\n"
     "control such as \"pause\" or \"louder\", while a prompt plays. The\n"
     "prompt pauses when someone starts to speak. Over the crisis contacts\n"
     "nothing heard pauses or stops them: only a control that leaves them\n"
     "playing acts (louder, slower, \"repeat that\", more time, help,\n"
     "repeat). In a very noisy room, no: then the kiosk listens only after\n"
     "each question, and the keys work at any time. --barge-in and\n"
     "--no-barge-in override it."},
    {"alert", "command", T_COMMAND, OFF(alert_command), 0, 0, 0,
     "A program run when a person reaches the crisis contacts, to tell\n"
     "staff (a clinic's own script: it may page the front desk). Its full\n"
     "path; empty = none. It is told only that it happened\n"
     "(VOICE_KIOSK_ALERT=crisis in its environment), never an answer, and\n"
     "runs once a session, in the background. The packaged service has no\n"
     "network: reach staff through a local service, or see the README."},
};
#define N_TABLE (sizeof table / sizeof table[0])

void vk_settings_default(vk_settings *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < N_TABLE; i++) {
        void *p = (char *)s + table[i].offset;
        switch (table[i].type) {
        case T_DB:
        case T_SECONDS: *(double *)p = table[i].def; break;
        case T_INT:
        case T_MS: *(int *)p = (int)table[i].def; break;
        case T_BOOL: *(bool *)p = table[i].def != 0; break;
        case T_DEVICE:
        case T_COMMAND: break;
        }
    }
    vk_keymap_default(&s->keys);
}

static const setting *find(const char *section, const char *name)
{
    for (size_t i = 0; i < N_TABLE; i++)
        if (strcmp(table[i].section, section) == 0 &&
            strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

bool vk_settings_range(const char *section, const char *name, double *min,
                       double *max)
{
    const setting *t = find(section, name);
    if (!t)
        return false;
    *min = t->min;
    *max = t->max;
    return true;
}

static bool set_value(vk_settings *s, const setting *t, const char *value,
                      const char *file, int line, vk_diag *diag)
{
    void *p = (char *)s + t->offset;
    if (t->type == T_DEVICE) {
        if (strlen(value) >= sizeof s->input) {
            vk_diag_add(diag, file, line, "device name is too long");
            return false;
        }
        snprintf(p, sizeof s->input, "%s", value);
        return true;
    }
    if (t->type == T_COMMAND) {
        /* A crisis alert that can never run is a safety problem staff must
         * hear of now, not on the day it is needed. */
        if (*value && (value[0] != '/' || access(value, X_OK) != 0)) {
            vk_diag_add(diag, file, line,
                        "[alert] command: '%s' is not a program the kiosk "
                        "can run (give its full path, and make it "
                        "executable)",
                        value);
            return false;
        }
        if (strlen(value) >= sizeof s->alert_command) {
            vk_diag_add(diag, file, line, "[alert] command: path too long");
            return false;
        }
        snprintf(p, sizeof s->alert_command, "%s", value);
        return true;
    }
    if (t->type == T_BOOL) {
        bool yes = strcmp(value, "yes") == 0, no = strcmp(value, "no") == 0;
        if (!yes && !no) {
            vk_diag_add(diag, file, line, "[%s] %s: '%s' is not yes or no",
                        t->section, t->name, value);
            return false;
        }
        *(bool *)p = yes;
        return true;
    }
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    while (*end == ' ')
        end++;
    if (end == value || *end || errno) {
        vk_diag_add(diag, file, line, "[%s] %s: '%s' is not a number",
                    t->section, t->name, value);
        return false;
    }
    if (!(v >= t->min && v <= t->max)) { /* also refuses nan */
        vk_diag_add(diag, file, line, "[%s] %s: %g is out of range (%g to %g)",
                    t->section, t->name, v, t->min, t->max);
        return false;
    }
    if (t->type == T_DB || t->type == T_SECONDS)
        *(double *)p = v;
    else
        *(int *)p = (int)v;
    return true;
}

/* Where each setting was set in the file (0 = not set), so that a problem
 * between settings is reported at a line staff can find. */
#define N_ACTIONS                                                              \
    (sizeof((vk_keymap *)0)->keys / sizeof((vk_keymap *)0)->keys[0])
typedef struct where {
    int table[N_TABLE];
    int keys[N_ACTIONS]; /* by index in vk_key_actions */
} where;

/* The last line among section's keys a, b (and c) that the file set. */
static int line_of(const where *w, const char *section, const char *a,
                   const char *b, const char *c)
{
    int line = 0;
    for (size_t i = 0; i < N_TABLE; i++) {
        const char *n = table[i].name;
        if (strcmp(table[i].section, section) == 0 && w->table[i] > line &&
            (strcmp(n, a) == 0 || strcmp(n, b) == 0 || (c && !strcmp(n, c))))
            line = w->table[i];
    }
    return line;
}

/* Relations between settings that no single range can express. */
static void check_relations(const vk_settings *s, const char *file,
                            const where *w, vk_diag *diag)
{
    if (s->volume_max_db - s->volume_min_db < 18)
        vk_diag_add(diag, file, line_of(w, "volume", "max", "min", NULL),
                    "[volume] max - min must span at least "
                    "18 dB (the accessibility standards ask for it)");
    if (s->volume_default_db < s->volume_min_db ||
        s->volume_default_db > s->volume_max_db)
        vk_diag_add(diag, file, line_of(w, "volume", "default", "min", "max"),
                    "[volume] default must lie between min "
                    "and max");
    if (s->rate_min > s->rate_max || s->rate_default < s->rate_min ||
        s->rate_default > s->rate_max)
        vk_diag_add(diag, file, line_of(w, "speech", "rate", "min", "max"),
                    "[speech] rate must lie between min and "
                    "max");
    if (s->warn_s >= s->inactivity_s)
        vk_diag_add(diag, file,
                    line_of(w, "timing", "warning", "inactivity", NULL),
                    "[timing] warning must be shorter than "
                    "inactivity");
}

static int key_action(const char *name)
{
    for (size_t i = 0; i < vk_key_nactions && i < N_ACTIONS; i++)
        if (strcmp(vk_key_actions[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void check_keys(const vk_settings *s, const char *file, const where *w,
                       vk_diag *diag)
{
    const char *a, *b, *key = vk_keymap_conflict(&s->keys, &a, &b);
    if (key) {
        int ia = key_action(a), ib = key_action(b);
        int la = ia >= 0 ? w->keys[ia] : 0, lb = ib >= 0 ? w->keys[ib] : 0;
        vk_diag_add(diag, file, la > lb ? la : lb,
                    "[keys] key '%s' is bound to both %s and "
                    "%s",
                    key, a, b);
    }
}

bool vk_settings_load(vk_settings *s, const char *path, vk_diag *diag)
{
    if (access(path, F_OK) != 0)
        return true;
    int before = vk_diag_count(diag);
    vk_ini *ini = vk_ini_load(path, diag);
    if (!ini)
        return false;
    vk_settings next = *s;
    where w = {0};
    for (int i = 0; i < ini->nsec; i++) {
        const vk_ini_section *sec = &ini->sec[i];
        bool keys = strcmp(sec->name, "keys") == 0;
        bool known = keys;
        for (size_t t = 0; t < N_TABLE && !known; t++)
            known = strcmp(table[t].section, sec->name) == 0;
        if (!known) {
            vk_diag_add(diag, path, sec->line,
                        "unknown section [%s] (volume, "
                        "speech, timing, audio, alert or keys)",
                        sec->name);
            continue;
        }
        for (int j = 0; j < sec->nkv; j++) {
            const vk_ini_kv *kv = &sec->kv[j];
            if (keys) {
                char err[256];
                if (!vk_keymap_bind(&next.keys, kv->key, kv->value, err,
                                    sizeof err))
                    vk_diag_add(diag, path, kv->line, "%s", err);
                else if (key_action(kv->key) >= 0)
                    w.keys[key_action(kv->key)] = kv->line;
                continue;
            }
            const setting *t = find(sec->name, kv->key);
            if (!t)
                vk_diag_add(diag, path, kv->line,
                            "unknown setting '%s' in "
                            "[%s]; `voice-kiosk settings` lists them all",
                            kv->key, sec->name);
            else if (set_value(&next, t, kv->value, path, kv->line, diag))
                w.table[t - table] = kv->line;
        }
    }
    vk_ini_destroy(ini);
    if (vk_diag_count(diag) == before)
        check_relations(&next, path, &w, diag);
    check_keys(&next, path, &w, diag);
    if (vk_diag_count(diag) != before)
        return false;
    *s = next;
    return true;
}

void vk_settings_check(const char *dir, vk_diag *diag)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/settings.ini", dir);
    vk_settings s;
    vk_settings_default(&s);
    (void)vk_settings_load(&s, path, diag);
}

static void write_doc(FILE *out, const char *doc)
{
    fputs("; ", out);
    for (const char *p = doc; *p; p++) {
        fputc(*p, out);
        if (*p == '\n')
            fputs("; ", out);
    }
    fputc('\n', out);
}

void vk_settings_write_sample(FILE *out)
{
    vk_settings d;
    vk_settings_default(&d);
    fputs("; voice-kiosk settings.ini: every setting, at its default.\n"
          "; Lines starting with ; are comments. To change a setting, remove\n"
          "; the ; in front of it and edit the value. Then run\n"
          ";   voice-kiosk check\n"
          "; which reports any problem as file:line.\n",
          out);
    const char *section = "";
    for (size_t i = 0; i < N_TABLE; i++) {
        const setting *t = &table[i];
        if (strcmp(section, t->section) != 0) {
            fprintf(out, "\n[%s]\n", t->section);
            section = t->section;
        }
        write_doc(out, t->doc);
        if (t->type == T_DEVICE || t->type == T_COMMAND)
            fprintf(out, ";%s =\n", t->name);
        else if (t->type == T_BOOL)
            fprintf(out, ";%s = %s\n", t->name, t->def ? "yes" : "no");
        else
            fprintf(out, ";%s = %g\n", t->name, t->def);
    }
    fputs(
        "\n[keys]\n"
        "; Which keys do what: an action = up to three key names. A key is a\n"
        "; single character, or up, down, left, right, enter, space,\n"
        "; backspace, escape, tab, plus, minus, star, slash. Numeric keypads\n"
        "; send digits, + - * / and enter.\n",
        out);
    for (size_t i = 0; i < vk_key_nactions; i++) {
        write_doc(out, vk_key_actions[i].doc);
        fprintf(out, ";%s = %s\n", vk_key_actions[i].name,
                vk_key_actions[i].defaults);
    }
}
