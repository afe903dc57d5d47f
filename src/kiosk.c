/*
 * kiosk: the loop.
 *
 * Output is a queue of sentences.  Each is synthesised just before it is
 * needed (the next one while the current one plays), so the loop never
 * waits for eSpeak NG and a caption goes out the moment its sentence
 * starts.  Input is the recogniser (while listening) and keys.  The dialog
 * decides; this file only carries out its actions and keeps time.
 */
#define _POSIX_C_SOURCE 200809L
#include "kiosk.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio_sim.h"
#include "dialog.h"
#include "echo.h"
#include "events.h"
#include "mem.h"
#include "session.h"

#define QUEUE_MAX 64
#define MAX_TURNS 4096
#define RATE VK_AUDIO_RATE
/* A barge-in pause that outlasts this resumes the prompt (someone talking
 * on and on near the kiosk, not to it). */
#define BARGE_MAX_PAUSE (3 * RATE)

typedef struct sentence {
    char id[64];
    char *text;        /* this sentence */
    char *prompt_text; /* whole prompt, on its first sentence only */
    bool last;         /* last sentence of its prompt */
    bool safety;
    int16_t *pcm;
    size_t n, pos;
} sentence;

struct vk_kiosk {
    const vk_script *script;
    vk_recognizer *rec;
    vk_tts *tts;
    vk_kiosk_opts opts;
    vk_session *session;
    vk_dialog *dialog;
    vk_events *ev;
    vk_audio *sim;

    sentence queue[QUEUE_MAX];
    int qhead, qlen;
    const char *pending_listen; /* context to listen in once the queue drains */
    const char *ending;         /* end reason once the queue drains */
    char current_prompt[64];
    char last_prompt[64];

    bool active; /* a session is under way */
    bool listening;
    const char *context;
    int64_t t, listen_start, last_activity;
    int64_t asr_epoch; /* sample time of the recogniser's last reset */
    bool in_speech;
    bool barge_armed; /* hearing during a question, for barge-in */
    vk_echo *echo;    /* removes the kiosk's own voice from the mic, or NULL */
    bool paused;      /* barge-in: speech began, the prompt holds its place */
    bool pause_spent; /* it paused once for nothing: no more in this prompt */
    int64_t paused_at;

    /* timing for the benchmark */
    struct timespec run_start;
    bool first_sample_seen;
    bool awaiting_reply;
    double reply_speech_end;
    struct timespec reply_wall;
    struct timespec tick_wall; /* wall clock just before this tick's feed */
    vk_kiosk_stats stats;
};

static volatile sig_atomic_t stop_requested;

void vk_kiosk_request_stop(void)
{
    stop_requested = 1;
}

static int64_t ns_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (int64_t)(b.tv_sec - a->tv_sec) * 1000000000LL +
           (b.tv_nsec - a->tv_nsec);
}

static double now_s(const vk_kiosk *k)
{
    return (double)k->t / RATE;
}

void vk_kiosk_default_opts(vk_kiosk_opts *o)
{
    memset(o, 0, sizeof *o);
    o->noinput_s = 7.0;
    o->inactivity_s = 60.0;
    o->rate_wpm = VK_TTS_DEFAULT_RATE;
    o->echo_cancel = true;
}

vk_kiosk *vk_kiosk_create(const vk_script *script, vk_recognizer *rec,
                          vk_tts *tts, const vk_kiosk_opts *opts)
{
    vk_kiosk *k = vk_calloc(1, sizeof *k);
    k->script = script;
    k->rec = rec;
    k->tts = tts;
    k->opts = *opts;
    k->session = vk_session_create();
    /* The bands come from the recogniser's measured confidence scale. */
    vk_dialog_opts d = {.accept = VK_ASR_ACCEPT, .confirm = VK_ASR_CONFIRM};
    k->dialog = vk_dialog_create(script, k->session, &d);
    k->ev = vk_events_create(opts->events, opts->simulate);
    if (opts->echo_cancel) {
        vk_echo_opts eo;
        vk_echo_default_opts(&eo);
        eo.rate = RATE;
        eo.frame = VK_AUDIO_FRAME;
        k->echo = vk_echo_create(&eo);
    }
    k->stats.turn_gap_s = vk_calloc(MAX_TURNS, sizeof(double));
    k->stats.compute_ms = vk_calloc(MAX_TURNS, sizeof(double));
    return k;
}

