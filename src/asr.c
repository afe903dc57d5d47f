/*
 * asr: PocketSphinx recogniser with endpointing and rejection.
 *
 * Two decoders read the same audio in 10 ms steps: one runs the JSGF
 * grammar of the current context, the other an unconstrained phone loop
 * (-allphone_ci, context-independent phones).  The grammar decoder's VAD
 * (ps_get_in_speech) marks utterance start and end; the end-of-speech window
 * is -vad_postspeech = end_silence_ms (default 300 ms).
 *
 * Second pass: live decoding normalises each frame with the cepstral mean
 * of earlier audio (-cmn live), which is wrong at the start of every
 * utterance whose noise or channel differs; measured, only 68% of yes/no
 * clips at 10 dB SNR came out right before any confidence, where stock
 * batch decoding (mean over the whole utterance) gets about 90%.  So the
 * audio of the utterance is kept (vk_asr_pre_ms before the VAD's start,
 * the speech, the quiet that ended it; at most VK_ASR_MAX_UTT_MS, else the
 * live result stands) and decoded again by a second grammar decoder and
 * phone loop set to -cmn batch -remove_silence no (of the closing quiet
 * only 150 ms is fed again): the words and the confidence come from that
 * pass, whose logistic also takes the live pass's logit (right before any
 * confidence: 10 dB 68 -> 82%, 5 dB -> 75%, clean 93%).  The live pass
 * still finds the ends of speech and decides early ends, and a live result
 * already in its own accept band is kept as is (no second pass).  Only RAM
 * holds the audio; it is dropped when the utterance has been decoded.
 *
 * The second pass is a function of its utterance's audio alone: it starts
 * a fresh front-end stream each time, whose noise estimate is first warmed
 * on the utterance's own pre-roll (decoded once and thrown away, as the
 * old pass's estimate had seen the room at the end of the utterance
 * before), and it dithers with a generator of its own (dither_copy)
 * instead of PocketSphinx's one global generator.  Nothing decoded before
 * moves its result.  That is what lets it run ahead, on a worker thread: a
 * probe front end gives each 10 ms step's speech decision, and once it has
 * heard vk_asr_post_ms of non-speech, the audio the pass needs is all here
 * and the live VAD will end the utterance (end_frames - keep) steps later
 * unless speech comes back.  The worker decodes it then, during the
 * end-of-speech window; at the end the loop takes the result if the job
 * was for exactly the audio the pass needs now, else (speech came back,
 * the probe and the VAD disagreed by a frame, a flush) it decodes on the
 * loop thread.  Either way the result is the same (test recognition.ahead);
 * only the time it costs the turn differs (README, Benchmarks).
 * VK_ASR_AHEAD=0 turns the worker off for before/after measurements.
 *
 * Early end (grammar-aware): once 150 ms (early_end_ms) of the window are
 * quiet, the path so far is scored; if its words are a phrase the caller
 * calls complete (vk_asr_set_complete) and it is in the accept band, the
 * utterance ends then (turn gap median 280 -> 130 ms on the all-yes
 * scenario).  Quiet is 25 dB under the utterance's loudest 10 ms, so in
 * steady noise the full window is kept.  The live decoders' final result
 * may still want the second pass, whose run-ahead job (started by the
 * probe's count, not this one) is then seldom this audio's; when the audio
 * comes at a card's pace (vk_asr_set_paced) the worker is given it and the
 * utterance is held, still speech to the caller, until the pass is done
 * (the hold), and the audio that comes meanwhile is fed after the result.
 * Before the hold that pass ran on the loop thread: 96-112 ms of compute
 * at p95 in a session whose answers were said back (README, Benchmarks).
 * The pass of an early end keeps only 50 ms of the closing quiet
 * (vk_asr_early_keep_ms), so the worker can begin it 100 ms before the
 * early end, once the path so far would end early (the head start): a
 * held turn then waits a few ms for it instead of the whole pass (85-126
 * ms).  Paced or not, an early end's pass decodes the same audio.
 *
 * Rejection: with a small grammar PocketSphinx returns some grammar word for
 * almost any sound.  The phone loop is the best score any sequence of sounds
 * can reach on the same frames, so a word truly present scores close to it,
 * and a grammar word forced onto another word or noise scores far below.
 * Five features (per-frame word-minus-loop score, the same over the whole
 * utterance, word length, share of frames in words, shortest word; in the
 * second pass also the live pass's logit) go through a logistic fitted by
 * bench/asr_lab/fit2.py on the tune half of speakers over every phrase of the
 * answer context: the recordings' yes/no/stop plus eSpeak NG renderings of each
 * answer and command phrase (8 voices x 3 rates, decoded in the answer and
 * command contexts) as positives; the recordings' other words, sentences and
 * noise, and phrases of other contexts, as negatives.  (Adding the menu
 * renderings to the fit lowered the recordings' accept-band accuracy, so they
 * only check it.)  All features are acoustic and per-frame or per-utterance,
 * none counts grammar phrases, so adding commands to a grammar does not move
 * the scale (an earlier fit on yes/no/stop alone put eSpeak-voiced commands and
 * "nope" far below the confirm band).  Word identity is not a feature.  Tried
 * and dropped: a "+SPN+" garbage word in the grammar (no effect) and a weighted
 * phone loop inside the grammar (a worse trade-off than the score
 * comparison).  The numbers are in bench/asr_lab/README.md and the README;
 * the goals of issue 3 are NOT reached with this acoustic model.
 *
 * Rivals: the phone loop says how well any sounds fit; it cannot say that
 * another real word fits better.  So the second pass first decodes the
 * utterance with the context's phrases and a few hundred common English
 * words beside them (vk_asr_opts.rivals_path, acoustic/en-us/rivals: the
 * most frequent words of pocketsphinx-en-us's language model that no
 * grammar uses; a rival that is a context word or sounds exactly like one
 * is left out per context).  If a rival word wins that decode by more
 * than a small margin (VK_ASR_RIVAL_MARGIN), the grammar's result is
 * rejected; if no rival word is in its best path at all, a result just
 * below the confirm band is lifted into it (VK_ASR_RAW_CONFIRM_AGREED):
 * said back for confirmation.  Round 9 in bench/asr_lab/README.md: fewer
 * other words accepted, more answers heard.  Against a single heard word,
 * a rival one consonant away from it ("yet" for "yes", "though" for
 * "no": the final or first consonant is what noise masks) does not stop
 * the lift; it still counts for the rejection (round 10: yes/no at 10 and
 * 5 dB +1-2 points, no more wrong answers).  In a clean utterance (the
 * loudest frames VK_ASR_CLEAN_SNR_DB over the quietest, utt_snr), a rival
 * that is not within one phone of any heard word rejects the result by
 * any margin: there a real word fitting better means another word was
 * said ("left" heard as "yes"), while in noise rival words come into the
 * path by chance (round 11).
 *
 * Spare speech: words found inside something longer ("hold on" in a
 * four-second sentence) can match well where they are.  The phone loop
 * marks what was speech; if more than a second of it lies outside the
 * grammar's words (VK_ASR_MAX_SPARE), the result is rejected, in either
 * pass (spare_check).  Round 10: sentences accepted 2 of 22 -> 0.
 *
 * Fast start: no dictionary is loaded at ps_init; add_context streams the
 * CMU dictionary once and ps_add_word()s the first pronunciation of each
 * word it needs (alternates such as "word(2)" are skipped: added this way,
 * they crash the next ps_set_jsgf_string in fsg_model_word_id) (create 17-24 ms
 * for both decoders, add_context 12-23 ms).  Nothing is written to disk.
 * PocketSphinx logging is switched off (err_set_logfp(NULL)) unless
 * VK_ASR_DEBUG is set.  JSGF tags in braces are accepted and ignored by
 * PocketSphinx's parser, so the grammar text can be passed as is.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#define _POSIX_C_SOURCE 200809L
#include "asr.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fe.h>
#include <sphinxbase/feat.h>

#include "mem.h"

/* Operating points of the second pass's logistic score.  The weights were
 * fitted on tune half A with the live VAD at 3.0 (bench/asr_lab/
 * run_kiosk.sh v3 -gx -vad_threshold 3.0 -plx -vad_threshold 3.0, then
 * fit3.py v3 --fit-2 --place).  The cuts were placed again for the adapted
 * means (acoustic/README.md) on half A (bench/asr_lab/README.md, round 8):
 * RAW_CONFIRM out of fold (each speaker scored by means adapted without
 * them), where other words were accepted less often than with the stock
 * means at the old cut (9.8% vs 12.1%; was 0.645); RAW_ACCEPT and
 * RAW_ACCEPT_LIVE together, on full runs of the benchmark, up to where the
 * results in the accept band were right at least 99.5% of the time (the
 * recognition goal; they were placed for 99% before, at 0.905 and 0.93).
 * The bands the dialog uses, VK_ASR_ACCEPT and VK_ASR_CONFIRM, live in
 * asr.h; the returned confidence is remapped piecewise-linearly so that
 * RAW_ACCEPT lands exactly on VK_ASR_ACCEPT and RAW_CONFIRM on
 * VK_ASR_CONFIRM, whatever values the header holds. */
#define VK_ASR_RAW_ACCEPT 0.946
#define VK_ASR_RAW_CONFIRM 0.6645
/* The live logistic's cuts (measured with its weights before the second
 * pass: accepted answers right 79/80, other words accepted 11%; the accept
 * cut raised with RAW_ACCEPT, above: at 0.93 a live "two" was kept as
 * "yes").  A live result at or above RAW_ACCEPT_LIVE ends early and is not
 * decoded again. */
#define VK_ASR_RAW_ACCEPT_LIVE 0.960
#define VK_ASR_RAW_CONFIRM_LIVE 0.65
/* Rivals (see the top): a second-pass result at or above the confirm cut
 * is rejected when a rival word's path scores more than VK_ASR_RIVAL_MARGIN
 * better than the grammar's (PocketSphinx path score units: log base
 * 1.0001).  Placed on half A of the recordings, where it rejected the most
 * false accepts for at most a point and a half of yes/no in noise
 * (bench/asr_lab/README.md, round 9). */
#define VK_ASR_RIVAL_MARGIN 100
/* ... and the other way: a second-pass result from this raw score up to
 * the confirm cut, whose rival decode kept to the grammar's phrases (no
 * rival word in its best path), is lifted to the bottom of the confirm
 * band: said back for confirmation, never acted on at once.  Placed on
 * half A as the lowest cut at which no more other words were accepted
 * (round 9). */
#define VK_ASR_RAW_CONFIRM_AGREED 0.54
#define VK_ASR_MAX_RIVALS 1000
/* Speech the words leave unexplained (phone-loop frames, 10 ms, of sounds
 * other than silence and noise outside the grammar's words) above which a
 * result is rejected: "hold on" found in a four-second sentence.  Right
 * answers, recorded and eSpeak NG's, left at most 64 (lab, round 10). */
