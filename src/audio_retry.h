/*
 * audio_retry: a device that survives being unplugged.
 *
 * It wraps an "open" function (PortAudio's, or the simulated room's) and
 * is itself a vk_audio.  While the device is there it passes reads and
 * writes through.  When the device reports VK_ERR_DEVICE it closes it,
 * logs one line, and from then on reads give silence (paced by the
 * injected clock, so the loop keeps its tempo), writes are dropped, and
 * vk_audio_get_state() says VK_AUDIO_LOST while it tries to reopen with a
 * doubling backoff.  Once a reopen works it logs again and says
 * VK_AUDIO_UP; the kiosk loop watches that state to pause the session and
 * to speak a notice when the sound is back.
 *
 * Time is injected (vk_clock): the real clock for live use, the simulated
 * room's sample clock in tests, so backoff runs the same in both.
 */
#ifndef VK_AUDIO_RETRY_H
#define VK_AUDIO_RETRY_H

#include <stdint.h>
#include <stdio.h>

#include "audio.h"

/* A clock.  now_us() is monotonic; wait_us() lets that much time pass (a
 * real clock sleeps and may return early on a signal, so a stop request is
 * seen at once; a simulated one advances its samples). */
typedef struct vk_clock {
    int64_t (*now_us)(void *ctx);
    void (*wait_us)(void *ctx, int64_t us);
    void *ctx;
} vk_clock;

/* The wall clock: CLOCK_MONOTONIC and nanosleep. */
vk_clock vk_clock_real(void);

/* Opens the device.  On failure writes why into errbuf (a message free of
 * anything personal: device names only) and returns an error. */
typedef vk_err (*vk_audio_open_fn)(void *ctx, vk_audio **out, char *errbuf,
                                   size_t errlen);

typedef struct vk_audio_retry_opts {
    vk_audio_open_fn open;    /* required */
    void *open_ctx;           /* passed to open (borrowed) */
    vk_clock clock;           /* all zero: vk_clock_real() */
    int64_t first_backoff_us; /* 0: 250 ms */
    int64_t max_backoff_us;   /* 0: 2 s */
    int64_t still_lost_us;    /* log "still lost" this often; 0: 60 s */
    FILE *log;                /* borrowed; NULL: stderr */
} vk_audio_retry_opts;

/* What happened so far, for tests and benchmarks. */
typedef struct vk_audio_retry_stats {
    int losses;         /* times the device went away */
    int recoveries;     /* times it came back */
    int attempts;       /* reopen attempts, failed or not */
    int64_t lost_at_us; /* clock time of the last loss */
    int64_t back_at_us; /* clock time of the last recovery */
} vk_audio_retry_stats;

/* Opens the device once.  If that fails, nothing is retried: the error is
 * returned with open's message in errbuf (a kiosk that never had a device
 * is misconfigured, not unplugged).  Free the result with
 * vk_audio_destroy(); that closes the device and never waits for a
 * reopen. */
vk_err vk_audio_retry_create(const vk_audio_retry_opts *opts, vk_audio **out,
                             char *errbuf, size_t errlen) VK_WARN_UNUSED;

/* Copies the statistics of `a` (a device made by vk_audio_retry_create). */
void vk_audio_retry_stats_get(vk_audio *a, vk_audio_retry_stats *out);

#endif
