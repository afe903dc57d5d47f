/*
 * kiosk: the loop.
 *
 * Output is a queue of sentences.  Each is synthesised just before it is
 * needed (the next one while the current one plays), so the loop never
 * waits for eSpeak NG and a caption goes out the moment its sentence
 * starts.  Input is the recogniser (while listening) and keys.  The dialog
 * decides; this file only carries out its actions and keeps time.
 *
 * The person's speech controls (src/controls.c) act here, because they
 * change the presentation and not the dialog: "pause" silences the output
 * at once and "continue" replays the interrupted sentence from its start;
 * an acknowledgement ("Louder.") is an aside put in front of the queue,
 * after which the interrupted sentence starts again, at the new volume or
 * rate.  The keypad's up/down keys say the choices one by one and select
 * answers with the one said last (EZ Access).
 */
#define _POSIX_C_SOURCE 200809L
#include "kiosk.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "audio_sim.h"
#include "controls.h"
#include "dialog.h"
#include "dsp.h"
#include "echo.h"
#include "events.h"
#include "keymap.h"
#include "mem.h"
#include "session.h"
#include "ssml.h"

#define FALLBACK_VOICE "en-us"
#define QUEUE_MAX 256
/* Room for the longest prompt `check` lets through, and what follows it. */
_Static_assert(QUEUE_MAX >= 2 * VK_DIALOG_MAX_SENTENCES, "queue too short");
#define MAX_TURNS 4096
#define RATE VK_AUDIO_RATE
/* A barge-in pause that outlasts this resumes the prompt (someone talking
 * on and on near the kiosk, not to it). */
#define BARGE_MAX_PAUSE (3 * RATE)
/* A key in the first this-many samples of a safety message (the crisis
 * contacts) does not stop it: a double press, or a key that bounces, on
 * the yes to sign 3 would pass every number by. */
#define SAFETY_KEY_GUARD (2 * RATE)
/* The prompt pauses after VK_ECHO_EARLY_FRAMES in a row of sound well
 * above the echo (vk_echo_near_frames), before the recogniser's VAD, and
 * goes on if the VAD has not found speech this long after (samples). */
#define BARGE_EARLY_WAIT (RATE / 5)
/* Headphones whose queue stays full this many frames (1 s, after the 2 s
 * queue filled) have stalled: given up for the speaker.  A headset whose
 * clock runs a little slow drops a frame now and then, never 50 in a row. */
#define PHONES_STALLED 50
/* Between sessions, how long the answer to "say yes to start" is waited
 * for before the room is left quiet again (on_heard_idle); after this many
 * unanswered in a row, only a clear yes asks again during WAKE_BACKOFF_S,
 * and only once. */
#define WAKE_WAIT_S 8
#define WAKE_UNANSWERED_MAX 2
#define WAKE_BACKOFF_S 120
/* The inactivity warning waits for the end of speech at most this long. */
#define WARN_DELAY_MAX (5 * RATE)

typedef struct sentence {
    char id[64];
    char *text;        /* this sentence */
    char *prompt_text; /* whole prompt, on its first sentence only */
    bool last;         /* last sentence of its prompt */
    bool safety;
    bool started;    /* its prompt event went out (a replay only captions) */
    bool aside;      /* a control's acknowledgement or a keypad choice */
    bool personal;   /* results or contacts: only to the headphones, if any */
    vk_tts_job *job; /* its audio, made on the synthesis thread */
    size_t pos;      /* samples played */
    bool failed;     /* eSpeak refused it: a short silence instead */
    bool fallback;   /* made in FALLBACK_VOICE (voice_failed) */
    size_t pad;      /* samples of that silence still to play */
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
    char voice_tried[64]; /* voice_failed(): the voice name last tried */
    bool voice_bad;       /* ... and eSpeak NG could not speak with it */
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
    bool barge_armed;          /* hearing while it speaks, for barge-in */
    const char *barge_context; /* in this context */
    bool dev_away;             /* the device is lost (audio_retry): paused */
    int64_t dev_lost_at;       /* sample time it went */
    bool lost_listening;       /* it went while an answer was awaited, and
                                  no key has answered it since */
    vk_alert *alert;           /* settings.ini [alert] command */
    bool alerted;              /* it was run this session */
    int phones_full;           /* frames in a row the headphones took nothing */

    vk_controls ctl;      /* this person's volume, rate, pause, time */
    bool pause_listening; /* the recogniser listens for "continue" */
    char *last_sentence;  /* for "repeat that" */
    bool last_personal;   /* it was for the headphones only */
    int cursor;           /* keypad: the choice said last, or -1 */
    bool warned;          /* the "more time?" warning since the last activity */
    int sessions_ended;
    /* Paused, the pause line ("Paused. Say continue ...") is being said:
     * pause_listening waits for its end, so that the line's own "continue"
     * cannot end the pause (pause_listen_now). */
    bool pause_line_playing;
    /* Between sessions: something was understood, and the short question
     * whether to start ([system] wake) was asked (see on_heard_idle). */
    bool waking;
    int64_t wake_end;    /* sample time its answer is waited for, -1 = saying */
    int wake_unanswered; /* such questions unanswered in a row */
    int64_t wake_quiet_until; /* before this, only a clear yes asks... */
    bool wake_yes_used;       /* ...and it has asked in this back-off */
    bool wake_in_backoff;     /* the question now asked was that one */

    vk_echo *echo;     /* removes the kiosk's own voice from the mic, or NULL */
    bool barge_paused; /* barge-in: speech began, the prompt holds its place */
    bool pause_spent;  /* it paused once for nothing: no more in this prompt */
    bool pause_early;  /* paused on the echo module alone, before the VAD */
    bool early_spent;  /* an early pause was not speech: the VAD decides */
    int64_t barge_paused_at;
    int64_t safety_started_at; /* the safety message playing began here */

    /* timing for the benchmark */
    struct timespec run_start;
    bool first_sample_seen;
    bool awaiting_reply;
    double reply_speech_end;
    struct timespec reply_wall;
    double reply_held_ms; /* the answer waited this long for its 2nd pass */
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
    vk_settings_default(&o->settings);
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
    vk_controls_reset(&k->ctl, &k->opts.settings);
    k->cursor = -1;
    k->alert = vk_alert_create(k->opts.settings.alert_command);
    return k;
}

static void drop_head(vk_kiosk *k);

static void queue_clear(vk_kiosk *k)
{
    while (k->qlen > 0)
        drop_head(k);
}

bool vk_kiosk_in_session(const vk_kiosk *k)
{
    return k->active;
}

void vk_kiosk_destroy(vk_kiosk *k)
{
    if (!k)
        return;
    queue_clear(k);
    vk_dialog_destroy(k->dialog);
    vk_session_destroy(k->session);
    vk_events_destroy(k->ev);
    vk_free_wiped(k->last_sentence);
    vk_echo_destroy(k->echo);
    vk_alert_destroy(k->alert);
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
                             size_t len, const char *prompt, bool safety,
                             bool personal)
{
    if (k->qlen >= QUEUE_MAX)
        return; /* a ceiling: no flow produces this much at once */
    sentence *s = &k->queue[(k->qhead + k->qlen++) % QUEUE_MAX];
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "%s", id);
    s->text = vk_strndup(start, len);
    s->prompt_text = prompt ? vk_strdup(prompt) : NULL;
    s->safety = safety;
    s->personal = personal;
}

static bool personal_type(const vk_step *st)
{
    return st && (st->type == VK_STEP_SUMMARY || st->type == VK_STEP_CONTACTS ||
                  st->type == VK_STEP_CRISIS);
}

/* The summary, the contacts and the crisis contacts are the person's own
 * business: with private listening they go only to the headphones, and so
 * does whatever gives an answer away (the answer said back, a
 * confirmation, the crisis numbers said again before a timeout, the offer
 * to hear them again, and the help of any of these). */