static void drop_head(vk_kiosk *k);

static void queue_clear(vk_kiosk *k)
{
    while (k->qlen > 0)
        drop_head(k);
}

void vk_kiosk_destroy(vk_kiosk *k)
{
    if (!k)
        return;
    queue_clear(k);
    vk_dialog_destroy(k->dialog);
    vk_session_destroy(k->session);
    vk_events_destroy(k->ev);
    vk_echo_destroy(k->echo);
    free(k->stats.turn_gap_s);
    free(k->stats.compute_ms);
    free(k);
}

const vk_kiosk_stats *vk_kiosk_stats_get(const vk_kiosk *k)
{
    return &k->stats;
}

/* ---- output -------------------------------------------------------------- */

static void enqueue_sentence(vk_kiosk *k, const char *id, const char *start,
                             size_t len, const char *prompt, bool safety)
{
    if (k->qlen >= QUEUE_MAX)
        return; /* a ceiling: no flow produces this much at once */
    sentence *s = &k->queue[(k->qhead + k->qlen++) % QUEUE_MAX];
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "%s", id);
    s->text = vk_strndup(start, len);
    s->prompt_text = prompt ? vk_strdup(prompt) : NULL;
    s->safety = safety;
}

/* Splits a prompt into sentences at . ? ! followed by a space. */
static void enqueue_prompt(vk_kiosk *k, const char *id, const char *text,
                           bool safety)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    bool first = true;
    int before = k->qlen;
    while (*p) {
        const char *e = p;
        while (*e && !((*e == '.' || *e == '?' || *e == '!') &&
                       (e[1] == ' ' || e[1] == '\0')))
            e++;
        if (*e)
            e++;
        enqueue_sentence(k, id, p, (size_t)(e - p), first ? text : NULL, safety);
        first = false;
        p = e;
        while (*p == ' ')
            p++;
    }
    if (k->qlen > before)
        k->queue[(k->qhead + k->qlen - 1) % QUEUE_MAX].last = true;
}

static void synth(vk_kiosk *k, sentence *s)
{
    if (s->pcm || !s->text)
        return;
    if (vk_tts_say(k->tts, vk_script_voice(k->script), k->opts.rate_wpm,
                   s->text, &s->pcm, &s->n) != VK_OK) {
        /* The caption still shows it; a short silence keeps timing sane. */
        s->n = RATE / 5;
        s->pcm = vk_calloc(s->n, sizeof(int16_t));
    }
}

static bool prompt_asks_input(const vk_kiosk *k)
{
    /* The prompt asks for input if listening follows and no other prompt
     * comes after it in the queue. */
    if (!k->pending_listen)
        return false;
    for (int i = 0; i < k->qlen; i++) {
        const sentence *s = &k->queue[(k->qhead + i) % QUEUE_MAX];
        if (s->last)
            return i == k->qlen - 1;
    }
    return false;
}

static void start_sentence(vk_kiosk *k, sentence *s, int64_t at)
{
    double t = (double)at / RATE;
    if (s->prompt_text) {
        snprintf(k->current_prompt, sizeof k->current_prompt, "%s", s->id);
        vk_events_prompt(k->ev, t, s->id, s->prompt_text);
        if (k->sim)
            vk_audio_sim_on_prompt(k->sim, at, s->id, prompt_asks_input(k));
    }
    vk_events_caption(k->ev, t, s->text);
    if (k->opts.captions) {
        fprintf(k->opts.captions, "%s\n", s->text);
        fflush(k->opts.captions);
    }
    if (k->awaiting_reply) {
        k->awaiting_reply = false;
        if (k->stats.turns < MAX_TURNS) {
            k->stats.turn_gap_s[k->stats.turns] = t - k->reply_speech_end;
            k->stats.compute_ms[k->stats.turns] =
                (double)ns_since(&k->reply_wall) / 1e6;
            k->stats.turns++;
        }
    }
    if (!k->first_sample_seen) {
        k->first_sample_seen = true;
        k->stats.first_sample_ns = ns_since(&k->run_start);
    }
}

