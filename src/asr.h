/*
 * asr: speech recognition with PocketSphinx, and the only module that
 * includes PocketSphinx headers.
 *
 * The recogniser is fed 16 kHz mono 16-bit samples in small frames (any
 * size, typically 20 ms).  It finds the start and end of each utterance
 * itself, decodes it with the grammar of the current *context* (answer,
 * command or menu), and decides how sure it is.  Rejection lives here:
 * an utterance that is noise, a cough, or words outside the grammar must
 * come back with an empty `words` string or a low confidence.
 *
 * Meaning (the tag the dialog acts on) is NOT decided here: the caller
 * maps `words` to a tag with the grammar module.  This module only knows
 * JSGF text and the list of words it needs pronunciations for.
 *
 * All calls must come from one thread.  (Inside, the second decoding pass
 * runs on a worker thread of the recogniser's own; see asr.c.)
 */
#ifndef VK_ASR_H
#define VK_ASR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct vk_asr vk_asr;

/* Confidence bands, from the measured confidence scale (see the README's
 * recognition table): at or above ACCEPT the dialog acts at once; from
 * CONFIRM up to ACCEPT it asks "I heard yes. Is that right?"; below
 * CONFIRM the input is rejected and the person is asked again. */
#ifndef VK_ASR_ACCEPT
#define VK_ASR_ACCEPT 0.80
#endif
#ifndef VK_ASR_CONFIRM
#define VK_ASR_CONFIRM 0.40
#endif

typedef struct vk_asr_opts {
    /* Acoustic model folder; NULL means Debian's
     * /usr/share/pocketsphinx/model/en-us/en-us (package pocketsphinx-en-us).
     */
    const char *model_dir;
    /* Pronunciation dictionary to take the grammar words from; NULL means
     * /usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict. */
    const char *dict_path;
    /* Gaussian means to use instead of the model's own (PocketSphinx's
     * -mean), in all four decoders: the kiosk passes its adapted means,
     * acoustic/en-us/means (see acoustic/README.md).  NULL = the model's
     * own. */
    const char *means_path;
    /* Rival words (one a line, '#' comments): common words the grammars do
     * not use, decoded beside each context's phrases in the second pass; a
     * result that a rival word beats is rejected, and one just below the
     * confirm band that no rival came near is lifted into it (asr.c,
     * "Rivals").  The kiosk passes acoustic/en-us/rivals.  NULL = no rival
     * check. */
    const char *rivals_path;
    /* Silence, in ms, that ends an utterance (end-of-speech window). 0 =
     * default. */
    int end_silence_ms;
    /* Grammar-aware early end: quiet, in ms, after which an utterance whose
     * words are a complete phrase (see vk_asr_set_complete) in the accept
     * band ends without waiting out end_silence_ms.  0 = default (150 ms);
     * negative = off.  Has no effect unless shorter than end_silence_ms. */
    int early_end_ms;
} vk_asr_opts;

/* Asked during early endpointing: is `words` (lower case, single spaces) a
 * whole phrase of context `context` that no longer phrase of the context
 * could turn into another meaning?  Nonzero = yes. */
typedef int (*vk_asr_complete_fn)(void *user, const char *context,
                                  const char *words);

typedef enum {
    VK_ASR_IDLE = 0,   /* no speech in progress */
    VK_ASR_SPEECH = 1, /* speech in progress */
    VK_ASR_DONE = 2    /* an utterance just ended; vk_asr_get_result() has it */
} vk_asr_state;

typedef struct vk_asr_result {
    char words[256]; /* the hypothesis, lower case, single spaces; "" = rejected
                        / nothing */
    double
        confidence; /* 0..1, calibrated: see the README's recognition section */
    double start_s; /* utterance start and end, seconds since vk_asr_reset() */
    double end_s;
    /* What the live pass alone heard (the same as words when no second
     * pass ran): barge-in asks both passes to agree. */
    char live_words[256];
    /* Wall-clock ms the utterance was held after it ended, for its second
     * pass on the worker (vk_asr_set_paced); 0 = not held.  Part of the
     * turn's compute, though the loop was free meanwhile. */
    double held_ms;
} vk_asr_result;

