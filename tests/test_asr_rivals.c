/*
 * Unit tests for the rival words' bookkeeping in asr.c (included, as the
 * lab does, to reach its static functions): which pronunciations are one
 * consonant or one phone apart, which rival words count against a result,
 * the utterance's estimated SNR, and the clean-utterance veto.  Runs the
 * real recogniser set-up: Debian's model and dictionary, the shipped means,
 * rival words and answer grammar.
 */
#include "../src/asr.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "diag.h"
#include "grammar.h"
#include "recognizer.h"

static void one_consonant_apart_only(void **state)
{
    (void)state;
    assert_true(one_consonant_apart("Y EH S", "Y EH T"));  /* yes, yet */
    assert_true(one_consonant_apart("N OW", "DH OW"));     /* no, though */
    assert_true(one_consonant_apart("D UW", " N UW "));    /* spaces */
    assert_false(one_consonant_apart("Y EH S", "Y EH S")); /* the same */
    assert_false(one_consonant_apart("N OW", "N AW"));     /* now: vowel */
    assert_false(one_consonant_apart("N OW", "OW"));       /* oh: shorter */
    assert_false(one_consonant_apart("OW", "N OW"));       /* longer */
    assert_false(one_consonant_apart("S T AA P", "S T AA"));
    assert_false(one_consonant_apart("S T AA P", "T T AA B")); /* two */
    assert_false(one_consonant_apart("", ""));
}

static void one_phone_apart_any_phone(void **state)
{
    (void)state;
    assert_true(one_phone_apart("N OW", "N AW"));        /* now: a vowel */
    assert_true(one_phone_apart("Y EH S", "Y EH T"));    /* a consonant */
    assert_true(one_phone_apart("S T AA P", "T AA P"));  /* one left out */
    assert_true(one_phone_apart("OW", "N OW"));          /* one added */
    assert_true(one_phone_apart("S T AA P", "S T AA"));  /* at the end */
    assert_true(one_phone_apart("AA B", "AA AA B"));     /* a repeat */
    assert_false(one_phone_apart("N OW", "N OW"));       /* the same */
    assert_false(one_phone_apart("S T AA P", "T AA B")); /* two */
    assert_false(one_phone_apart("N OW", "N OW T S"));   /* two added */
    assert_false(one_phone_apart("F AY V", "AY D UW"));  /* five, i do */
    assert_false(one_phone_apart("L EH F T", "Y EH S")); /* left, yes */
    assert_false(one_phone_apart("", ""));
}

/* A 1 kHz tone in a 10 ms-frame pattern: `loud` frames at amplitude a,
 * then `quiet` frames at amplitude b, then `zero` frames of zeros. */
static int16_t *pattern(size_t loud, double a, size_t quiet, double b,
                        size_t zero, size_t *n)
{
    *n = (loud + quiet + zero) * VK_ASR_SUB;
    int16_t *x = vk_calloc(*n, sizeof *x);
    for (size_t i = 0; i < (loud + quiet) * VK_ASR_SUB; i++)
        x[i] = (int16_t)((i < loud * VK_ASR_SUB ? a : b) *
                         sin(2 * M_PI * 1000.0 * (double)i / 16000.0));
    return x;
}

/* The loudest 30% of frames over the 10th-percentile frame; zeros (a
 * padded file's digital silence) are left out; too little left is 0. */
static void snr_of_an_utterance(void **state)
{
    (void)state;
    size_t n;
    int16_t *x = pattern(40, 10000, 60, 100, 0, &n); /* 40 dB apart */
    assert_true(fabs(utt_snr(x, n) - 40.0) < 0.5);
    free(x);
    x = pattern(40, 10000, 60, 100, 200, &n); /* padded with zeros */
    assert_true(fabs(utt_snr(x, n) - 40.0) < 0.5);
    free(x);
    x = pattern(40, 1000, 60, 316, 0, &n); /* 10 dB apart */
    assert_true(fabs(utt_snr(x, n) - 10.0) < 0.5);
    free(x);
    x = pattern(5, 10000, 0, 0, 100, &n); /* 5 frames of sound */
    assert_true(utt_snr(x, n) == 0.0);
    assert_true(utt_snr(x, 0) == 0.0);
    free(x);
}

typedef struct fixture {
    vk_asr *asr;
    int ctx;
} fixture;