#define VK_ASR_MAX_SPARE 100
/* Below this raw score the words are blanked: a plain rejection. */
#define VK_ASR_RAW_REJECT 0.30
/* A clean utterance: its estimated signal-to-noise ratio (utt_snr) at or
 * above this many dB.  There, any rival word in the rival decode's path
 * that is not within one phone of a heard word rejects the result, by any
 * margin (round 11).  The recordings as recorded are mostly above it (5th
 * percentile 20.5 dB), the 10 dB mixes below (95th percentile 15.5). */
#define VK_ASR_CLEAN_SNR_DB 20.0

#define VK_ASR_RATE 16000
#define VK_ASR_DEFAULT_MODEL "/usr/share/pocketsphinx/model/en-us/en-us"
#define VK_ASR_DEFAULT_DICT                                                    \
    "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
#define VK_ASR_DEFAULT_END_MS 300
#ifndef VK_ASR_DEFAULT_EARLY_MS
#define VK_ASR_DEFAULT_EARLY_MS                                                \
    150 /* -1 = off, for before/after benchmarks                               \
         */
#endif
#define VK_ASR_MAX_CONTEXTS 16
#define VK_ASR_SUB 160 /* samples per internal step: one 10 ms frame */

/* Logistic confidence of the second pass, fitted by bench/asr_lab/fit3.py
 * (IRLS) on tune half A (recordings clean + 10 dB noise, eSpeak
 * renderings of every grammar phrase weighted like recordings, fed as
 * `recognize` feeds them), false accepts weighted twice:
 *   conf = 1 / (1 + exp(-(w0 + w1*dw/10 + w2*d/10 + w3*(ln(wframes)-3.5)
 *                         + w4*wframes/nframes + w5*minw/20)))
 * dw: per-frame (grammar words - phone loop) acoustic score on the words'
 *     frames; d: the same over the whole utterance including fillers;
 * wframes: frames in grammar words; minw: frames of the shortest word.
 * Word identity is deliberately NOT a feature (the recordings only hold
 * yes/no/stop; a word prior would be learnt from eSpeak alone). */
static double vk_asr_w[7] = {1.3408, 0.2068, 2.1391, -0.5323,
                             2.9735, 0.5602, 3.1424};
/* The live pass's own logistic (same features, fitted on live decoding
 * before the second pass existed): it decides early ends, scores an
 * utterance too long for the second pass, and its logit z (clamped to
 * +-10) is the second pass's seventh feature, w[6] * z / 10. */
static const double vk_asr_w_live[6] = {2.9155,  0.8219, 1.7048,
                                        -0.2797, 2.7536, -0.1320};
static int vk_asr_use_phone_loop = 1;
/* Extra decoder settings ("-name", "value" pairs) the lab tries out:
 * [0] for the grammar decoder, [1] for the phone loop, [2] and [3] for the
 * same in the second pass. */
static const char *vk_asr_extra[4][16];
/* The lab turns blanking off to see every hypothesis it fits on. */
static int vk_asr_blank_below_reject = 1;
/* Second pass (see the top): on, and the audio kept before the VAD's
 * start of speech (ms).  The lab varies both. */
static int vk_asr_use_second_pass = 1;
static int vk_asr_pre_ms = 400;
static int vk_asr_post_ms = 150; /* quiet kept after the speech */
/* Of an early end's closing quiet the second pass decodes only this much
 * (ms), so that its job can start the rest of early_end_ms before the
 * early end (the head start; see "Early end" at the top).  The lab varies
 * it (VK_ASR_EARLY_KEEP_MS). */
static int vk_asr_early_keep_ms = 50;
/* 0: the second pass runs even on a live result in its accept band (the
 * lab, to fit on every utterance; the result then is the second pass's). */
static int vk_asr_keep_live_accept = 1;
/* 0: no worker thread; every second pass runs when its utterance ends (the
 * before/after benchmarks, VK_ASR_AHEAD=0). */
static int vk_asr_ahead = 1;
/* 0: no spare_check (VK_ASR_SPARE=0, for before/after measurements). */
static int vk_asr_spare = 1;
/* 0: every rival word counts, even one a consonant from the heard word
 * (VK_ASR_NEAR=0: round 9's rule, for bench/asr_lab/rivals/near.py). */
static int vk_asr_near = 1;
/* 0: no stricter rival veto in a clean utterance (VK_ASR_CLEAN=0, round
 * 10's rule, for before/after measurements). */
static int vk_asr_clean = 1;
/* Longest utterance the second pass re-decodes (speech + trailing window);
 * a longer one keeps the live result (it is no short answer anyway), which
 * spare_check still judges. */
#define VK_ASR_MAX_UTT_MS 3000

typedef struct vk_asr_ctx {
    char *name;
    char *rivals; /* its search with the rival words, in ps2; NULL = none */
    char **near;  /* per rival word: the context's words one consonant
                     away from it, each followed by a space; NULL = none */
    char **close; /* the same for the words within one phone of it (one
                     phone changed, added or left out) */
} vk_asr_ctx;

/* Raw measurements of the last utterance; the lab reads these. */
typedef struct vk_asr_feats {
    int nframes;       /* frames searched by the grammar decoder */
    int pl_nframes;    /* frames searched by the phone loop */
    long g_ascr;       /* grammar path acoustic score (all segments) */
    long pl_ascr;      /* phone-loop path acoustic score */
    long g_score;      /* ps_get_hyp path score */
    int nwords;        /* words in hypothesis (no fillers) */
    double raw;        /* logistic score before the remap onto the bands */
    double d;          /* (g_ascr - pl_ascr) / nframes */
    int wframes;       /* frames inside grammar words (not fillers/silence) */
    long w_ascr;       /* acoustic score of those words */
    double w_pl;       /* phone-loop score over the same frames */
    double dw;         /* (w_ascr - w_pl) / wframes */
    int minw;          /* frames of the shortest word */
    double live_z;     /* second pass: the live pass's logit (feature 7) */
    long rival_margin; /* rival path score minus the grammar's (0 = none won) */
    int rival_veto;    /* the result was rejected for a rival */
    int rival_lift;    /* lifted into the confirm band: no rival came near */
    int spare;         /* phone-loop speech frames outside the grammar words */
    int spare_veto;    /* the result was rejected for them */
    double snr;        /* second pass: estimated SNR of the utterance (dB) */
    int rival_strange; /* a rival in the path is not within a phone of a
                          heard word (rival_check) */
} vk_asr_feats;

struct vk_asr {
    ps_decoder_t *ps;        /* grammar decoder; its VAD drives endpointing */
    ps_decoder_t *pl;        /* phone-loop decoder fed the same audio */
    ps_decoder_t *ps2, *pl2; /* second pass: the same, CMN over the utterance */
    int16_t *buf;            /* this utterance's audio, pre-roll first */
    int16_t *buf2;           /* the second pass's dithered copy of it */
    size_t blen, bcap, pre;  /* samples held / room / pre-roll kept idle */
    int overflow;            /* utterance longer than the buffer */
    char *dict_path;
    vk_asr_ctx ctx[VK_ASR_MAX_CONTEXTS];
    char **rival;      /* rival words (opts.rivals_path) */
    char **rival_pron; /* their pronunciations; NULL = not in the dictionary */
    size_t nrival;
    /* The rival decode of the last second pass, written by whoever ran it
     * (the worker, or the loop after wait_idle). */
    long rv_score; /* its best path's score */
    int rv_won;    /* a rival word is in that path (rival_check) */
    int rv_far;    /* one that is not a consonant from the heard word (ditto) */
    double utt_snr;   /* utt_snr of the audio the second pass decoded */
    int rv_ran;       /* the rival decode ran */
    int rv_ctx;       /* for this context */
    char rv_hyp[128]; /* its words */
    size_t nctx;
    int cur, pending; /* context index in use / to switch to (-1 none) */
    int in_utt;       /* ps_start_utt called */
    int in_speech;
    unsigned long long pos;       /* samples since reset */
    unsigned long long speech_at; /* sample where speech was detected */
    int end_frames;               /* -vad_postspeech */
    int early_frames;             /* quiet that may end a complete phrase */
    int quiet_frames;             /* quiet 10 ms steps at the end so far */
    double peak;                  /* loudest step energy of this utterance */
    unsigned long early_ends;     /* utterances ended early (lab) */
    vk_asr_complete_fn complete;  /* borrowed; NULL = no early end */
    void *complete_user;
    vk_asr_complete_fn spared; /* borrowed; NULL = none (rival_check) */
    void *spared_user;
    vk_asr_result res;
    vk_asr_feats feats;
    vk_asr_feats lfeats; /* the live pass's, kept when a second pass ran */
    int did2;            /* the last result came from the second pass */
    /* The second pass run ahead on a worker thread (see the top). */
    fe_t *probe;              /* front end whose VAD decides each 10 ms */
    mfcc_t probe_mem[8 * 16]; /* its cepstra (not used) */
    mfcc_t *probe_rows[8];
    int probe_quiet; /* its non-speech steps in a row, in speech */
    unsigned utt_id; /* counts utterances, to match a job to one */
    pthread_t worker;
    int worker_on;
    pthread_mutex_t mu; /* guards the fields below; buf2, ps2 and pl2 belong
                           to the worker while busy */
    pthread_cond_t cv;
    int busy, quit, job_ok;
    size_t job_n;     /* samples of the last job (0 = none) */
    int job_ctx;      /* the context it decodes */
    unsigned job_utt; /* the utterance it was for */
    vk_asr_ahead_stats ahead;
    /* An early end whose second pass the worker runs while the loop goes on
     * (see "Early end" at the top; only when paced). */
    int paced;      /* audio comes at a sound card's pace (set_paced) */
    int held;       /* an early end waits for the worker's pass */
    int held_q;     /* its closing quiet, in 10 ms steps */
    size_t held_n;  /* the samples its second pass decodes */
    int ahead_due;  /* the run-ahead waits for the worker (run_ahead) */
    int head_given; /* a head start's job runs for this quiet (head_start) */
    struct timespec held_at; /* wall clock when it began */
    char held_live[sizeof((vk_asr_result *)0)->live_words]; /* live words */
    int16_t *later;    /* audio not yet fed: came during a hold, or after a
                          result in the same call */
    size_t llen, lcap; /* samples held / room */
};

static vk_err load_rivals(vk_asr *a, const char *path);
static void drop_later(vk_asr *a);

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void set_err(char *errbuf, size_t errlen, const char *fmt, const char *a)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, fmt, a);
}

/* A file the kiosk ships beside the model (NULL = not used): 1 = missing,
 * with a message naming it and the fix. */
static int shipped_file_missing(const char *path, const char *what,
                                char *errbuf, size_t errlen)
{
    if (!path || file_exists(path))
        return 0;
    if (errbuf && errlen)
        snprintf(errbuf, errlen,
                 "the kiosk's %s are not found at %s; reinstall voice-kiosk, "
                 "or run it from its source tree",
                 what, path);
    return 1;
}

/* The means must be a sphinxbase binary file ("s3" header up to
 * "endhdr"): PocketSphinx exits the whole process, silently (its log is
 * off), on one that is not, such as a text file left by a broken copy.
 * 1 = broken, with a message naming it and the fix. */