static bool is_personal(const vk_kiosk *k, const char *id)
{
    /* "You answered yes." and "I heard yes. Is that right?" give an answer
     * away too; the crisis numbers said again before a timeout are the
     * crisis contacts. */
    static const char *const system_personal[] = {
        "system.answer.taken",   "system.confirm",
        "system.timeout.crisis", "system.timeout.safety",
        "system.nomatch.safety", "system.skip.safety"};
    for (size_t i = 0; i < sizeof system_personal / sizeof *system_personal;
         i++)
        if (strcmp(id, system_personal[i]) == 0)
            return true;
    /* A step's help ("crisis.again.help") is as personal as the step. */
    char step[64];
    size_t len = strlen(id);
    if (len > 5 && len < sizeof step && strcmp(id + len - 5, ".help") == 0) {
        memcpy(step, id, len - 5);
        step[len - 5] = '\0';
        id = step;
    }
    const vk_step *st = vk_script_step(k->script, id);
    if (!st)
        return false;
    if (personal_type(st))
        return true;
    /* A yes/no step that leads to one ("Would you like to hear those
     * numbers again?") would give away, on the room speaker, that the
     * person is on the crisis path. */
    if (st->type != VK_STEP_ASK)
        return false;
    const char *to[] = {st->on_yes, st->on_no, st->on_unsure};
    for (size_t i = 0; i < sizeof to / sizeof *to; i++)
        if (to[i] && personal_type(vk_script_step(k->script, to[i])))
            return true;
    return false;
}

/* Private listening is in use: headphones that were there at the start
 * and have not failed since.  Otherwise everything goes to the speaker. */
static bool private_listening(const vk_kiosk *k)
{
    return k->opts.headphones && !k->opts.headphones_missing;
}

/* Splits a prompt into sentences at . ? ! followed by a space. */
static void enqueue_prompt(vk_kiosk *k, const char *id, const char *text,
                           bool safety)
{
    bool personal = is_personal(k, id);
    const char *p = text;
    while (*p == ' ')
        p++;
    bool first = true;
    int before = k->qlen;
    while (*p) {
        const char *e = vk_ssml_sentence_end(p);
        enqueue_sentence(k, id, p, (size_t)(e - p), first ? text : NULL, safety,
                         personal);
        first = false;
        p = e;
        while (*p == ' ')
            p++;
    }
    if (k->qlen > before)
        k->queue[(k->qhead + k->qlen - 1) % QUEUE_MAX].last = true;
}

/* Starts making the sentence's audio (it plays as it comes: the first
 * chunk is ready long before the whole sentence). */
static void synth(vk_kiosk *k, sentence *s)
{
    if (s->job || !s->text)
        return;
    const char *v = vk_script_voice(k->script);
    s->fallback = k->voice_bad && strcmp(v, k->voice_tried) == 0;
    s->job = vk_tts_start(k->tts, s->fallback ? FALLBACK_VOICE : v,
                          k->ctl.rate_wpm, s->text);
}

/* A sentence eSpeak NG refused outright.  If what it cannot load is the
 * script's voice (a typo, or a voice this eSpeak NG lacks; `check`
 * refuses both), every sentence would fail and the kiosk would say
 * nothing: the sentence, and the rest, are made again in en-us, and the
 * log says so once.  The voice is tried only when a sentence fails, so a
 * working one costs nothing.  True if the sentence is to be made again. */
static bool voice_failed(vk_kiosk *k, sentence *s)
{
    if (!s->job || s->pos || s->failed || s->fallback ||
        !vk_tts_refused(s->job)) /* waits no longer than the read after */
        return false;
    const char *v = vk_script_voice(k->script);
    if (strcmp(v, k->voice_tried) != 0) {
        snprintf(k->voice_tried, sizeof k->voice_tried, "%s", v);
        int16_t *pcm = NULL;
        size_t n;
        k->voice_bad =
            vk_tts_say(k->tts, v, VK_TTS_DEFAULT_RATE, "a", &pcm, &n) != VK_OK;
        free(pcm);
        /* Where the voice is set (a site's flow.ini, usually), as `check`
         * says it, so staff reading the log know what to fix; line 0: no
         * file sets it, the language's own voice failed. */
        const char *file = NULL;
        int line = k->voice_bad ? vk_script_value_line(k->script, "kiosk",
                                                       "voice", &file)
                                : 0;
        if (k->voice_bad && line > 0 && file)
            fprintf(stderr,
                    "voice-kiosk: %s:%d: [kiosk] voice: eSpeak NG cannot "
                    "speak with the voice '%s'; speaking with %s instead "
                    "(the voices it has: `espeak-ng --voices`)\n",
                    file, line, v, FALLBACK_VOICE);
        else if (k->voice_bad)
            fprintf(stderr,
                    "voice-kiosk: eSpeak NG cannot speak with the voice "
                    "'%s'; speaking with %s instead (`voice-kiosk check` "
                    "says more)\n",
                    v, FALLBACK_VOICE);
    }
    if (!k->voice_bad)
        return false;
    vk_tts_release(s->job);
    s->job = NULL;
    return true;
}

/* Copies up to n samples of the sentence's audio from where it is; *end
 * once it is all played.  A sentence eSpeak NG refused is 0.2 s of
 * silence: the caption still shows it and the timing stays sane. */
