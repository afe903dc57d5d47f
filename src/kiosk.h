/*
 * kiosk: wires the modules together and runs the loop.
 *
 * Each tick reads one 20 ms microphone frame, advances the sample clock,
 * feeds the recogniser, steps the dialog and writes one speaker frame.
 * Timeouts are counted in samples, so the same code runs a live session
 * paced by PortAudio and a simulated one as fast as the CPU allows.
 */
#ifndef VK_KIOSK_H
#define VK_KIOSK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "audio.h"
#include "captions.h"
#include "err.h"
#include "recognizer.h"
#include "script.h"
#include "settings.h"
#include "tts.h"

typedef struct vk_kiosk_opts {
    vk_settings settings; /* the site's volume, rate, timing and keys */
    bool simulate;    /* events carry answer values; stop after `sessions` */
    int sessions;     /* simulate: sessions to run (0 = 1) */
    bool barge_in;    /* listen while speaking (not a safety message) */
    bool echo_cancel; /* remove the kiosk's own voice from the mic */
    FILE *events;     /* JSON lines, or NULL */
    vk_captions *captions; /* the screen, or NULL (borrowed) */
    vk_audio *headphones;  /* private listening, or NULL (borrowed) */
    double max_seconds;    /* safety stop for simulations (0 = none) */
    /* Headphones are set but could not be opened: each session starts
     * with the [system] headphones.missing notice, on the speaker (the
     * kiosk sets its own copy too when they fail during a run). */
    bool headphones_missing;
    /* Called on ticks between sessions while the headphones are missing
     * or failed (vk_phones_retry): returns them reopened (borrowed), or
     * NULL.  NULL hook = they stay on the speaker until a restart. */
    vk_audio *(*retry_headphones)(void *ctx, int64_t t);
    void *retry_headphones_ctx;
    /* Called after every tick with the sample clock (the systemd watchdog
     * ping); NULL = none.  tick_ctx is borrowed. */
    void (*on_tick)(void *tick_ctx, int64_t t);
    void *tick_ctx;
    bool keys_only; /* no recognition model for the language: keys only */
    /* Called just before each session starts (between sessions, never
     * during one): returns the script to use from now on (for example
     * after a reload, see content.h), or NULL to keep the current one. */
    const vk_script *(*next_script)(void *ctx);
    void *next_script_ctx;
} vk_kiosk_opts;

/* Defaults: the settings' defaults (7 s no-answer timeout, 60 s
 * inactivity, 160 words a minute, ...), echo cancellation on, barge-in
 * off here: the program sets it from settings.ini [audio] barge_in, which
 * is on by default. */
void vk_kiosk_default_opts(vk_kiosk_opts *o);

/* Turn timing, for the benchmark. */
typedef struct vk_kiosk_stats {
    int64_t first_sample_ns; /* wall time from vk_kiosk_run() to the first
                                spoken sample */
    double
        *turn_gap_s; /* end of the user's speech to the reply (session clock) */
    double
        *compute_ms; /* wall time from the result to the reply's first sample */
    int turns;
    double session_s; /* session clock at the end */
} vk_kiosk_stats;

typedef struct vk_kiosk vk_kiosk;

/* Creates a kiosk over a loaded script, recogniser and synthesiser (all
 * borrowed).  Free with vk_kiosk_destroy(). */
vk_kiosk *vk_kiosk_create(const vk_script *script, vk_recognizer *rec,
                          vk_tts *tts, const vk_kiosk_opts *opts);
void vk_kiosk_destroy(vk_kiosk *k);
/* A person's session is under way (between sessions: false). */
bool vk_kiosk_in_session(const vk_kiosk *k);

/* Key source: returns the key code (keymap.h) pressed by sample t, or 0. */
typedef int (*vk_key_fn)(void *ctx, int64_t t);

/* Runs sessions on `dev` until the simulated sessions end, a stop is
 * requested, or a fatal device error.  `sim` is the simulated room to notify
 * (NULL when live). */
vk_err vk_kiosk_run(vk_kiosk *k, vk_audio *dev, vk_audio *sim, vk_key_fn keys,
                    void *key_ctx) VK_WARN_UNUSED;

/* Asks every running kiosk loop to stop after the current frame.  Safe to
 * call from a signal handler. */
void vk_kiosk_request_stop(void);

/* Stats of the last run (borrowed). */
const vk_kiosk_stats *vk_kiosk_stats_get(const vk_kiosk *k);

#endif
