/*
 * audio_retry: the device wrapper that reopens a lost device.
 *
 * Two states.  UP: `dev` is open and every call goes through to it (a
 * write that overruns, VK_ERR_LIMIT, is dropped; VK__RETRY_STALLS of them
 * in a row count as a lost speaker).  LOST: `dev` is NULL; read() waits
 * one frame of clock time and returns silence, write() drops the samples, and
 * whenever the clock passes `next_try` read() calls open again.  A failed
 * attempt doubles the wait (first_backoff_us .. max_backoff_us), so a long
 * outage costs one open every couple of seconds, and a short one is noticed
 * within a quarter of a second.  Reopening happens in read() because that is
 * the call that paces the loop: a kiosk with no device still ticks at its usual
 * rate.
 *
 * The log gets one line when the device goes, the reason of the first
 * failed reopen and of any later one that fails for another reason (a
 * speaker that came back but would not start is worth knowing about), a
 * "still" line every still_lost_us, and one line when it is back.  Device
 * names and error texts only: nothing a person said.
 */
#define _POSIX_C_SOURCE 200809L
#include "audio_retry.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"

#define VK__RETRY_FIRST_US 250000
#define VK__RETRY_MAX_US 2000000
#define VK__RETRY_STILL_US 60000000
#define VK__RETRY_ERRLEN 2048
/* A speaker whose queue stays full (VK_ERR_LIMIT: the device takes
 * samples slower than the microphone gives them, or not at all) this many
 * writes in a row is treated as lost and reopened; fewer are dropped. */
#define VK__RETRY_STALLS 4

typedef struct vk_audio_retry {
    vk_audio base; /* must be first */
    vk_audio_retry_opts o;
    vk_audio *dev; /* NULL while lost */
    int64_t backoff_us;
    int64_t next_try_us;
    int64_t next_still_us;
    int failed_attempts; /* in the current outage */
    int stalls;          /* VK_ERR_LIMIT writes in a row */
    /* Why the previous attempt failed, so that only a new reason is
     * logged: the same one every couple of seconds would flood the log. */
    char last_why[VK__RETRY_ERRLEN];
    vk_audio_retry_stats stats;
} vk_audio_retry;

/* ---- the real clock --------------------------------------------------- */

