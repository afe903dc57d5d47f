/*
 * selftest: the first-start check of a home set-up.  The kiosk says "I can
 * hear you. Say yes to start." through the speaker and listens through the
 * microphone; a yes proves both work, in the room, with the person who
 * will use it.  It runs on any vk_audio backend (the sound card, or a test
 * double), through the same recogniser and synthesiser as a session.
 *
 * `voice-kiosk selftest` runs it on demand; `--self-test-once` runs it
 * before the first session until it has once heard yes, and remembers that
 * in a mark file in the state folder (the user service's StateDirectory).
 * Time is counted in samples, like the kiosk loop: nothing sleeps.
 */
#ifndef VK_SELFTEST_H
#define VK_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audio.h"
#include "err.h"
#include "recognizer.h"
#include "tts.h"

/* What the self-test says first (the wording). */
#define VK_SELFTEST_PROMPT "I can hear you. Say yes to start."

typedef struct vk_selftest_opts {
    const char *voice; /* eSpeak NG voice, such as "en-us" (borrowed) */
    int rate_wpm;      /* speech rate */
    double listen_s;   /* wait this long for an answer, each try */
    int tries;         /* ask this many times at most */
    /* Called after every 20 ms frame with the sample clock (the systemd
     * watchdog); NULL = none.  tick_ctx is borrowed. */
    void (*on_tick)(void *tick_ctx, int64_t t);
    void *tick_ctx;
} vk_selftest_opts;

/* Defaults: voice en-us, 160 words a minute, 7 s to answer, 3 tries. */
void vk_selftest_default_opts(vk_selftest_opts *o);

typedef struct vk_selftest_result {
    bool heard_yes;       /* the test passed */
    int tries;            /* how many times it asked */
    char meaning[32];     /* the last thing understood ("" = nothing) */
    double confidence;    /* of that */
    double mic_peak_dbfs; /* loudest 20 ms frame heard while listening */
    double spoken_s;      /* seconds of speech played */
    double elapsed_s;     /* the whole test, on the sample clock */
} vk_selftest_result;

/* Runs the self-test on `dev` with `rec` and `tts` (all borrowed): speaks
 * the prompt, listens, and asks again (up to opts->tries times) after
 * silence or anything but yes; then says whether it worked.  Fills *out.
 * Returns VK_OK whether or not it heard yes, or the device's or the
 * synthesiser's error. */
vk_err vk_selftest_run(vk_recognizer *rec, vk_tts *tts, vk_audio *dev,
                       const vk_selftest_opts *opts,
                       vk_selftest_result *out) VK_WARN_UNUSED;

/* True if a self-test in `state_dir` has already heard yes. */
bool vk_selftest_passed_before(const char *state_dir);

/* Remembers in `state_dir` (created if missing) that the self-test heard
 * yes.  Returns VK_ERR_IO if it cannot be written. */
vk_err vk_selftest_remember(const char *state_dir) VK_WARN_UNUSED;

#endif
