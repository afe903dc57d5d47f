/*
 * scenario: a line-oriented parser.  Each verb is a branch of parse_line
 * (a chain of strcmp), and its message is next to the code that parses
 * it: keep the two in step when a verb changes.
 */
#define _POSIX_C_SOURCE 200809L
#include "scenario.h"

#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"
#include "mem.h"
#include "wav.h"

#define VK_SCENARIO_MAX_BYTES (1024 * 1024)
#define VK_SCENARIO_MAX_STEPS 10000

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Splits off the first word of *rest. */
static char *word(char **rest)
{
    char *s = *rest;
    while (isspace((unsigned char)*s))
        s++;
    char *e = s;
    while (*e && !isspace((unsigned char)*e))
        e++;
    if (*e)
        *e++ = '\0';
    *rest = e;
    return s;
}

static int number(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

static int load_wav(const char *scenario, const char *file, int line,
                    vk_sc_step *st, vk_diag *diag)
{
    char path[4096];
    if (file[0] == '/') {
        snprintf(path, sizeof path, "%s", file);
    } else {
        char *copy = vk_strdup(scenario);
        snprintf(path, sizeof path, "%s/%s", dirname(copy), file);
        free(copy);
    }
    char err[512];
    if (vk_wav_read16k(path, &st->pcm, &st->n, err, sizeof err) != VK_OK) {
        vk_diag_add(diag, scenario, line, "%s", err);
        return 0;
    }
    if (st->n == 0) {
        vk_diag_add(diag, scenario, line, "%s: the recording is empty", path);
        return 0;
    }
    return 1;
}

static int parse_key(const char *file, int line, const char *name,
                     vk_sc_step *st, vk_diag *diag)
{
    st->kind = VK_SC_KEY;
    st->key = vk_key_from_name(name);
    if (!st->key)
        vk_diag_add(diag, file, line,
                    "key needs one key, such as 'key 1', "
                    "'key r' or 'key up' (not '%s')",
                    name);
    return st->key != 0;
}

static int parse_action(const char *file, int line, char *verb, char *rest,
                        vk_sc_step *st, vk_diag *diag)
{
    rest = trim(rest);
    if (strcmp(verb, "key") == 0)
        return parse_key(file, line, rest, st, diag);
    if (strcmp(verb, "say") == 0) {
        if (!*rest) {
            vk_diag_add(diag, file, line, "say needs the words to speak");
            return 0;
        }
        st->kind = VK_SC_SAY;
        st->text = vk_strdup(rest);
        return 1;
    }
    if (strcmp(verb, "play") == 0) {
        if (!*rest) {
            vk_diag_add(diag, file, line, "play needs a WAV file");
            return 0;
        }
        st->kind = VK_SC_PLAY;
        return load_wav(file, rest, line, st, diag);
    }
    if (strcmp(verb, "unplug") == 0) {
        /* A fault, not speech: the device is gone for that long. */
        st->kind = VK_SC_UNPLUG;
        if (!number(rest, 0.02, 3600.0, &st->seconds)) {
            vk_diag_add(diag, file, line,
                        "unplug needs how many seconds the "
                        "audio device stays gone (0.02 to 3600), not '%s'",
                        rest);
            return 0;
        }
        return 1;
    }
    if (strcmp(verb, "phones_off") == 0 && !*rest) {
        st->kind = VK_SC_PHONES_OFF;
        return 1;
    }
    vk_diag_add(diag, file, line,
                "barge must be followed by 'say TEXT', "
                "'play FILE', 'key K', 'unplug SECONDS' or 'phones_off', "
                "not '%s'",
                verb);
    return 0;
}

static int parse_line(const char *file, int line, char *text, vk_sc_step *st,
                      vk_diag *diag)
{
    char *rest = text;
    char *verb = word(&rest);
    rest = trim(rest);
    st->line = line;
    if (strcmp(verb, "say") == 0 || strcmp(verb, "play") == 0 ||
        strcmp(verb, "unplug") == 0)
        return parse_action(file, line, verb, rest, st, diag);
    if (strcmp(verb, "barge") == 0) {
        char *secs = word(&rest);
        if (!number(secs, 0.0, 600.0, &st->barge) || st->barge <= 0.0) {
            vk_diag_add(diag, file, line,
                        "barge needs seconds after the prompt starts (>0), "
                        "an optional prompt id, then 'say TEXT', 'play FILE', "
                        "'key K', 'unplug SECONDS' or 'phones_off'");
            return 0;
        }
        char *v = word(&rest);
        /* An optional prompt id: barge into that prompt, whatever it is,
         * instead of the next question. */
        if (strcmp(v, "say") != 0 && strcmp(v, "play") != 0 &&
            strcmp(v, "key") != 0 && strcmp(v, "unplug") != 0 &&
            strcmp(v, "phones_off") != 0 && *rest) {
            snprintf(st->prompt, sizeof st->prompt, "%s", v);
            v = word(&rest);
        }
        return parse_action(file, line, v, rest, st, diag);
    }
    if (strcmp(verb, "key") == 0)
        return parse_key(file, line, rest, st, diag);
    if (strcmp(verb, "silent") == 0 || strcmp(verb, "delay") == 0) {
        st->kind = verb[0] == 's' ? VK_SC_SILENT : VK_SC_DELAY;
        if (!number(rest, 0.0, 3600.0, &st->seconds)) {
            vk_diag_add(diag, file, line,
                        "%s needs a number of seconds, not '%s'", verb, rest);
            return 0;
        }
        return 1;
    }
    if (strcmp(verb, "voice") == 0) {
        if (!*rest || strchr(rest, ' ')) {
            vk_diag_add(diag, file, line,
                        "voice needs one eSpeak NG voice "
                        "name, such as en-us+f3");
            return 0;
        }
        st->kind = VK_SC_VOICE;
        st->text = vk_strdup(rest);
        return 1;
    }
    if (strcmp(verb, "noise") == 0) {
        char *f = word(&rest);
        char *db = word(&rest);
        st->kind = VK_SC_NOISE;
        if (!*f || !number(db, -30.0, 60.0, &st->db)) {
            vk_diag_add(diag, file, line,
                        "noise needs a WAV file and an SNR in "
                        "dB, such as 'noise room.wav 10'");
            return 0;
        }
        return load_wav(file, f, line, st, diag);
    }
    if (strcmp(verb, "confirm") == 0) {
        st->kind = VK_SC_CONFIRM;
        char *how = word(&rest);
        if (strcmp(how, "yes") == 0 || strcmp(how, "no") == 0) {
            st->text = vk_strdup(how);
            return 1;
        }
        char *k = word(&rest);
        if (strcmp(how, "key") == 0 && vk_key_from_name(k)) {
            st->key = vk_key_from_name(k);
            return 1;
        }
        vk_diag_add(diag, file, line, "confirm needs yes, no or 'key K'");
        return 0;
    }
    if (strcmp(verb, "echo") == 0) {
        st->kind = VK_SC_ECHO;
        char *a = word(&rest);
        if (strcmp(a, "off") == 0) {
            st->seconds = -1.0;
            return 1;
        }
        char *b = word(&rest);
        char *c = word(&rest);
        double ms;
        if (!number(a, 20.0, 120.0, &ms) || !number(b, -20.0, 0.0, &st->db) ||
            (*c && !number(c, 0.0, 2.0, &st->reverb))) {
            vk_diag_add(
                diag, file, line,
                "echo needs DELAY_MS (20-120) and "
                "GAIN_DB (-20 to 0), optionally REVERB_SECONDS, or 'off'");
            return 0;
        }
        st->seconds = ms / 1000.0;
        return 1;
    }
    vk_diag_add(diag, file, line,
                "unknown step '%s' (say, voice, play, key, "
                "silent, delay, barge, noise, confirm, echo, unplug)",
                verb);
    return 0;
}

vk_scenario *vk_scenario_load(const char *path, vk_diag *diag)
{
    char *text = vk_read_file(path, VK_SCENARIO_MAX_BYTES, NULL);
    if (!text) {
        vk_diag_add(diag, path, 0, "cannot read the scenario");
        return NULL;
    }
    int before = vk_diag_count(diag);
    vk_scenario *s = vk_calloc(1, sizeof *s);
    s->path = vk_strdup(path);
    int line = 0;
    for (char *ln = text, *nl; ln; ln = nl) {
        nl = strchr(ln, '\n');
        if (nl)
            *nl++ = '\0';
        line++;
        char *hash = strchr(ln, '#');
        if (hash)
            *hash = '\0';
        char *t = trim(ln);
        if (!*t)
            continue;
        if (s->count >= VK_SCENARIO_MAX_STEPS) {
            vk_diag_add(diag, path, line, "too many steps (max %d)",
                        VK_SCENARIO_MAX_STEPS);
            break;
        }
        vk_sc_step st = {0};
        if (!parse_line(path, line, t, &st, diag)) {
            free(st.text);
            free(st.pcm);
            continue;
        }
        s->steps = vk_realloc(s->steps, (size_t)(s->count + 1) * sizeof st);
        s->steps[s->count++] = st;
    }
    free(text);
    if (vk_diag_count(diag) != before) {
        vk_scenario_destroy(s);
        return NULL;
    }
    return s;
}

void vk_scenario_destroy(vk_scenario *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->count; i++) {
        free(s->steps[i].text);
        free(s->steps[i].pcm);
    }
    free(s->steps);
    free(s->path);
    free(s);
}
