/*
 * Unit tests for the rival words' bookkeeping in asr.c (included, as the
 * lab does, to reach its static functions): which pronunciations are one
 * consonant apart, and which rival words count against a result.  Runs the
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

/* With the neighbours (the lift's view), a rival a consonant away from the
 * single heard word does not count against it; against another word, or
 * beside a second heard word, it does, and so does a far rival. */
static void only_far_rivals_beat(void **state)
{
    fixture *f = *state;
    vk_asr *a = f->asr;
    assert_false(rival_beats(a, f->ctx, "yet", "yes", 1));
    assert_false(rival_beats(a, f->ctx, "though", "no", 1));
    assert_false(rival_beats(a, f->ctx, "though(2)", "no", 1));
    assert_true(rival_beats(a, f->ctx, "though", "no thanks", 1));
    assert_true(rival_beats(a, f->ctx, "yet", "no", 1));
    assert_true(rival_beats(a, f->ctx, "now", "no", 1));
    assert_true(rival_beats(a, f->ctx, "five", "i do", 1));
    assert_true(rival_beats(a, f->ctx, "yet five", "yes", 1));
    assert_false(rival_beats(a, f->ctx, "yes", "yes", 1)); /* no rival at all */
    /* without the neighbours (the veto's view), every rival counts */
    assert_true(rival_beats(a, f->ctx, "yet", "yes", 0));
    assert_true(rival_beats(a, f->ctx, "though", "no", 0));
    assert_false(rival_beats(a, f->ctx, "yes", "yes", 0));
}

int main(void)
{
    err_set_logfp(NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_consonant_apart_only),
        cmocka_unit_test_setup_teardown(neighbours_are_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(only_far_rivals_beat, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