static size_t sentence_audio(sentence *s, int16_t *out, size_t n, bool *end)
{
    if (!s->failed) {
        size_t got = vk_tts_read(s->job, s->pos, out, n, end);
        if (!(*end && got == 0 && s->pos == 0 && vk_tts_failed(s->job)))
            return got;
        s->failed = true;
        s->pad = RATE / 5;
    }
    size_t got = s->pad < n ? s->pad : n;
    memset(out, 0, got * sizeof *out);
    s->pad -= got;
    *end = s->pad == 0;
    return got;
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
    /* Prompts may carry SSML (ssml.h); captions and events show the words. */
    if (s->prompt_text && !s->started) {
        /* A new prompt: barge-in's one false alarm (barge_feed) is its own. */
        k->pause_spent = false;
        k->early_spent = false;
        snprintf(k->current_prompt, sizeof k->current_prompt, "%s", s->id);
        if (s->safety)
            k->safety_started_at = at;
        char *whole = vk_ssml_plain(s->prompt_text);
        vk_events_prompt(k->ev, t, s->id, whole, s->personal);
        free(whole);
        if (k->sim)
            vk_audio_sim_on_prompt(k->sim, at, s->id, prompt_asks_input(k));
    }
    s->started = true;
    char *plain = vk_ssml_plain(s->text);
    vk_events_caption(k->ev, t, plain, s->personal);
    /* The screen is the room's, like the speaker: what is said only in the
     * headphones is not shown there, a neutral line is.  (The event stream
     * is for the person's own display.)  Headphones that fail now say it
     * all again on the speaker, captions included (headphones_gone). */
    if (k->opts.captions)
        vk_captions_sentence(
            k->opts.captions,
            s->personal && private_listening(k)
                ? vk_script_system(k->script, "headphones.caption")
                : plain);
    if (!s->aside) {
        vk_free_wiped(k->last_sentence);
        k->last_sentence = vk_strdup(s->text);
        k->last_personal = s->personal;
    }
    free(plain);
    if (k->awaiting_reply) {
        k->awaiting_reply = false;
        if (k->stats.turns < MAX_TURNS) {
            k->stats.turn_gap_s[k->stats.turns] = t - k->reply_speech_end;
            k->stats.compute_ms[k->stats.turns] =
                (double)ns_since(&k->reply_wall) / 1e6 + k->reply_held_ms;
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
    /* "You answered yes.", the summary: what was said may be the person's. */
    vk_free_wiped(s->text);
    vk_free_wiped(s->prompt_text);
    vk_tts_release(s->job);
    memset(s, 0, sizeof *s);
    k->qhead = (k->qhead + 1) % QUEUE_MAX;
    k->qlen--;
}

/* Stops the sentence playing and drops it; what is queued after it plays
 * next. */
static void interrupt_head(vk_kiosk *k)
{
    if (k->qlen == 0)
        return;
    const sentence *s = &k->queue[k->qhead];
    if (s->pos > 0 || s->prompt_text == NULL)
        end_prompt(k, s, k->t, true);
    drop_head(k);
}

/* Stops the speech in progress (barge-in or a key). */
static void interrupt(vk_kiosk *k)
{
    interrupt_head(k);
    queue_clear(k);
    /* Nothing is left for a barge-in pause to hold; kept, it would hold
     * what comes next (over a safety message nothing heard resumes it). */
    k->barge_paused = false;
    k->pause_early = false;
}

/* The sentence playing is the previous answer said back (answer.taken),
 * or a control's acknowledgement in front of it ("Louder."). */
static bool saying_answer_back(const vk_kiosk *k)
{
    for (int i = 0; i < k->qlen; i++) {
        const sentence *s = &k->queue[(k->qhead + i) % QUEUE_MAX];
        if (!s->aside)
            return strcmp(s->id, "system.answer.taken") == 0;
    }
    return false;
}

/* The turn in progress is dropped (the device went, the headphones
 * failed, the session timed out): the speech stops and nothing is
 * listened for until the dialog says what comes next. */
static void drop_turn(vk_kiosk *k)
{
    interrupt(k);
    k->listening = false;
    k->pending_listen = NULL;
    k->barge_armed = false;
}

/* Fills one speaker frame; returns true if the queue ran dry in it.
 * *personal is set if any of it is for the headphones only. */
static bool render(vk_kiosk *k, int16_t *out, size_t n, bool *personal)
{
    size_t o = 0;
    bool drained = false;
    *personal = false;
    if (k->barge_paused) { /* barge-in: holding its place while a person speaks
                            */
        memset(out, 0, n * sizeof(int16_t));
        return false;
    }
    /* Paused: silence, except for a control's acknowledgement. */
    while (o < n && k->qlen > 0 &&
           (!k->ctl.paused || k->queue[k->qhead].aside)) {
        sentence *s = &k->queue[k->qhead];
        synth(k, s);
        if (voice_failed(k, s))
            synth(k, s);
        *personal |= s->personal;
        bool end = false, first = s->pos == 0 && !s->failed;
        size_t take = sentence_audio(s, out + o, n - o, &end);
        /* Its first samples are in hand: the sentence starts (and a reply
         * is timed) here. */
        if (first)
            start_sentence(k, s, k->t + (int64_t)o);
        s->pos += take;
        o += take;
        if (end) {
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
    if (k->ctl.volume_db != 0.0)
        vk_dsp_scale(out, o, vk_controls_gain(&k->ctl));
    return drained;
}

/* The sentence playing now goes back to its start (it is replayed after an
 * aside, or after a pause); with `resynth`, its audio and the audio made
 * ahead are made again (the rate changed). */
static void rewind_queue(vk_kiosk *k, bool resynth)
{
    for (int i = 0; i < k->qlen; i++) {
        sentence *s = &k->queue[(k->qhead + i) % QUEUE_MAX];
        if (i == 0) {
            s->pos = 0;
            s->failed = false;
            s->pad = 0;
        }
        if (resynth) {
            vk_tts_release(s->job);
            s->job = NULL;
        }
    }
}

/* Puts `text` in front of the queue, as prompt `id`, to be said at once;
 * whatever was playing starts again after it.  An aside already playing is
 * replaced.  Returns it (NULL if the queue is full). */
static sentence *say_aside(vk_kiosk *k, const char *id, const char *text)
{
    if (k->qlen > 0 && k->queue[k->qhead].aside)
        drop_head(k);
    if (k->qlen >= QUEUE_MAX)
        return NULL;
    rewind_queue(k, false);
    k->qhead = (k->qhead + QUEUE_MAX - 1) % QUEUE_MAX;
    k->qlen++;
    sentence *s = &k->queue[k->qhead];
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "%s", id);
    s->text = vk_strdup(text);
    s->prompt_text = vk_strdup(text);
    s->last = true;
    s->aside = true;
    return s;
}

/* ---- actions ------------------------------------------------------------- */

/* The end of a session: the answers, and all that was derived from them
 * (the dialog's path, the last sentence said, kept for "repeat that"). */
static void wipe(vk_kiosk *k)
{
    vk_session_wipe(k->session);
    vk_dialog_forget(k->dialog);
    vk_free_wiped(k->last_sentence);
    k->last_sentence = NULL;
    k->last_personal = false;
}

static void perform(vk_kiosk *k, vk_actions *acts)
{
    double t = now_s(k);
    for (int i = 0; i < acts->count; i++) {
        const vk_action *a = &acts->items[i];
        switch (a->type) {
        case VK_ACT_SPEAK: enqueue_prompt(k, a->id, a->text, a->safety); break;
        case VK_ACT_LISTEN: k->pending_listen = a->context; break;
        case VK_ACT_ANSWER:
            vk_events_answer(k->ev, t, a->sign, vk_answer_name(a->answer));
            break;
        case VK_ACT_CRISIS:
            vk_events_simple(k->ev, t, "crisis");
            /* Staff are told once a session, at the first crisis contacts
             * (a device loss does not hold it back: they can come). */
            if (!k->alerted)
                vk_alert_fire(k->alert);
            k->alerted = true;
            break;
        case VK_ACT_CONTACTS: vk_events_simple(k->ev, t, "contacts"); break;
        case VK_ACT_END: k->ending = a->reason; break;
        }
    }
    vk_actions_clear(acts);
}

/* The person did something: the inactivity clock starts again. */
static void touch(vk_kiosk *k)
{
    k->last_activity = k->t;
    k->warned = false;
    vk_dialog_person_here(k->dialog);
}

static void start_session(vk_kiosk *k)
{
    vk_actions acts = {0};
    /* New content (a reload) is taken only here, between sessions. */
    const vk_script *next = k->opts.next_script
                                ? k->opts.next_script(k->opts.next_script_ctx)
                                : NULL;
    if (next && next != k->script) {
        vk_dialog_opts d = {.accept = VK_ASR_ACCEPT, .confirm = VK_ASR_CONFIRM};
        vk_dialog_destroy(k->dialog);
        k->script = next;
        k->dialog = vk_dialog_create(next, k->session, &d);
    }
    if (k->waking) { /* a key during the question whether to start */
        queue_clear(k);
        k->waking = false;
    }
    k->wake_unanswered = 0;
    k->wake_quiet_until = 0; /* a person was here: the next one is heard */
    k->wake_in_backoff = false;
    k->alerted = false;
    k->active = true;
    /* A shared kiosk: every session starts at the site's volume and rate. */
    vk_controls_reset(&k->ctl, &k->opts.settings);
    k->pause_listening = false;
    k->pause_line_playing = false;
    k->cursor = -1;
    vk_free_wiped(k->last_sentence);
    k->last_sentence = NULL;
    k->last_personal = false;
    if (k->opts.captions)
        vk_captions_status(k->opts.captions, NULL);
    touch(k);
    k->ending = NULL;
    k->pending_listen = NULL;
    if (k->opts.headphones_missing) {
        vk_events_simple(k->ev, now_s(k), "headphones_missing");
        enqueue_prompt(k, "system.headphones.missing",
                       vk_script_system(k->script, "headphones.missing"),
                       false);
    }
    vk_dialog_start(k->dialog, &acts);
    perform(k, &acts);
}

static void set_paused(vk_kiosk *k, bool paused);
static void listen_from_now(vk_kiosk *k, const char *context);
static void sim_idle(vk_kiosk *k);
static void wake_over(vk_kiosk *k);

static void deliver(vk_kiosk *k, const vk_input *in)
{
    vk_actions acts = {0};
    /* An answer ends a pause: whatever the dialog says next (the crisis
     * contacts after a yes to sign 3) must be heard, and a paused kiosk
     * plays nothing but asides. */
    if (k->ctl.paused)
        set_paused(k, false);
    /* Nor may a barge-in pause (a cough, a word just before the key) hold
     * it: over a safety message nothing heard resumes one. */
    k->barge_paused = false;
    k->pause_early = false;
    k->listening = false;
    k->barge_armed = false;
    k->pending_listen = NULL;
    k->cursor = -1;
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
        if (!k->barge_armed || strcmp(k->barge_context, k->context) != 0) {
            k->in_speech = false;
            vk_recognizer_listen(k->rec, k->context);
            k->asr_epoch = k->t;
        }
        k->barge_armed = false;
        /* What can be said and pressed now, for the screen. */
        char key[32];
        const char *kind = strcmp(k->context, "answer") == 0
                               ? vk_dialog_choices(k->dialog)
                               : k->context;
        snprintf(key, sizeof key, "choices.%s", kind);
        const char *say = vk_script_system(k->script, key);
        snprintf(key, sizeof key, "keys.%s", kind);
        const char *keys = vk_script_system(k->script, key);
        if (!*keys)
            keys = NULL; /* voice only: no keys line, on the screen too */
        vk_events_expect(k->ev, now_s(k), k->context, say, keys);
        if (k->opts.captions)
            vk_captions_expect(k->opts.captions, say, keys);
        if (k->sim)
            vk_audio_sim_on_listen(k->sim, k->t, k->last_prompt);
        return;
    }
    if (k->ending) {
        vk_events_end(k->ev, now_s(k), k->ending);
        k->ending = NULL;
        k->active = false;
        k->sessions_ended++;
        wipe(k);
        /* Between sessions the recogniser hears answers and commands (a
         * yes starts the next one); in a simulation the virtual user may
         * come back for another session (a key, or a yes to the question
         * whether to start). */
        listen_from_now(k, "answer");
        sim_idle(k);
        return;
    }
    vk_actions acts = {0};
    vk_dialog_on_spoken(k->dialog, &acts);
    perform(k, &acts);
}

/* ---- the person's controls ----------------------------------------------- */

/* Says [system] prompt `key` as an aside. */
static void aside_system(vk_kiosk *k, const char *key)
{
    char id[64];
    snprintf(id, sizeof id, "system.%s", key);
    say_aside(k, id, vk_script_system(k->script, key));
}

/* Listening stops while an aside is said, and starts afresh after it. */
static void listen_after_aside(vk_kiosk *k)
{
    if (k->listening) {
        k->listening = false;
        k->pending_listen = k->context;
    }
}

/* Starts the recogniser afresh in `context`, from this frame on. */
static void listen_from_now(vk_kiosk *k, const char *context)
{
    k->in_speech = false;
    vk_recognizer_listen(k->rec, context);
    k->asr_epoch = k->t;
}

/* What a paused kiosk listens for: the person's commands ("continue"),
 * and, when a question is waiting to be asked (paused in the middle of
 * it), its answers too: a yes to sign 3 must not wait for the question. */
static const char *paused_context(const vk_kiosk *k)
{
    /* Paused during "You answered no.", the next question has not been
     * asked: a word then is not its answer. */
    return k->pending_listen && !saying_answer_back(k) ? k->pending_listen
                                                       : "command";
}

/* Paused, the pause line (and any aside said in its place) is over. */
static bool pause_line_over(const vk_kiosk *k)
{
    return k->qlen == 0 || !k->queue[k->qhead].aside;
}

/* A paused kiosk hears "continue" (and the other commands) from now on,
 * once its pause line is said: nothing heard while the line played counts
 * (it may be the line's own "continue"). */
static void pause_listen_now(vk_kiosk *k)
{
    k->pause_line_playing = false;
    listen_from_now(k, paused_context(k));
    /* A paused kiosk waits for the person, as when it listens. */
    if (k->sim)
        vk_audio_sim_on_listen(k->sim, k->t, NULL);
}

static void set_paused(vk_kiosk *k, bool paused)
{
    k->ctl.paused = paused;
    if (paused) {
        /* "continue" replays the interrupted sentence from its start. */
        rewind_queue(k, false);
        if (!k->listening) {
            /* Hear "continue" (and the other commands) meanwhile, once
             * the pause line is said (pause_listen_now). */
            k->pause_listening = true;
            k->pause_line_playing = true;
            k->barge_armed = false;
        } else {
            /* Waiting for an answer: that listening starts afresh after
             * the line (on_drained), which is then the person's turn. */
            listen_after_aside(k);
        }
        /* The screen's "Paused. Say continue ..." is said too, once. */
        aside_system(k, "control.paused");
    } else {
        k->pause_listening = false;
        k->pause_line_playing = false;
        /* "continue" during the pause line: it stops, and the sentence it
         * interrupted starts again from its start. */
        if (k->qlen > 0 && k->queue[k->qhead].aside &&
            strcmp(k->queue[k->qhead].id, "system.control.paused") == 0)
            interrupt_head(k);
        if (k->listening)
            k->listen_start = k->t; /* the wait for an answer starts again */
    }
    if (k->opts.captions)
        vk_captions_status(
            k->opts.captions,
            paused ? vk_script_system(k->script, "control.paused") : NULL);
}

/* "Repeat that": the sentence being said starts again, or, when nothing is
 * being said, the last one is said again, and where it was said: a result
 * or a contact only in the headphones. */
static void repeat_last(vk_kiosk *k)
{
    if (k->qlen > 0 && !k->queue[k->qhead].aside) {
        rewind_queue(k, false);
    } else if (k->last_sentence) {
        char *text = vk_strdup(k->last_sentence);
        listen_after_aside(k);
        sentence *s = say_aside(k, "system.repeat_last", text);
        if (s)
            s->personal = k->last_personal;
        free(text);
    }
}

/* "Continue" where the kiosk waits for an answer (the pause came there,
 * or nothing was paused): the question again, so that a person who cannot
 * see the screen knows where they are, instead of a silence and then
 * "Sorry, I did not hear anything." right after being understood. */
static void go_on_at_question(vk_kiosk *k)
{
    if (!k->active || k->qlen > 0 || (!k->listening && !k->pending_listen))
        return;
    k->listening = false;
    k->pending_listen = NULL;
    vk_actions acts = {0};
    vk_dialog_say_again(k->dialog, &acts);
    perform(k, &acts);
}

/* Acts on a speech control (by voice or key); false if `meaning` is not
 * one. */
static bool handle_control(vk_kiosk *k, const char *meaning)
{
    if (!vk_controls_is_control(meaning))
        return false;
    /* A session that timed out says its goodbye (and the crisis numbers
     * before it) to the end: paused, it would hold the session and its
     * answers open with nobody there. */
    if (k->ending && strcmp(meaning, "pause") == 0 && !k->ctl.paused)
        return true;
    bool was_paused = k->ctl.paused;
    int rate = k->ctl.rate_wpm;
    vk_ctl_result r = vk_controls_apply(&k->ctl, meaning);
    vk_events_control(k->ev, now_s(k), meaning, k->ctl.volume_db,
                      k->ctl.rate_wpm, k->ctl.paused, k->ctl.time_factor);
    if (k->ctl.paused != was_paused) {
        k->ctl.paused = was_paused;
        set_paused(k, !was_paused);
        if (was_paused)
            go_on_at_question(k);
        return true;
    }
    if (strcmp(meaning, "continue") == 0) {
        go_on_at_question(k);
        return true;
    }
    if (strcmp(meaning, "repeat_last") == 0) {
        repeat_last(k);
        return true;
    }
    if (k->ctl.rate_wpm != rate)
        rewind_queue(k, true); /* made again at the new rate */
    const char *key = vk_controls_prompt(meaning, r);
    if (key) {
        listen_after_aside(k);
        aside_system(k, key);
    }
    return true;
}

/* ---- the keypad's choices (EZ Access) ------------------------------------ */

typedef struct choice {
    const char *meaning, *label; /* label: a [system] prompt */
} choice;

static const choice answer_choices[] = {
    {"yes", "heard.yes"}, {"no", "heard.no"}, {"unsure", "heard.unsure"}};
static const choice menu_choices[] = {{"yes", "choice.next"},
                                      {"no", "choice.done"}};

/* Up and down say the choices of the question one by one; select answers
 * with the one said last. */
static void handle_cursor(vk_kiosk *k, const char *action)
{
    const char *ctx = k->listening ? k->context : k->pending_listen;
    if (!ctx)
        return; /* nothing to choose from now */
    bool menu = strcmp(ctx, "menu") == 0;
    const choice *c = menu ? menu_choices : answer_choices;
    int n = menu ? 2 : 3;
    interrupt(k); /* a key is deliberate */
    k->listening = false;
    k->pending_listen = ctx;
    if (strcmp(action, "select") == 0) {
        if (k->cursor < 0) {
            aside_system(k, "control.choose");
            return;
        }
        vk_input in = {.kind = VK_IN_KEY, .meaning = c[k->cursor].meaning};
        deliver(k, &in);
        return;
    }
    if (k->cursor < 0)
        k->cursor = strcmp(action, "down") == 0 ? 0 : n - 1;
    else
        k->cursor = (k->cursor + (strcmp(action, "down") == 0 ? 1 : n - 1)) % n;
    aside_system(k, c[k->cursor].label);
}

static bool is_cursor_action(const char *a)
{
    return strcmp(a, "up") == 0 || strcmp(a, "down") == 0 ||
           strcmp(a, "select") == 0;
}

/* ---- input -----------------------------------------------------------------
 */

static void on_heard(vk_kiosk *k, const vk_heard *h)
{
    vk_events_heard(k->ev, now_s(k), h->meaning, h->words, h->confidence);
    /* Only what is understood shows that the person is there: talk nearby,
     * rejected again and again, must not hold a session (and its answers)
     * open for ever. */
    if (h->meaning[0] && h->confidence >= VK_ASR_CONFIRM)
        touch(k);
    if (h->meaning[0] && handle_control(k, h->meaning)) {
        /* A control is not an answer: keep waiting for one. */
        if (k->listening) {
            listen_from_now(k, k->context);
            k->listen_start = k->t;
        }
        return;
    }
    k->awaiting_reply = true;
    k->reply_speech_end = h->end_s + (double)k->asr_epoch / RATE;
    /* From before the feed that ended the utterance: the final decode and
     * rejection are part of the compute. */
    k->reply_wall = k->tick_wall;
    k->reply_held_ms = h->held_ms;
    vk_input in = {.kind = h->meaning[0] ? VK_IN_SPEECH : VK_IN_NOMATCH,
                   .meaning = h->meaning,
                   .confidence = h->confidence};
    deliver(k, &in);
}

static bool unsure_ok(const vk_heard *h);

/* Heard while paused: a control acts; any other command or answer goes on
 * and is taken as if the speech had not been paused (an unsure answer is
 * said back by the dialog, but a yes or not sure toward the crisis
 * contacts, which is taken at once); over a prompt that asks nothing,
 * "stop" keeps the pause and "help" is said before the speech goes on. */
static void on_heard_paused(vk_kiosk *k, const vk_heard *h)
{
    vk_events_heard(k->ev, now_s(k), h->meaning, h->words, h->confidence);
    if (!h->meaning[0]) {
        listen_from_now(k, paused_context(k));
        return;
    }
    if (h->confidence >= VK_ASR_CONFIRM)
        touch(k);
    /* Paused over a prompt that asks nothing: "stop" again keeps it so
     * (the person wants quiet, not the speech back); "help" is given, then
     * the speech goes on. */
    bool telling = !k->pending_listen;
    if (handle_control(k, h->meaning) ||
        (telling && strcmp(h->meaning, "stop") == 0)) {
        if (k->ctl.paused) {
            listen_from_now(k, paused_context(k));
            if (k->sim) /* still waiting for the person */
                vk_audio_sim_on_listen(k->sim, k->t, NULL);
        }
        return;
    }
    set_paused(k, false);
    if (telling && strcmp(h->meaning, "help") == 0 &&
        h->confidence >= VK_ASR_CONFIRM) {
        aside_system(k, "help");
        return;
    }
    if (k->pending_listen && (h->confidence >= VK_ASR_ACCEPT || unsure_ok(h))) {
        interrupt(k);
        vk_input in = {.kind = VK_IN_SPEECH,
                       .meaning = h->meaning,
                       .confidence = h->confidence};
        deliver(k, &in);
    }
}

/* A key during a prompt that asks nothing (the greeting, an explanation,
 * the summary, the contacts, the crisis contacts): the speech stops.  R
 * says the part again from its start; any other key goes on to what comes
 * next (after the crisis contacts, the offer to hear them again). */
static void key_over_telling(vk_kiosk *k, const char *action)
{
    interrupt(k);
    if (strcmp(action, "repeat") == 0) {
        vk_actions acts = {0};
        vk_dialog_say_again(k->dialog, &acts);
        perform(k, &acts);
    }
    /* Otherwise the queue is empty now: the loop's on_drained() lets the
     * dialog go on, as at the end of the prompt. */
}

/* ---- between sessions ---------------------------------------------------- */

/* A listening point for the simulated person, between sessions. */
static void sim_idle(vk_kiosk *k)
{
    if (k->sim)
        vk_audio_sim_on_listen(k->sim, k->t, NULL);
}

/* Heard between sessions.  Sound that is not understood leaves the room
 * quiet.  Something understood may be a person, or talk nearby: rather
 * than the whole greeting (21.6 s) to what may be an empty room, the kiosk
 * asks briefly whether to start ([system] wake) and waits WAKE_WAIT_S for
 * a yes or a key; a yes starts the session, "repeat" or "help" asks again,
 * anything else or silence leaves the room quiet again.  During a back-off
 * (wake_over) a person who cannot use the keys is not shut out: a yes in
 * the accept band still asks, once. */
static void on_heard_idle(vk_kiosk *k, const vk_heard *h)
{
    const char *m = h->meaning;
    bool asked = k->waking && k->wake_end >= 0;
    if (m[0]) /* what is not understood may be talk nearby: not logged */
        vk_events_heard(k->ev, now_s(k), m, h->words, h->confidence);
    if (asked && strcmp(m, "yes") == 0) {
        start_session(k);
        return;
    }
    bool again = strcmp(m, "repeat") == 0 || strcmp(m, "help") == 0;
    bool backoff = k->t < k->wake_quiet_until;
    bool clear_yes = strcmp(m, "yes") == 0 && h->confidence >= VK_ASR_ACCEPT &&
                     !k->wake_yes_used;
    if (m[0] && ((asked && again) || (!k->waking && (!backoff || clear_yes)))) {
        if (!k->waking) {
            k->wake_in_backoff = backoff;
            k->wake_yes_used |= backoff;
        }
        k->waking = true;
        k->wake_end = -1;
        vk_events_simple(k->ev, now_s(k), "wake");
        queue_clear(k);
        /* At the site's volume and rate, not the last person's. */
        vk_controls_reset(&k->ctl, &k->opts.settings);
        say_aside(k, "system.wake", vk_script_system(k->script, "wake"));
        return;
    }
    if (asked && m[0])
        wake_over(k);
    listen_from_now(k, "answer");
    sim_idle(k);
}

/* The question whether to start went unanswered (silence, or another
 * word).  After WAKE_UNANSWERED_MAX in a row the room may be a television
 * or talk nearby: for WAKE_BACKOFF_S only a clear yes asks again (a key
 * still starts), once; unanswered too, the back-off starts over with no
 * such yes left, so talk nearby is asked at most once in two minutes. */
static void wake_over(vk_kiosk *k)
{
    k->waking = false;
    vk_events_simple(k->ev, now_s(k), "wake_over");
    if (k->wake_in_backoff) {
        k->wake_in_backoff = false;
        k->wake_quiet_until = k->t + (int64_t)WAKE_BACKOFF_S * RATE;
    } else if (++k->wake_unanswered >= WAKE_UNANSWERED_MAX) {
        k->wake_unanswered = 0;
        k->wake_yes_used = false;
        k->wake_quiet_until = k->t + (int64_t)WAKE_BACKOFF_S * RATE;
    }
}

/* Between sessions, each frame: the question whether to start has been
 * said, or cut off (a lost device empties the queue): listen for its
 * answer; or its answer was not given in time. */
static void wake_tick(vk_kiosk *k)
{
    if (!k->waking)
        return;
    if (k->wake_end < 0 && k->qlen == 0) {
        k->wake_end = k->t + (int64_t)WAKE_WAIT_S * RATE;
        listen_from_now(k, "answer");
        sim_idle(k);
    } else if (k->wake_end >= 0 && k->t >= k->wake_end && !k->in_speech) {
        wake_over(k);
        sim_idle(k);
    }
}

static void on_key(vk_kiosk *k, int key)
{
    const char *action = vk_keymap_action(&k->opts.settings.keys, key);
    vk_events_key(k->ev, now_s(k), vk_key_name(key), action);
    touch(k);
    if (!k->active) {
        start_session(k);
        return;
    }
    if (!action || handle_control(k, action))
        return;
    /* During "You answered no." the next question is queued but not yet
     * asked: a key then (a double press, a bounce; H too, whose help is
     * the question's) answers nothing; it skips to the question, which is
     * said whole, past any aside in front ("Louder."). */
    if (saying_answer_back(k)) {
        if (k->ctl.paused)
            set_paused(k, false);
        while (saying_answer_back(k))
            interrupt_head(k);
        return;
    }
    if (is_cursor_action(action)) {
        handle_cursor(k, action);
        return;
    }
    /* Paused, a key lets the speech go on; at a question it answers too. */
    bool was_paused = k->ctl.paused;
    if (was_paused)
        set_paused(k, false);
    /* A key is deliberate: it may stop any prompt, even a safety
     * message.  But help is there at any time, as the greeting says:
     * given in front of what is being said, which then goes on. */
    if (!k->listening && !k->pending_listen) {
        bool guarded = k->qlen > 0 && k->queue[k->qhead].safety &&
                       k->t - k->safety_started_at < SAFETY_KEY_GUARD;
        if (strcmp(action, "help") == 0 && k->qlen > 0)
            aside_system(k, "help");
        else if (!was_paused && k->qlen > 0 && !guarded)
            key_over_telling(k, action);
        return;
    }
    interrupt(k);
    k->awaiting_reply = true;
    k->reply_speech_end = now_s(k);
    clock_gettime(CLOCK_MONOTONIC, &k->reply_wall);
    k->reply_held_ms = 0;
    vk_input in = {.kind = VK_IN_KEY, .meaning = action};
    deliver(k, &in);
}

/* The no-answer timeout, and the warning before the inactivity timeout.
 * Only time spent waiting for the person counts: not the kiosk's own
 * speech, and not a pause the person asked for.  "More time" stretches
 * both. */
static void check_timeouts(vk_kiosk *k)
{
    const vk_settings *st = &k->opts.settings;
    double f = k->ctl.time_factor;
    /* Paused, it waits for the person even with the rest of a prompt
     * queued: someone who paused and walked away must not hold the
     * session (and its answers) open for the next person. */
    bool waiting =
        k->active && (k->ctl.paused || (k->qlen == 0 && k->listening));
    if (!waiting && k->active && !k->ending)
        k->last_activity += VK_AUDIO_FRAME; /* the clock stands still */
    if (k->ctl.paused && k->listening)
        k->listen_start += VK_AUDIO_FRAME;
    if (k->active && k->listening && !k->in_speech &&
        k->t - k->listen_start >= (int64_t)(st->noinput_s * f * RATE)) {
        vk_input in = {.kind = VK_IN_NOINPUT};
        deliver(k, &in);
        return;
    }
    int64_t warn_at = (int64_t)((st->inactivity_s * f - st->warn_s) * RATE);
    /* Not over speech, which it would drop (an answer being given), but
     * talk nearby that never ends delays it WARN_DELAY_MAX at most. */
    int64_t idle = k->t - k->last_activity;
    if (waiting && !k->warned && idle >= warn_at &&
        (!k->in_speech || idle >= warn_at + WARN_DELAY_MAX)) {
        k->warned = true;
        listen_after_aside(k);
        aside_system(k, "control.warning");
    }
}

/* ---- device loss --------------------------------------------------------- */

/* Ends the session with nothing said (there is no speaker) and wipes it. */
static void end_unheard(vk_kiosk *k, const char *reason)
{
    vk_actions acts = {0};
    if (!vk_dialog_ended(k->dialog))
        vk_dialog_on_inactive(k->dialog, &acts); /* marks it ended */
    vk_actions_clear(&acts);
    vk_events_end(k->ev, now_s(k), reason);
    k->ending = NULL;
    k->active = false;
    k->sessions_ended++;
    wipe(k);
    listen_from_now(k, "answer");
}

/* Called each tick after the read; true while the device is gone (see
 * audio_retry).  Then the session is paused: nothing is heard, said or
 * timed, except that a loss longer than the inactivity timeout ends the
 * session and wipes the answers.  When the device is back, the dialog
 * says the device.back notice and the current step again, and the
 * inactivity clock resumes where it stopped. */
static bool device_away(vk_kiosk *k, vk_audio *dev)
{
    bool lost = vk_audio_get_state(dev) == VK_AUDIO_LOST;
    if (lost && !k->dev_away) {
        k->dev_away = true;
        k->dev_lost_at = k->t;
        vk_events_simple(k->ev, now_s(k), "device_lost");
        k->lost_listening = k->active && k->listening;
        drop_turn(k);
        /* It cannot be said; a person who reads the screen is told. */
        if (k->opts.captions)
            vk_captions_status(k->opts.captions,
                               vk_script_system(k->script, "device.lost"));
        k->awaiting_reply = false;
        if (k->active && k->ending)
            end_unheard(k, k->ending); /* only the goodbye was left */
    } else if (!lost && k->dev_away) {
        k->dev_away = false;
        vk_events_simple(k->ev, now_s(k), "device_back");
        if (k->opts.captions)
            vk_captions_status(k->opts.captions, NULL);
        if (k->active) {
            k->last_activity += k->t - k->dev_lost_at;
            /* The notice and the step said again must be heard, even if
             * the person had paused the speech before the loss. */
            if (k->ctl.paused)
                set_paused(k, false);
            vk_actions acts = {0};
            vk_dialog_on_device_back(k->dialog, &acts);
            perform(k, &acts);
        }
    }
    if (k->dev_away && k->active &&
        k->t - k->dev_lost_at >= (int64_t)(k->opts.settings.inactivity_s *
                                           k->ctl.time_factor * RATE))
        end_unheard(k, "timeout");
    return k->dev_away;
}

/* A key while the device is gone.  An answer key (yes, no, not sure) to
 * the question the kiosk was waiting on when the device went counts, as
 * if pressed a moment before: the person heard that question whole, and a
 * yes to sign 3 must reach the crisis contacts, said when the device is
 * back (vk_dialog_on_device_back says the new step).  Only the first:
 * what comes after it has not been heard.  Any other key now would act on
 * something nobody can hear, so it does nothing. */
static void key_while_lost(vk_kiosk *k, int key)
{
    const char *action = vk_keymap_action(&k->opts.settings.keys, key);
    if (!k->lost_listening || !action ||
        (strcmp(action, "yes") != 0 && strcmp(action, "no") != 0 &&
         strcmp(action, "unsure") != 0))
        return;
    vk_events_key(k->ev, now_s(k), vk_key_name(key), action);
    k->lost_listening = false;
    vk_input in = {.kind = VK_IN_KEY, .meaning = action};
    deliver(k, &in);
    drop_turn(k); /* what the dialog says next: when the device is back */
    if (k->active && k->ending)
        end_unheard(k, k->ending);
}

/* The headphones stopped working (unplugged, their stream failed or
 * stalled).  From now on everything goes to the speaker, as when they are
 * missing at start: a person who cannot see the screen must still hear
 * the summary and the contacts, above all the crisis contacts.  The
 * notice is said at once; after it the sentence it cuts off starts again,
 * or, in the summary, the contacts or the crisis contacts, the whole step
 * (the seconds of it that went to the failing headphones may hold a phone
 * number nobody heard).  Each later session starts with the notice too. */
static void headphones_gone(vk_kiosk *k)
{
    k->opts.headphones_missing = true;
    fprintf(stderr, "voice-kiosk: the headphones stopped working; private "
                    "listening is off and everything is said on the speaker. "
                    "Connect them again: the kiosk tries them between "
                    "sessions.\n");
    vk_events_simple(k->ev, now_s(k), "headphones_missing");
    if (!k->active)
        return;
    /* Any of it for the headphones only, even behind an aside ("Louder."
     * in front of the crisis contacts) or in one ("say the last sentence
     * again"): the whole step again, on the speaker. */
    bool personal = false;
    for (int i = 0; i < k->qlen; i++)
        personal |= k->queue[(k->qhead + i) % QUEUE_MAX].personal;
    if (personal) {
        drop_turn(k);
        vk_actions acts = {0};
        vk_dialog_say_again(k->dialog, &acts);
        perform(k, &acts);
    } else {
        listen_after_aside(k);
    }
    say_aside(k, "system.headphones.missing",
              vk_script_system(k->script, "headphones.missing"));
}

/* Between sessions, headphones that were missing or failed are tried
 * again; the next session is private again, without the notice. */
static void retry_headphones(vk_kiosk *k)
{
    if (!k->opts.headphones_missing || !k->opts.retry_headphones || k->active ||
        k->qlen > 0)
        return;
    vk_audio *ph = k->opts.retry_headphones(k->opts.retry_headphones_ctx, k->t);
    if (!ph)
        return;
    k->opts.headphones = ph;
    k->opts.headphones_missing = false;
    k->phones_full = 0;
    fprintf(stderr, "voice-kiosk: the headphones work again; private "
                    "listening is on.\n");
    vk_events_simple(k->ev, now_s(k), "headphones_back");
}

/* A simulation stops after its sessions. */
static bool sessions_done(const vk_kiosk *k)
{
    return k->sessions_ended >= (k->opts.sessions > 0 ? k->opts.sessions : 1);
}

/* ---- barge-in ------------------------------------------------------------ */

static void barge_resume(vk_kiosk *k)
{
    if (!k->barge_paused)
        return;
    k->barge_paused = false;
    /* Someone talking nearby without a break must not hold the prompt
     * forever: after one false alarm it plays on (a confident result
     * still stops it). */
    k->pause_spent = true;
    vk_events_simple(k->ev, now_s(k), "barge_resume");
}

/* May an unsure result (the confirm band) heard during a barge-in pause
 * act?  An answer or "stop" is asked back by the dialog, "repeat" and the
 * controls are harmless; "back", "skip" and "help" act at once and noise
 * during a prompt came back as "back" (bench/barge_bench.py), so they need
 * the accept band. */
static bool unsure_ok(const vk_heard *h)
{
    static const char *const sure_only[] = {"back", "skip", "help"};
    for (size_t i = 0; i < sizeof sure_only / sizeof *sure_only; i++)
        if (strcmp(h->meaning, sure_only[i]) == 0)
            return false;
    return h->confidence >= VK_ASR_CONFIRM;
}

/* Did both decoding passes hear the same meaning?  Every noise clip that
 * stopped a question (bench/barge_bench.py, both rooms, and 2 of 36 at
 * 0 dB echo in the accept band) was rejected by the live pass (raw score
 * 0.004-0.08) or heard as something else ("back", "stop", "softer"), and
 * came out as "nope" or "yep" only from the second pass, whose cepstral
 * mean is taken over the utterance itself and so flattens a noise into
 * something word-like; the real words the second pass decided agreed in
 * 37 of 40 trials.  (Other words heard as an answer, "go" as "no", agree
 * too: this does not stop those.)  A normal turn still takes the second
 * pass alone (the person is answering then); an interruption needs both. */
static bool passes_agree(const vk_heard *h)
{
    return strcmp(h->live_meaning, h->meaning) == 0;
}

/* A result heard over a prompt that asks nothing (an explanation, the
 * greeting, an aside): the person's controls act, "repeat" says the
 * sentence again, "stop" pauses the speech (nothing is lost: "continue"
 * or any key goes on) and "help" is given in front of the sentence, which
 * then goes on; true if it was one of those. */
static bool barge_control(vk_kiosk *k, const vk_heard *h)
{
    const char *m = h->meaning;
    bool help = strcmp(m, "help") == 0;
    if (strcmp(m, "stop") == 0)
        m = "pause";
    else if (strcmp(m, "repeat") == 0)
        m = "repeat_last";
    if (!help && !vk_controls_is_control(m))
        return false;
    vk_events_heard(k->ev, now_s(k), h->meaning, h->words, h->confidence);
    touch(k);
    k->barge_paused = false;
    k->barge_armed = false;
    if (help)
        aside_system(k, "help");
    else
        handle_control(k, m);
    return true;
}

/* Hearing while the kiosk speaks (not a safety message).  The prompt
 * pauses (holds its place, goes silent) the moment the recogniser finds
 * speech that the echo module confirms is a person, so a person is never
 * talked over and no more echo reaches the microphone.  Once paused for a
 * person, a result with a meaning (the confirm band or above, but see
 * unsure_ok) is taken as in a normal turn: during a question it stops the
 * prompt and goes to the dialog (which says an unsure answer back, and
 * takes a yes or not sure on the way to the crisis contacts at once); over
 * any other prompt only the person's controls act.  Either way both
 * decoding passes must agree on the meaning (passes_agree), but for a yes
 * or not sure toward the crisis contacts.  Without a pause (someone
 * talked through an earlier false alarm) only the accept band acts.  Anything
 * else (a cough, noise, someone else talking, a rejected result) lets the
 * prompt go on where it was. */
static void barge_feed(vk_kiosk *k, vk_asr_state st, const vk_heard *h,
                       bool question, bool safety)
{
    /* Until the echo canceller has settled (the first seconds the kiosk
     * ever speaks), what is heard over a prompt may be the prompt itself
     * (at 0 dB of echo the live VAD cut the greeting's own echo into
     * "louder" and "continue", e2e.echo_self): nothing heard then counts,
     * and nothing is reported. */
    if (k->echo && !vk_echo_settled(k->echo))
        return;
    if (safety) {
        /* Over a safety message (the crisis contacts) nothing pauses or
         * stops it: only a confident control that leaves it playing acts
         * (louder, slower, "repeat that", more time ...); pause and stop
         * are keys there, so that no sound can cut it short. */
        if (st != VK_ASR_DONE)
            return;
        /* "softer" only back down to the site's volume: someone nearby
         * must not make the numbers hard to hear (a key still can). */
        bool quieter = strcmp(h->meaning, "softer") == 0 &&
                       k->ctl.volume_db <= k->opts.settings.volume_default_db;
        bool keeps_playing =
            (vk_controls_is_control(h->meaning) &&
             strcmp(h->meaning, "pause") != 0 &&
             strcmp(h->meaning, "continue") != 0 && !quieter) ||
            strcmp(h->meaning, "help") == 0;
        if (!(h->confidence >= VK_ASR_ACCEPT &&
              (keeps_playing || strcmp(h->meaning, "repeat") == 0) &&
              barge_control(k, h)))
            vk_events_heard(k->ev, now_s(k), h->meaning, h->words,
                            h->confidence);
        return;
    }
    /* The echo module confirms a person: the recogniser's VAD alone can
     * fire on the faint residual of the kiosk's own voice. */
    bool person = !k->echo || vk_echo_near_end(k->echo);
    /* The echo module knows a person speaks 80 ms before the VAD does (it
     * needs 40 ms of sound well above the echo, the VAD 100 ms of speech;
     * measured on every recording of bench/barge_bench.py), and the pause
     * waited for the VAD.  So 60 ms of such sound pauses the prompt at
     * once; if the VAD finds no speech in the next 200 ms (a click, a
     * clatter) the prompt goes on, and from then on in this prompt only
     * the VAD pauses it, so a noisy room can not make it stutter. */
    bool early = !k->early_spent && k->echo && st == VK_ASR_IDLE &&
                 vk_echo_near_frames(k->echo) >= VK_ECHO_EARLY_FRAMES;
    if (!k->barge_paused && !k->pause_spent &&
        ((st == VK_ASR_SPEECH && person) || early)) {
        k->barge_paused = true;
        k->barge_paused_at = k->t;
        k->pause_early = st != VK_ASR_SPEECH;
        vk_events_simple(k->ev, now_s(k), "barge_pause");
    } else if (k->barge_paused && k->pause_early && st == VK_ASR_SPEECH) {
        k->pause_early = false; /* the VAD confirms it */
    } else if (k->barge_paused && k->pause_early && st == VK_ASR_IDLE &&
               k->t - k->barge_paused_at >= BARGE_EARLY_WAIT) {
        k->barge_paused = false;
        k->pause_early = false;
        k->early_spent = true;
        vk_events_simple(k->ev, now_s(k), "barge_resume");
    } else if (st == VK_ASR_DONE) {
        /* Except toward the crisis contacts: a yes or not sure on sign 3
         * acts on the second pass alone, as in a normal turn.  Noise taken
         * for "yep" there costs a person the crisis numbers they did not
         * need; a real yes held back until the question ends could cost
         * the moment (e2e.barge_sign3). */
        bool crisis =
            question && vk_dialog_toward_crisis(k->dialog, h->meaning);
        bool agree = passes_agree(h) || crisis;
        /* Unpaused (the prompt's one pause went on a false alarm), only the
         * accept band acts, but for that same yes or not sure: held back,
         * it would wait for the question to end and a reprompt. */
        bool act = h->meaning[0] && agree &&
                   (h->confidence >= VK_ASR_ACCEPT ||
                    ((k->barge_paused || crisis) && unsure_ok(h)));
        if (act && question) {
            /* on_heard acts on a control without stopping the speech. */
            k->barge_paused = false;
            if (!vk_controls_is_control(h->meaning))
                interrupt(k);
            else
                k->barge_armed = false;
            on_heard(k, h);
            return;
        }
        if (act && barge_control(k, h))
            return;
        vk_events_heard(k->ev, now_s(k), h->meaning, h->words, h->confidence);
        barge_resume(k);
    } else if (k->barge_paused &&
               k->t - k->barge_paused_at >= BARGE_MAX_PAUSE) {
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
        int64_t inactivity = (int64_t)(k->opts.settings.inactivity_s *
                                       k->ctl.time_factor * RATE);
        vk_err e = vk_audio_read(dev, mic, VK_AUDIO_FRAME);
        if (e != VK_OK)
            return e;
        if (device_away(k, dev)) {
            int key = keys ? keys(key_ctx, k->t) : 0;
            if (key)
                key_while_lost(k, key);
            k->t += VK_AUDIO_FRAME;
            k->stats.session_s = now_s(k);
            /* Waiting for the device is the loop working, not hung. */
            if (k->opts.on_tick)
                k->opts.on_tick(k->opts.tick_ctx, k->t);
            if (k->opts.simulate && !k->active && sessions_done(k))
                return VK_OK;
            if (k->opts.max_seconds > 0 && now_s(k) > k->opts.max_seconds)
                return VK_ERR_LIMIT;
            continue;
        }
        if (k->echo)
            vk_echo_capture(k->echo, mic);
        int key = keys ? keys(key_ctx, k->t) : 0;
        if (key)
            on_key(k, key);

        /* Hear only while listening (or between sessions, to notice a
         * person), so the kiosk never hears its own prompts. */
        /* Barge-in: while the kiosk speaks, hear too: answers and commands
         * during a question, the person's controls during any other prompt,
         * and over a safety message only confident controls that leave it
         * playing (barge_feed). */
        bool safety = vk_dialog_in_safety(k->dialog) ||
                      (k->qlen > 0 && k->queue[k->qhead].safety);
        bool barge = k->opts.barge_in && !k->opts.keys_only && k->active &&
                     !k->ctl.paused && k->qlen > 0 && !k->listening &&
                     !k->pause_listening;
        /* Everything said on the way to a question (a reprompt, the help,
         * the question itself) takes its answers: a person who knows the
         * answer need not wait for the help to end.  But not the answer
         * said back: a word over "You answered no." is about the question
         * before, and taken for the next one it could answer sign 3
         * before it was asked. */
        bool question =
            barge && !safety && k->pending_listen && !saying_answer_back(k);
        const char *bctx = question ? k->pending_listen : "command";
        if (barge && (!k->barge_armed || strcmp(bctx, k->barge_context))) {
            k->barge_armed = true;
            k->barge_context = bctx;
            k->pause_spent = false;
            k->early_spent = false;
            listen_from_now(k, bctx);
        }
        bool hear = !k->opts.keys_only &&
                    (k->listening || barge ||
                     (k->pause_listening && !k->pause_line_playing) ||
                     (!k->active && k->qlen == 0));
        if (hear) {
            vk_heard h;
            clock_gettime(CLOCK_MONOTONIC, &k->tick_wall);
            vk_asr_state st =
                vk_recognizer_feed(k->rec, mic, VK_AUDIO_FRAME, &h);
            k->in_speech = st == VK_ASR_SPEECH;
            if (st != VK_ASR_DONE) {
                if (barge)
                    barge_feed(k, st, &h, question, safety);
            } else if (k->active && k->listening) {
                on_heard(k, &h);
            } else if (k->active && k->pause_listening) {
                on_heard_paused(k, &h);
            } else if (k->active && barge) {
                barge_feed(k, st, &h, question, safety);
            } else if (!k->active && k->qlen == 0) {
                on_heard_idle(k, &h);
            }
        } else {
            k->barge_armed = false;
        }
        if (!barge)
            k->barge_paused = false;
        check_timeouts(k);
        /* Not over speech, which may be the answer that shows the person
         * is there (sign 3's yes), but talk nearby that never ends gets
         * WARN_DELAY_MAX at most. */
        int64_t idle = k->t - k->last_activity;
        if (k->active && !k->ending && idle >= inactivity &&
            (!k->in_speech || idle >= inactivity + WARN_DELAY_MAX)) {
            vk_actions acts = {0};
            if (k->ctl.paused) /* the goodbye must play, then the wipe */
                set_paused(k, false);
            drop_turn(k);
            vk_dialog_on_inactive(k->dialog, &acts);
            perform(k, &acts);
        }

        bool had = k->qlen > 0, personal;
        bool drained = render(k, spk, VK_AUDIO_FRAME, &personal);
        if (k->pause_line_playing && k->ctl.paused && pause_line_over(k))
            pause_listen_now(k);
        if (private_listening(k)) {
            /* Private listening: everything to the headphones; the summary
             * and contacts not to the room.  Headphones that fail are given
             * up for the speaker (see headphones_gone). */
            vk_err pe = vk_audio_write(k->opts.headphones, spk, VK_AUDIO_FRAME);
            k->phones_full = pe == VK_ERR_LIMIT ? k->phones_full + 1 : 0;
            if (pe == VK_ERR_DEVICE || k->phones_full >= PHONES_STALLED)
                headphones_gone(k);
            else if (personal)
                memset(spk, 0, sizeof spk);
        }
        if (k->echo)
            vk_echo_playback(k->echo, spk); /* exactly what the speaker gets */
        e = vk_audio_write(dev, spk, VK_AUDIO_FRAME);
        if (e != VK_OK)
            return e;
        k->t += VK_AUDIO_FRAME;
        retry_headphones(k);
        vk_alert_poll(k->alert); /* a failed staff alert is logged */
        if (k->opts.on_tick)
            k->opts.on_tick(k->opts.tick_ctx, k->t);
        if (k->active && (drained || (!had && k->qlen == 0 && !k->listening)))
            on_drained(k);
        else if (!k->active)
            wake_tick(k);
        k->stats.session_s = now_s(k);
        if (k->opts.simulate && !k->active && sessions_done(k))
            return VK_OK;
        if (k->opts.max_seconds > 0 && now_s(k) > k->opts.max_seconds)
            return VK_ERR_LIMIT;
    }
    /* Stopped by a signal: whatever was said is forgotten. */
    wipe(k);
    return VK_OK;
}