static void end_prompt(vk_kiosk *k, const sentence *s, int64_t at,
                       bool interrupted)
{
    vk_events_prompt_end(k->ev, (double)at / RATE, s->id, interrupted);
    snprintf(k->last_prompt, sizeof k->last_prompt, "%s", s->id);
}

static void drop_head(vk_kiosk *k)
{
    sentence *s = &k->queue[k->qhead];
    free(s->text);
    free(s->prompt_text);
    free(s->pcm);
    memset(s, 0, sizeof *s);
    k->qhead = (k->qhead + 1) % QUEUE_MAX;
    k->qlen--;
}

/* Stops the speech in progress (barge-in or a key). */
static void interrupt(vk_kiosk *k)
{
    if (k->qlen == 0)
        return;
    const sentence *s = &k->queue[k->qhead];
    if (s->pos > 0 || s->prompt_text == NULL)
        end_prompt(k, s, k->t, true);
    queue_clear(k);
}

/* Fills one speaker frame; returns true if the queue ran dry in it. */
static bool render(vk_kiosk *k, int16_t *out, size_t n)
{
    size_t o = 0;
    bool drained = false;
    if (k->paused) {
        memset(out, 0, n * sizeof(int16_t));
        return false;
    }
    while (o < n && k->qlen > 0) {
        sentence *s = &k->queue[k->qhead];
        synth(k, s);
        if (s->pos == 0)
            start_sentence(k, s, k->t + (int64_t)o);
        size_t take = s->n - s->pos < n - o ? s->n - s->pos : n - o;
        memcpy(out + o, s->pcm + s->pos, take * sizeof(int16_t));
        s->pos += take;
        o += take;
        if (s->pos >= s->n) {
            if (s->last)
                end_prompt(k, s, k->t + (int64_t)o, false);
            drop_head(k);
            if (k->qlen == 0)
                drained = true;
        }
    }
    /* Synthesise the next sentence now, while this one plays. */
    if (k->qlen > 1)
        synth(k, &k->queue[(k->qhead + 1) % QUEUE_MAX]);
    memset(out + o, 0, (n - o) * sizeof(int16_t));
    return drained;
}

/* ---- actions ------------------------------------------------------------- */

static void wipe(vk_kiosk *k)
{
    vk_session_wipe(k->session);
}

static void perform(vk_kiosk *k, vk_actions *acts)
{
    double t = now_s(k);
    for (int i = 0; i < acts->count; i++) {
        const vk_action *a = &acts->items[i];
        switch (a->type) {
        case VK_ACT_SPEAK:
            enqueue_prompt(k, a->id, a->text, a->safety);
            break;
        case VK_ACT_LISTEN:
            k->pending_listen = a->context;
            break;
        case VK_ACT_ANSWER:
            vk_events_answer(k->ev, t, a->sign, vk_answer_name(a->answer));
            break;
        case VK_ACT_CRISIS:
            vk_events_simple(k->ev, t, "crisis");
            break;
        case VK_ACT_CONTACTS:
            vk_events_simple(k->ev, t, "contacts");
            break;
        case VK_ACT_END:
            k->ending = a->reason;
            break;
        }
    }
    vk_actions_clear(acts);
}

static void start_session(vk_kiosk *k)
{
    vk_actions acts = {0};
    k->active = true;
    k->last_activity = k->t;
    k->ending = NULL;
    k->pending_listen = NULL;
    vk_dialog_start(k->dialog, &acts);
    perform(k, &acts);
}