static int64_t real_now_us(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Sleeps once; a signal (SIGTERM) cuts it short on purpose, so the loop
 * sees the stop request without waiting out the frame. */
static void real_wait_us(void *ctx, int64_t us)
{
    (void)ctx;
    if (us <= 0)
        return;
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

vk_clock vk_clock_real(void)
{
    vk_clock c = {real_now_us, real_wait_us, NULL};
    return c;
}

/* ---- the wrapper ------------------------------------------------------- */

static int64_t now_us(vk_audio_retry *r)
{
    return r->o.clock.now_us(r->o.clock.ctx);
}

static void go_lost(vk_audio_retry *r, const char *which, const char *why)
{
    vk_audio_destroy(r->dev);
    r->dev = NULL;
    int64_t t = now_us(r);
    r->stats.losses++;
    r->stats.lost_at_us = t;
    r->backoff_us = r->o.first_backoff_us;
    r->next_try_us = t + r->backoff_us;
    r->next_still_us = t + r->o.still_lost_us;
    r->failed_attempts = 0;
    r->stalls = 0;
    fprintf(r->o.log,
            "voice-kiosk: audio: the %s is gone (%s); the session is paused "
            "and the device is reopened every %.2g s to %.2g s until it is "
            "back\n",
            which, why, (double)r->o.first_backoff_us / 1e6,
            (double)r->o.max_backoff_us / 1e6);
    fflush(r->o.log);
}

/* One reopen attempt; on failure the next one is put off by the backoff. */
static void try_reopen(vk_audio_retry *r)
{
    char err[VK__RETRY_ERRLEN] = "";
    vk_audio *dev = NULL;
    r->stats.attempts++;
    vk_err e = r->o.open(r->o.open_ctx, &dev, err, sizeof err);
    int64_t t = now_us(r);
    if (e == VK_OK && dev) {
        r->dev = dev;
        r->stats.recoveries++;
        r->stats.back_at_us = t;
        fprintf(r->o.log,
                "voice-kiosk: audio: the device is back after %.1f s (%d "
                "attempt%s)\n",
                (double)(t - r->stats.lost_at_us) / 1e6, r->failed_attempts + 1,
                r->failed_attempts ? "s" : "");
        fflush(r->o.log);
        return;
    }
    const char *why = err[0] ? err : vk_strerror(e);
    if (r->failed_attempts++ == 0 || strcmp(why, r->last_why) != 0) {
        fprintf(r->o.log, "voice-kiosk: audio: not back yet: %s\n", why);
        fflush(r->o.log);
    }
    snprintf(r->last_why, sizeof r->last_why, "%s", why);
    r->backoff_us *= 2;
    if (r->backoff_us > r->o.max_backoff_us)
        r->backoff_us = r->o.max_backoff_us;
    r->next_try_us = t + r->backoff_us;
    if (t >= r->next_still_us) {
        fprintf(r->o.log,
                "voice-kiosk: audio: still no device after %.0f s (%d "
                "attempts)\n",
                (double)(t - r->stats.lost_at_us) / 1e6, r->failed_attempts);
        fflush(r->o.log);
        r->next_still_us = t + r->o.still_lost_us;
    }
}

static vk_err retry_read(vk_audio *base, int16_t *mic, size_t n)
{
    vk_audio_retry *r = (vk_audio_retry *)base;
    if (!r->dev && now_us(r) >= r->next_try_us)
        try_reopen(r);
    if (r->dev) {
        vk_err e = vk_audio_read(r->dev, mic, n);
        if (e != VK_ERR_DEVICE)
            return e;
        go_lost(r, "microphone", vk_strerror(e));
    }
    /* Lost: a frame of silence takes a frame of time, so the loop keeps
     * its pace and the clock moves on towards the next attempt. */
    r->o.clock.wait_us(r->o.clock.ctx, (int64_t)n * 1000000 / VK_AUDIO_RATE);
    memset(mic, 0, n * sizeof *mic);
    return VK_OK;
}

static vk_err retry_write(vk_audio *base, const int16_t *spk, size_t n)
{
    vk_audio_retry *r = (vk_audio_retry *)base;
    if (!r->dev)
        return VK_OK; /* nobody to hear it */
    vk_err e = vk_audio_write(r->dev, spk, n);
    if (e == VK_ERR_LIMIT) {
        /* Dropped: an overrun is no reason to stop the kiosk, but a
         * speaker that has stopped taking samples is as good as gone. */
        if (++r->stalls >= VK__RETRY_STALLS)
            go_lost(r, "speaker", "it stopped taking samples");
        return VK_OK;
    }
    r->stalls = 0;
    if (e != VK_ERR_DEVICE)
        return e;
    go_lost(r, "speaker", vk_strerror(e));
    return VK_OK;
}

static void retry_flush(vk_audio *base)
{
    vk_audio_retry *r = (vk_audio_retry *)base;
    if (r->dev && r->dev->ops->flush_output)
        r->dev->ops->flush_output(r->dev);
}

static vk_audio_state retry_state(vk_audio *base)
{
    vk_audio_retry *r = (vk_audio_retry *)base;
    if (!r->dev)
        return VK_AUDIO_LOST;
    return vk_audio_get_state(r->dev);
}

static void retry_destroy(vk_audio *base)
{
    vk_audio_retry *r = (vk_audio_retry *)base;
    if (!r)
        return;
    vk_audio_destroy(r->dev);
    free(r);
}

static const vk_audio_ops retry_ops = {
    .read = retry_read,
    .write = retry_write,
    .flush_output = retry_flush,
    .destroy = retry_destroy,
    .state = retry_state,
};

vk_err vk_audio_retry_create(const vk_audio_retry_opts *opts, vk_audio **out,
                             char *errbuf, size_t errlen)
{
    if (!out || !opts || !opts->open)
        return VK_ERR_ARG;
    *out = NULL;
    vk_audio *dev = NULL;
    vk_err e = opts->open(opts->open_ctx, &dev, errbuf, errlen);
    if (e != VK_OK)
        return e;
    if (!dev)
        return VK_ERR_DEVICE;
    vk_audio_retry *r = vk_calloc(1, sizeof *r);
    r->base.ops = &retry_ops;
    r->o = *opts;
    if (!r->o.clock.now_us || !r->o.clock.wait_us)
        r->o.clock = vk_clock_real();
    if (r->o.first_backoff_us <= 0)
        r->o.first_backoff_us = VK__RETRY_FIRST_US;
    if (r->o.max_backoff_us <= 0)
        r->o.max_backoff_us = VK__RETRY_MAX_US;
    if (r->o.max_backoff_us < r->o.first_backoff_us)
        r->o.max_backoff_us = r->o.first_backoff_us;
    if (r->o.still_lost_us <= 0)
        r->o.still_lost_us = VK__RETRY_STILL_US;
    if (!r->o.log)
        r->o.log = stderr;
    r->dev = dev;
    *out = &r->base;
    return VK_OK;
}

void vk_audio_retry_stats_get(vk_audio *a, vk_audio_retry_stats *out)
{
    *out = ((vk_audio_retry *)a)->stats;
}