static int setup(void **state)
{
    vk_diag *diag = vk_diag_create();
    vk_grammar *g =
        vk_grammar_load(VK_TEST_SOURCE_DIR "/grammars", "answer", diag);
    vk_diag_destroy(diag);
    assert_non_null(g);
    vk_asr_opts o = {.means_path = VK_TEST_SOURCE_DIR "/acoustic/en-us/means",
                     .rivals_path =
                         VK_TEST_SOURCE_DIR "/acoustic/en-us/rivals"};
    fixture *f = vk_calloc(1, sizeof *f);
    char err[256] = "";
    assert_int_equal(vk_asr_create(&o, &f->asr, err, sizeof err), VK_OK);
    size_t n = 0;
    const char *const *w = vk_grammar_words(g, &n);
    assert_int_equal(vk_asr_add_context(f->asr, "answer", vk_grammar_jsgf(g), w,
                                        n, err, sizeof err),
                     VK_OK);
    vk_grammar_destroy(g);
    f->ctx = (int)f->asr->nctx - 1;
    assert_non_null(f->asr->ctx[f->ctx].rivals);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vk_asr_destroy(f->asr);
    free(f);
    return 0;
}

static const char *near_of(const fixture *f, const char *rival)
{
    for (size_t i = 0; i < f->asr->nrival; i++)
        if (strcmp(f->asr->rival[i], rival) == 0)
            return f->asr->ctx[f->ctx].near ? f->asr->ctx[f->ctx].near[i]
                                            : NULL;
    fail_msg("\"%s\" is not a rival word", rival);
    return NULL;
}

/* The answer context's neighbours: "yet" is a consonant from "yes" (and
 * "yep"), "though" from "no"; "now" (another vowel) and "five" are not. */
static void neighbours_are_listed(void **state)
{
    fixture *f = *state;
    const char *yet = near_of(f, "yet"), *though = near_of(f, "though");
    assert_non_null(yet);
    assert_non_null(strstr(yet, "yes "));
    assert_non_null(strstr(yet, "yep "));
    assert_non_null(though);
    assert_non_null(strstr(though, "no "));
    assert_null(near_of(f, "now"));
    assert_null(near_of(f, "five"));
}

/* Which rival words count against the heard words (rival_beats). */
static const struct {
    const char *hyp, *words;
    int which, beats;
} RIVAL_CASES[] = {
    /* with the neighbours (the lift's view), a rival a consonant away from
     * the single heard word does not count against it; against another
     * word, or beside a second heard word, it does, and so does a far
     * rival */
    {"yet", "yes", RIVAL_NOT_NEAR, 0},
    {"though", "no", RIVAL_NOT_NEAR, 0},
    {"though(2)", "no", RIVAL_NOT_NEAR, 0},
    {"though", "no thanks", RIVAL_NOT_NEAR, 1},
    {"yet", "no", RIVAL_NOT_NEAR, 1},
    {"now", "no", RIVAL_NOT_NEAR, 1},
    {"five", "i do", RIVAL_NOT_NEAR, 1},
    {"yet five", "yes", RIVAL_NOT_NEAR, 1},
    {"yes", "yes", RIVAL_NOT_NEAR, 0}, /* no rival at all */
    /* without the neighbours (the veto's view), every rival counts */
    {"yet", "yes", RIVAL_ANY, 1},
    {"though", "no", RIVAL_ANY, 1},
    {"yes", "yes", RIVAL_ANY, 0},
    /* within one phone of any heard word (the clean veto's view): "now"
     * beside "no" and "yet" beside "yes" do not count, "left" beside
     * "yes" and "five" beside "i do" do */
    {"now", "no", RIVAL_NOT_CLOSE, 0},
    {"yet", "yes", RIVAL_NOT_CLOSE, 0},
    {"now", "no thanks", RIVAL_NOT_CLOSE, 0},
    {"left", "yes", RIVAL_NOT_CLOSE, 1},
    {"five", "i do", RIVAL_NOT_CLOSE, 1},
    {"now left", "no", RIVAL_NOT_CLOSE, 1},
};

static void which_rivals_beat(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof RIVAL_CASES / sizeof *RIVAL_CASES; i++)
        if (rival_beats(f->asr, f->ctx, RIVAL_CASES[i].hyp,
                        RIVAL_CASES[i].words,
                        RIVAL_CASES[i].which) != RIVAL_CASES[i].beats)
            fail_msg("rival path \"%s\" against \"%s\" (view %d): expected %s",
                     RIVAL_CASES[i].hyp, RIVAL_CASES[i].words,
                     RIVAL_CASES[i].which,
                     RIVAL_CASES[i].beats ? "to count" : "not to count");
}

/* rival_check on a second-pass result at raw 0.97 (accept band) whose rival
 * decode held `hyp`, `margin` better than the grammar's path, in an
 * utterance of `snr` dB: its confidence afterwards. */
