/*
 * recognizer: hearing with meaning.  It loads the grammar of every context
 * (answer, command, menu), gives them to the asr module, and turns each
 * recognised utterance into what the dialog acts on: a meaning tag, the
 * words, and a confidence.  The live kiosk, `recognize` and `simulate` all
 * hear through this one module, so they behave the same.
 */
#ifndef VK_RECOGNIZER_H
#define VK_RECOGNIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asr.h"
#include "diag.h"
#include "grammar.h"

/* The meaning of a grammar phrase that is there only to catch sounds that
 * are neither answers nor commands: heard, reported with no meaning. */
#define VK_MEANING_IGNORE "ignore"

typedef struct vk_heard {
    char meaning[32]; /* "" = rejected or not in the grammar */
    char words[256];
    double confidence;
    double start_s, end_s;
    /* The meaning of what the live pass alone heard in the same
     * utterance, at any confidence ("" = nothing), before the second
     * decoding pass (asr.h); from the same words as meaning when no second
     * pass ran.  Barge-in acts on a result only when both passes agree,
     * but for a yes or not sure toward the crisis contacts (kiosk.c). */
    char live_meaning[32];
    double held_ms; /* held for the second pass (vk_asr_result) */
} vk_heard;

typedef struct vk_recognizer vk_recognizer;

/* The contexts every kiosk has; each is grammars/<name>.gram. */
extern const char *const vk_recognizer_contexts[];
extern const size_t vk_recognizer_ncontexts;

/* Loads the grammars in `grammars_dir` (problems go to diag) and starts the
 * recogniser.  errbuf names the fix when the model is missing.
 * Free with vk_recognizer_destroy(). */
vk_err vk_recognizer_create(const char *grammars_dir, const vk_asr_opts *opts,
                            vk_diag *diag, vk_recognizer **out, char *errbuf,
                            size_t errlen) VK_WARN_UNUSED;
void vk_recognizer_destroy(vk_recognizer *r);

/* Chooses the context of the next utterance and drops any in progress. */
void vk_recognizer_listen(vk_recognizer *r, const char *context);
/* Feeds samples; returns VK_ASR_DONE when *out holds a new result. */
vk_asr_state vk_recognizer_feed(vk_recognizer *r, const int16_t *pcm, size_t n,
                                vk_heard *out);
/* Ends the utterance in progress (end of a file). */
vk_asr_state vk_recognizer_flush(vk_recognizer *r, vk_heard *out);
/* The audio comes at a sound card's pace (vk_asr_set_paced). */
void vk_recognizer_set_paced(vk_recognizer *r, bool paced);
/* How the second decoding pass ran (asr.h), for the benchmark. */
void vk_recognizer_ahead_stats(const vk_recognizer *r, vk_asr_ahead_stats *out);

/* The phrases the clean-utterance rival veto spares (vk_asr_set_spared):
 * those of g meaning "stop" or "help", the two whose action does no harm
 * when heard by mistake.  Stopping is always confirmed first ("Do you want
 * to stop?"), or only pauses an explanation; help only says what can be
 * said.  A missed one leaves a person unable to stop, or without help
 * (eSpeak NG's "help" lost half its renderings to the veto).  Exported for
 * the lab (bench/asr_lab). */
bool vk_recognizer_spared_phrase(const vk_grammar *g, const char *words);

/* Recognises a whole recording in `context`: the most confident utterance
 * with a meaning, or an empty meaning if none. */
void vk_recognizer_clip(vk_recognizer *r, const char *context,
                        const int16_t *pcm, size_t n, vk_heard *out);

#endif
