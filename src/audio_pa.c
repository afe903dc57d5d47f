/*
 * audio_pa: the PortAudio backend, the kiosk's real microphone and speaker.
 *
 * Two PortAudio streams run at 16 kHz mono int16: one captures, one plays
 * (separate streams so the microphone and the speaker may be different
 * devices).  Their callbacks, on PortAudio's real-time threads, only move
 * samples between the device and two lock-free rings (ring.h): capture
 * into `mic`, playback out of `spk`, zeros when `spk` runs dry.  They take
 * no locks, allocate nothing and log nothing.  Everything else happens on
 * the kiosk loop's thread:
 *
 *   read()   waits for a frame to arrive in `mic`.  This wait is the one
 *            place the kiosk is paced by the wall clock, so it polls with a
 *            short sleep; it gives up with VK_ERR_DEVICE when a stream has
 *            stopped or no sample has arrived for VK__PA_LOST_MS, so a lost
 *            device never hangs the kiosk.
 *   write()  queues into `spk`; if it stays full for VK__PA_WRITE_WAIT_MS
 *            (the caller runs faster than real time) the rest is dropped
 *            and it returns VK_ERR_LIMIT (an output-only device does not
 *            wait at all); VK_ERR_DEVICE once a stream died.
 *   flush_output() asks the playback callback to drop what was queued up
 *            to that moment (only the consumer may move a ring's read side).
 *   destroy() closes the streams on a helper thread and waits at most
 *            VK__PA_CLOSE_WAIT_MS, because PortAudio's close can block
 *            forever on a hung sound server (see pa_destroy()).  Starting
 *            a stream can hang too, so open() starts each stream on a
 *            helper thread and gives up after VK__PA_START_WAIT_MS (see
 *            start_stream()).
 *
 * The playback callback starts only once VK__PA_PREROLL samples are
 * queued, so the 20 ms frames of the loop never underrun against the
 * callback's smaller, out-of-phase requests.
 *
 * Latency: both streams ask PortAudio for VK__PA_LATENCY (50 ms) of
 * suggested latency and let it pick the buffer size (it chose 200-sample
 * callbacks).  Through the ALSA pulse plug-in, 10 to 80 ms all ran without
 * underruns on an idle machine, with a measured round trip (write ->
 * speaker -> monitor -> read) of 58 ms at 10 ms and 110 ms at 50 ms.  50 ms
 * leaves headroom for a kiosk whose CPU is busy recognising speech, and
 * barge-in still feels immediate.  Run with VK_AUDIO_PA_DEBUG=1 in the
 * environment to see the start-up noise and, at destroy, the latencies
 * PortAudio granted and the underrun counts.
 *
 * PortAudio's ALSA and JACK probing prints noise on stderr during
 * Pa_Initialize, and a missing device more while a stream is opened; an
 * open is silenced throughout (see quiet_begin()).
 */
#define _POSIX_C_SOURCE 200809L

#include "audio_pa.h"

#include <alsa/asoundlib.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <portaudio.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "ring.h"

/* Suggested latency for both streams, in seconds (-D to experiment). */
#ifndef VK__PA_LATENCY
#define VK__PA_LATENCY 0.050
#endif
/* read() reports the device lost after this long without a sample. */
#define VK__PA_LOST_MS 2000
/* write() waits at most this long for room before it gives up. */
#define VK__PA_WRITE_WAIT_MS 250
/* Polling step of read()/write() while they wait for the device. */
#define VK__PA_POLL_US 2000
/* The playback callback starts (and restarts after running dry) only once
 * this much is queued.  The loop writes one 20 ms frame per microphone
 * frame, but not in phase with the callback, which takes smaller bites:
 * started on a single frame, the first prompt underran 5 ms in.  Half a
 * frame of headroom absorbs that jitter for 10 ms of extra latency. */
#define VK__PA_PREROLL (VK_AUDIO_FRAME + VK_AUDIO_FRAME / 2)
/* destroy() waits this long for the streams to close, then leaves a
 * helper thread to finish the job (see pa_destroy). */
#define VK__PA_CLOSE_WAIT_MS 1500
/* open() and list() wait this long for a previous close to let go of
 * PortAudio before they report the device unusable. */
#define VK__PA_LOCK_MS 3000
/* vk_audio_pa_open_fn waits only this long: it is called again and again
 * while a device is gone, and a close still stuck on a hung server means
 * the device is not usable yet anyway; a short wait keeps the kiosk loop
 * (and a stop request) responsive between attempts. */
#define VK__PA_REOPEN_LOCK_MS 200
/* open() gives up on a stream start that has not returned after this long
 * (see start_stream()). */
#define VK__PA_START_WAIT_MS 5000
/* A reopen's trial run in a child (vk_audio_pa_probe_device) is killed
 * after this long: it gives up on each of its two stream starts after
 * VK__PA_START_WAIT_MS itself, so only a child stuck elsewhere (a hung
 * sound server) is cut short. */
#define VK__PA_PROBE_WAIT_MS (2 * VK__PA_START_WAIT_MS + 2000)
/* Ring ceilings: 1 s of microphone backlog, 2 s of queued speech. */
#define VK__PA_MIC_RING VK_AUDIO_RATE
#define VK__PA_SPK_RING (2 * VK_AUDIO_RATE)

typedef struct vk_audio_pa {
    vk_audio base; /* must be first: vk_audio_* casts to it */
    PaStream *in;
    PaStream *out;
    vk_ring *mic; /* producer: input callback; consumer: read() */
    vk_ring *spk; /* producer: write(); consumer: output callback */
    int pa_up;    /* Pa_Initialize succeeded; Pa_Terminate owed */
    /* Output only (headphones): write() never waits for room.  The kiosk
     * is paced by its main device; a stalled second device must not slow
     * it down. */
    bool no_wait;
    /* Loop thread only: samples ever accepted into spk, and silence
     * dropped to keep the queue short (see queue_cap). */
    size_t spk_written;
    size_t spk_trimmed;
    /* flush_output() publishes spk_written here; the output callback
     * discards queued samples until it has consumed that many. */
    _Atomic size_t flush_mark;
    /* Output callback only: samples ever taken out of spk, and whether it
     * is playing (1) or waiting for VK__PA_PREROLL samples (0). */
    size_t spk_consumed;
    int spk_playing;
    /* Set by PortAudio when either stream stops on its own (device error). */
    _Atomic int stream_finished;
    /* Statistics, written by the callbacks, read at destroy. */
    _Atomic unsigned long mic_dropped;
    _Atomic unsigned long spk_zero_filled;
    _Atomic unsigned long xrun_flags;
    _Atomic unsigned long spk_underruns; /* ran dry while playing */
    _Atomic unsigned long out_bite;      /* largest callback request */
} vk_audio_pa;

