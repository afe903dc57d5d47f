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
#include "err.h"
#include "recognizer.h"
#include "script.h"
#include "tts.h"

typedef struct vk_kiosk_opts {
    double noinput_s;    /* no-answer timeout; at least 7 s by default */
    double inactivity_s; /* nobody there this long: the session is wiped */
    int rate_wpm;        /* speech rate */
    bool simulate;       /* events carry answer values; one session, then stop */
    bool barge_in;       /* listen while a question is being asked */
    bool echo_cancel;    /* remove the kiosk's own voice from the mic */
    FILE *events;        /* JSON lines, or NULL */
    FILE *captions;      /* captions as plain text, or NULL */
    double max_seconds;  /* safety stop for simulations (0 = none) */
} vk_kiosk_opts;

/* Defaults: 7 s no-answer timeout, 60 s inactivity, 160 words a minute,
 * echo cancellation on, barge-in off (see notes/echo.md for why). */
void vk_kiosk_default_opts(vk_kiosk_opts *o);

/* Turn timing, for the benchmark. */
typedef struct vk_kiosk_stats {
    int64_t first_sample_ns; /* wall time from vk_kiosk_run() to the first spoken sample */
    double *turn_gap_s;      /* end of the user's speech to the reply (session clock) */
    double *compute_ms;      /* wall time from the result to the reply's first sample */
    int turns;
    double session_s; /* session clock at the end */
} vk_kiosk_stats;

typedef struct vk_kiosk vk_kiosk;

/* Creates a kiosk over a loaded script, recogniser and synthesiser (all
 * borrowed).  Free with vk_kiosk_destroy(). */
vk_kiosk *vk_kiosk_create(const vk_script *script, vk_recognizer *rec,
                          vk_tts *tts, const vk_kiosk_opts *opts);
void vk_kiosk_destroy(vk_kiosk *k);

/* Key source: returns the key pressed by sample t, or 0. */
typedef char (*vk_key_fn)(void *ctx, int64_t t);

/* Runs sessions on `dev` until one session ends (simulate) or a fatal
 * device error.  `sim` is the simulated room to notify (NULL when live). */
vk_err vk_kiosk_run(vk_kiosk *k, vk_audio *dev, vk_audio *sim, vk_key_fn keys,
                    void *key_ctx) VK_WARN_UNUSED;

/* Asks every running kiosk loop to stop after the current frame.  Safe to
 * call from a signal handler. */
void vk_kiosk_request_stop(void);

/* Stats of the last run (borrowed). */
const vk_kiosk_stats *vk_kiosk_stats_get(const vk_kiosk *k);

#endif
