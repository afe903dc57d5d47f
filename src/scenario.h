/*
 * scenario: reads the script a virtual user follows in `simulate`.
 *
 * One step per line; `#` starts a comment.  Every problem is reported as
 * file:line, and a WAV that cannot be read is reported at the line that
 * names it.  Recordings are loaded here, once, as 16 kHz mono.
 */
#ifndef VK_SCENARIO_H
#define VK_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef enum {
    VK_SC_SAY,       /* text */
    VK_SC_PLAY,      /* pcm */
    VK_SC_KEY,       /* key */
    VK_SC_SILENT,    /* seconds */
    VK_SC_VOICE,     /* text = voice name */
    VK_SC_DELAY,     /* seconds */
    VK_SC_NOISE,     /* pcm, db (SNR) */
    VK_SC_CONFIRM,   /* text = "yes" | "no", or key */
    VK_SC_ECHO,      /* seconds = delay, db = gain, reverb; off: seconds < 0 */
    VK_SC_UNPLUG,    /* seconds: the microphone and speaker vanish this long */
    VK_SC_PHONES_OFF /* the private-listening headphones fail for good */
} vk_sc_kind;

typedef struct vk_sc_step {
    vk_sc_kind kind;
    int line;
    double barge;    /* > 0: start this many seconds after a listening prompt
                        starts */
    char prompt[64]; /* barge into this prompt (any kind), not a question */
    char *text;
    int key; /* a key code (keymap.h) */
    double seconds;
    double db;
    double reverb;
    int16_t *pcm;
    size_t n;
} vk_sc_step;

typedef struct vk_scenario {
    char *path;
    vk_sc_step *steps;
    int count;
} vk_scenario;

/* Reads `path`.  Returns NULL if there was any problem (all in `diag`).
 * Free with vk_scenario_destroy(). */
vk_scenario *vk_scenario_load(const char *path, vk_diag *diag);
void vk_scenario_destroy(vk_scenario *s);

#endif