/* ------------------------------------------------------------------ */
/* Real-time callbacks: rings and atomics only.                        */

static int input_cb(const void *input, void *output, unsigned long frames,
                    const PaStreamCallbackTimeInfo *time,
                    PaStreamCallbackFlags status, void *user)
{
    vk_audio_pa *a = user;
    (void)output;
    (void)time;
    if (status & (paInputOverflow | paInputUnderflow))
        atomic_fetch_add_explicit(&a->xrun_flags, 1, memory_order_relaxed);
    if (!input)
        return paContinue;
    size_t put = vk_ring_write(a->mic, input, frames);
    if (put < frames)
        atomic_fetch_add_explicit(&a->mic_dropped, frames - put,
                                  memory_order_relaxed);
    return paContinue;
}

static int output_cb(const void *input, void *output, unsigned long frames,
                     const PaStreamCallbackTimeInfo *time,
                     PaStreamCallbackFlags status, void *user)
{
    vk_audio_pa *a = user;
    int16_t *dst = output;
    (void)input;
    (void)time;
    if (status & (paOutputUnderflow | paOutputOverflow))
        atomic_fetch_add_explicit(&a->xrun_flags, 1, memory_order_relaxed);
    size_t mark = atomic_load_explicit(&a->flush_mark, memory_order_acquire);
    if (mark > a->spk_consumed) {
        /* A flush: drop what was queued before it, and wait for a fresh
         * preroll so the next prompt starts cleanly. */
        a->spk_consumed += vk_ring_skip(a->spk, mark - a->spk_consumed);
        a->spk_playing = 0;
    }
    if (frames > atomic_load_explicit(&a->out_bite, memory_order_relaxed))
        atomic_store_explicit(&a->out_bite, frames, memory_order_relaxed);
    size_t got = 0;
    if (!a->spk_playing && vk_ring_available(a->spk) >= VK__PA_PREROLL)
        a->spk_playing = 1;
    if (a->spk_playing) {
        got = vk_ring_read(a->spk, dst, frames);
        a->spk_consumed += got;
        if (got < frames) {
            a->spk_playing = 0;
            atomic_fetch_add_explicit(&a->spk_underruns, 1,
                                      memory_order_relaxed);
        }
    }
    if (got < frames) {
        memset(dst + got, 0, (frames - got) * sizeof *dst);
        atomic_fetch_add_explicit(&a->spk_zero_filled, frames - got,
                                  memory_order_relaxed);
    }
    return paContinue;
}

static void finished_cb(void *user)
{
    vk_audio_pa *a = user;
    atomic_store_explicit(&a->stream_finished, 1, memory_order_release);
}

/* ------------------------------------------------------------------ */
/* Start-up noise.                                                     */

static void alsa_quiet(const char *file, int line, const char *function,
                       int err, const char *fmt, ...)
{
    (void)file;
    (void)line;
    (void)function;
    (void)err;
    (void)fmt;
}

/* Pa_Initialize probes every ALSA PCM and tries to reach a JACK server,
 * and both libraries print to stderr when that fails, which on a kiosk
 * console looks like an error even when nothing is wrong.  ALSA has a hook
 * for its messages; JACK's go straight to fd 2, so fd 2 is pointed at
 * /dev/null for the duration.  That is process-wide: another thread's
 * stderr output in this window (an open: at start-up, or a reopen while
 * the device is lost, when no other thread of ours prints) is lost.  Set
 * VK_AUDIO_PA_DEBUG=1 to see everything. */
static int quiet_begin(void)
{
    if (getenv("VK_AUDIO_PA_DEBUG"))
        return -1;
    /* PortAudio would otherwise try to launch jackd on every start. */
    setenv("JACK_NO_START_SERVER", "1", 0);
    snd_lib_error_set_handler(alsa_quiet);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved < 0 || devnull < 0) {
        if (saved >= 0)
            close(saved);
        if (devnull >= 0)
            close(devnull);
        return -1;
    }
    dup2(devnull, STDERR_FILENO);
    close(devnull);
    return saved;
}

static void quiet_end(int saved)
{
    if (saved < 0)
        return;
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    snd_lib_error_set_handler(NULL);
}

static PaError pa_start_quietly(void)
{
    int saved = quiet_begin();
    PaError e = Pa_Initialize();
    quiet_end(saved);
    return e;
}

/* ------------------------------------------------------------------ */
/* Device lookup and messages.                                         */

/* Appends printf-style text to buf (of size len, holding a string), and
 * truncates rather than overflows. */
static void append(char *buf, size_t len, const char *fmt, ...)
{
    if (!buf || len == 0)
        return;
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) ==
                   tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static int channels(const PaDeviceInfo *d, int want_input)
{
    return want_input ? d->maxInputChannels : d->maxOutputChannels;
}

/* Finds the device for `name`: NULL means PortAudio's default; all digits
 * means that index; otherwise an exact name, else the first name that
 * contains it (case-insensitively).  Only devices with channels in the
 * wanted direction count.  Returns paNoDevice if there is none. */
static PaDeviceIndex find_device(const char *name, int want_input)
{
    if (!name || !*name)
        return want_input ? Pa_GetDefaultInputDevice()
                          : Pa_GetDefaultOutputDevice();
    int count = Pa_GetDeviceCount();
    const char *p = name;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '\0') {
        long idx = strtol(name, NULL, 10);
        if (idx >= 0 && idx < count) {
            const PaDeviceInfo *d = Pa_GetDeviceInfo((PaDeviceIndex)idx);
            if (d && channels(d, want_input) > 0)
                return (PaDeviceIndex)idx;
        }
        return paNoDevice;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (PaDeviceIndex i = 0; i < count; i++) {
            const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
            if (!d || !d->name || channels(d, want_input) <= 0)
                continue;
            if (pass == 0 ? strcmp(d->name, name) == 0
                          : contains_nocase(d->name, name))
                return i;
        }
    }
    return paNoDevice;
}

