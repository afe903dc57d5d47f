/*
 * audio: the device interface.  A backend moves 16 kHz mono 16-bit frames
 * between the kiosk loop and a microphone and speaker.  The backends:
 * audio_pa (PortAudio, real devices, paces the loop in real time),
 * audio_sim (the simulated room and virtual user: as fast as the CPU
 * allows, or at a sound card's pace with --realtime) and audio_sink (an
 * output-only WAV file, the simulated headphones).  audio_retry wraps a
 * backend's open function and is itself a vk_audio, so that a device that
 * goes away is reopened instead of ending the run.
 */
#ifndef VK_AUDIO_H
#define VK_AUDIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define VK_AUDIO_RATE 16000
#define VK_AUDIO_FRAME 320 /* 20 ms */

typedef struct vk_audio vk_audio;

/* Whether a device is there.  Only a recovering device (audio_retry) is
 * ever LOST: it then reads silence and drops writes while it reopens. */
typedef enum { VK_AUDIO_UP = 0, VK_AUDIO_LOST = 1 } vk_audio_state;

typedef struct vk_audio_ops {
    /* Reads exactly n microphone samples.  A real backend blocks until they
     * have arrived.  Returns VK_ERR_DEVICE if the device is gone. */
    vk_err (*read)(vk_audio *a, int16_t *mic, size_t n);
    /* Queues exactly n speaker samples.  Never blocks for long. */
    vk_err (*write)(vk_audio *a, const int16_t *spk, size_t n);
    /* Drops whatever is queued for the speaker but not yet played (used
     * when a prompt is interrupted).  May be NULL. */
    void (*flush_output)(vk_audio *a);
    /* Frees the backend. */
    void (*destroy)(vk_audio *a);
    /* Reports whether the device is there.  May be NULL (always UP). */
    vk_audio_state (*state)(vk_audio *a);
} vk_audio_ops;

/* Every backend struct starts with this header. */
struct vk_audio {
    const vk_audio_ops *ops;
};

static inline vk_err vk_audio_read(vk_audio *a, int16_t *mic, size_t n)
{
    return a->ops->read(a, mic, n);
}
static inline vk_err vk_audio_write(vk_audio *a, const int16_t *spk, size_t n)
{
    return a->ops->write(a, spk, n);
}
/* UP unless the backend says its device is gone (see audio_retry). */
static inline vk_audio_state vk_audio_get_state(vk_audio *a)
{
    return a->ops->state ? a->ops->state(a) : VK_AUDIO_UP;
}
static inline void vk_audio_destroy(vk_audio *a)
{
    if (a)
        a->ops->destroy(a);
}

#endif
