/*
 * audio_pa: the PortAudio backend, for real microphones and speakers.
 *
 * The PortAudio callback only copies samples to and from lock-free rings:
 * it takes no locks, allocates nothing and logs nothing.  read() waits
 * until a frame of microphone samples is there; write() queues speaker
 * samples and plays silence on underrun.
 */
#ifndef VK_AUDIO_PA_H
#define VK_AUDIO_PA_H

#include <stdbool.h>
#include <sys/types.h>

#include "audio.h"

/* Opens the named input and output devices (NULL = the default ones) at
 * 16 kHz mono.  A name matches a device whose name contains it, or a
 * device index.  On failure writes a message into errbuf that says what
 * is missing, lists the devices that exist, and points to `simulate`.
 * The result is freed with vk_audio_destroy(). */
vk_err vk_audio_pa_open(const char *input_name, const char *output_name,
                        vk_audio **out, char *errbuf,
                        size_t errlen) VK_WARN_UNUSED;

/* Opens an output-only device (private-listening headphones); reading
 * from it is not allowed.  Its write() never waits: with no room (the
 * device has stalled) it drops the frame and returns VK_ERR_LIMIT, so a
 * second device never slows the loop.  Freed with vk_audio_destroy(). */
vk_err vk_audio_pa_open_output(const char *output_name, vk_audio **out,
                               char *errbuf, size_t errlen) VK_WARN_UNUSED;

/* Opening a device whose sound-server sink is gone can hang inside
 * PortAudio's Pa_StartStream (ALSA pulse plug-in: the stream never gets
 * its first period), and nothing can cancel it; and a failed open can
 * crash the process that made it (PortAudio 19.6 with the pulse plug-in:
 * a NULL stream written to in Pa_OpenStream, or an abort in the plug-in's
 * thread, seen under valgrind and once in CI).  So the headphones are
 * tried first in a child process (this program's hidden `probe-output
 * NAME` command), killed after timeout_ms.  VK_OK if it opened and
 * started them: only then are they opened here.  VK_ERR_DEVICE with the
 * child's reason if it failed (or how it ended, if it crashed), or with a
 * message if it hung.  VK_OK too if the child cannot be started at all. */
vk_err vk_audio_pa_probe_output(const char *output_name, int timeout_ms,
                                char *errbuf, size_t errlen) VK_WARN_UNUSED;

/* The same trial without waiting, to try the headphones again while the
 * kiosk runs: vk_audio_pa_probe_start starts the child (VK_ERR_DEVICE if
 * it cannot); vk_audio_pa_probe_poll then returns 1 once the child opened
 * and started the device, -1 if it failed, 0 while it is still trying.
 * With give_up, a child still trying is killed (-1).  After a non-zero
 * answer the child is gone and its pid must not be polled again. */
vk_err vk_audio_pa_probe_start(const char *output_name,
                               pid_t *pid) VK_WARN_UNUSED;
int vk_audio_pa_probe_poll(pid_t pid, bool give_up);

/* The same trial for the main device, microphone and speaker (the hidden
 * `probe-device IN OUT` command; NULL, passed on as "", is the default
 * device), as vk_audio_pa_open_fn makes it before it reopens them after a
 * loss.  Its messages name "the speaker and the microphone". */
vk_err vk_audio_pa_probe_device(const char *input_name, const char *output_name,
                                int timeout_ms, char *errbuf,
                                size_t errlen) VK_WARN_UNUSED;

/* The devices vk_audio_pa_open_fn opens (NULL = the default ones), and
 * whether it has opened them once (false to begin with): every later
 * open is a reopen, made only after vk_audio_pa_probe_device. */
typedef struct vk_audio_pa_target {
    const char *input_name;
    const char *output_name;
    bool opened;
} vk_audio_pa_target;

/* vk_audio_pa_open for audio_retry: `target` is a vk_audio_pa_target
 * (borrowed; it must outlive the retry device).  A reopen first runs the
 * trial in a child (vk_audio_pa_probe_device), which takes a few hundred
 * milliseconds, and fails with the child's reason if that failed.  If a
 * previous device's close is still stuck on a hung sound server it fails after
 * 0.2 s instead of 3 s, so a reopen loop never stalls the kiosk for long. */
vk_err vk_audio_pa_open_fn(void *target, vk_audio **out, char *errbuf,
                           size_t errlen) VK_WARN_UNUSED;

/* Marks this process as a trial run (the hidden probe commands): it does
 * not try Pa_Initialize in a child of its own first. */
void vk_audio_pa_trial_run(void);

/* The hidden `probe-init`: Pa_Initialize and Pa_Terminate, 0 if they
 * worked.  Run in a child before the first open (PortAudio 19.6 aborts on
 * some ALSA configurations, see audio_pa.c). */
int vk_audio_pa_init_trial(void);

/* Prints the devices PortAudio can see, one per line, to `out`.
 * Returns the number of devices, or -1 if PortAudio did not start; then
 * errbuf (errlen bytes, may be NULL) says why and what to fix, for
 * example a broken ALSA configuration and its file. */
int vk_audio_pa_list(FILE *out, char *errbuf, size_t errlen);

#endif