static int means_broken(const char *path, char *errbuf, size_t errlen)
{
    if (!path)
        return 0;
    char head[4096] = "";
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
    if (f)
        fclose(f);
    head[n] = '\0';
    if (n >= 3 && memcmp(head, "s3\n", 3) == 0 && strstr(head, "endhdr\n"))
        return 0;
    if (errbuf && errlen)
        snprintf(errbuf, errlen,
                 "the kiosk's adapted acoustic means at %s are not a "
                 "PocketSphinx means file (a broken copy?); reinstall "
                 "voice-kiosk, or run it from its source tree",
                 path);
    return 1;
}

/* The live VAD's threshold (PocketSphinx's default is 2.0).  3.0 cuts
 * less of the room's noise into utterances: on bench/recognition_bench.py,
 * with the second pass refitted for it, noise accepted 7 -> 3 of 36,
 * yes/no at 5 dB 47.0 -> 57.7%, accept band right 95.6% (n=319) -> 98.8%
 * (n=601) (bench/asr_lab/README.md, refit-4).  Both live decoders use
 * it, so the phone loop compares the grammar decoder's own frames. */
#define VK_ASR_VAD_THRESHOLD "3.0"

/* batch: the second-pass settings (whole utterance at once, CMN over it,
 * no VAD: the first pass already cut the utterance). */
static ps_decoder_t *make_decoder(const char *model, const char *means,
                                  int allphone, int end_frames, int batch)
{
    char post[16];
    snprintf(post, sizeof post, "%d", end_frames);
    cmd_ln_t *cfg = cmd_ln_init(
        NULL, ps_args(), TRUE, "-hmm", model, "-vad_postspeech", post,
        "-dither", batch ? "no" : "yes", "-seed", "1", "-allphone_ci",
        allphone ? "yes" : "no", "-cmn", batch ? "batch" : "live",
        "-remove_silence", batch ? "no" : "yes", "-vad_threshold",
        batch ? "2.0" : VK_ASR_VAD_THRESHOLD, NULL);
    if (!cfg)
        return NULL;
    const char *mean_arg[] = {"-mean", means};
    if (means && !cmd_ln_parse_r(cfg, ps_args(), 2, (char **)mean_arg, FALSE)) {
        cmd_ln_free_r(cfg);
        return NULL;
    }
    const char **extra = vk_asr_extra[(allphone != 0) + 2 * (batch != 0)];
    int nx = 0;
    while (nx < 16 && extra[nx])
        nx++;
    if (nx && !cmd_ln_parse_r(cfg, ps_args(), nx, (char **)extra, FALSE)) {
        cmd_ln_free_r(cfg);
        return NULL;
    }
    ps_decoder_t *ps = ps_init(cfg);
    cmd_ln_free_r(cfg);
    return ps;
}

/* PocketSphinx's VAD compares each mel band's smoothed power with a noise
 * estimate that falls at once (half the gap a frame) but rises slowly
 * (0.5% a frame) and that is seeded, once per decoder, from the very first
 * frame it is fed; it is kept across utterances and resets.  A single
 * frame of a quiet room is far below the room's mean in some narrow band
 * often enough that the VAD took the first 0.3-0.6 s of a fresh decoder
 * for speech, and a rejected utterance came back 0.7-0.9 s after the first
 * start (measured with the simulated room's floor at 3, 30, 100 and 1000
 * peak: every time; seeded from the room at twice its level: never).  So
 * the live decoders are seeded with 60 ms of loud noise, far above any
 * room: their estimate then falls to the real room within ~0.4 s of its
 * audio, from above, and never takes a quiet room for speech (too short
 * to start an utterance: the VAD needs 100 ms; e2e.quiet_start).
 * It moves later scores a little too (the state it leaves is not quite
 * what a quiet start leaves): on bench/recognition_bench.py 1104 of 1669
 * confidences changed, most by a few hundredths; yes 86.4 -> 86.0%, no
 * 77.8 -> 78.3%, noise accepted 6 -> 7 of 36, 10 dB 70.5 -> 68.6%, the
 * rest unchanged. */
#define PRIME_MS 60
#define PRIME_PEAK 8000

static void prime_noise(int16_t *f, size_t n)
{
    uint32_t seed = 1u;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        f[i] = (int16_t)((int)(seed >> 16) % (2 * PRIME_PEAK + 1) - PRIME_PEAK);
    }
}

static void prime_vad(vk_asr *a)
{
    int16_t f[PRIME_MS * (VK_ASR_RATE / 1000)];
    prime_noise(f, sizeof f / sizeof f[0]);
    /* The grammar decoder has no search yet: a phone loop for the while,
     * of context-independent phones like the live phone loop's (with its
     * own -allphone_ci no, PocketSphinx builds a triphone loop: 0.6-0.8 s
     * and about 45 MB more at every start). */
    cmd_ln_t *cfg = ps_get_config(a->ps);
    cmd_ln_set_boolean_r(cfg, "-allphone_ci", TRUE);
    int ok = ps_set_allphone(a->ps, "prime", NULL) >= 0 &&
             ps_set_search(a->ps, "prime") >= 0;
    cmd_ln_set_boolean_r(cfg, "-allphone_ci", FALSE);
    if (!ok)
        return;
    ps_decoder_t *d[2] = {a->ps, a->pl};
    for (int i = 0; i < 2; i++)
        if (d[i] && ps_start_utt(d[i]) >= 0) {
            ps_process_raw(d[i], f, sizeof f / sizeof f[0], FALSE, FALSE);
            ps_end_utt(d[i]);
        }
    ps_unset_search(a->ps, "prime");
}

static void free_decoders(vk_asr *a)
{
    ps_decoder_t **d[4] = {&a->ps, &a->pl, &a->ps2, &a->pl2};
    for (int i = 0; i < 4; i++)
        if (*d[i]) {
            ps_free(*d[i]);
            *d[i] = NULL;
        }
}

/* Creates the grammar decoder and (unless the lab switched it off) the phone
 * loop of one pass: pass 0 live, pass 1 the second pass.  0 = failed. */
static int make_pair(vk_asr *a, const char *model, const char *means, int pass)
{
    ps_decoder_t **g = pass ? &a->ps2 : &a->ps, **p = pass ? &a->pl2 : &a->pl;
    *g = make_decoder(model, means, 0, a->end_frames, pass);
    if (!*g || !vk_asr_use_phone_loop)
        return *g != NULL;
    *p = make_decoder(model, means, 1, a->end_frames, pass);
    if (*p && ps_set_allphone(*p, "pl", NULL) < 0) {
        ps_free(*p);
        *p = NULL;
    }
    return *p && ps_set_search(*p, "pl") >= 0;
}

/* A person's voice is held only while it is decoded: the audio of an
 * utterance is wiped as soon as both passes are done with it (and the
 * second pass's copy after each decode), with explicit_bzero, which the
 * compiler may not leave out as a dead store.  Only the rolling pre-roll of
 * the last vk_asr_pre_ms stays between utterances. */
static void forget_audio(int16_t *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n * sizeof *p);
}

/* The second pass's own dither: PocketSphinx's front end adds 1 to a
 * quarter of the samples (half a bit of noise, so digital silence has a
 * finite log spectrum), drawing from its one global random generator.
 * The second-pass decoders have -dither no and get this instead, from a
 * generator of their own started afresh for every utterance: the live
 * decoders' draws are untouched, and the same audio always gives the same
 * second pass (no matter what was decoded before, or on which thread). */
static void dither_copy(int16_t *dst, const int16_t *src, size_t n)
{
    uint32_t x = 2463534242u; /* xorshift32 */
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        int v = src[i] + ((x & 3u) == 0);
        dst[i] = (int16_t)(v > 32767 ? 32767 : v);
    }
}

/* Decodes n samples of `pcm` (already dithered) in one call with both
 * second-pass decoders.  Each starts a fresh stream first, so nothing
 * carries over from earlier utterances (the front end's noise estimate
 * would): the second pass is a function of this audio alone.  0 = failed. */
static int decode2(ps_decoder_t *g, ps_decoder_t *pl, const int16_t *pcm,
                   size_t n, size_t warm)
{
    ps_decoder_t *d[2] = {g, pl};
    for (int i = 0; i < 2; i++) {
        if (!d[i])
            continue;
        if (ps_start_stream(d[i]) < 0)
            return 0;
        if (warm) {
            if (ps_start_utt(d[i]) < 0)
                return 0;
            ps_process_raw(d[i], pcm, warm, FALSE, TRUE);
            if (ps_end_utt(d[i]) < 0)
                return 0;
        }
        if (ps_start_utt(d[i]) < 0 ||
            ps_process_raw(d[i], pcm, n, FALSE, TRUE) < 0 ||
            ps_end_utt(d[i]) < 0)
            return 0;
    }
    return 1;
}

/* The second pass's front end starts each utterance fresh; its noise
 * estimate is first warmed on the utterance's own pre-roll (decoded once
 * and thrown away), as the old pass's was by the room at the end of the
 * utterance before. */
static size_t warm_len(const vk_asr *a, size_t n)
{
    size_t w = a->pre * 3 / 4;
    return w < n ? w : n;
}

/* Is the word w (len bytes) one of the space-separated `words`? */
static int has_word(const char *words, const char *w, size_t len)
{
    for (const char *p = words; *p; p += *p == ' ') {
        size_t l = strcspn(p, " ");
        if (l == len && strncmp(p, w, len) == 0)
            return 1;
        p += l;
    }
    return 0;
}

/* Are two pronunciations ("Y EH S", "Y EH T") the same but for one
 * consonant: as many phones, one position different, neither a vowel
 * (CMU vowels start with A, E, I, O or U)?  Noise masks consonants first;
 * a different vowel is another word. */
static int one_consonant_apart(const char *x, const char *y)
{
    int diff = 0;
    for (;;) {
        x += strspn(x, " ");
        y += strspn(y, " ");
        size_t lx = strcspn(x, " "), ly = strcspn(y, " ");
        if (!lx || !ly)
            return !lx && !ly && diff == 1;
        if (lx != ly || strncmp(x, y, lx) != 0) {
            if (++diff > 1 || strchr("AEIOU", *x) || strchr("AEIOU", *y))
                return 0;
        }
        x += lx;
        y += ly;
    }
}

#define VK_ASR_MAX_PHONES 32

/* A pronunciation split into phones (start and length of each). */
typedef struct phone_seq {
    const char *ph[VK_ASR_MAX_PHONES];
    size_t len[VK_ASR_MAX_PHONES];
    int n;
} phone_seq;

static void split_phones(const char *p, phone_seq *s)
{
    s->n = 0;
    for (p += strspn(p, " "); *p && s->n < VK_ASR_MAX_PHONES;
         p += strspn(p, " ")) {
        s->ph[s->n] = p;
        s->len[s->n] = strcspn(p, " ");
        p += s->len[s->n++];
    }
}

static int same_phone(const phone_seq *x, int i, const phone_seq *y, int j)
{
    return x->len[i] == y->len[j] &&
           strncmp(x->ph[i], y->ph[j], x->len[i]) == 0;
}

