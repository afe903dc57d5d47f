/*
 * audio_sim: the virtual user and the room.
 *
 * The user's speech is scheduled as clips on the sample timeline; read()
 * mixes whatever overlaps the frame, adds noise and echo, and remembers the
 * microphone frame for the recording; write() takes the speaker frame and
 * feeds the echo line.  Speech from `say` is normalised to a fixed level
 * (VK_SIM_SPEECH_RMS); noise is scaled against that level to give the
 * scenario's SNR.  Echo defaults: off until an `echo` step.
 */
#define _POSIX_C_SOURCE 200809L
#include "audio_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio_sink.h"
#include "dsp.h"
#include "mem.h"
#include "wav.h"

#define VK_SIM_SPEECH_RMS 3277.0 /* -20 dBFS: a person at arm's length */
#define VK_SIM_RETRIES 3         /* a person asked again answers again */
#define VK_SIM_MAX_CLIPS 8
#define VK_SIM_MAX_KEYS 8
#define VK_SIM_ECHO_MAX (VK_AUDIO_RATE * 3) /* delay + reverb tail, samples */
#define VK_SIM_DEFAULT_DELAY 0.6
/* A real room is never digitally silent: a quiet noise floor (about
 * -66 dBFS), from a fixed-seed generator so every run is the same. */
#define VK_SIM_FLOOR_AMPLITUDE 30

typedef struct clip {
    int16_t *pcm;
    size_t n;
    int64_t start;
} clip;

typedef struct sim {
    vk_audio base;
    const vk_scenario *sc;
    vk_sim_opts opts;
    int64_t now;        /* samples read so far */
    struct timespec t0; /* realtime: wall clock at the first read */
    int next_step;
    int last_action; /* index of the last step taken at a listening point */
    int repeats;
    bool retry;
    char voice[64];
    double delay;
    const vk_sc_step *confirm; /* how to answer "Is that right?" */
    clip clips[VK_SIM_MAX_CLIPS];
    /* keys to press, each at its sample (barges into one prompt can
     * schedule several before the first is due) */
    struct {
        int key;
        int64_t at;
    } keys[VK_SIM_MAX_KEYS];
    const vk_sc_step *noise;
    double noise_gain;
    size_t noise_pos;
    /* echo: the speaker output delayed and scaled back into the mic */
    bool echo_on;
    int echo_delay;
    double echo_gain, echo_reverb;
    int16_t *echo_line; /* ring of the last VK_SIM_ECHO_MAX speaker samples */
    int64_t written;
    uint32_t floor_seed;
    int16_t mic[VK_AUDIO_FRAME * 4];
    size_t mic_n;
    vk_wav_writer *rec;
    /* fault injection: the device is gone during [unplug_at, unplug_until);
     * `gen` counts unplugs, and a port opened before one is dead for good,
     * as a real handle to a vanished device is */
    bool unplug_pending, unplugged;
    int64_t unplug_at, unplug_until;
    /* the headphones (opts.phones) fail for good at phones_off_at */
    bool phones_off_pending;
    int64_t phones_off_at;
    unsigned gen;
} sim;

static void add_clip(sim *s, int16_t *pcm, size_t n, int64_t start)
{
    for (int i = 0; i < VK_SIM_MAX_CLIPS; i++) {
        if (!s->clips[i].pcm) {
            s->clips[i] = (clip){pcm, n, start};
            vk_events_user_speech(s->opts.events,
                                  (double)s->now / VK_AUDIO_RATE,
                                  (double)start / VK_AUDIO_RATE,
                                  (double)(start + (int64_t)n) / VK_AUDIO_RATE);
            return;
        }
    }
    free(pcm); /* more overlapping speech than a person produces */
}

static bool speaking(const sim *s, int64_t t)
{
    if (s->unplug_pending || s->unplugged)
        return true; /* the fault is this turn's action */
    for (int i = 0; i < VK_SIM_MAX_CLIPS; i++)
        if (s->clips[i].pcm && s->clips[i].start + (int64_t)s->clips[i].n > t)
            return true;
    for (int i = 0; i < VK_SIM_MAX_KEYS; i++)
        if (s->keys[i].key && s->keys[i].at >= t)
            return true;
    return false;
}