/* Appends the list of devices, or "none", and the hint to check the
 * names; for the main device also the hint to simulate (which has no use
 * for headphones). */
static void append_device_list(char *buf, size_t len, bool simulate_hint)
{
    int count = Pa_GetDeviceCount();
    append(buf, len, " Devices PortAudio can see:");
    if (count <= 0) {
        /* Nothing to choose from: the fix is a device, not a name. */
        append(buf, len,
               " none. Plug in a microphone and a speaker (or a headset), "
               "and check that the kiosk's user may use them (the audio "
               "group), or that the sound server runs");
        append(buf, len,
               simulate_hint ? "; or run `voice-kiosk simulate` to use"
                               " the simulated audio device instead."
                             : ".");
        return;
    }
    for (int i = 0; i < count; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (d)
            append(buf, len, "%s %d \"%s\" (in=%d out=%d)", i ? ";" : "", i,
                   d->name ? d->name : "?", d->maxInputChannels,
                   d->maxOutputChannels);
    }
    if (count > 0)
        append(buf, len, ".");
    append(buf, len,
           " Check the device names (voice-kiosk --list-devices lists them)");
    append(buf, len,
           simulate_hint ? ", or run `voice-kiosk simulate` to use"
                           " the simulated audio device instead."
                         : ".");
}

/* Appends "no microphone matches "x"." or "no default speaker.". */
static void describe_missing(char *buf, size_t len, const char *what,
                             const char *name)
{
    const char *sep = buf && buf[0] ? " " : "";
    if (name && *name)
        append(buf, len, "%saudio: no %s device matches \"%s\".", sep, what,
               name);
    else
        append(buf, len, "%saudio: there is no default %s device.", sep, what);
}

/* alsa-lib reports a configuration's problems only through its error
 * handler; while the configuration is checked they are kept here (the
 * caller holds pa_lock, so only one check runs at a time). */
#define VK__ALSA_NOTES 8
static char alsa_notes[VK__ALSA_NOTES][512];
static int alsa_note_count;