/* Are two pronunciations one phone apart: one phone changed, added or
 * left out ("N OW" and "N AW", "S T AA P" and "T AA P")? */
static int one_phone_apart(const char *x, const char *y)
{
    phone_seq s[2];
    split_phones(x, &s[0]);
    split_phones(y, &s[1]);
    const phone_seq *l = s[0].n >= s[1].n ? &s[0] : &s[1]; /* the longer */
    const phone_seq *m = l == &s[0] ? &s[1] : &s[0];
    if (l->n - m->n > 1)
        return 0;
    int head = 0, tail = 0; /* equal phones from the start, then the end */
    while (head < m->n && same_phone(l, head, m, head))
        head++;
    while (tail < m->n - head &&
           same_phone(l, l->n - 1 - tail, m, m->n - 1 - tail))
        tail++;
    /* what is left between them: one phone of l against at most one of m */
    return l->n - head - tail == 1 && m->n - head - tail <= 1;
}

/* Which rival words in the rival decode's path count against the heard
 * words (rival_beats). */
enum {
    RIVAL_ANY,       /* every one */
    RIVAL_NOT_NEAR,  /* not one a consonant from the single heard word */
    RIVAL_NOT_CLOSE, /* not one within a phone of any heard word */
};

/* Does a rival word in the rival decode's path `hyp` (PocketSphinx's,
 * "(2)" marks and all) count against the grammar's words `words`?  With
 * RIVAL_NOT_NEAR, if those are a single word, a rival one consonant away
 * from it does not ("yet" for "yes": see near_words); with
 * RIVAL_NOT_CLOSE, a rival within one phone of any of them does not ("now"
 * for "no"). */
static int rival_beats(const vk_asr *a, int ctx, const char *hyp,
                       const char *words, int which)
{
    char **near = which == RIVAL_NOT_CLOSE ? a->ctx[ctx].close
                  : which == RIVAL_NOT_NEAR && !strchr(words, ' ')
                      ? a->ctx[ctx].near
                      : NULL;
    while (*hyp) {
        while (*hyp == ' ')
            hyp++;
        size_t len = strcspn(hyp, " (");
        for (size_t i = 0; len && i < a->nrival; i++) {
            if (strlen(a->rival[i]) != len || strncmp(a->rival[i], hyp, len))
                continue;
            int close = 0;
            for (const char *n = near ? near[i] : NULL; n && *n && !close;
                 n += strcspn(n, " ") + 1)
                close = has_word(words, n, strcspn(n, " "));
            if (!close)
                return 1;
        }
        hyp += len;
        hyp += strcspn(hyp, " ");
    }
    return 0;
}

/* The phone loop's share of a second pass, on a thread of its own. */
typedef struct loop_job {
    ps_decoder_t *pl;
    const int16_t *pcm;
    size_t n, warm;
    int ok;
} loop_job;

static void *loop_main(void *arg)
{
    loop_job *j = arg;
    j->ok = decode2(j->pl, NULL, j->pcm, j->n, j->warm);
    return NULL;
}

/* The second pass proper, on n samples of buf2 (dithered): first the
 * context's phrases with its rival words beside them (the best path's
 * score, and whether a rival word is in it, into rv_score and rv_won),
 * then the context's own grammar, whose path stays in ps2 for score_utt.
 * Meanwhile the phone loop decodes the same samples into pl2 on a thread
 * of its own (a separate decoder: the result is the same as one after
 * the other, in about 60% of the time on two cores). 0 = failed. */
static int decode_pass2(vk_asr *a, int ctx, size_t n)
{
    size_t warm = warm_len(a, n);
    loop_job lj = {a->pl2, a->buf2, n, warm, 1};
    pthread_t loop_thread;
    int parallel =
        a->pl2 && pthread_create(&loop_thread, NULL, loop_main, &lj) == 0;
    a->rv_won = a->rv_far = a->rv_ran = 0;
    a->rv_score = 0;
    a->rv_hyp[0] = '\0';
    const char *rs = a->ctx[ctx].rivals;
    if (rs && ps_set_search(a->ps2, rs) >= 0 &&
        decode2(a->ps2, NULL, a->buf2, n, warm)) {
        int32 sc = 0;
        const char *hyp = ps_get_hyp(a->ps2, &sc);
        a->rv_score = sc;
        snprintf(a->rv_hyp, sizeof a->rv_hyp, "%s", hyp ? hyp : "");
        a->rv_ctx = ctx;
        a->rv_ran = 1;
    }
    ps_set_search(a->ps2, a->ctx[ctx].name);
    int ok = decode2(a->ps2, parallel ? NULL : a->pl2, a->buf2, n, warm);
    if (parallel)
        pthread_join(loop_thread, NULL);
    return ok && lj.ok;
}

/* The worker thread: decodes the job in buf2 (n = job_n samples, already
 * dithered) with the second-pass decoders, then waits for the next.  It
 * touches nothing else; the loop thread hands it a job only while it is
 * idle and reads ps2/pl2 only after waiting for it (wait_idle). */
static void *worker_main(void *arg)
{
    vk_asr *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->busy && !a->quit)
            pthread_cond_wait(&a->cv, &a->mu);
        if (a->quit)
            break;
        size_t n = a->job_n;
        pthread_mutex_unlock(&a->mu);
        int ok = decode_pass2(a, a->job_ctx, n);
        forget_audio(a->buf2, n);
        pthread_mutex_lock(&a->mu);
        a->job_ok = ok;
        a->busy = 0;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* Waits until the worker has finished its job, if it has one.  Called with
 * a->mu held. */
static void wait_idle_locked(vk_asr *a)
{
    while (a->busy)
        pthread_cond_wait(&a->cv, &a->mu);
}

/* The second-pass decoders may be touched by the loop thread after this. */
static void wait_idle(vk_asr *a)
{
    if (!a->worker_on)
        return;
    pthread_mutex_lock(&a->mu);
    wait_idle_locked(a);
    pthread_mutex_unlock(&a->mu);
}

/* Starts the worker; without it (or the probe) every second pass runs on
 * the loop thread when its utterance ends, as it did before. */