/* Creates a recogniser.  On failure returns an error and writes a message
 * naming the fix (for example the Debian package to install) into errbuf.
 * *out is owned by the caller: free with vk_asr_destroy(). */
vk_err vk_asr_create(const vk_asr_opts *opts, vk_asr **out, char *errbuf,
                     size_t errlen) VK_WARN_UNUSED;

/* Frees the recogniser.  NULL is a no-op. */
void vk_asr_destroy(vk_asr *asr);

/* Adds a context called `name` decoded with the JSGF grammar `jsgf`
 * (borrowed; copied).  `words` lists every word the grammar uses (borrowed);
 * each is looked up in the dictionary.  A word missing from the dictionary
 * is an error naming the word (in errbuf). */
vk_err vk_asr_add_context(vk_asr *asr, const char *name, const char *jsgf,
                          const char *const *words, size_t nwords, char *errbuf,
                          size_t errlen) VK_WARN_UNUSED;

/* Selects the context for the next utterance.  If an utterance is in
 * progress the switch happens when it ends. */
vk_err vk_asr_set_context(vk_asr *asr, const char *name) VK_WARN_UNUSED;

/* Drops any utterance in progress and restarts the stream clock at 0. */
void vk_asr_reset(vk_asr *asr);

/* Feeds n samples.  Returns VK_ASR_DONE once per utterance, right after it
 * ends; the result is then read with vk_asr_get_result().  At most one
 * result per call: samples after it are kept and fed first at the next
 * call (or by vk_asr_flush). */
vk_asr_state vk_asr_feed(vk_asr *asr, const int16_t *pcm, size_t n);

/* Sets the phrase test that enables early endpointing (NULL = off); `user`
 * is borrowed and passed back to fn. */
void vk_asr_set_complete(vk_asr *asr, vk_asr_complete_fn fn, void *user);

/* Sets a phrase test of the same form for the phrases that the stricter
 * rival veto of a clean utterance spares (asr.c, "Rivals"; NULL = none):
 * those whose action does no harm when heard by mistake, where a miss
 * costs more than a false accept (the recogniser: stop, which is always
 * confirmed, and help).  `user` is borrowed. */
void vk_asr_set_spared(vk_asr *asr, vk_asr_complete_fn fn, void *user);

/* Tells the recogniser that the audio comes at a sound card's pace (the
 * live kiosk, simulate --realtime).  An early end whose result wants the
 * second pass then leaves that pass to the worker thread and reports
 * VK_ASR_DONE a few steps later, instead of running it on the calling
 * thread at once; the audio fed meanwhile is kept and fed after it.  The
 * result is the same either way.  Off by default: faster than real time
 * the hold would make the session clock depend on the worker's speed. */
void vk_asr_set_paced(vk_asr *asr, int paced);

/* Copies the result of the utterance that just ended. */
void vk_asr_get_result(const vk_asr *asr, vk_asr_result *out);

/* How the second pass (see asr.c) went: run ahead on the worker thread
 * during the end-of-speech window, or at the end on the calling thread. */
typedef struct vk_asr_ahead_stats {
    unsigned long ready;  /* second passes whose job was ready at the end */
    unsigned long at_end; /* second passes run at the end (no job matched) */
    unsigned long held;   /* of `ready`: early ends whose pass the worker ran
                             while the loop went on (vk_asr_set_paced) */
} vk_asr_ahead_stats;

/* Copies the counts since vk_asr_create(). */
void vk_asr_get_ahead_stats(const vk_asr *asr, vk_asr_ahead_stats *out);

/* Ends the current utterance now (for example at end of a file) and returns
 * VK_ASR_DONE if there was speech to decode, else VK_ASR_IDLE. */
vk_asr_state vk_asr_flush(vk_asr *asr);

#endif