static void alsa_note(const char *file, int line, const char *function, int err,
                      const char *fmt, ...)
{
    (void)file;
    (void)line;
    (void)function;
    (void)err;
    /* The handler is the whole process's while it is set: another thread's
     * ALSA error (the speaker stream) may come at the same moment. */
    int i = __atomic_fetch_add(&alsa_note_count, 1, __ATOMIC_RELAXED);
    if (i >= VK__ALSA_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(alsa_notes[i], sizeof alsa_notes[0], fmt, ap);
    va_end(ap);
}

/* Finds, in alsa-lib's "NAME:LINE:COLUMN:MESSAGE" note about a parse
 * error, the line and the message.  Returns 1 if `note` is one. */
static int parse_position(const char *note, long *line, const char **msg)
{
    for (const char *c = strchr(note, ':'); c; c = strchr(c + 1, ':')) {
        char *end;
        if (!isdigit((unsigned char)c[1]))
            continue;
        long l = strtol(c + 1, &end, 10);
        if (*end != ':' || !isdigit((unsigned char)end[1]))
            continue;
        strtol(end + 1, &end, 10);
        if (*end != ':')
            continue;
        *line = l;
        *msg = end + 1;
        return 1;
    }
    return 0;
}

/* Says which file (and line) of a configuration alsa-lib would not load,
 * from its notes: "FILE may be old or corrupted..." names the file, and
 * the note before it the line. */
static void describe_broken_config(char *errbuf, size_t errlen,
                                   const char *path, int err)
{
    static const char corrupt[] = " may be old or corrupted";
    char file[512] = "";
    long line = 0;
    const char *msg = NULL;
    int notes =
        alsa_note_count < VK__ALSA_NOTES ? alsa_note_count : VK__ALSA_NOTES;
    for (int i = 0; i < notes; i++) {
        const char *n = alsa_notes[i];
        const char *c = strstr(n, corrupt);
        if (c && !*file)
            snprintf(file, sizeof file, "%.*s", (int)(c - n), n);
        else if (!msg)
            (void)parse_position(n, &line, &msg);
    }
    if (!*file && path && *path)
        snprintf(file, sizeof file, "%s", path);
    if (*file && line > 0)
        append(errbuf, errlen, "audio: %s:%ld: %s.", file, line, msg);
    else if (*file)
        append(errbuf, errlen, "audio: %s: %s.", file, snd_strerror(err));
    else
        append(errbuf, errlen, "audio: %s.", snd_strerror(err));
    append(errbuf, errlen,
           " ALSA cannot load its sound configuration, so no sound device"
           " can be opened.");
    if (path && *path)
        append(errbuf, errlen,
               " Fix the file, or unset ALSA_CONFIG_PATH (now \"%s\") to use"
               " the system's configuration.",
               path);
    else
        append(errbuf, errlen, " Fix the file, or remove it.");
}

/* PortAudio 19.6 aborts the process (an assert in the ALSA host API's
 * BuildDeviceList) when ALSA knows of no device at all: a file named in
 * ALSA_CONFIG_PATH that cannot be read (which happens when a sound set-up
 * that wrote that file is torn down and rebuilt while the kiosk reopens
 * its device), or one that defines no PCM (an empty file).  A
 * configuration with a syntax error makes it fail with only
 * "Unanticipated host error".  So before Pa_Initialize the configuration
 * is loaded here, privately, with alsa-lib's own parser (the files in
 * ALSA_CONFIG_PATH, or the system's alsa.conf and the files it loads, such
 * as ~/.asoundrc), and Pa_Initialize is not called unless it loads and
 * defines a PCM.  (That catches the cases above, not every one: a
 * configuration whose only PCM PortAudio cannot list, a lone null device,
 * still makes it abort.)  Returns 1 if so; otherwise says in errbuf which file
 * is wrong, where and what to do, and returns 0. */
static int alsa_config_usable(char *errbuf, size_t errlen)
{
    const char *path = getenv("ALSA_CONFIG_PATH");
    int ok = 1;
    if (path && *path) {
        char *copy = vk_strdup(path), *save = NULL;
        for (char *f = strtok_r(copy, ":", &save); f && ok;
             f = strtok_r(NULL, ":", &save))
            if (access(f, R_OK) != 0) {
                append(errbuf, errlen,
                       "audio: %s (named in ALSA_CONFIG_PATH) cannot be read.",
                       f);
                ok = 0;
            }
        free(copy);
        if (!ok)
            return 0;
    }
    snd_config_t *top = NULL;
    snd_config_update_t *update = NULL;
    alsa_note_count = 0;
    snd_lib_error_set_handler(alsa_note);
    int err = snd_config_update_r(&top, &update, NULL);
    snd_lib_error_set_handler(NULL);
    snd_config_t *pcm = NULL;
    if (err < 0) {
        describe_broken_config(errbuf, errlen, path, err);
        ok = 0;
    } else if (snd_config_search(top, "pcm", &pcm) < 0 ||
               snd_config_get_type(pcm) != SND_CONFIG_TYPE_COMPOUND ||
               snd_config_iterator_first(pcm) == snd_config_iterator_end(pcm)) {
        if (path && *path)
            append(errbuf, errlen,
                   "audio: %s (ALSA_CONFIG_PATH) defines no sound device (no"
                   " pcm entry). Fix the file, or unset ALSA_CONFIG_PATH to"
                   " use the system's configuration.",
                   path);
        else
            append(errbuf, errlen,
                   "audio: the ALSA sound configuration defines no sound"
                   " device (no pcm entry); is /usr/share/alsa/alsa.conf"
                   " (package libasound2-data) intact?");
        ok = 0;
    }
    if (top)
        snd_config_delete(top);
    if (update)
        snd_config_update_free(update);
    return ok;
}

static void pa_failure(char *errbuf, size_t errlen, const char *what, PaError e)
{
    if (errbuf && errlen)
        errbuf[0] = '\0';
    append(errbuf, errlen, "audio: %s: %s.", what, Pa_GetErrorText(e));
}

/* ------------------------------------------------------------------ */
/* The loop-thread side.                                               */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap(void)
{
    struct timespec ts = {0, VK__PA_POLL_US * 1000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int device_gone(vk_audio_pa *a, PaStream *s)
{
    return atomic_load_explicit(&a->stream_finished, memory_order_acquire) ||
           Pa_IsStreamActive(s) != 1;
}

static vk_err pa_read(vk_audio *base, int16_t *mic, size_t n)
{
    vk_audio_pa *a = (vk_audio_pa *)base;
    size_t done = 0;
    long long last_progress = now_ms();
    while (done < n) {
        size_t got = vk_ring_read(a->mic, mic + done, n - done);
        if (got) {
            done += got;
            last_progress = now_ms();
            continue;
        }
        if (device_gone(a, a->in) || now_ms() - last_progress > VK__PA_LOST_MS)
            return VK_ERR_DEVICE;
        nap();
    }
    return VK_OK;
}

/* Returns VK_ERR_LIMIT if the queue stays full for VK__PA_WRITE_WAIT_MS
 * (the caller writes faster than real time; the rest is dropped), at once
 * for an output-only device (no_wait), and
 * VK_ERR_DEVICE if the playback stream has stopped. */
static bool all_zero(const int16_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i])
            return false;
    return true;
}

/* After the loop stalls (busy elsewhere for a moment), it catches up on
 * the microphone's backlog and writes as much speaker audio at once.  That
 * would stay queued for good: every later prompt, and its echo, late by
 * the length of the stall (a 600 ms stall, 665 ms round trip instead of
 * 110, ten seconds later), the echo past the canceller's 250 ms reach.  So
 * digital silence written while more than this is queued is dropped:
 * nothing that is heard is lost, and the queue is back to normal at the
 * first pause. */
static size_t queue_cap(vk_audio_pa *a)
{
    size_t bite = atomic_load_explicit(&a->out_bite, memory_order_relaxed);
    if (bite < VK_AUDIO_FRAME)
        bite = VK_AUDIO_FRAME;
    return VK__PA_PREROLL + 2 * bite + VK_AUDIO_FRAME;
}

static vk_err pa_write(vk_audio *base, const int16_t *spk, size_t n)
{
    vk_audio_pa *a = (vk_audio_pa *)base;
    if (device_gone(a, a->out))
        return VK_ERR_DEVICE;
    size_t queued = vk_ring_capacity(a->spk) - vk_ring_space(a->spk);
    if (queued > queue_cap(a) && all_zero(spk, n)) {
        a->spk_trimmed += n;
        return VK_OK;
    }
    size_t done = 0;
    long long start = now_ms();
    while (done < n) {
        size_t put = vk_ring_write(a->spk, spk + done, n - done);
        done += put;
        a->spk_written += put;
        if (done == n)
            break;
        if (device_gone(a, a->out))
            return VK_ERR_DEVICE;
        if (a->no_wait || now_ms() - start > VK__PA_WRITE_WAIT_MS)
            return VK_ERR_LIMIT;
        nap();
    }
    return VK_OK;
}

static void pa_flush_output(vk_audio *base)
{
    vk_audio_pa *a = (vk_audio_pa *)base;
    atomic_store_explicit(&a->flush_mark, a->spk_written, memory_order_release);
}

static void close_stream(PaStream *s)
{
    if (!s)
        return;
    /* Abort, not Stop: Stop would first play out what is queued, and a
     * lost device may never drain. */
    Pa_AbortStream(s);
    Pa_CloseStream(s);
}

/* PortAudio's global calls (initialise, open, close, terminate) are not
 * thread-safe, and a close may now run on a helper thread, so they all
 * happen under this lock.  (A stream start also runs on a helper, with the
 * opener holding the lock for it; one given up on goes on without it, see
 * start_stream().)  The callbacks never touch it. */
static pthread_mutex_t pa_lock = PTHREAD_MUTEX_INITIALIZER;

static int pa_lock_timed(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return pthread_mutex_timedlock(&pa_lock, &ts);
}

static void debug_stats(vk_audio_pa *a)
{
    if (!getenv("VK_AUDIO_PA_DEBUG"))
        return;
    const PaStreamInfo *ii = a->in ? Pa_GetStreamInfo(a->in) : NULL;
    const PaStreamInfo *oi = a->out ? Pa_GetStreamInfo(a->out) : NULL;
    fprintf(stderr,
            "audio_pa: latency in=%.1f ms out=%.1f ms; output callback "
            "<= %lu samples; mic dropped=%lu; speaker zero-filled=%lu, "
            "underruns=%lu; xrun callbacks=%lu; silence dropped=%zu\n",
            ii ? ii->inputLatency * 1000 : -1.0,
            oi ? oi->outputLatency * 1000 : -1.0, atomic_load(&a->out_bite),
            atomic_load(&a->mic_dropped), atomic_load(&a->spk_zero_filled),
            atomic_load(&a->spk_underruns), atomic_load(&a->xrun_flags),
            a->spk_trimmed);
}

/* Closes the streams and frees everything.  The caller holds pa_lock. */
static void teardown(vk_audio_pa *a)
{
    close_stream(a->in);
    close_stream(a->out);
    /* Rings outlive the streams: a callback may run until Abort returns. */
    vk_ring_destroy(a->mic);
    vk_ring_destroy(a->spk);
    if (a->pa_up)
        Pa_Terminate();
    free(a);
}

/* A PortAudio call that may never return (a close on a frozen sound
 * server, a start whose sink went away: see pa_destroy() and
 * start_stream()) runs on a detached helper thread, and its caller waits a
 * deadline for it.  The job is shared; the last one out frees it.  If the
 * caller gave up first, the helper owns the job and what run() works on,
 * and calls given_up() once run() returns, if it ever does. */
typedef struct helper_job {
    void (*run)(struct helper_job *);
    void (*given_up)(struct helper_job *); /* NULL: nothing to do */
    vk_audio_pa *a;
    PaStream *stream;
    PaError err; /* set by run() */
    _Atomic int done;
    _Atomic int refs;
} helper_job;

static void *helper_main(void *arg)
{
    helper_job *j = arg;
    j->run(j);
    atomic_store(&j->done, 1);
    if (atomic_fetch_sub(&j->refs, 1) != 1)
        return NULL;
    if (j->given_up)
        j->given_up(j);
    free(j);
    return NULL;
}

/* Runs j (on the heap) and waits at most wait_ms for it.  true: it
 * finished, j->err holds its result, and the caller frees j.  false: the
 * caller gave up and must not touch j again.  If no thread can be made,
 * j runs here. */
static bool run_on_helper(helper_job *j, long wait_ms)
{
    atomic_init(&j->done, 0);
    atomic_init(&j->refs, 2);
    pthread_t th;
    pthread_attr_t attr;
    bool spawned = pthread_attr_init(&attr) == 0;
    if (spawned) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        spawned = pthread_create(&th, &attr, helper_main, j) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!spawned) {
        j->run(j);
        return true;
    }
    long long until = now_ms() + wait_ms;
    while (!atomic_load(&j->done) && now_ms() < until)
        nap();
    return atomic_fetch_sub(&j->refs, 1) == 1;
}