static void start_worker(vk_asr *a)
{
    if (!a->ps2 || !a->probe || pthread_mutex_init(&a->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&a->cv, NULL) != 0) {
        pthread_mutex_destroy(&a->mu);
        return;
    }
    /* Signals are the loop thread's business (SIGHUP reloads, SIGTERM
     * stops): the worker blocks them all. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    a->worker_on = pthread_create(&a->worker, NULL, worker_main, a) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!a->worker_on) {
        pthread_cond_destroy(&a->cv);
        pthread_mutex_destroy(&a->mu);
    }
}

static void stop_worker(vk_asr *a)
{
    if (!a->worker_on)
        return;
    pthread_mutex_lock(&a->mu);
    a->quit = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->worker, NULL);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    a->worker_on = 0;
}

/* The probe: a bare front end with the live decoder's VAD settings, except
 * that it enters and leaves speech after a single frame, so its state after
 * each 10 ms step is that step's speech/non-speech decision, the one the
 * live VAD counts towards -vad_postspeech.  No dither (that would draw from
 * PocketSphinx's one generator and change the live decoders' input), so
 * on a frame right at the threshold it can disagree with the live VAD;
 * the job then does not match and the second pass runs at the end.
 * NULL = not made: every second pass runs at the end. */
static fe_t *make_probe(vk_asr *a)
{
    cmd_ln_t *live = ps_get_config(a->ps);
    char lo[32], up[32], nf[16], th[32], sr[32];
    snprintf(lo, sizeof lo, "%.9g", cmd_ln_float32_r(live, "-lowerf"));
    snprintf(up, sizeof up, "%.9g", cmd_ln_float32_r(live, "-upperf"));
    snprintf(nf, sizeof nf, "%ld", cmd_ln_int_r(live, "-nfilt"));
    snprintf(th, sizeof th, "%.9g", cmd_ln_float32_r(live, "-vad_threshold"));
    snprintf(sr, sizeof sr, "%.9g", cmd_ln_float32_r(live, "-samprate"));
    cmd_ln_t *cfg = cmd_ln_init(
        NULL, ps_args(), TRUE, "-lowerf", lo, "-upperf", up, "-nfilt", nf,
        "-vad_threshold", th, "-samprate", sr, "-remove_noise",
        cmd_ln_boolean_r(live, "-remove_noise") ? "yes" : "no", "-dither", "no",
        "-vad_prespeech", "1", "-vad_startspeech", "1", "-vad_postspeech", "1",
        NULL);
    if (!cfg)
        return NULL;
    fe_t *fe = fe_init_auto_r(cfg);
    cmd_ln_free_r(cfg);
    if (fe && fe_get_output_size(fe) > 16) {
        fe_free(fe);
        return NULL;
    }
    for (int i = 0; i < 8; i++)
        a->probe_rows[i] = a->probe_mem + i * 16;
    if (fe) {
        /* Primed like the live decoders (prime_vad), so that its noise
         * estimate, and so its decisions, follow theirs from the start. */
        int16_t f[PRIME_MS * (VK_ASR_RATE / 1000)];
        prime_noise(f, sizeof f / sizeof f[0]);
        fe_start_utt(fe);
        const int16 *p = f;
        size_t n = sizeof f / sizeof f[0];
        while (n > 0) {
            int32 nfr = 8, idx = 0;
            if (fe_process_frames(fe, &p, &n, a->probe_rows, &nfr, &idx) < 0 ||
                nfr == 0)
                break;
        }
        int32 nfr = 0;
        fe_end_utt(fe, a->probe_rows[0], &nfr);
        fe_start_utt(fe);
    }
    return fe;
}

vk_err vk_asr_create(const vk_asr_opts *opts, vk_asr **out, char *errbuf,
                     size_t errlen)
{
    *out = NULL;
    const char *model =
        opts && opts->model_dir ? opts->model_dir : VK_ASR_DEFAULT_MODEL;
    const char *dict =
        opts && opts->dict_path ? opts->dict_path : VK_ASR_DEFAULT_DICT;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/mdef", model);
    if (!file_exists(probe)) {
        set_err(errbuf, errlen,
                "speech model not found at %s; install the Debian package "
                "pocketsphinx-en-us",
                model);
        return VK_ERR_MODEL;
    }
    if (!file_exists(dict)) {
        set_err(errbuf, errlen,
                "pronunciation dictionary not found at %s; install the Debian "
                "package pocketsphinx-en-us",
                dict);
        return VK_ERR_MODEL;
    }
    const char *means = opts ? opts->means_path : NULL;
    const char *rivals = opts ? opts->rivals_path : NULL;
    /* VK_ASR_RIVALS=0 turns the rival check off, for before/after
     * measurements (test recognition.rivals). */
    const char *rv_env = getenv("VK_ASR_RIVALS");
    if (rv_env && *rv_env && atoi(rv_env) == 0)
        rivals = NULL;
    if (shipped_file_missing(means, "adapted acoustic means", errbuf, errlen) ||
        shipped_file_missing(rivals, "rival words", errbuf, errlen) ||
        means_broken(means, errbuf, errlen))
        return VK_ERR_MODEL;
    if (!getenv("VK_ASR_DEBUG"))
        err_set_logfp(NULL);
    const char *ahead = getenv("VK_ASR_AHEAD");
    if (ahead && *ahead)
        vk_asr_ahead = atoi(ahead) != 0;
    /* VK_ASR_SPARE=0: no spare_check (test recognition.spare). */
    const char *spare = getenv("VK_ASR_SPARE");
    if (spare && *spare)
        vk_asr_spare = atoi(spare) != 0;
    const char *near = getenv("VK_ASR_NEAR");
    if (near && *near)
        vk_asr_near = atoi(near) != 0;
    const char *clean = getenv("VK_ASR_CLEAN");
    if (clean && *clean)
        vk_asr_clean = atoi(clean) != 0;
    const char *ekeep = getenv("VK_ASR_EARLY_KEEP_MS");
    if (ekeep && *ekeep)
        vk_asr_early_keep_ms = atoi(ekeep) > 0 ? atoi(ekeep) : 0;

    int end_ms = opts && opts->end_silence_ms > 0 ? opts->end_silence_ms
                                                  : VK_ASR_DEFAULT_END_MS;
    vk_asr *a = vk_calloc(1, sizeof *a);
    a->end_frames = (end_ms + 5) / 10;
    if (a->end_frames < 1)
        a->end_frames = 1;
    int early_ms = opts && opts->early_end_ms ? opts->early_end_ms
                                              : VK_ASR_DEFAULT_EARLY_MS;
    a->early_frames = early_ms > 0 ? (early_ms + 5) / 10 : 0;
    int ok = make_pair(a, model, means, 0);
    if (ok)
        prime_vad(a);
    ok = ok && (!vk_asr_use_second_pass || make_pair(a, model, means, 1));
    if (!ok) {
        free_decoders(a);
        free(a);
        if (means)
            snprintf(errbuf, errlen,
                     "speech model at %s with the means %s could not be "
                     "loaded; reinstall voice-kiosk and the Debian package "
                     "pocketsphinx-en-us",
                     model, means);
        else
            set_err(errbuf, errlen,
                    "speech model at %s could not be loaded; reinstall the "
                    "Debian package pocketsphinx-en-us",
                    model);
        return VK_ERR_MODEL;
    }
    a->dict_path = vk_strdup(dict);
    a->cur = a->pending = -1;
    if (rivals && a->ps2 && load_rivals(a, rivals) != VK_OK) {
        set_err(errbuf, errlen,
                "the rival words %s or the dictionary could not be read; "
                "reinstall voice-kiosk and the Debian package "
                "pocketsphinx-en-us",
                rivals);
        vk_asr_destroy(a);
        return VK_ERR_MODEL;
    }
    a->pre = (size_t)vk_asr_pre_ms * (VK_ASR_RATE / 1000);
    a->bcap = a->pre + (size_t)VK_ASR_MAX_UTT_MS * (VK_ASR_RATE / 1000);
    if (a->ps2) {
        a->buf = vk_malloc(a->bcap * sizeof *a->buf);
        a->buf2 = vk_malloc(a->bcap * sizeof *a->buf2);
        if (vk_asr_ahead)
            a->probe = make_probe(a);
        start_worker(a);
    }
    *out = a;
    return VK_OK;
}

void vk_asr_destroy(vk_asr *a)
{
    if (!a)
        return;
    stop_worker(a);
    if (a->in_utt) {
        ps_end_utt(a->ps);
        if (a->pl)
            ps_end_utt(a->pl);
    }
    forget_audio(a->buf, a->blen);
    forget_audio(a->buf2, a->bcap); /* a job the worker left at quit */
    drop_later(a);
    free(a->later);
    if (a->probe)
        fe_free(a->probe);
    free_decoders(a);
    free(a->buf);
    free(a->buf2);
    for (size_t i = 0; i < a->nctx; i++) {
        free(a->ctx[i].name);
        free(a->ctx[i].rivals);
        for (size_t k = 0; k < a->nrival; k++) {
            free(a->ctx[i].near ? a->ctx[i].near[k] : NULL);
            free(a->ctx[i].close ? a->ctx[i].close[k] : NULL);
        }
        free(a->ctx[i].near);
        free(a->ctx[i].close);
    }
    for (size_t i = 0; i < a->nrival; i++) {
        free(a->rival[i]);
        if (a->rival_pron)
            free(a->rival_pron[i]);
    }
    free(a->rival);
    free(a->rival_pron);
    free(a->dict_path);
    free(a);
}

/* The live grammar decoder searches the current context (the second
 * pass's is set to it before each of its decodes, while it is idle). */
static void set_search(vk_asr *a)
{
    ps_set_search(a->ps, a->ctx[a->cur].name);
}

typedef struct dict_want {
    const char *w;
    size_t i;
} dict_want;

static int want_cmp(const void *x, const void *y)
{
    return strcmp(((const dict_want *)x)->w, ((const dict_want *)y)->w);
}

/* One pass over the dictionary file: adds the first pronunciation of each
 * of the n listed words to the second pass's grammar decoder, and to the
 * live one too if `live`; found[i] is set for each word seen, and pron[i]
 * (if pron is not NULL) gets its pronunciation (malloc'd). */
static vk_err add_words(vk_asr *a, char **w, size_t n, int *found, char **pron,
                        int live)
{
    FILE *f = fopen(a->dict_path, "r");
    if (!f)
        return VK_ERR_MODEL;
    wait_idle(a); /* ps2 gets the words too */
    dict_want *want = vk_calloc(n ? n : 1, sizeof *want);
    for (size_t i = 0; i < n; i++)
        want[i] = (dict_want){w[i], i};
    qsort(want, n, sizeof *want, want_cmp);
    char line[512];
    while (n && fgets(line, sizeof line, f)) {
        char *sp = strpbrk(line, " \t");
        if (!sp)
            continue;
        char *paren = memchr(line, '(', (size_t)(sp - line));
        *sp = '\0';
        if (paren)
            *paren = '\0';
        dict_want key = {line, 0};
        dict_want *hit = bsearch(&key, want, n, sizeof *want, want_cmp);
        if (!hit || found[hit->i])
            continue;
        found[hit->i] = 1;
        /* Alternates ("word(2)") crash the next grammar; see the top. */
        if (paren)
            continue;
        char *ph = sp + 1;
        while (*ph == ' ' || *ph == '\t')
            ph++;
        ph[strcspn(ph, "\r\n#")] = '\0';
        size_t pl = strlen(ph);
        while (pl && ph[pl - 1] == ' ')
            ph[--pl] = '\0';
        /* ps_add_word refuses a word already present; that is fine. */
        if (live)
            ps_add_word(a->ps, line, ph, 0);
        if (a->ps2)
            ps_add_word(a->ps2, line, ph, 0);
        if (pron)
            pron[hit->i] = vk_strdup(ph);
    }
    fclose(f);
    free(want);
    return VK_OK;
}

/* Reads the rival words (one a line, '#' comments) and adds those in the
 * dictionary to the second pass's decoder. */
static vk_err load_rivals(vk_asr *a, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return VK_ERR_MODEL;
    char line[128];
    while (a->nrival < VK_ASR_MAX_RIVALS && fgets(line, sizeof line, f)) {
        line[strcspn(line, "#\r\n")] = '\0';
        char *w = line;
        while (isspace((unsigned char)*w))
            w++;
        w[strcspn(w, " \t")] = '\0';
        if (!*w)
            continue;
        for (char *p = w; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        a->rival = vk_realloc(a->rival, (a->nrival + 1) * sizeof *a->rival);
        a->rival[a->nrival++] = vk_strdup(w);
    }
    fclose(f);
    if (!a->nrival)
        return VK_OK;
    a->rival_pron = vk_calloc(a->nrival, sizeof *a->rival_pron);
    int *found = vk_calloc(a->nrival, sizeof *found);
    vk_err e = add_words(a, a->rival, a->nrival, found, a->rival_pron, 0);
    free(found);
    return e;
}

/* Lists, in (*near)[i] (the array made on first use), the context's words
 * that `apart` finds beside rival word i.  With one_consonant_apart: "yes"
 * (and "yep") for "yet", "no" for "though".  Such a rival in the rival
 * decode's path, against a single heard word, is taken as that word with a
 * consonant lost in noise, not as another word (rival_beats; round 10 of
 * bench/asr_lab/README.md).  With one_phone_apart ("no" for "now"), the
 * words a rival must not be near for the clean-utterance veto (round 11). */
static void near_words(const vk_asr *a, size_t i, char **w, char **pron,
                       size_t n, char ***near,
                       int (*apart)(const char *, const char *))
{
    for (size_t j = 0; j < n; j++) {
        if (!pron[j] || !apart(pron[j], a->rival_pron[i]))
            continue;
        if (!*near)
            *near = vk_calloc(a->nrival, sizeof **near);
        size_t had = (*near)[i] ? strlen((*near)[i]) : 0;
        (*near)[i] = vk_realloc((*near)[i], had + strlen(w[j]) + 2);
        snprintf((*near)[i] + had, strlen(w[j]) + 2, "%s ", w[j]);
    }
}

/* Registers, in ps2, the context's grammar (grammar.c's form: one public
 * rule listing every phrase, ending in ";") with the rival words beside
 * its phrases, as the search "NAME/rivals".  A rival that is one of the
 * context's words, or sounds exactly like one (know / no), is left out.
 * Returns the search's name, NULL = none. */
static char *add_rivals(vk_asr *a, const char *name, const char *jsgf, char **w,
                        char **pron, size_t n, vk_asr_ctx *c)
{
    c->near = c->close = NULL;
    const char *end = strrchr(jsgf, ';');
    if (!a->ps2 || !a->nrival || !end)
        return NULL;
    size_t cap = strlen(jsgf) + 1;
    for (size_t i = 0; i < a->nrival; i++)
        cap += strlen(a->rival[i]) + 3;
    char *g = vk_malloc(cap);
    size_t off = (size_t)(end - jsgf), used = 0;
    memcpy(g, jsgf, off);
    for (size_t i = 0; i < a->nrival; i++) {
        int clash = !a->rival_pron[i];
        for (size_t j = 0; j < n && !clash; j++)
            clash = strcmp(w[j], a->rival[i]) == 0 ||
                    (pron[j] && strcmp(pron[j], a->rival_pron[i]) == 0);
        if (clash)
            continue;
        off += (size_t)snprintf(g + off, cap - off, " | %s", a->rival[i]);
        used++;
        near_words(a, i, w, pron, n, &c->near, one_consonant_apart);
        near_words(a, i, w, pron, n, &c->close, one_phone_apart);
    }
    snprintf(g + off, cap - off, "%s", end);
    char *search = NULL;
    if (used) {
        size_t len = strlen(name) + sizeof "/rivals";
        search = vk_malloc(len);
        snprintf(search, len, "%s/rivals", name);
        if (ps_set_jsgf_string(a->ps2, search, g) < 0) {
            free(search);
            search = NULL;
        }
    }
    free(g);
    return search;
}

static void free_words(char **w, char **pron, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(w[i]);
        free(pron[i]);
    }
    free(w);
    free(pron);
}

vk_err vk_asr_add_context(vk_asr *a, const char *name, const char *jsgf,
                          const char *const *words, size_t nwords, char *errbuf,
                          size_t errlen)
{
    if (!a || !name || !jsgf || (nwords && !words))
        return VK_ERR_ARG;
    if (a->nctx >= VK_ASR_MAX_CONTEXTS)
        return VK_ERR_LIMIT;
    for (size_t i = 0; i < a->nctx; i++)
        if (strcmp(a->ctx[i].name, name) == 0)
            return VK_ERR_ARG;
    char **w = vk_calloc(nwords ? nwords : 1, sizeof *w);
    char **pron = vk_calloc(nwords ? nwords : 1, sizeof *pron);
    int *found = vk_calloc(nwords ? nwords : 1, sizeof *found);
    for (size_t i = 0; i < nwords; i++) {
        w[i] = vk_strdup(words[i]);
        for (char *p = w[i]; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    vk_err e = add_words(a, w, nwords, found, pron, 1);
    if (e != VK_OK)
        set_err(errbuf, errlen,
                "dictionary %s could not be read; reinstall the Debian package "
                "pocketsphinx-en-us",
                a->dict_path);
    for (size_t i = 0; e == VK_OK && i < nwords; i++)
        if (!found[i]) {
            set_err(errbuf, errlen,
                    "word \"%s\" is not in the pronunciation dictionary", w[i]);
            e = VK_ERR_NOTFOUND;
        }
    free(found);
    if (e != VK_OK) {
        free_words(w, pron, nwords);
        return e;
    }
    if (a->in_utt) {
        ps_end_utt(a->ps);
        if (a->pl)
            ps_end_utt(a->pl);
        a->in_utt = 0;
        a->in_speech = 0;
    }
    if (ps_set_jsgf_string(a->ps, name, jsgf) < 0 ||
        (a->ps2 && ps_set_jsgf_string(a->ps2, name, jsgf) < 0)) {
        set_err(errbuf, errlen, "grammar for context \"%s\" has errors", name);
        free_words(w, pron, nwords);
        return VK_ERR_PARSE;
    }
    a->ctx[a->nctx].rivals =
        add_rivals(a, name, jsgf, w, pron, nwords, &a->ctx[a->nctx]);
    free_words(w, pron, nwords);
    a->ctx[a->nctx].name = vk_strdup(name);
    a->nctx++;
    if (a->cur < 0)
        a->cur = (int)a->nctx - 1;
    set_search(a);
    return VK_OK;
}

static void apply_pending(vk_asr *a)
{
    if (a->pending < 0)
        return;
    if (a->in_utt) {
        ps_end_utt(a->ps);
        if (a->pl)
            ps_end_utt(a->pl);
        a->in_utt = 0;
    }
    a->cur = a->pending;
    a->pending = -1;
    set_search(a);
}

vk_err vk_asr_set_context(vk_asr *a, const char *name)
{
    if (!a || !name)
        return VK_ERR_ARG;
    for (size_t i = 0; i < a->nctx; i++)
        if (strcmp(a->ctx[i].name, name) == 0) {
            a->pending = (int)i;
            if (!a->in_speech)
                apply_pending(a);
            return VK_OK;
        }
    return VK_ERR_NOTFOUND;
}

void vk_asr_reset(vk_asr *a)
{
    if (!a)
        return;
    if (a->in_utt) {
        ps_end_utt(a->ps);
        if (a->pl)
            ps_end_utt(a->pl);
        a->in_utt = 0;
    }
    a->in_speech = 0;
    a->pos = 0;
    drop_later(a);
    forget_audio(a->buf, a->blen);
    a->blen = 0;
    a->overflow = 0;
    apply_pending(a);
    memset(&a->res, 0, sizeof a->res);
    /* rv_hyp is the worker's (decode_pass2 sets it before every use): not
     * touched here, where the worker may still be writing it. */
}

static long path_ascr(ps_decoder_t *ps)
{
    long sum = 0;
    for (ps_seg_t *s = ps_seg_iter(ps); s; s = ps_seg_next(s)) {
        int32 ascr = 0, lscr = 0, lback = 0;
        ps_seg_prob(s, &ascr, &lscr, &lback);
        sum += ascr;
    }
    return sum;
}

/* Scores the grammar words (not fillers) against the phone loop on the same
 * frames: the phone loop is the best any sequence of sounds can do there, so
 * a word that is really in the audio scores close to it, while a grammar word
 * forced onto other speech or noise scores far below. */
static void word_vs_loop(ps_decoder_t *g, ps_decoder_t *pl, vk_asr_feats *f)
{
    enum { MAXSEG = 512 };
    int psf[MAXSEG], pef[MAXSEG], pspeech[MAXSEG], wsf[MAXSEG], wef[MAXSEG];
    int32 pasc[MAXSEG];
    int np = 0, nw = 0;
    if (pl)
        for (ps_seg_t *s = ps_seg_iter(pl); s; s = ps_seg_next(s)) {
            if (np == MAXSEG) {
                ps_seg_free(s);
                break;
            }
            int32 as = 0, ls = 0, lb = 0;
            const char *ph = ps_seg_word(s);
            ps_seg_frames(s, &psf[np], &pef[np]);
            ps_seg_prob(s, &as, &ls, &lb);
            pspeech[np] = ph && strcmp(ph, "SIL") != 0 && ph[0] != '+';
            pasc[np++] = as;
        }
    f->minw = 1 << 30;
    for (ps_seg_t *s = ps_seg_iter(g); s; s = ps_seg_next(s)) {
        const char *w = ps_seg_word(s);
        if (!w || w[0] == '<' || w[0] == '[')
            continue; /* <sil>, <s>, [NOISE], [SPEECH]: fillers */
        int sf, ef;
        int32 as = 0, ls = 0, lb = 0;
        ps_seg_frames(s, &sf, &ef);
        ps_seg_prob(s, &as, &ls, &lb);
        int len = ef - sf + 1;
        if (len <= 0)
            continue;
        f->wframes += len;
        f->w_ascr += as;
        if (nw < MAXSEG) {
            wsf[nw] = sf;
            wef[nw++] = ef;
        }
        if (len < f->minw)
            f->minw = len;
        for (int i = 0; i < np; i++) {
            int lo = psf[i] > sf ? psf[i] : sf, hi = pef[i] < ef ? pef[i] : ef;
            int plen = pef[i] - psf[i] + 1;
            if (hi >= lo && plen > 0)
                f->w_pl += (double)pasc[i] * (hi - lo + 1) / plen;
        }
    }
    if (f->minw == 1 << 30)
        f->minw = 0;
    for (int i = 0; i < np; i++) {
        if (!pspeech[i])
            continue;
        int out = pef[i] - psf[i] + 1;
        for (int j = 0; j < nw; j++) {
            int lo = psf[i] > wsf[j] ? psf[i] : wsf[j];
            int hi = pef[i] < wef[j] ? pef[i] : wef[j];
            if (hi >= lo)
                out -= hi - lo + 1;
        }
        if (out > 0)
            f->spare += out;
    }
    if (f->wframes > 0)
        f->dw = ((double)f->w_ascr - f->w_pl) / f->wframes;
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Piecewise-linear map of the raw score onto the header's bands. */
static double remap(double r, int live)
{
    const double ra = live ? VK_ASR_RAW_ACCEPT_LIVE : VK_ASR_RAW_ACCEPT;
    const double rc = live ? VK_ASR_RAW_CONFIRM_LIVE : VK_ASR_RAW_CONFIRM;
    const double A = VK_ASR_ACCEPT, C = VK_ASR_CONFIRM;
    if (r >= ra)
        return A + (1 - A) * (r - ra) / (1 - ra);
    if (r >= rc)
        return C + (A - C) * (r - rc) / (ra - rc);
    return C * r / rc;
}

/* Scores the best path so far of a grammar decoder `g` and its phone loop
 * `pl` (NULL if off) into a->feats / a->res (words blanked below the reject
 * cut).  live_z: NULL scores the live pass (vk_asr_w_live), else the
 * second pass with the live pass's logit.  Works on a finished utterance
 * and, for early endpointing, on one still in progress.  end_s is the
 * caller's. */
static void score_utt(vk_asr *a, ps_decoder_t *g, ps_decoder_t *pl,
                      const double *live_z)
{
    vk_asr_feats *f = &a->feats;
    memset(f, 0, sizeof *f);
    memset(&a->res, 0, sizeof a->res);
    int32 score = 0;
    const char *hyp = ps_get_hyp(g, &score);
    f->nframes = ps_get_n_frames(g);
    a->res.start_s = (double)a->speech_at / VK_ASR_RATE;
    if (!hyp || !*hyp) {
        a->res.confidence = 0;
        return;
    }
    f->g_score = score;
    f->g_ascr = path_ascr(g);
    /* Copy the hypothesis: lower case, single spaces, no "(2)" variant marks.
     */
    size_t o = 0;
    int sp = 0;
    for (const char *p = hyp; *p && o + 1 < sizeof a->res.words; p++) {
        if (*p == '(') {
            while (*p && *p != ')')
                p++;
            if (!*p)
                break;
            continue;
        }
        if (isspace((unsigned char)*p)) {
            sp = 1;
            continue;
        }
        if (sp && o) {
            a->res.words[o++] = ' ';
            f->nwords++;
        }
        sp = 0;
        if (o + 1 < sizeof a->res.words)
            a->res.words[o++] = (char)tolower((unsigned char)*p);
    }
    a->res.words[o] = '\0';
    if (o)
        f->nwords++;
    if (pl) {
        ps_get_hyp(pl, &score);
        f->pl_nframes = ps_get_n_frames(pl);
        f->pl_ascr = path_ascr(pl);
    }
    word_vs_loop(g, pl, f);
    double conf = 0.5; /* no phone loop: no evidence either way */
    if (f->nframes > 0 && f->wframes > 0 && pl) {
        f->d = (double)(f->g_ascr - f->pl_ascr) / f->nframes;
        const double *w = live_z ? vk_asr_w : vk_asr_w_live;
        double z = w[0] + w[1] * f->dw / 10 + w[2] * f->d / 10 +
                   w[3] * (log((double)f->wframes) - 3.5) +
                   w[4] * (double)f->wframes / f->nframes +
                   w[5] * f->minw / 20.0;
        if (live_z) {
            f->live_z = *live_z;
            z += w[6] * f->live_z / 10;
        }
        conf = 1.0 / (1.0 + exp(-z));
    } else if (pl) {
        conf = 0; /* only fillers matched: nothing was said */
    }
    f->raw = conf;
    if (conf < VK_ASR_RAW_REJECT && vk_asr_blank_below_reject)
        a->res.words[0] = '\0';
    a->res.confidence = clamp01(remap(conf, live_z == NULL));
}

/* Rivals (see the top): the second pass's result is rejected if a rival
 * word beat it by more than VK_ASR_RIVAL_MARGIN (its words stay, for
 * `heard`; its confidence drops to the bottom of the reject band), and
 * lifted to the bottom of the confirm band if it was just below it and no
 * rival word came near (VK_ASR_RAW_CONFIRM_AGREED), not counting one a
 * consonant from the single heard word.  That one still counts for the
 * rejection: it is the lift, not the veto, that it would wrongly stop
 * (round 10).  In a clean utterance (f->snr at or above
 * VK_ASR_CLEAN_SNR_DB) the veto needs no margin for a rival that is not
 * within one phone of any heard word ("left" beside "yes", "five" beside
 * "i do"): there a real word that fits better is another word, not noise
 * (round 11).  Phrases the caller spares (vk_asr_set_spared: "stop",
 * always confirmed, and "help") keep the margin rule. */
static void rival_check(vk_asr *a)
{
    vk_asr_feats *f = &a->feats;
    if (!a->rv_ran || !a->res.words[0])
        return;
    const char *w = a->res.words;
    a->rv_won = rival_beats(a, a->rv_ctx, a->rv_hyp, w, RIVAL_ANY);
    a->rv_far =
        a->rv_won && rival_beats(a, a->rv_ctx, a->rv_hyp, w,
                                 vk_asr_near ? RIVAL_NOT_NEAR : RIVAL_ANY);
    f->rival_strange =
        a->rv_won && rival_beats(a, a->rv_ctx, a->rv_hyp, w, RIVAL_NOT_CLOSE);
    if (!a->rv_far && f->raw >= VK_ASR_RAW_CONFIRM_AGREED &&
        f->raw < VK_ASR_RAW_CONFIRM) {
        f->rival_lift = 1;
        a->res.confidence = VK_ASR_CONFIRM;
    }
    if (!a->rv_won)
        return;
    f->rival_margin = a->rv_score - f->g_score;
    int clean =
        vk_asr_clean && f->rival_strange && f->snr >= VK_ASR_CLEAN_SNR_DB &&
        !(a->spared && a->spared(a->spared_user, a->ctx[a->rv_ctx].name, w));
    if (f->raw < VK_ASR_RAW_CONFIRM ||
        (f->rival_margin <= VK_ASR_RIVAL_MARGIN && !clean))
        return;
    f->rival_veto = 1;
    a->res.confidence = clamp01(remap(VK_ASR_RAW_REJECT, 0));
}

/* A result at or above the confirm band whose words leave more than
 * VK_ASR_MAX_SPARE frames of speech unexplained (the phone loop heard
 * sounds outside them) is rejected, in either pass: it was said inside
 * something longer.  Its words stay, for `heard`.  Utterances too long for
 * the second pass are judged on the live pass's segments. */
static void spare_check(vk_asr *a)
{
    vk_asr_feats *f = &a->feats;
    if (!vk_asr_spare || !a->res.words[0] || f->spare <= VK_ASR_MAX_SPARE)
        return;
    if (a->res.confidence >= VK_ASR_CONFIRM) {
        f->spare_veto = 1;
        a->res.confidence = clamp01(remap(VK_ASR_RAW_REJECT, !a->did2));
    }
}

static int by_energy(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Estimated signal-to-noise ratio of n samples of an utterance, in dB:
 * the mean energy of its loudest 30% of 10 ms frames over the energy of
 * its 10th-percentile frame (the room between and around the words).
 * Frames of digital silence (RMS under 1) tell nothing about a room and
 * are left out: a padded file has them, a microphone never does.  0 (not
 * clean) with fewer than 10 frames left. */
static double utt_snr(const int16_t *x, size_t n)
{
    size_t nf = n / VK_ASR_SUB, k = 0;
    double *e = vk_malloc((nf ? nf : 1) * sizeof *e);
    for (size_t i = 0; i < nf; i++) {
        double sum = 0;
        for (size_t j = 0; j < VK_ASR_SUB; j++) {
            double v = x[i * VK_ASR_SUB + j];
            sum += v * v;
        }
        if (sum >= VK_ASR_SUB) /* mean square >= 1 */
            e[k++] = sum / VK_ASR_SUB;
    }
    double snr = 0;
    if (k >= 10) {
        qsort(e, k, sizeof *e, by_energy);
        size_t top = k * 3 / 10, at = k - top;
        double loud = 0;
        for (size_t i = at; i < k; i++)
            loud += e[i];
        snr = 10 * log10(loud / (double)top / e[k / 10]);
    }
    free(e);
    return snr;
}

/* The samples the second pass decodes of the buffered utterance, which
 * ended after `silence_frames` quiet steps: of that quiet it keeps `keep`
 * steps (vk_asr_post_ms, or early_keep's after an early end). */
static size_t pass2_len(const vk_asr *a, int silence_frames, int keep)
{
    size_t n = a->blen, drop = 0;
    if (silence_frames > keep)
        drop = (size_t)(silence_frames - keep) * VK_ASR_SUB;
    return drop < n ? n - drop : n;
}

/* Whether the buffered utterance can have a second pass at all. */
static int pass2_possible(const vk_asr *a)
{
    return a->ps2 && !a->overflow && a->blen;
}

/* The closing quiet, in 10 ms steps, that an early end's second pass
 * keeps: vk_asr_early_keep_ms, but no more than the early end waits. */
static int early_keep(const vk_asr *a)
{
    int keep = vk_asr_early_keep_ms / 10;
    return keep < a->early_frames ? keep : a->early_frames;
}

/* Re-decodes the first n buffered samples (pre-roll, speech, some of the
 * trailing quiet: pass2_len) at once with the second-pass decoders, whose
 * CMN is computed over them.  Returns 0 (live result stands) if there is no
 * second pass or the utterance did not fit the buffer. */
static int second_pass(vk_asr *a, size_t n)
{
    if (!pass2_possible(a))
        return 0;
    a->utt_snr = utt_snr(a->buf, n);
    if (a->worker_on) {
        pthread_mutex_lock(&a->mu);
        wait_idle_locked(a);
        int ready = a->job_n == n && a->job_utt == a->utt_id;
        int ok = a->job_ok;
        a->job_n = 0;
        pthread_mutex_unlock(&a->mu);
        if (ready) {
            a->ahead.ready++;
            return ok;
        }
    }
    a->ahead.at_end++;
    dither_copy(a->buf2, a->buf, n);
    int ok = decode_pass2(a, a->cur, n);
    forget_audio(a->buf2, n);
    return ok;
}

/* Hands the idle worker the second pass of the first n buffered samples.
 * Called with a->mu held. */
static void start_job_locked(vk_asr *a, size_t n)
{
    a->job_ctx = a->cur;
    dither_copy(a->buf2, a->buf, n);
    a->job_n = n;
    a->job_utt = a->utt_id;
    a->busy = 1;
    pthread_cond_broadcast(&a->cv);
}

/* Hands the worker the second pass of the first n buffered samples unless
 * it is still busy with an earlier job.  1 = started. */
static int try_job(vk_asr *a, size_t n)
{
    pthread_mutex_lock(&a->mu);
    int idle = !a->busy;
    if (idle)
        start_job_locked(a, n);
    pthread_mutex_unlock(&a->mu);
    return idle;
}

/* The probe's decision on the 10 ms step just fed: 1 = not speech. */
static int probe_quiet_step(vk_asr *a, const int16_t *pcm, size_t k)
{
    const int16 *p = pcm;
    size_t n = k;
    while (n > 0) {
        int32 nfr = 8, idx = 0;
        if (fe_process_frames(a->probe, &p, &n, a->probe_rows, &nfr, &idx) <
                0 ||
            nfr == 0)
            break;
    }
    return !fe_get_vad_state(a->probe);
}

/* Once the probe has heard vk_asr_post_ms of non-speech in a row, the
 * audio the second pass would decode if the utterance ended now is all
 * here, and the live VAD will end the utterance end_frames - keep steps
 * later unless speech comes back: the worker decodes it then, during the
 * end-of-speech window, instead of the loop after it.  If the worker is
 * still busy (with a head start's job), the job starts when it is free,
 * for the same audio.  Speech in between makes the job stale (its length
 * no longer matches) and the count starts again. */
static void run_ahead(vk_asr *a, int quiet)
{
    int keep = vk_asr_post_ms / 10;
    a->probe_quiet = quiet ? a->probe_quiet + 1 : 0;
    if (a->probe_quiet == keep)
        a->ahead_due = a->end_frames > keep;
    else if (!a->probe_quiet || a->probe_quiet >= a->end_frames)
        a->ahead_due = 0;
    /* A head start's job is not replaced while its early end may still
     * come: the probe's count can run a step or two ahead of the quiet
     * that ends early. */
    if (a->head_given && a->quiet_frames < a->early_frames)
        return;
    if (a->ahead_due && pass2_possible(a) &&
        try_job(a, pass2_len(a, a->probe_quiet, keep)))
        a->ahead_due = 0;
}

/* Keeps the audio the second pass needs: while idle only the last `pre`
 * samples, in speech everything up to the buffer's room. */
static void keep_audio(vk_asr *a, const int16_t *pcm, size_t k)
{
    if (!a->buf)
        return;
    if (!a->in_speech && a->blen + k > a->pre) {
        size_t drop = a->blen + k - a->pre;
        drop = drop > a->blen ? a->blen : drop;
        memmove(a->buf, a->buf + drop, (a->blen - drop) * sizeof *a->buf);
        a->blen -= drop;
        a->overflow = 0;
    }
    if (a->blen + k > a->bcap) {
        a->overflow = 1;
        return;
    }
    memcpy(a->buf + a->blen, pcm, k * sizeof *pcm);
    a->blen += k;
}

/* The live half of ending an utterance: ends both live decoders and
 * scores what they heard.  Returns 1 if the result wants the second pass
 * (it is not in the live accept band). */
static int end_live(vk_asr *a)
{
    ps_end_utt(a->ps);
    if (a->pl)
        ps_end_utt(a->pl);
    a->in_utt = 0;
    score_utt(a, a->ps, a->pl, NULL);
    snprintf(a->held_live, sizeof a->held_live, "%s", a->res.words);
    a->lfeats = a->feats;
    a->did2 = 0;
    return a->feats.raw < VK_ASR_RAW_ACCEPT_LIVE || !vk_asr_keep_live_accept;
}

/* The rest, after end_live: the second pass of the first n buffered
 * samples if `want2` (the worker's, if its job is this very audio), the
 * checks, and the audio forgotten.  `silence_frames` of quiet were heard
 * after the speech. */
static void end_result(vk_asr *a, int silence_frames, int want2, size_t n)
{
    if (want2 && second_pass(a, n)) {
        a->did2 = 1;
        double r = a->feats.raw;
        double z = r <= 0 ? -10 : r >= 1 ? 10 : log(r / (1 - r));
        z = z < -10 ? -10 : z > 10 ? 10 : z;
        score_utt(a, a->ps2, a->pl2, &z);
        a->feats.snr = a->utt_snr;
        rival_check(a);
    }
    spare_check(a);
    snprintf(a->res.live_words, sizeof a->res.live_words, "%s", a->held_live);
    forget_audio(a->buf, a->blen);
    a->blen = 0;
    a->res.end_s = (double)a->pos / VK_ASR_RATE - silence_frames / 100.0;
    if (a->res.end_s < a->res.start_s)
        a->res.end_s = a->res.start_s;
}

/* Ends the utterance in both decoders and scores it; `silence_frames` of
 * trailing silence were heard after the speech. */
static void finish_utt(vk_asr *a, int silence_frames)
{
    end_result(a, silence_frames, end_live(a),
               pass2_len(a, silence_frames, vk_asr_post_ms / 10));
}

/* Polls a hold: once the worker has done the second pass of exactly the
 * audio this early end needs, the result is made and 1 returned.  An idle
 * worker with some other job (the run-ahead's, for a different length) is
 * given this one.  `wait`: block until it is done (the audio kept meanwhile
 * reached its limit, or input ended). */
static int hold_done(vk_asr *a, int wait)
{
    size_t n = a->held_n;
    int done = 0;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        if (wait)
            wait_idle_locked(a);
        if (a->busy)
            break;
        if (a->job_n == n && a->job_utt == a->utt_id) {
            done = 1;
            break;
        }
        start_job_locked(a, n);
        if (!wait)
            break;
    }
    pthread_mutex_unlock(&a->mu);
    if (!done)
        return 0;
    a->held = 0;
    a->in_speech = 0;
    a->ahead.held++;
    end_result(a, a->held_q, 1, n);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    a->res.held_ms = (double)(now.tv_sec - a->held_at.tv_sec) * 1e3 +
                     (double)(now.tv_nsec - a->held_at.tv_nsec) / 1e6;
    apply_pending(a);
    return 1;
}

/* Could the path so far end the utterance early: are its words a whole
 * phrase that nothing longer could change (asked of the caller), with a
 * confidence in the accept band?  Scores the partial path into res. */
static int early_candidate(vk_asr *a)
{
    if (!a->complete || a->early_frames <= 0 ||
        a->early_frames >= a->end_frames)
        return 0;
    int32 score = 0;
    const char *hyp = ps_get_hyp(a->ps, &score);
    if (!hyp || !*hyp)
        return 0;
    score_utt(a, a->ps, a->pl, NULL);
    return a->res.words[0] && a->feats.raw >= VK_ASR_RAW_ACCEPT_LIVE &&
           a->complete(a->complete_user, a->ctx[a->cur].name, a->res.words);
}

/* The head start: early_keep steps into the quiet, if an early end is in
 * sight, the worker is given the second pass that end would want, so that
 * a held early end seldom has to wait (when paced; see try_early_end).
 * Speech that comes back makes the job stale (its length). */
static void head_start(vk_asr *a)
{
    if (a->paced && a->worker_on && pass2_possible(a) && early_candidate(a))
        a->head_given = try_job(a, a->blen);
}

/* Grammar-aware early end: after early_frames of quiet, if the path so far
 * is an early_candidate, the utterance is over: waiting out the rest of
 * the end window cannot change the answer.  If the live decoders' final
 * result then wants the second pass and the audio comes at a card's pace,
 * the worker runs that pass (usually begun at the head start) while the
 * utterance is held (it still counts as speech to the caller) instead of
 * the loop waiting on it.  Returns VK_ASR_DONE if the utterance was ended,
 * VK_ASR_SPEECH if it is held or goes on. */
static vk_asr_state try_early_end(vk_asr *a)
{
    if (!early_candidate(a))
        return VK_ASR_SPEECH;
    a->early_ends++;
    int want2 = end_live(a);
    size_t n = pass2_len(a, a->quiet_frames, early_keep(a));
    if (want2 && a->paced && a->worker_on && pass2_possible(a)) {
        a->held = 1;
        a->held_q = a->quiet_frames;
        a->held_n = n;
        clock_gettime(CLOCK_MONOTONIC, &a->held_at);
        hold_done(a, 0);
        return VK_ASR_SPEECH;
    }
    end_result(a, a->quiet_frames, want2, n);
    a->in_speech = 0;
    apply_pending(a);
    return VK_ASR_DONE;
}

/* Keeps n samples to be fed at the next call (vk_asr_feed). */
static void keep_later(vk_asr *a, const int16_t *pcm, size_t n)
{
    if (!n)
        return;
    if (a->llen + n > a->lcap) {
        size_t cap = a->lcap ? a->lcap : VK_ASR_RATE / 2;
        while (cap < a->llen + n)
            cap *= 2;
        int16_t *b = vk_malloc(cap * sizeof *b);
        if (a->llen)
            memcpy(b, a->later, a->llen * sizeof *b);
        forget_audio(a->later, a->llen);
        free(a->later);
        a->later = b;
        a->lcap = cap;
    }
    memcpy(a->later + a->llen, pcm, n * sizeof *pcm);
    a->llen += n;
}

/* Drops a hold and the audio kept for later (a reset). */
static void drop_later(vk_asr *a)
{
    a->held = 0;
    forget_audio(a->later, a->llen);
    a->llen = 0;
}

static void start_utt(vk_asr *a)
{
    ps_start_utt(a->ps);
    if (a->pl)
        ps_start_utt(a->pl);
    /* The probe restarts with the live front end, so both frame the audio
     * alike and their VADs count the same steps. */
    if (a->probe)
        fe_start_utt(a->probe);
    a->in_utt = 1;
}

/* Feeds pcm in 10 ms steps until it ends or an utterance does (or is
 * held); *used = the samples taken.  `st` = the state so far. */
static vk_asr_state feed_steps(vk_asr *a, const int16_t *pcm, size_t n,
                               size_t *used, vk_asr_state st)
{
    size_t i = 0;
    while (i < n && st != VK_ASR_DONE && !a->held) {
        size_t k = n - i < VK_ASR_SUB ? n - i : VK_ASR_SUB;
        if (!a->in_utt)
            start_utt(a);
        keep_audio(a, pcm + i, k);
        ps_process_raw(a->ps, pcm + i, k, FALSE, FALSE);
        if (a->pl)
            ps_process_raw(a->pl, pcm + i, k, FALSE, FALSE);
        int quiet = a->worker_on ? probe_quiet_step(a, pcm + i, k) : 0;
        double e = 0;
        for (size_t j = 0; j < k; j++)
            e += (double)pcm[i + j] * pcm[i + j];
        e /= (double)k;
        a->pos += k;
        i += k;
        int sp = ps_get_in_speech(a->ps);
        if (sp && !a->in_speech) {
            a->in_speech = 1;
            a->peak = e;
            a->quiet_frames = 0;
            /* The VAD reports speech after -vad_startspeech (0.1 s) of it. */
            a->speech_at = a->pos > 1600 ? a->pos - 1600 : 0;
            a->probe_quiet = 0;
            a->ahead_due = 0;
            a->head_given = 0;
            a->utt_id++;
            st = VK_ASR_SPEECH;
        } else if (!sp && a->in_speech) {
            a->in_speech = 0;
            finish_utt(a, a->end_frames);
            apply_pending(a);
            st = VK_ASR_DONE;
        } else if (sp) {
            /* Quiet = 25 dB below the loudest 10 ms of this utterance. */
            if (e > a->peak)
                a->peak = e;
            a->quiet_frames = e * 316.0 < a->peak ? a->quiet_frames + 1 : 0;
            if (!a->quiet_frames)
                a->head_given = 0;
            if (a->quiet_frames && a->quiet_frames == early_keep(a) &&
                a->quiet_frames < a->early_frames)
                head_start(a);
            if (a->quiet_frames == a->early_frames)
                st = try_early_end(a);
            /* Unless it just ended or is held, the run-ahead may start. */
            if (st != VK_ASR_DONE && !a->held && a->worker_on)
                run_ahead(a, quiet);
        }
    }
    *used = i;
    return st;
}

/* Feeds pcm unless this call already has its result (or a hold); what is
 * not fed is kept for the next call. */
static vk_asr_state feed_part(vk_asr *a, const int16_t *pcm, size_t n,
                              vk_asr_state st)
{
    size_t used = 0;
    if (!n)
        return st;
    if (st != VK_ASR_DONE && !a->held)
        st = feed_steps(a, pcm, n, &used, st);
    keep_later(a, pcm + used, n - used);
    return st;
}

/* At most one result per call: audio after it, and audio that comes while
 * an early end is held, is kept and fed first at the next call.  A hold
 * keeps at most VK_ASR_HOLD_MAX samples, then waits for the worker. */
#define VK_ASR_HOLD_MAX (VK_ASR_RATE / 2)

vk_asr_state vk_asr_feed(vk_asr *a, const int16_t *pcm, size_t n)
{
    if (!a || a->cur < 0)
        return VK_ASR_IDLE;
    if (a->held) {
        keep_later(a, pcm, n);
        return hold_done(a, a->llen >= VK_ASR_HOLD_MAX) ? VK_ASR_DONE
                                                        : VK_ASR_SPEECH;
    }
    vk_asr_state st = a->in_speech ? VK_ASR_SPEECH : VK_ASR_IDLE;
    if (a->llen) {
        int16_t *old = a->later;
        size_t on = a->llen, ocap = a->lcap;
        a->later = NULL;
        a->llen = a->lcap = 0;
        st = feed_part(a, old, on, st);
        forget_audio(old, on);
        if (!a->later) { /* all of it was fed: its buffer serves again */
            a->later = old;
            a->lcap = ocap;
        } else {
            free(old);
        }
    }
    return feed_part(a, pcm, n, st);
}

void vk_asr_set_complete(vk_asr *a, vk_asr_complete_fn fn, void *user)
{
    if (!a)
        return;
    a->complete = fn;
    a->complete_user = user;
}

void vk_asr_set_paced(vk_asr *a, int paced)
{
    if (a)
        a->paced = paced;
}

void vk_asr_set_spared(vk_asr *a, vk_asr_complete_fn fn, void *user)
{
    if (!a)
        return;
    a->spared = fn;
    a->spared_user = user;
}

void vk_asr_get_result(const vk_asr *a, vk_asr_result *out)
{
    if (a && out)
        *out = a->res;
}

vk_asr_state vk_asr_flush(vk_asr *a)
{
    if (!a)
        return VK_ASR_IDLE;
    if (a->held) {
        hold_done(a, 1);
        return VK_ASR_DONE;
    }
    /* The audio kept for later comes first: it was heard before the end. */
    while (a->llen) {
        vk_asr_state st = vk_asr_feed(a, NULL, 0);
        if (a->held) { /* it ended an utterance early */
            hold_done(a, 1);
            return VK_ASR_DONE;
        }
        if (st == VK_ASR_DONE)
            return st;
    }
    if (!a->in_utt)
        return VK_ASR_IDLE;
    if (!a->in_speech) {
        ps_end_utt(a->ps);
        if (a->pl)
            ps_end_utt(a->pl);
        a->in_utt = 0;
        apply_pending(a);
        return VK_ASR_IDLE;
    }
    a->in_speech = 0;
    finish_utt(a, 0);
    apply_pending(a);
    return VK_ASR_DONE;
}

void vk_asr_get_ahead_stats(const vk_asr *a, vk_asr_ahead_stats *out)
{
    if (a && out)
        *out = a->ahead;
}