static void deliver(vk_kiosk *k, const vk_input *in)
{
    vk_actions acts = {0};
    k->listening = false;
    k->barge_armed = false;
    k->pending_listen = NULL;
    if (k->sim)
        vk_audio_sim_on_outcome(k->sim, in->kind == VK_IN_NOINPUT ||
                                            in->kind == VK_IN_NOMATCH);
    vk_dialog_on_input(k->dialog, in, &acts);
    perform(k, &acts);
}

/* The queue has drained: listen, end, or let the dialog go on. */
static void on_drained(vk_kiosk *k)
{
    if (k->pending_listen) {
        k->listening = true;
        k->context = k->pending_listen;
        k->pending_listen = NULL;
        k->listen_start = k->t;
        /* If the person already started answering during the question
         * (barge-in), keep that utterance; otherwise start afresh. */
        if (!k->barge_armed) {
            k->in_speech = false;
            vk_recognizer_listen(k->rec, k->context);
            k->asr_epoch = k->t;
        }
        k->barge_armed = false;
        if (k->sim)
            vk_audio_sim_on_listen(k->sim, k->t, k->last_prompt);
        return;
    }
    if (k->ending) {
        vk_events_end(k->ev, now_s(k), k->ending);
        k->ending = NULL;
        k->active = false;
        wipe(k);
        return;
    }
    vk_actions acts = {0};
    vk_dialog_on_spoken(k->dialog, &acts);
    perform(k, &acts);
}

static void on_heard(vk_kiosk *k, const vk_heard *h)
{
    vk_events_heard(k->ev, now_s(k), h->meaning, h->words, h->confidence);
    k->last_activity = k->t;
    k->awaiting_reply = true;
    k->reply_speech_end = h->end_s + (double)k->asr_epoch / RATE;
    /* From before the feed that ended the utterance: the final decode and
     * rejection are part of the compute. */
    k->reply_wall = k->tick_wall;
    vk_input in = {.kind = h->meaning[0] ? VK_IN_SPEECH : VK_IN_NOMATCH,
                   .meaning = h->meaning,
                   .confidence = h->confidence};
    deliver(k, &in);
}

static void on_key(vk_kiosk *k, char key)
{
    vk_events_key(k->ev, now_s(k), key);
    k->last_activity = k->t;
    if (!k->active) {
        start_session(k);
        return;
    }
    /* A key is deliberate: it may stop any prompt that leads to a question,
     * even a safety message. */
    if (!k->listening && !k->pending_listen)
        return;
    interrupt(k);
    k->awaiting_reply = true;
    k->reply_speech_end = now_s(k);
    clock_gettime(CLOCK_MONOTONIC, &k->reply_wall);
    vk_input in = {.kind = VK_IN_KEY, .key = key};
    deliver(k, &in);
}

/* ---- barge-in ------------------------------------------------------------ */

static void barge_resume(vk_kiosk *k)
{
    if (!k->paused)
        return;
    k->paused = false;
    /* Someone talking nearby without a break must not hold the prompt
     * forever: after one false alarm it plays on (a confident result
     * still stops it). */
    k->pause_spent = true;
    vk_events_simple(k->ev, now_s(k), "barge_resume");
}

/* Hearing during a question.  The prompt pauses (holds its place, goes
 * silent) the moment the recogniser finds speech, so a person is never
 * talked over and no more echo reaches the microphone; only a confident
 * result stops it for good and is acted on; anything else (a cough, noise,
 * someone else talking, an unsure result) lets it go on where it was. */
static void barge_feed(vk_kiosk *k, vk_asr_state st, const vk_heard *h)
{
    /* The echo module confirms a person: the recogniser's VAD alone can
     * fire on the faint residual of the kiosk's own voice. */
    bool person = !k->echo || vk_echo_near_end(k->echo);
    if (st == VK_ASR_SPEECH && !k->paused && !k->pause_spent && person) {
        k->paused = true;
        k->paused_at = k->t;
        vk_events_simple(k->ev, now_s(k), "barge_pause");
    } else if (st == VK_ASR_DONE) {
        if (k->paused && h->meaning[0] && h->confidence >= VK_ASR_ACCEPT) {
            k->paused = false;
            interrupt(k);
            on_heard(k, h);
            return;
        }
        vk_events_heard(k->ev, now_s(k), h->meaning, h->words, h->confidence);
        barge_resume(k);
    } else if (k->paused && k->t - k->paused_at >= BARGE_MAX_PAUSE) {
        barge_resume(k);
    }
}