/* Schedules step st's audio or key to start at sample `at`. */
static void perform(sim *s, const vk_sc_step *st, int64_t at)
{
    if (st->kind == VK_SC_PHONES_OFF) {
        s->phones_off_pending = true;
        s->phones_off_at = at;
        return;
    }
    if (st->kind == VK_SC_UNPLUG) {
        s->unplug_pending = true;
        s->unplug_at = at;
        s->unplug_until = at + (int64_t)(st->seconds * VK_AUDIO_RATE);
        return;
    }
    if (st->kind == VK_SC_KEY) {
        for (int i = 0; i < VK_SIM_MAX_KEYS; i++)
            if (!s->keys[i].key) {
                s->keys[i].key = st->key;
                s->keys[i].at = at;
                return;
            }
        fprintf(stderr, "%s:%d: more than %d keys waiting; this one is lost\n",
                s->sc->path, st->line, VK_SIM_MAX_KEYS);
        return;
    }
    if (st->kind == VK_SC_PLAY) {
        int16_t *copy = vk_malloc(st->n * sizeof(int16_t));
        memcpy(copy, st->pcm, st->n * sizeof(int16_t));
        add_clip(s, copy, st->n, at);
        return;
    }
    if (st->kind == VK_SC_SAY) {
        int16_t *pcm;
        size_t n;
        if (vk_tts_say(s->opts.tts, s->voice, VK_TTS_DEFAULT_RATE, st->text,
                       &pcm, &n) != VK_OK) {
            fprintf(stderr, "%s:%d: voice '%s' could not speak\n", s->sc->path,
                    st->line, s->voice);
            return;
        }
        double rms = vk_dsp_rms(pcm, n);
        if (rms > 0)
            vk_dsp_scale(pcm, n, VK_SIM_SPEECH_RMS / rms);
        add_clip(s, pcm, n, at);
    }
}

/* Applies step st if it is a setting; returns false if it acts. */
static bool apply_setting(sim *s, const vk_sc_step *st)
{
    switch (st->kind) {
    case VK_SC_VOICE:
        snprintf(s->voice, sizeof s->voice, "%s", st->text);
        break;
    case VK_SC_DELAY: s->delay = st->seconds; break;
    case VK_SC_CONFIRM: s->confirm = st; break;
    case VK_SC_NOISE:
        s->noise = st;
        s->noise_pos = 0;
        s->noise_gain = VK_SIM_SPEECH_RMS / vk_dsp_db_to_gain(st->db) /
                        fmax(vk_dsp_rms(st->pcm, st->n), 1.0);
        break;
    case VK_SC_ECHO:
        s->echo_on = st->seconds > 0;
        s->echo_delay = (int)(st->seconds * VK_AUDIO_RATE);
        s->echo_gain = vk_dsp_db_to_gain(st->db);
        s->echo_reverb = st->reverb;
        break;
    default: return false;
    }
    return true;
}

/* Applies settings steps; returns the next step that acts, or NULL. */
static const vk_sc_step *next_action(sim *s, bool consume_barge)
{
    while (s->next_step < s->sc->count) {
        const vk_sc_step *st = &s->sc->steps[s->next_step];
        if (!apply_setting(s, st)) {
            if (st->barge > 0 && !consume_barge)
                return NULL;
            s->next_step++;
            return st;
        }
        s->next_step++;
    }
    return NULL;
}

/* The next step that acts (skipping settings), without applying anything. */
static const vk_sc_step *peek_action(const sim *s)
{
    for (int i = s->next_step; i < s->sc->count; i++) {
        vk_sc_kind k = s->sc->steps[i].kind;
        if (k != VK_SC_VOICE && k != VK_SC_DELAY && k != VK_SC_CONFIRM &&
            k != VK_SC_NOISE && k != VK_SC_ECHO)
            return &s->sc->steps[i];
    }
    return NULL;
}