/* Closes the whole device (both streams, if it has two). */
static void teardown_job(helper_job *j)
{
    pthread_mutex_lock(&pa_lock);
    teardown(j->a);
    pthread_mutex_unlock(&pa_lock);
}

/* Closing can hang: with a frozen PulseAudio server, PortAudio's ALSA
 * thread sits in snd_pcm_drop() waiting for a reply that never comes, and
 * Pa_AbortStream waits for that thread.  A kiosk must not hang in
 * destroy, so the close runs on a detached helper thread; destroy waits
 * VK__PA_CLOSE_WAIT_MS for it (normally it takes a millisecond, so the
 * device is really released on return) and then gives up waiting.  The
 * helper keeps everything it may still touch and frees it if the close
 * ever completes.  Until then, a new open() waits VK__PA_LOCK_MS and then
 * reports the device unusable rather than hang too. */
static void pa_destroy(vk_audio *base)
{
    vk_audio_pa *a = (vk_audio_pa *)base;
    if (!a)
        return;
    debug_stats(a);
    helper_job *j = vk_calloc(1, sizeof *j);
    j->run = teardown_job;
    j->a = a;
    if (run_on_helper(j, VK__PA_CLOSE_WAIT_MS))
        free(j);
}

static const vk_audio_ops pa_ops = {
    .read = pa_read,
    .write = pa_write,
    .flush_output = pa_flush_output,
    .destroy = pa_destroy,
};

static PaError open_stream(vk_audio_pa *a, PaDeviceIndex dev, int input,
                           PaStream **out)
{
    PaStreamParameters p = {
        .device = dev,
        .channelCount = 1,
        .sampleFormat = paInt16,
        .suggestedLatency = VK__PA_LATENCY,
        .hostApiSpecificStreamInfo = NULL,
    };
    PaError e =
        Pa_OpenStream(out, input ? &p : NULL, input ? NULL : &p, VK_AUDIO_RATE,
                      paFramesPerBufferUnspecified, paClipOff | paDitherOff,
                      input ? input_cb : output_cb, a);
    if (e != paNoError) {
        *out = NULL;
        return e;
    }
    return Pa_SetStreamFinishedCallback(*out, finished_cb);
}

static void start_job(helper_job *j)
{
    j->err = Pa_StartStream(j->stream);
}

/* Starts `stream` (a->out or a->in) and waits at most VK__PA_START_WAIT_MS
 * for it.  PortAudio 19.6's ALSA host can hang for ever in Pa_StartStream:
 * its callback thread takes the lock its caller waits on, then exits
 * without releasing it if the device fails to prepare again, as when the
 * sound-server sink of headphones or of the speaker went away after
 * Pa_OpenStream (stack: Pa_StartStream -> pthread_cond_timedwait ->
 * __pthread_mutex_cond_lock).  Nothing can rule that out beforehand: the
 * trial runs in a child (vk_audio_pa_probe_output, _probe_device) only
 * narrow it, as a speaker that was pulled out can come and go between the
 * trial and the real open.  So the start runs on a helper thread; if it has not
 * returned in time, *abandoned is set and a, both streams, belongs to the
 * helper, which closes it if the start ever returns.  Until then its
 * Pa_Initialize keeps PortAudio up, so no Pa_Terminate pulls the library from
 * under it. The caller holds pa_lock throughout and releases it as usual, so
 * later opens and closes (the headphones tried again between sessions, the main
 * device reopened by audio_retry) go on. */
