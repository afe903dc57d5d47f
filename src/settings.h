/*
 * settings: the site's kiosk settings, from settings.ini in the site folder
 * (/etc/voice-kiosk/settings.ini when installed, or --site DIR).
 *
 * One table (src/settings.c) names every setting with its section, type,
 * default, range and a line of documentation; it drives parsing, checking
 * and `voice-kiosk settings` (the commented sample file), so they cannot
 * drift apart.  A missing file means the defaults.  Every problem is
 * reported as file:line, and a file with problems is refused as a whole.
 */
#ifndef VK_SETTINGS_H
#define VK_SETTINGS_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "keymap.h"

typedef struct vk_settings {
    /* [volume] in dB relative to the synthesiser's own level */
    double volume_default_db, volume_min_db, volume_max_db, volume_step_db;
    /* [speech] in words a minute */
    int rate_default, rate_min, rate_max, rate_step;
    /* [timing] */
    double noinput_s;    /* no-answer timeout */
    double inactivity_s; /* nobody there this long: the session is wiped */
    double warn_s;       /* the "more time?" warning, this long before */
    int end_silence_ms;  /* end-of-speech window */
    /* [audio] device names ("" = the default device) */
    char input[128], output[128], headphones[128];
    bool barge_in;           /* listen while speaking */
    char alert_command[512]; /* [alert] command: run at the crisis contacts */
    /* [keys] */
    vk_keymap keys;
} vk_settings;

/* Fills the defaults. */
void vk_settings_default(vk_settings *s);
/* Reads `path` over the defaults in `s`.  A file that does not exist is
 * not a problem (false is never returned for it).  Returns false, with
 * every problem in `diag` and `s` unchanged, if the file has problems. */
bool vk_settings_load(vk_settings *s, const char *path, vk_diag *diag);
/* Checks settings.ini in site folder `dir` (if there is one); problems go
 * to `diag`.  For `voice-kiosk check`. */
void vk_settings_check(const char *dir, vk_diag *diag);
/* The range settings.ini allows for [section] name (in its own unit: s,
 * ms, dB...), for the command-line options that set the same thing. */
bool vk_settings_range(const char *section, const char *name, double *min,
                       double *max);
/* Writes a fully commented settings.ini with every setting at its
 * default. */
void vk_settings_write_sample(FILE *out);

#endif