void vk_audio_sim_on_prompt(vk_audio *a, int64_t t, const char *id,
                            bool asks_input)
{
    sim *s = (sim *)a;
    if (speaking(s, t))
        return;
    const vk_sc_step *next = peek_action(s);
    if (!next || next->barge <= 0)
        return; /* not a barge: it waits for the listening point */
    if (next->prompt[0] ? strcmp(next->prompt, id) != 0
                        : !asks_input && next->kind != VK_SC_UNPLUG)
        return; /* a person barges into questions (or the prompt named);
                   a fault hits any prompt */
    const vk_sc_step *st = next_action(s, true);
    s->retry = false;
    s->last_action = (int)(st - s->sc->steps);
    s->repeats = 0;
    perform(s, st, t + (int64_t)(st->barge * VK_AUDIO_RATE));
    /* Further barges naming this same prompt go into it too, each at its
     * own time from the prompt's start (a false alarm, then an answer). */
    while (st->prompt[0] && (next = peek_action(s)) && next->barge > 0 &&
           strcmp(next->prompt, st->prompt) == 0) {
        st = next_action(s, true);
        s->last_action = (int)(st - s->sc->steps);
        perform(s, st, t + (int64_t)(st->barge * VK_AUDIO_RATE));
    }
}

void vk_audio_sim_on_listen(vk_audio *a, int64_t t, const char *last_prompt)
{
    sim *s = (sim *)a;
    if (speaking(s, t))
        return; /* already answering (a barge-in still under way) */
    int64_t at = t + (int64_t)(s->delay * VK_AUDIO_RATE);
    if (last_prompt && strcmp(last_prompt, "system.confirm") == 0) {
        vk_sc_step yes = {.kind = VK_SC_SAY, .text = "yes"};
        const vk_sc_step *c = s->confirm;
        if (c && c->text)
            yes.text = c->text;
        else if (c) {
            yes.kind = VK_SC_KEY;
            yes.key = c->key;
        }
        perform(s, &yes, at);
        s->retry = false;
        return;
    }
    const vk_sc_step *st = NULL;
    if (s->retry && s->last_action >= 0 && s->repeats < VK_SIM_RETRIES) {
        st = &s->sc->steps[s->last_action];
        s->repeats++;
    } else {
        st = next_action(s, false);
        s->repeats = 0;
        if (st)
            s->last_action = (int)(st - s->sc->steps);
    }
    s->retry = false;
    if (st && st->barge <= 0)
        perform(s, st, at);
}

void vk_audio_sim_on_outcome(vk_audio *a, bool failed)
{
    ((sim *)a)->retry = failed;
}

int vk_audio_sim_key(vk_audio *a, int64_t t)
{
    sim *s = (sim *)a;
    int due = -1;
    for (int i = 0; i < VK_SIM_MAX_KEYS; i++)
        if (s->keys[i].key && s->keys[i].at <= t &&
            (due < 0 || s->keys[i].at < s->keys[due].at))
            due = i;
    if (due < 0)
        return 0;
    int k = s->keys[due].key;
    s->keys[due].key = 0;
    return k;
}

bool vk_audio_sim_idle(const vk_audio *a, int64_t t)
{
    const sim *s = (const sim *)a;
    return !speaking(s, t) && s->next_step >= s->sc->count;
}

/* Starts or ends a scheduled unplug once the room's clock reaches it,
 * and writes the ground truth into the event stream. */
static void update_plug(sim *s)
{
    if (s->unplug_pending && s->now >= s->unplug_at) {
        s->unplug_pending = false;
        s->unplugged = true;
        s->gen++;
        vk_events_simple(s->opts.events, (double)s->now / VK_AUDIO_RATE,
                         "unplug");
    }
    if (s->unplugged && s->now >= s->unplug_until) {
        s->unplugged = false;
        vk_events_simple(s->opts.events, (double)s->now / VK_AUDIO_RATE,
                         "replug");
    }
    if (s->phones_off_pending && s->now >= s->phones_off_at) {
        s->phones_off_pending = false;
        if (s->opts.phones)
            vk_audio_sink_fail(s->opts.phones);
        vk_events_simple(s->opts.events, (double)s->now / VK_AUDIO_RATE,
                         "phones_off");
    }
}

/* realtime: wait until a sound card would have captured samples up to
 * `end` (counted from the first read). */
