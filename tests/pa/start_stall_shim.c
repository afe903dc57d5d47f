/*
 * start_stall_shim: an LD_PRELOAD library for tests/pa/phones_vanish.sh
 * and tests/pa/speaker_vanish.sh (the speaker and the microphone).
 *
 * PortAudio 19.6 hangs for ever in Pa_StartStream when a device's
 * sound-server sink goes away between Pa_OpenStream and Pa_StartStream
 * (see start_stream() in src/audio_pa.c).  That window is a few
 * milliseconds wide; this shim holds it open, so the test can take the
 * sink away inside it every time:
 *
 *   VK_STALL_DEVICE  the PortAudio device name (exact) whose one-way
 *                    stream (output-only or input-only) is held; other
 *                    streams start as usual (the main device opens its
 *                    speaker and its microphone as one-way streams of
 *                    their own, so they match too)
 *   VK_STALL_DIR     a folder: when the shim holds the start it creates
 *                    "stalled" there, and it goes on (into the real
 *                    Pa_StartStream) once "go" appears there, or after 60 s
 *
 *   VK_STALL_NTH     which matching open's start to hold: 1 (the
 *                    default) the first, 2 the second (the speaker
 *                    reopened after a loss), ...
 *
 * Only that one start in the process is held.  The shim takes
 * itself out of LD_PRELOAD when loaded, so the kiosk's children (its
 * probe-output trial runs) run without it.
 *
 * A second use, for a failed open that crashes the process that made it
 * (PortAudio 19.6 with the ALSA pulse plug-in, when the sink is gone: a
 * NULL stream written to inside Pa_OpenStream, or an abort in the
 * plug-in's thread; rare, so this makes it certain):
 *
 *   VK_CRASH_FAILED_OPEN  the PortAudio device name (exact) whose failed
 *                         Pa_OpenStream raises SIGSEGV, or several,
 *                         separated by commas (the main device's
 *                         microphone and speaker: either may be the one
 *                         that fails first).  The shim then stays in
 *                         LD_PRELOAD, so the trial runs crash too.
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <fcntl.h>
#include <portaudio.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef PaError (*open_fn)(PaStream **, const PaStreamParameters *,
                           const PaStreamParameters *, double, unsigned long,
                           PaStreamFlags, PaStreamCallback *, void *);
typedef PaError (*start_fn)(PaStream *);

/* Read once at load: the kiosk changes its environment as it runs. */
static const char *stall_device, *stall_dir, *crash_device;
static int stall_nth = 1;
/* The stream to hold, once opened; NULL before and after. */
static _Atomic(PaStream *) held;
static atomic_int matched;

__attribute__((constructor)) static void shim_init(void)
{
    stall_device = getenv("VK_STALL_DEVICE");
    stall_dir = getenv("VK_STALL_DIR");
    const char *nth = getenv("VK_STALL_NTH");
    if (nth && atoi(nth) > 0)
        stall_nth = atoi(nth);
    crash_device = getenv("VK_CRASH_FAILED_OPEN");
    if (!crash_device)
        unsetenv("LD_PRELOAD");
}

static void mark(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0)
        close(fd);
}

static int exists(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* Whether `name` is one of the comma-separated names in `list`. */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p; p = strchr(p, ',')) {
        if (*p == ',')
            p++;
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return 1;
    }
    return 0;
}

PaError Pa_OpenStream(PaStream **stream, const PaStreamParameters *in,
                      const PaStreamParameters *out, double rate,
                      unsigned long frames, PaStreamFlags flags,
                      PaStreamCallback *cb, void *user)
{
    open_fn real = (open_fn)dlsym(RTLD_NEXT, "Pa_OpenStream");
    PaError e = real(stream, in, out, rate, frames, flags, cb, user);
    const PaStreamParameters *one = in && !out ? in : !in && out ? out : NULL;
    const PaDeviceInfo *d = one ? Pa_GetDeviceInfo(one->device) : NULL;
    if (e != paNoError && crash_device && d && d->name &&
        listed(crash_device, d->name))
        raise(SIGSEGV);
    if (e != paNoError || !one || !stall_device || !stall_dir)
        return e;
    if (d && d->name && strcmp(d->name, stall_device) == 0 &&
        atomic_fetch_add(&matched, 1) + 1 == stall_nth)
        atomic_store(&held, *stream);
    return e;
}

PaError Pa_StartStream(PaStream *stream)
{
    start_fn real = (start_fn)dlsym(RTLD_NEXT, "Pa_StartStream");
    PaStream *expect = stream;
    if (stream &&
        atomic_compare_exchange_strong(&held, &expect, (PaStream *)NULL)) {
        mark(stall_dir, "stalled");
        const struct timespec tick = {0, 20 * 1000000L};
        for (int i = 0; i < 3000 && !exists(stall_dir, "go"); i++)
            nanosleep(&tick, NULL);
    }
    return real(stream);
}