static double checked(fixture *f, const char *hyp, const char *words,
                      long margin, double snr)
{
    vk_asr *a = f->asr;
    memset(&a->feats, 0, sizeof a->feats);
    a->feats.raw = 0.97;
    a->feats.g_score = -5000;
    a->feats.snr = snr;
    a->rv_score = -5000 + margin;
    a->rv_ran = 1;
    a->rv_ctx = f->ctx;
    snprintf(a->rv_hyp, sizeof a->rv_hyp, "%s", hyp);
    snprintf(a->res.words, sizeof a->res.words, "%s", words);
    a->res.confidence = remap(a->feats.raw, 0);
    rival_check(a);
    return a->res.confidence;
}

/* In a clean utterance a rival far from the heard words rejects the
 * result by any margin; in noise, or near the heard word, only a margin
 * over VK_ASR_RIVAL_MARGIN does.  VK_ASR_CLEAN=0's switch turns it off. */
static void clean_veto(void **state)
{
    fixture *f = *state;
    const double hi = VK_ASR_CLEAN_SNR_DB + 5, lo = VK_ASR_CLEAN_SNR_DB - 5;
    assert_true(checked(f, "left", "yes", 10, hi) < VK_ASR_CONFIRM);
    assert_true(checked(f, "left", "yes", -500, hi) < VK_ASR_CONFIRM);
    assert_true(f->asr->feats.rival_strange && f->asr->feats.rival_veto);
    assert_true(checked(f, "left", "yes", 10, lo) >= VK_ASR_ACCEPT);
    assert_true(checked(f, "yet", "yes", 10, hi) >= VK_ASR_ACCEPT);
    assert_true(checked(f, "now", "no", 10, hi) >= VK_ASR_ACCEPT);
    assert_true(checked(f, "yes", "yes", 0, hi) >= VK_ASR_ACCEPT);
    /* the margin rule, clean or not */
    assert_true(checked(f, "now", "no", VK_ASR_RIVAL_MARGIN + 1, lo) <
                VK_ASR_CONFIRM);
    vk_asr_clean = 0;
    assert_true(checked(f, "left", "yes", 10, hi) >= VK_ASR_ACCEPT);
    vk_asr_clean = 1;
}

static int spare_stop(void *user, const char *context, const char *words)
{
    (void)user;
    assert_string_equal(context, "answer");
    return strcmp(words, "stop") == 0;
}

/* A phrase the caller spares (the recogniser: the stop phrases) keeps the
 * margin rule in a clean utterance; the others do not. */
static void spared_phrases(void **state)
{
    fixture *f = *state;
    const double hi = VK_ASR_CLEAN_SNR_DB + 5;
    assert_true(checked(f, "still", "stop", 10, hi) < VK_ASR_CONFIRM);
    vk_asr_set_spared(f->asr, spare_stop, NULL);
    assert_true(checked(f, "still", "stop", 10, hi) >= VK_ASR_ACCEPT);
    assert_true(checked(f, "still", "stop", VK_ASR_RIVAL_MARGIN + 1, hi) <
                VK_ASR_CONFIRM);
    assert_true(checked(f, "left", "yes", 10, hi) < VK_ASR_CONFIRM);
    vk_asr_set_spared(f->asr, NULL, NULL);
}

/* The recogniser spares the phrases meaning stop or help, and only
 * those. */
static void recognizer_spares_stop(void **state)
{
    (void)state;
    vk_diag *diag = vk_diag_create();
    vk_grammar *g =
        vk_grammar_load(VK_TEST_SOURCE_DIR "/grammars", "answer", diag);
    vk_diag_destroy(diag);
    assert_non_null(g);
    assert_true(vk_recognizer_spared_phrase(g, "stop"));
    assert_true(vk_recognizer_spared_phrase(g, "i want to stop"));
    assert_false(vk_recognizer_spared_phrase(g, "yes"));
    assert_true(vk_recognizer_spared_phrase(g, "help me"));
    assert_false(vk_recognizer_spared_phrase(g, "skip"));
    assert_false(vk_recognizer_spared_phrase(g, "not a phrase"));
    assert_false(vk_recognizer_spared_phrase(NULL, "stop"));
    vk_grammar_destroy(g);
}

int main(void)
{
    err_set_logfp(NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_consonant_apart_only),
        cmocka_unit_test(one_phone_apart_any_phone),
        cmocka_unit_test(snr_of_an_utterance),
        cmocka_unit_test_setup_teardown(neighbours_are_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(which_rivals_beat, setup, teardown),
        cmocka_unit_test_setup_teardown(clean_veto, setup, teardown),
        cmocka_unit_test_setup_teardown(spared_phrases, setup, teardown),
        cmocka_unit_test(recognizer_spares_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