static PaError start_stream(vk_audio_pa *a, PaStream *stream, bool *abandoned)
{
    helper_job *j = vk_calloc(1, sizeof *j);
    j->run = start_job;
    j->given_up = teardown_job; /* the whole device is the helper's then */
    j->a = a;
    j->stream = stream;
    *abandoned = !run_on_helper(j, VK__PA_START_WAIT_MS);
    if (*abandoned)
        return paTimedOut;
    PaError e = j->err;
    free(j);
    return e;
}

/* Why open() gave up on a start (see start_stream()), for the device
 * `what` ("speaker", "microphone", "headphones": those are plural). */
static void describe_stalled_start(char *errbuf, size_t errlen,
                                   const char *what, bool input)
{
    bool many = strcmp(what, "headphones") == 0;
    append(errbuf, errlen,
           "audio: the %s did not start: PortAudio had not returned from"
           " starting %s after %d s, as happens when %s sound-server %s goes"
           " away while %s open%s. Check that %s connected (voice-kiosk"
           " --list-devices lists the devices).",
           what, many ? "them" : "it", VK__PA_START_WAIT_MS / 1000,
           many ? "their" : "its", input ? "source" : "sink",
           many ? "they" : "it", many ? "" : "s", many ? "they are" : "it is");
}

/* PortAudio 19.6 aborts the process (an assert in BuildDeviceList) when
 * the ALSA configuration defines PCMs but none it can list: it skips a
 * dozen names (hw, plug, file, front, sysdefault, ...) and fails on null
 * devices of any name, so a file with only those loads, passes
 * alsa_config_usable() and still kills the kiosk, silently (stderr is
 * quiet then).  Mimicking its rules would miss some, so
 * Pa_Initialize is tried once in a child process (this program's hidden
 * `probe-init`) before the first Pa_Initialize here: a child that died of a
 * signal is that abort.  Once one lived, later opens go straight on (a
 * reopen's trial run, vk_audio_pa_probe_device, covers a configuration
 * changed since).  A trial run's own process skips it (its parent reports
 * how it ended). */
static bool pa_in_trial;
static bool pa_init_tried;

static vk_err spawn_probe(char *const args[], int out_fd, pid_t *pid);
static int probe_done(pid_t pid, int *status);

void vk_audio_pa_trial_run(void)
{
    pa_in_trial = true;
}

/* Returns 0 if the trial Pa_Initialize died of a signal, with the fix in
 * errbuf; 1 otherwise (it worked, failed with an error the real one will
 * report, hung, or could not be run).  The caller holds pa_lock. */
static int pa_init_survives(char *errbuf, size_t errlen)
{
    if (pa_in_trial || pa_init_tried)
        return 1;
    char *args[] = {"voice-kiosk", "probe-init", NULL};
    pid_t pid;
    if (spawn_probe(args, -1, &pid) != VK_OK)
        return 1;
    const struct timespec tick = {0, 5 * 1000000L};
    long long until = now_ms() + VK__PA_START_WAIT_MS;
    int status = 0, r;
    while ((r = probe_done(pid, &status)) == 0 && now_ms() < until)
        nanosleep(&tick, NULL);
    if (r == 0) {
        (void)vk_audio_pa_probe_poll(pid, true);
        return 1; /* a hung sound server: the real open says so */
    }
    if (r > 0)
        pa_init_tried = true;
    if (r > 0 || !WIFSIGNALED(status))
        return 1;
    const char *path = getenv("ALSA_CONFIG_PATH");
    if (path && *path)
        append(errbuf, errlen,
               "audio: %s (ALSA_CONFIG_PATH) defines no sound device"
               " PortAudio can use: PortAudio stopped the program (signal %d)"
               " while it listed them, as it does when it can list none of its"
               " pcm devices (only null devices, or only hw, plug or file"
               " ones). Define the sound"
               " device there (a card's, or the sound server's with type"
               " pulse), or unset ALSA_CONFIG_PATH to use the system's"
               " configuration.",
               path, WTERMSIG(status));
    else
        append(errbuf, errlen,
               "audio: the ALSA sound configuration (/etc/asound.conf,"
               " ~/.asoundrc) defines no sound device PortAudio can use:"
               " PortAudio stopped the program (signal %d) while it listed"
               " them, as it does when it can list none of its pcm devices"
               " (only null devices, or only hw, plug or file ones). Define "
               "the sound device there, or"
               " run `voice-kiosk simulate` to use the simulated audio device"
               " instead.",
               WTERMSIG(status));
    return 0;
}

/* `output_what` names the output in messages ("speaker", "headphones");
 * without `with_input` only the output is opened. */
