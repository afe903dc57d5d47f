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
 * its first period), and nothing can cancel it.  So the headphones are
 * tried first in a child process (this program's hidden `probe-output
 * NAME` command), killed after timeout_ms: VK_ERR_DEVICE with a message if
 * it hung, VK_OK otherwise (a device that fails at once fails again, with
 * its reason, in vk_audio_pa_open_output). */
vk_err vk_audio_pa_probe_output(const char *output_name, int timeout_ms,
                                char *errbuf, size_t errlen) VK_WARN_UNUSED;

/* The devices vk_audio_pa_open_fn opens (NULL = the default ones). */
typedef struct vk_audio_pa_target {
    const char *input_name;
    const char *output_name;
} vk_audio_pa_target;

/* vk_audio_pa_open for audio_retry: `target` is a vk_audio_pa_target
 * (borrowed; it must outlive the retry device).  If a previous device's
 * close is still stuck on a hung sound server it fails after 0.2 s
 * instead of 3 s, so a reopen loop never stalls the kiosk for long. */
vk_err vk_audio_pa_open_fn(void *target, vk_audio **out, char *errbuf,
                           size_t errlen) VK_WARN_UNUSED;

/* Prints the devices PortAudio can see, one per line, to `out`.
 * Returns the number of devices, or -1 if PortAudio failed to start. */
int vk_audio_pa_list(FILE *out);

#endif
