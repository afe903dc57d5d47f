/* recognizer: grammar contexts + asr + the word-to-meaning table. */
#define _POSIX_C_SOURCE 200809L
#include "recognizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "grammar.h"
#include "mem.h"

const char *const vk_recognizer_contexts[] = {"answer", "command", "menu"};
const size_t vk_recognizer_ncontexts =
    sizeof vk_recognizer_contexts / sizeof vk_recognizer_contexts[0];

struct vk_recognizer {
    vk_asr *asr;
    vk_grammar *grammars[8];
    const vk_grammar *current;
};

/* The grammar of context `name`, NULL if there is none. */
static const vk_grammar *grammar_of(const vk_recognizer *r, const char *name)
{
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++)
        if (strcmp(vk_recognizer_contexts[i], name) == 0)
            return r->grammars[i];
    return NULL;
}

/* vk_asr_complete_fn: `words` are a complete phrase of the context
 * (vk_grammar_phrase_complete). */
static int phrase_complete(void *user, const char *context, const char *words)
{
    const vk_grammar *g = grammar_of(user, context);
    return g && vk_grammar_phrase_complete(g, words);
}

bool vk_recognizer_spared_phrase(const vk_grammar *g, const char *words)
{
    const char *m = g ? vk_grammar_meaning(g, words) : NULL;
    return m && (strcmp(m, "stop") == 0 || strcmp(m, "help") == 0);
}

/* vk_asr_complete_fn for vk_asr_set_spared. */
static int phrase_spared(void *user, const char *context, const char *words)
{
    return vk_recognizer_spared_phrase(grammar_of(user, context), words);
}

vk_err vk_recognizer_create(const char *grammars_dir, const vk_asr_opts *opts,
                            vk_diag *diag, vk_recognizer **out, char *errbuf,
                            size_t errlen)
{
    *out = NULL;
    vk_recognizer *r = vk_calloc(1, sizeof *r);
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++)
        r->grammars[i] =
            vk_grammar_load(grammars_dir, vk_recognizer_contexts[i], diag);
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++)
        if (!r->grammars[i]) {
            snprintf(errbuf, errlen, "the grammars in %s have errors",
                     grammars_dir);
            vk_recognizer_destroy(r);
            return VK_ERR_PARSE;
        }
    vk_err e = vk_asr_create(opts, &r->asr, errbuf, errlen);
    if (e != VK_OK) {
        vk_recognizer_destroy(r);
        return e;
    }
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++) {
        size_t nw;
        const char *const *w = vk_grammar_words(r->grammars[i], &nw);
        e = vk_asr_add_context(r->asr, vk_recognizer_contexts[i],
                               vk_grammar_jsgf(r->grammars[i]), w, nw, errbuf,
                               errlen);
        if (e != VK_OK) {
            vk_recognizer_destroy(r);
            return e;
        }
    }
    vk_asr_set_complete(r->asr, phrase_complete, r);
    vk_asr_set_spared(r->asr, phrase_spared, r);
    vk_recognizer_listen(r, "answer");
    *out = r;
    return VK_OK;
}

void vk_recognizer_destroy(vk_recognizer *r)
{
    if (!r)
        return;
    vk_asr_destroy(r->asr);
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++)
        vk_grammar_destroy(r->grammars[i]);
    free(r);
}

void vk_recognizer_listen(vk_recognizer *r, const char *context)
{
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++)
        if (strcmp(vk_recognizer_contexts[i], context) == 0 &&
            r->current != r->grammars[i]) {
            r->current = r->grammars[i];
            if (vk_asr_set_context(r->asr, context) != VK_OK)
                abort(); /* every context was added at creation */
        }
    vk_asr_reset(r->asr);
}

static void take(vk_recognizer *r, vk_heard *out)
{
    vk_asr_result res;
    vk_asr_get_result(r->asr, &res);
    memset(out, 0, sizeof *out);
    snprintf(out->words, sizeof out->words, "%s", res.words);
    out->confidence = res.confidence;
    out->start_s = res.start_s;
    out->end_s = res.end_s;
    out->held_ms = res.held_ms;
    const char *lm = res.live_words[0]
                         ? vk_grammar_meaning(r->current, res.live_words)
                         : NULL;
    if (lm && strcmp(lm, VK_MEANING_IGNORE) != 0)
        snprintf(out->live_meaning, sizeof out->live_meaning, "%s", lm);
    const char *m =
        res.words[0] ? vk_grammar_meaning(r->current, res.words) : NULL;
    /* {ignore}: a phrase that is there to catch sounds that are neither
     * answers nor commands (see grammars/answer.gram); heard, never acted
     * on. */
    if (m && strcmp(m, VK_MEANING_IGNORE) == 0)
        m = NULL;
    /* Below the confirm band the dialog rejects the input, so the meaning
     * is reported empty here too: `recognize` shows what the kiosk acts on. */
    if (m && res.confidence >= VK_ASR_CONFIRM)
        snprintf(out->meaning, sizeof out->meaning, "%s", m);
    else if (!m)
        out->confidence = 0.0; /* nothing the dialog could act on */
}

vk_asr_state vk_recognizer_feed(vk_recognizer *r, const int16_t *pcm, size_t n,
                                vk_heard *out)
{
    vk_asr_state s = vk_asr_feed(r->asr, pcm, n);
    if (s == VK_ASR_DONE)
        take(r, out);
    return s;
}

void vk_recognizer_set_paced(vk_recognizer *r, bool paced)
{
    vk_asr_set_paced(r ? r->asr : NULL, paced);
}

void vk_recognizer_ahead_stats(const vk_recognizer *r, vk_asr_ahead_stats *out)
{
    vk_asr_get_ahead_stats(r ? r->asr : NULL, out);
}

vk_asr_state vk_recognizer_flush(vk_recognizer *r, vk_heard *out)
{
    vk_asr_state s = vk_asr_flush(r->asr);
    if (s == VK_ASR_DONE)
        take(r, out);
    return s;
}

/* Keeps h in *best if it is the first result or a more confident one. */
static void keep_best(vk_asr_state st, const vk_heard *h, vk_heard *best,
                      bool *any)
{
    if (st == VK_ASR_DONE && (!*any || h->confidence > best->confidence)) {
        *best = *h;
        *any = true;
    }
}

void vk_recognizer_clip(vk_recognizer *r, const char *context,
                        const int16_t *pcm, size_t n, vk_heard *out)
{
    vk_recognizer_listen(r, context);
    memset(out, 0, sizeof *out);
    vk_heard h;
    bool any = false;
    for (size_t off = 0; off < n; off += VK_AUDIO_FRAME) {
        size_t len = n - off < VK_AUDIO_FRAME ? n - off : VK_AUDIO_FRAME;
        keep_best(vk_recognizer_feed(r, pcm + off, len, &h), &h, out, &any);
    }
    /* A live kiosk would go on hearing silence; give the endpointer 1 s. */
    int16_t silence[VK_AUDIO_FRAME] = {0};
    for (int i = 0; i < 50; i++)
        keep_best(vk_recognizer_feed(r, silence, VK_AUDIO_FRAME, &h), &h, out,
                  &any);
    keep_best(vk_recognizer_flush(r, &h), &h, out, &any);
}