static void pace(sim *s, int64_t end)
{
    if (s->now == 0)
        clock_gettime(CLOCK_MONOTONIC, &s->t0);
    int64_t ns = end % VK_AUDIO_RATE * 1000000000 / VK_AUDIO_RATE;
    struct timespec at = {.tv_sec = s->t0.tv_sec + end / VK_AUDIO_RATE,
                          .tv_nsec = s->t0.tv_nsec + ns};
    if (at.tv_nsec >= 1000000000) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) != 0)
        ;
}

static vk_err sim_read(vk_audio *a, int16_t *mic, size_t n)
{
    sim *s = (sim *)a;
    if (s->opts.realtime)
        pace(s, s->now + (int64_t)n);
    update_plug(s);
    for (size_t k = 0; k < n; k++) {
        s->floor_seed = s->floor_seed * 1664525u + 1013904223u;
        mic[k] = (int16_t)((int)(s->floor_seed >> 16) %
                               (2 * VK_SIM_FLOOR_AMPLITUDE + 1) -
                           VK_SIM_FLOOR_AMPLITUDE);
    }
    for (int i = 0; i < VK_SIM_MAX_CLIPS; i++) {
        clip *c = &s->clips[i];
        if (!c->pcm)
            continue;
        for (size_t k = 0; k < n; k++) {
            int64_t pos = s->now + (int64_t)k - c->start;
            if (pos >= 0 && pos < (int64_t)c->n) {
                int v = mic[k] + c->pcm[pos];
                mic[k] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
            }
        }
        if (c->start + (int64_t)c->n <= s->now + (int64_t)n) {
            free(c->pcm);
            c->pcm = NULL;
        }
    }
    if (s->noise) {
        for (size_t k = 0; k < n; k++) {
            double v = mic[k] + s->noise->pcm[s->noise_pos] * s->noise_gain;
            mic[k] = (int16_t)fmax(-32768.0, fmin(32767.0, v));
            s->noise_pos = (s->noise_pos + 1) % s->noise->n;
        }
    }
    if (s->echo_on) {
        /* A direct path plus a decaying tail of three reflections. */
        static const double tap_ms[] = {0.0, 23.0, 41.0, 67.0};
        for (size_t k = 0; k < n; k++) {
            int64_t t = s->now + (int64_t)k;
            double v = mic[k];
            for (int tap = 0; tap < 4; tap++) {
                double g = s->echo_gain;
                if (tap > 0) {
                    if (s->echo_reverb <= 0)
                        break;
                    g *=
                        exp(-tap_ms[tap] / 1000.0 * 6.9 / s->echo_reverb) * 0.5;
                }
                int64_t src = t - s->echo_delay -
                              (int64_t)(tap_ms[tap] * VK_AUDIO_RATE / 1000.0);
                if (src >= 0 && src < s->written &&
                    s->written - src < VK_SIM_ECHO_MAX)
                    v += g * s->echo_line[src % VK_SIM_ECHO_MAX];
            }
            mic[k] = (int16_t)fmax(-32768.0, fmin(32767.0, v));
        }
    }
    if (n <= sizeof s->mic / sizeof s->mic[0]) {
        memcpy(s->mic, mic, n * sizeof(int16_t));
        s->mic_n = n;
    }
    s->now += (int64_t)n;
    return VK_OK;
}

static vk_err sim_write(vk_audio *a, const int16_t *spk, size_t n)
{
    sim *s = (sim *)a;
    for (size_t k = 0; k < n; k++)
        s->echo_line[(s->written + (int64_t)k) % VK_SIM_ECHO_MAX] = spk[k];
    s->written += (int64_t)n;
    if (s->rec) {
        int16_t st[VK_AUDIO_FRAME * 8];
        size_t frames = n < VK_AUDIO_FRAME * 4 ? n : VK_AUDIO_FRAME * 4;
        for (size_t k = 0; k < frames; k++) {
            st[2 * k] = k < s->mic_n ? s->mic[k] : 0;
            st[2 * k + 1] = spk[k];
        }
        if (vk_wav_write(s->rec, st, frames) != VK_OK)
            return VK_ERR_IO;
    }
    return VK_OK;
}