static vk_err pa_open(const char *input_name, const char *output_name,
                      vk_audio **out, char *errbuf, size_t errlen, long lock_ms,
                      bool with_input, const char *output_what)
{
    vk_err err = VK_ERR_DEVICE;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!out)
        return VK_ERR_ARG;
    *out = NULL;

    vk_audio_pa *a = vk_calloc(1, sizeof *a);
    a->base.ops = &pa_ops;
    atomic_init(&a->flush_mark, 0);
    atomic_init(&a->stream_finished, 0);
    atomic_init(&a->mic_dropped, 0);
    atomic_init(&a->spk_zero_filled, 0);
    atomic_init(&a->xrun_flags, 0);
    atomic_init(&a->spk_underruns, 0);
    atomic_init(&a->out_bite, 0);
    a->no_wait = !with_input;
    a->mic = vk_ring_create(VK__PA_MIC_RING);
    a->spk = vk_ring_create(VK__PA_SPK_RING);

    if (pa_lock_timed(lock_ms) != 0) {
        append(errbuf, errlen,
               "audio: the previous audio device is still closing (is the"
               " sound server hung?). Run `voice-kiosk simulate` to use the"
               " simulated audio device instead.");
        vk_ring_destroy(a->mic);
        vk_ring_destroy(a->spk);
        free(a);
        return VK_ERR_DEVICE;
    }
    /* Quiet for the whole open, not only Pa_Initialize: a device that is
     * gone makes ALSA and PortAudio print several lines per attempt, and
     * a lost device is reopened every couple of seconds.  What went wrong
     * is in errbuf. */
    if (!alsa_config_usable(errbuf, errlen) ||
        !pa_init_survives(errbuf, errlen)) {
        vk_ring_destroy(a->mic);
        vk_ring_destroy(a->spk);
        free(a);
        pthread_mutex_unlock(&pa_lock);
        return VK_ERR_DEVICE;
    }
    int quiet = quiet_begin();
    PaError e = Pa_Initialize();
    if (e != paNoError) {
        pa_failure(errbuf, errlen, "PortAudio did not start", e);
        append(errbuf, errlen,
               " Run `voice-kiosk simulate` to use the"
               " simulated audio device instead.");
        goto fail;
    }
    a->pa_up = 1;

    PaDeviceIndex in = with_input ? find_device(input_name, 1) : 0;
    PaDeviceIndex outdev = find_device(output_name, 0);
    if (in == paNoDevice || outdev == paNoDevice) {
        if (in == paNoDevice)
            describe_missing(errbuf, errlen, "microphone", input_name);
        if (outdev == paNoDevice)
            describe_missing(errbuf, errlen, output_what, output_name);
        append_device_list(errbuf, errlen, with_input);
        goto fail;
    }

    e = with_input ? open_stream(a, in, 1, &a->in) : paNoError;
    if (e != paNoError) {
        pa_failure(errbuf, errlen, "cannot open the microphone", e);
        append(errbuf, errlen, " (device %d \"%s\").", in,
               Pa_GetDeviceInfo(in)->name);
        append_device_list(errbuf, errlen, with_input);
        goto fail;
    }
    e = open_stream(a, outdev, 0, &a->out);
    if (e != paNoError) {
        char what[64];
        snprintf(what, sizeof what, "cannot open the %s", output_what);
        pa_failure(errbuf, errlen, what, e);
        append(errbuf, errlen, " (device %d \"%s\").", outdev,
               Pa_GetDeviceInfo(outdev)->name);
        append_device_list(errbuf, errlen, with_input);
        goto fail;
    }
    /* Output first, so the speaker is already clocking silence when the
     * first microphone frame lets the loop start writing.  Either start may
     * never return; one given up on is the same error as a device that
     * cannot be opened: the kiosk at start exits with it (no device), the
     * main device lost later is tried again by audio_retry, and the
     * headphones between sessions. */
    bool abandoned = false;
    e = start_stream(a, a->out, &abandoned);
    if (abandoned)
        describe_stalled_start(errbuf, errlen, output_what, false);
    if (e == paNoError && a->in) {
        e = start_stream(a, a->in, &abandoned);
        if (abandoned)
            describe_stalled_start(errbuf, errlen, "microphone", true);
    }
    if (abandoned) {
        quiet_end(quiet);
        pthread_mutex_unlock(&pa_lock);
        return VK_ERR_DEVICE; /* a is the helper's now */
    }
    if (e != paNoError) {
        pa_failure(errbuf, errlen, "cannot start the audio streams", e);
        goto fail;
    }
    quiet_end(quiet);
    pthread_mutex_unlock(&pa_lock);
    *out = &a->base;
    return VK_OK;

fail:
    teardown(a);
    quiet_end(quiet);
    pthread_mutex_unlock(&pa_lock);
    return err;
}

vk_err vk_audio_pa_open(const char *input_name, const char *output_name,
                        vk_audio **out, char *errbuf, size_t errlen)
{
    return pa_open(input_name, output_name, out, errbuf, errlen, VK__PA_LOCK_MS,
                   true, "speaker");
}

vk_err vk_audio_pa_open_output(const char *output_name, vk_audio **out,
                               char *errbuf, size_t errlen)
{
    return pa_open(NULL, output_name, out, errbuf, errlen, VK__PA_LOCK_MS,
                   false, "headphones");
}

extern char **environ;

/* Starts this program with `args` (a hidden probe command and its
 * device names) and its stdout on out_fd (where it says why it failed),
 * or on /dev/null if out_fd < 0. */
static vk_err spawn_probe(char *const args[], int out_fd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    else
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(pid, "/proc/self/exe", &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? VK_OK : VK_ERR_DEVICE;
}

vk_err vk_audio_pa_probe_start(const char *output_name, pid_t *pid)
{
    char *args[] = {"voice-kiosk", "probe-output", (char *)output_name, NULL};
    return spawn_probe(args, -1, pid);
}

/* waitpid without waiting: 1 exited 0, -1 failed (its status in *status),
 * 0 still running. */
static int probe_done(pid_t pid, int *status)
{
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r < 0) {
        *status = 0;
        return -1;
    }
    if (r != pid)
        return 0;
    return WIFEXITED(*status) && WEXITSTATUS(*status) == 0 ? 1 : -1;
}

int vk_audio_pa_probe_poll(pid_t pid, bool give_up)
{
    int status = 0;
    int r = probe_done(pid, &status);
    if (r != 0 || !give_up)
        return r;
    kill(pid, SIGKILL);
    (void)waitpid(pid, NULL, 0);
    return -1;
}

/* What a failed trial run of `what` ("the headphones", "the speaker and
 * the microphone") said on its stdout (read_fd), as errbuf; or, if it said
 * nothing (it crashed), how it ended. */
