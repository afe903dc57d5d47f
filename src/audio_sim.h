/*
 * audio_sim: the simulated room.  It stands in for the sound card only:
 * the microphone hears a virtual user who follows a scenario (speaking with
 * eSpeak NG or playing real recordings), plus optional looped noise and the
 * kiosk's own voice coming back through the room (echo); the speaker output
 * is kept for the --record WAV.  Nothing sleeps unless the realtime option
 * (--realtime) asks for a sound card's pace: the loop runs as fast as the
 * CPU allows, and every run gives the same samples.
 *
 * The kiosk tells the room what it is doing (a prompt started, it is now
 * listening, what it made of the last input) because a person reacts to
 * that too.
 */
#ifndef VK_AUDIO_SIM_H
#define VK_AUDIO_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "audio.h"
#include "audio_retry.h"
#include "events.h"
#include "scenario.h"
#include "tts.h"

typedef struct vk_sim_opts {
    const char
        *record_path;  /* stereo WAV: left mic, right speaker; NULL = none */
    vk_events *events; /* for user_speech ground truth (borrowed) */
    vk_tts *tts;       /* for `say` (borrowed) */
    /* Deliver each microphone frame no sooner than a sound card would (the
     * wall clock paces the loop, as live): for measuring what the kiosk
     * does in the time it has, e.g. work on another thread. */
    bool realtime;
    /* The private-listening headphones (an audio_sink, borrowed), which a
     * `phones_off` step makes fail; NULL = none. */
    vk_audio *phones;
} vk_sim_opts;

/* Creates the room for `sc` (borrowed; must outlive it).  Free with
 * vk_audio_destroy(). */
vk_err vk_audio_sim_create(const vk_scenario *sc, const vk_sim_opts *opts,
                           vk_audio **out, char *errbuf,
                           size_t errlen) VK_WARN_UNUSED;

/* The kiosk started prompt `id` at sample t; asks_input: a question. */
void vk_audio_sim_on_prompt(vk_audio *a, int64_t t, const char *id,
                            bool asks_input);
/* The kiosk started listening at sample t, after prompt `last_prompt`. */
void vk_audio_sim_on_listen(vk_audio *a, int64_t t, const char *last_prompt);
/* The kiosk's last listening ended in noinput or nomatch (failed) or not. */
void vk_audio_sim_on_outcome(vk_audio *a, bool failed);
/* The key pressed at or before sample t, or 0. */
int vk_audio_sim_key(vk_audio *a, int64_t t);
/* True if the virtual user has nothing more to do. */
bool vk_audio_sim_idle(const vk_audio *a, int64_t t);

/* A vk_audio_open_fn over the room (passed as ctx): opens a port, the
 * room's microphone and speaker as the kiosk sees them.  While an `unplug`
 * step is in effect it fails with VK_ERR_DEVICE, and a port opened before
 * an unplug fails every read and write from then on, as a real device
 * handle does.  Free the port with vk_audio_destroy(); the room outlives
 * its ports. */
vk_err vk_audio_sim_open_port(void *room, vk_audio **out, char *errbuf,
                              size_t errlen) VK_WARN_UNUSED;

/* The room's sample clock, for audio_retry: waiting on it lets the room's
 * time pass with nobody listening (borrowed: valid while the room is). */
vk_clock vk_audio_sim_clock(vk_audio *room);

#endif