vk_err vk_kiosk_run(vk_kiosk *k, vk_audio *dev, vk_audio *sim, vk_key_fn keys,
                    void *key_ctx)
{
    int16_t mic[VK_AUDIO_FRAME], spk[VK_AUDIO_FRAME];
    clock_gettime(CLOCK_MONOTONIC, &k->run_start);
    k->sim = sim;
    k->t = 0;
    if (k->opts.simulate)
        start_session(k);
    while (!stop_requested) {
        vk_err e = vk_audio_read(dev, mic, VK_AUDIO_FRAME);
        if (e != VK_OK)
            return e;
        if (k->echo)
            vk_echo_capture(k->echo, mic);
        char key = keys ? keys(key_ctx, k->t) : 0;
        if (key)
            on_key(k, key);

        /* Hear only while listening (or between sessions, to notice a
         * person), so the kiosk never hears its own prompts. */
        /* Barge-in: while a question is being asked (never a safety
         * message), hear too, and let only a confident result stop it. */
        bool barge = k->opts.barge_in && k->active && k->qlen > 0 &&
                     prompt_asks_input(k) && !vk_dialog_in_safety(k->dialog);
        if (barge && !k->barge_armed) {
            k->barge_armed = true;
            k->pause_spent = false;
            k->in_speech = false;
            vk_recognizer_listen(k->rec, k->pending_listen);
            k->asr_epoch = k->t;
        }
        bool hear = k->listening || barge || (!k->active && k->qlen == 0);
        if (hear) {
            vk_heard h;
            clock_gettime(CLOCK_MONOTONIC, &k->tick_wall);
            vk_asr_state st = vk_recognizer_feed(k->rec, mic, VK_AUDIO_FRAME, &h);
            k->in_speech = st == VK_ASR_SPEECH;
            if (barge && st != VK_ASR_DONE)
                barge_feed(k, st, &h);
            if (st == VK_ASR_DONE) {
                if (k->active && k->listening) {
                    on_heard(k, &h);
                } else if (k->active && barge) {
                    barge_feed(k, st, &h);
                } else if (!k->active && h.words[0]) {
                    start_session(k);
                }
            }
        } else {
            k->barge_armed = false;
        }
        if (!barge)
            k->paused = false;
        if (k->active && k->listening && !k->in_speech &&
            k->t - k->listen_start >= (int64_t)(k->opts.noinput_s * RATE)) {
            vk_input in = {.kind = VK_IN_NOINPUT};
            deliver(k, &in);
        }
        if (k->active && !k->ending &&
            k->t - k->last_activity >= (int64_t)(k->opts.inactivity_s * RATE)) {
            vk_actions acts = {0};
            interrupt(k);
            k->listening = false;
            k->pending_listen = NULL;
            vk_dialog_on_inactive(k->dialog, &acts);
            perform(k, &acts);
        }

        bool had = k->qlen > 0;
        bool drained = render(k, spk, VK_AUDIO_FRAME);
        if (k->echo)
            vk_echo_playback(k->echo, spk);
        e = vk_audio_write(dev, spk, VK_AUDIO_FRAME);
        if (e != VK_OK)
            return e;
        k->t += VK_AUDIO_FRAME;
        if (k->active && (drained || (!had && k->qlen == 0 && !k->listening)))
            on_drained(k);
        k->stats.session_s = now_s(k);
        if (k->opts.simulate && !k->active)
            return VK_OK;
        if (k->opts.max_seconds > 0 && now_s(k) > k->opts.max_seconds)
            return VK_ERR_LIMIT;
    }
    /* Stopped by a signal: whatever was said is forgotten. */
    wipe(k);
    return VK_OK;
}