static void probe_reason(int read_fd, int status, const char *what,
                         char *errbuf, size_t errlen)
{
    size_t n = 0;
    ssize_t got;
    while (errlen > 1 && n < errlen - 1 &&
           (got = read(read_fd, errbuf + n, errlen - 1 - n)) > 0)
        n += (size_t)got;
    if (errlen)
        errbuf[n < errlen ? n : errlen - 1] = '\0';
    while (n > 0 && (errbuf[n - 1] == '\n' || errbuf[n - 1] == ' '))
        errbuf[--n] = '\0';
    if (n > 0)
        return;
    if (WIFSIGNALED(status))
        snprintf(errbuf, errlen,
                 "audio: cannot open %s: the trial run that opens them"
                 " stopped with signal %d.",
                 what, WTERMSIG(status));
    else
        snprintf(errbuf, errlen, "audio: cannot open %s.", what);
}

/* Runs the trial `args` for `what` (see probe_reason) and waits for it at
 * most timeout_ms: VK_OK if it opened and started the devices, or if it
 * cannot be run at all (then the caller opens them as usual). */
static vk_err probe_wait(char *const args[], const char *what, int timeout_ms,
                         char *errbuf, size_t errlen)
{
    int fds[2];
    pid_t pid;
    if (pipe(fds) != 0)
        return VK_OK; /* cannot try first: open as usual */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    if (spawn_probe(args, fds[1], &pid) != VK_OK) {
        close(fds[0]);
        close(fds[1]);
        return VK_OK;
    }
    close(fds[1]);
    const struct timespec tick = {0, 5 * 1000000L};
    int status = 0;
    long long until = now_ms() + timeout_ms;
    while (now_ms() < until) {
        int r = probe_done(pid, &status);
        if (r > 0) {
            close(fds[0]);
            return VK_OK;
        }
        if (r < 0) {
            probe_reason(fds[0], status, what, errbuf, errlen);
            close(fds[0]);
            /* The probe commands exit 0 or 4 (saying why); any other exit
             * is a child that never ran them, as under valgrind, whose
             * /proc/self/exe is valgrind itself (exit 1): open as usual,
             * as when no child can be started. */
            if (WIFEXITED(status) && WEXITSTATUS(status) != 4) {
                if (errlen)
                    errbuf[0] = '\0';
                return VK_OK;
            }
            return VK_ERR_DEVICE;
        }
        nanosleep(&tick, NULL);
    }
    close(fds[0]);
    (void)vk_audio_pa_probe_poll(pid, true);
    snprintf(errbuf, errlen,
             "audio: %s did not start within %.0f s (is a sound-server sink"
             " or source gone?).",
             what, timeout_ms / 1000.0);
    return VK_ERR_DEVICE;
}

vk_err vk_audio_pa_probe_output(const char *output_name, int timeout_ms,
                                char *errbuf, size_t errlen)
{
    char *args[] = {"voice-kiosk", "probe-output", (char *)output_name, NULL};
    return probe_wait(args, "the headphones", timeout_ms, errbuf, errlen);
}

vk_err vk_audio_pa_probe_device(const char *input_name, const char *output_name,
                                int timeout_ms, char *errbuf, size_t errlen)
{
    /* "" is the default device, as NULL is to vk_audio_pa_open. */
    char *args[] = {"voice-kiosk", "probe-device",
                    (char *)(input_name ? input_name : ""),
                    (char *)(output_name ? output_name : ""), NULL};
    return probe_wait(args, "the speaker and the microphone", timeout_ms,
                      errbuf, errlen);
}

vk_err vk_audio_pa_open_fn(void *target, vk_audio **out, char *errbuf,
                           size_t errlen)
{
    vk_audio_pa_target *t = target;
    /* A reopen, after a loss: only devices a trial run in a child opened
     * and started are opened here, because a failed open can crash the
     * process that makes it, and a device that went away is likely to
     * fail (audio_pa.h).  The first open is made directly: it is the
     * kiosk's start, where a failure ends the process anyway, and the
     * trial would only add to the start-up time. */
    bool reopen = t->opened;
    t->opened = true;
    if (reopen && vk_audio_pa_probe_device(t->input_name, t->output_name,
                                           VK__PA_PROBE_WAIT_MS, errbuf,
                                           errlen) != VK_OK) {
        *out = NULL;
        return VK_ERR_DEVICE;
    }
    return pa_open(t->input_name, t->output_name, out, errbuf, errlen,
                   VK__PA_REOPEN_LOCK_MS, true, "speaker");
}

int vk_audio_pa_list(FILE *out, char *errbuf, size_t errlen)
{
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (pa_lock_timed(VK__PA_LOCK_MS) != 0) {
        append(errbuf, errlen,
               "audio: the previous audio device is still closing (is the"
               " sound server hung?).");
        return -1;
    }
    if (!alsa_config_usable(errbuf, errlen) ||
        !pa_init_survives(errbuf, errlen)) {
        pthread_mutex_unlock(&pa_lock);
        return -1;
    }
    PaError e = pa_start_quietly();
    if (e != paNoError) {
        pa_failure(errbuf, errlen, "PortAudio did not start", e);
        pthread_mutex_unlock(&pa_lock);
        return -1;
    }
    int count = Pa_GetDeviceCount();
    if (count < 0) {
        Pa_Terminate();
        pthread_mutex_unlock(&pa_lock);
        return -1;
    }
    PaDeviceIndex def_in = Pa_GetDefaultInputDevice();
    PaDeviceIndex def_out = Pa_GetDefaultOutputDevice();
    for (PaDeviceIndex i = 0; i < count; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (!d)
            continue;
        const PaHostApiInfo *h = Pa_GetHostApiInfo(d->hostApi);
        /* INDEX\tin=N out=M\tNAME\tHOSTAPI, then " default-in" and/or
         * " default-out" on PortAudio's default devices. */
        fprintf(out, "%d\tin=%d out=%d\t%s\t%s%s%s\n", i, d->maxInputChannels,
                d->maxOutputChannels, d->name ? d->name : "?",
                h && h->name ? h->name : "?", i == def_in ? " default-in" : "",
                i == def_out ? " default-out" : "");
    }
    Pa_Terminate();
    pthread_mutex_unlock(&pa_lock);
    return count;
}

int vk_audio_pa_init_trial(void)
{
    pthread_mutex_lock(&pa_lock);
    PaError e = pa_start_quietly();
    if (e == paNoError)
        Pa_Terminate();
    pthread_mutex_unlock(&pa_lock);
    return e == paNoError ? 0 : -1;
}
