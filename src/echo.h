/*
 * echo: removes the kiosk's own voice from the microphone signal, so the
 * recogniser can listen while the kiosk speaks (barge-in) and never hears
 * itself.
 *
 * It is speexdsp's acoustic echo canceller (MDF, an adaptive filter that
 * learns the path from the speaker to the microphone) with the samples
 * actually sent to the speaker as its reference, followed by speexdsp's
 * residual echo suppressor (the preprocessor, told about the canceller,
 * with its noise suppression set to 0 dB so only echo is taken out), and a
 * gate that replaces echo-only frames with comfort noise (see echo.c).
 *
 * Timing: the loop reads one microphone frame, then writes one speaker
 * frame.  The reference for microphone frame n is the speaker frame written
 * at tick n-1, so the filter sees the echo (round-trip latency of the
 * device + the room) with one frame less delay; the filter length
 * (filter_ms) must cover that delay plus the room's reverberation.  With
 * PortAudio at 50 ms suggested latency in and out the round trip is about
 * 110 ms; the default 250 ms filter leaves ~160 ms for the room tail.  The
 * input and output must run on one clock (one sound card): a drift between
 * two devices breaks the filter.
 *
 * Like speexdsp itself the canceller needs a few seconds of the kiosk's
 * speech to converge; its state is kept across prompts and sessions.
 * When nothing has been played for a whole filter length there is no echo
 * left to remove and the microphone passes through untouched, so the
 * person's answers after a prompt are heard exactly as without it.
 *
 * All calls from one thread (the loop).  This module and dsp are the only
 * ones that include speexdsp headers.
 */
#ifndef VK_ECHO_H
#define VK_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vk_echo vk_echo;

typedef struct vk_echo_opts {
    int rate;        /* sample rate (16000) */
    int frame;       /* samples per frame, the loop's (320) */
    int filter_ms;   /* echo tail the filter covers; 0 = 250 ms */
    bool suppress;   /* residual echo suppression after the filter */
    int suppress_db; /* its depth (negative dB); 0 = -40 dB */
} vk_echo_opts;

/* Defaults: 16 kHz, 320-sample frames, 250 ms filter, suppression on at
 * -40 dB. */
void vk_echo_default_opts(vk_echo_opts *o);

/* Creates a canceller.  Free with vk_echo_destroy(). */
vk_echo *vk_echo_create(const vk_echo_opts *opts);

/* Frees the canceller.  NULL is a no-op. */
void vk_echo_destroy(vk_echo *e);

/* Cancels the echo in one microphone frame (opts.frame samples), in place.
 * Call once per loop tick, right after reading the frame. */
void vk_echo_capture(vk_echo *e, int16_t *mic);

/* Tells the canceller which frame (opts.frame samples, borrowed) was just
 * sent to the speaker.  Call once per tick, with exactly what was written
 * (silence included). */
void vk_echo_playback(vk_echo *e, const int16_t *spk);

/* True while echo may still be arriving (something was played within the
 * last filter length). */
bool vk_echo_active(const vk_echo *e);

/* True once the filter has converged (it takes the echo down by 20 dB or
 * more, smoothed); it needs some seconds of the kiosk's speech. */
bool vk_echo_converged(const vk_echo *e);

/* True once the filter has converged (or no echo arrives) and the kiosk
 * has spoken long enough for it to hold (VK_ECHO_SETTLE frames).  Until
 * then its own voice can pass for a person. */
bool vk_echo_settled(const vk_echo *e);

/* True if nothing was ever played, or once the filter has converged (or
 * no echo arrives at all) if nothing is playing or a person (near-end
 * sound well above the echo residual) was heard in the last 300 ms.  The
 * recogniser's VAD can fire on the faint residual of the kiosk's own
 * voice; barge-in acts only on speech this also confirms. */
bool vk_echo_near_end(const vk_echo *e);

/* While something plays and once the filter has settled: how many frames
 * in a row the cleaned microphone has been well above the echo residual
 * (the near-end test above), else 0.  It knows a person speaks about
 * 80 ms before PocketSphinx's VAD does (kiosk.c, barge_feed). */
int vk_echo_near_frames(const vk_echo *e);
/* Frames (60 ms) of that after which barge-in pauses the prompt before the
 * VAD has spoken (kiosk.c; build/echo_bench counts the same). */
#define VK_ECHO_EARLY_FRAMES 3

#endif