static void sim_destroy(vk_audio *a)
{
    sim *s = (sim *)a;
    if (!s)
        return;
    for (int i = 0; i < VK_SIM_MAX_CLIPS; i++)
        free(s->clips[i].pcm);
    vk_wav_close(s->rec);
    free(s->echo_line);
    free(s);
}

static const vk_audio_ops sim_ops = {sim_read, sim_write, NULL, sim_destroy,
                                     NULL};

/* ---- ports: what the kiosk opens, and loses on an unplug ----------------- */

typedef struct port {
    vk_audio base;
    sim *room;
    unsigned gen; /* the room's unplug count when opened */
} port;

static bool port_dead(port *p)
{
    update_plug(p->room);
    return p->room->unplugged || p->room->gen != p->gen;
}

static vk_err port_read(vk_audio *a, int16_t *mic, size_t n)
{
    port *p = (port *)a;
    if (port_dead(p))
        return VK_ERR_DEVICE;
    return sim_read(&p->room->base, mic, n);
}

static vk_err port_write(vk_audio *a, const int16_t *spk, size_t n)
{
    port *p = (port *)a;
    if (port_dead(p))
        return VK_ERR_DEVICE;
    return sim_write(&p->room->base, spk, n);
}

static void port_destroy(vk_audio *a)
{
    free(a);
}

static const vk_audio_ops port_ops = {port_read, port_write, NULL, port_destroy,
                                      NULL};

vk_err vk_audio_sim_open_port(void *room, vk_audio **out, char *errbuf,
                              size_t errlen)
{
    sim *s = room;
    *out = NULL;
    update_plug(s);
    if (s->unplugged) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "the simulated audio device is unplugged");
        return VK_ERR_DEVICE;
    }
    port *p = vk_calloc(1, sizeof *p);
    p->base.ops = &port_ops;
    p->room = s;
    p->gen = s->gen;
    *out = &p->base;
    return VK_OK;
}

/* ---- the room's clock ---------------------------------------------------- */

static int64_t room_now_us(void *ctx)
{
    const sim *s = ctx;
    return s->now * 1000000 / VK_AUDIO_RATE;
}

/* Time passes in the room with no device attached: the user's speech and
 * the noise go by unheard, and the recording gets the room's sound on the
 * left and silence on the right, so it stays in step with the session
 * clock. */
static void room_wait_us(void *ctx, int64_t us)
{
    sim *s = ctx;
    int64_t left = us * VK_AUDIO_RATE / 1000000;
    int16_t scratch[VK_AUDIO_FRAME];
    static const int16_t zeros[VK_AUDIO_FRAME];
    while (left > 0) {
        size_t n = left < VK_AUDIO_FRAME ? (size_t)left : VK_AUDIO_FRAME;
        (void)sim_read(&s->base, scratch, n);
        if (sim_write(&s->base, zeros, n) != VK_OK)
            break; /* the recording failed; the session goes on */
        left -= (int64_t)n;
    }
}

vk_clock vk_audio_sim_clock(vk_audio *room)
{
    vk_clock c = {room_now_us, room_wait_us, room};
    return c;
}

vk_err vk_audio_sim_create(const vk_scenario *sc, const vk_sim_opts *opts,
                           vk_audio **out, char *errbuf, size_t errlen)
{
    sim *s = vk_calloc(1, sizeof *s);
    s->base.ops = &sim_ops;
    s->sc = sc;
    s->opts = *opts;
    s->last_action = -1;
    s->floor_seed = 12345u;
    s->delay = VK_SIM_DEFAULT_DELAY;
    snprintf(s->voice, sizeof s->voice, "en-us");
    s->echo_line = vk_calloc(VK_SIM_ECHO_MAX, sizeof(int16_t));
    /* Settings before the first action hold from the start (an echo at
     * the top of a scenario is the room the whole session runs in). */
    while (s->next_step < sc->count &&
           apply_setting(s, &sc->steps[s->next_step]))
        s->next_step++;
    if (opts->record_path) {
        vk_err e = vk_wav_open(opts->record_path, VK_AUDIO_RATE, 2, &s->rec,
                               errbuf, errlen);
        if (e != VK_OK) {
            sim_destroy(&s->base);
            *out = NULL;
            return e;
        }
    }
    *out = &s->base;
    return VK_OK;
}
