/* Unit tests for grammar: JSGF subset, tags, expansion, file:line errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grammar.h"
#include "test_util.h"

static void shipped_answer_grammar_maps_variants(void **state)
{
    (void)state;
    vk_diag *d = vk_diag_create();
    vk_grammar *g =
        vk_grammar_load(VK_TEST_SOURCE_DIR "/grammars", "answer", d);
    assert_non_null(g);
    assert_int_equal(vk_diag_count(d), 0);
    assert_string_equal(vk_grammar_meaning(g, "yeah"), "yes");
    assert_string_equal(vk_grammar_meaning(g, "yep"), "yes");
    assert_string_equal(vk_grammar_meaning(g, "nope"), "no");
    assert_string_equal(vk_grammar_meaning(g, "not really"), "no");
    assert_string_equal(vk_grammar_meaning(g, "i'm not sure"), "unsure");
    assert_string_equal(vk_grammar_meaning(g, "i don't know"), "unsure");
    assert_string_equal(vk_grammar_meaning(g, "go back"), "back");
    assert_string_equal(vk_grammar_meaning(g, "stop"), "stop");
    assert_null(vk_grammar_meaning(g, "seven"));
    /* Digits are never active during a yes/no question. */
    assert_null(strstr(vk_grammar_jsgf(g), "two"));
    vk_grammar_destroy(g);
    vk_diag_destroy(d);
}

static void optional_parts_and_tags_expand(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    vk_test_write(dir, "t.gram",
                  "#JSGF V1.0;\ngrammar t;\n"
                  "public <t> = <a> | <b>;\n"
                  "<a> = (please [do] help) {help};\n"
                  "<b> = (yes | yeah) [please] {yes};\n");
    vk_diag *d = vk_diag_create();
    vk_grammar *g = vk_grammar_load(dir, "t", d);
    assert_non_null(g);
    assert_int_equal(vk_grammar_phrase_count(g), 6);
    assert_string_equal(vk_grammar_meaning(g, "please do help"), "help");
    assert_string_equal(vk_grammar_meaning(g, "please help"), "help");
    assert_string_equal(vk_grammar_meaning(g, "yeah please"), "yes");
    vk_grammar_destroy(g);
    vk_diag_destroy(d);
    vk_test_rmdir(dir);
}

static void errors_have_file_and_line(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    vk_test_write(dir, "t.gram",
                  "#JSGF V1.0;\ngrammar t;\n"
                  "public <t> = <a> | <missing>;\n"
                  "<a> = (yes | no {no};\n"
                  "<c> = (maybe) {unsure}\n");
    vk_diag *d = vk_diag_create();
    vk_grammar *g = vk_grammar_load(dir, "t", d);
    assert_null(g);
    char want[4200];
    snprintf(want, sizeof want, "%s/t.gram:4: missing ')'", dir);
    assert_true(vk_test_diag_has(d, want));
    snprintf(want, sizeof want, "%s/t.gram:3: rule <missing> is not defined",
             dir);
    /* <a> failed to parse, so expansion may not run; the parse errors must
     * still all be reported. */
    snprintf(want, sizeof want, "%s/t.gram:6: ';' expected", dir);
    assert_true(vk_test_diag_has(d, want));
    vk_diag_destroy(d);
    vk_test_rmdir(dir);
}

static void ambiguous_and_untagged_phrases_are_refused(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    vk_test_write(
        dir, "t.gram",
        "grammar t;\npublic <t> = (yes) {yes} | (yes) {no} | maybe;\n");
    vk_diag *d = vk_diag_create();
    assert_null(vk_grammar_load(dir, "t", d));
    assert_true(vk_test_diag_has(d, "phrase 'yes' has two meanings"));
    assert_true(vk_test_diag_has(d, "phrase 'maybe' has no meaning"));
    vk_diag_destroy(d);
    vk_test_rmdir(dir);
}

static void empty_folder_is_reported_once(void **state)
{
    (void)state;
    char *dir = vk_test_dir();
    vk_diag *d = vk_diag_create();
    assert_null(vk_grammar_load(dir, "t", d));
    assert_null(vk_grammar_load(dir, "t", d)); /* read again: no repeat */
    assert_true(vk_test_diag_has(d, "no .gram files in the grammar folder"));
    char want[4200];
    snprintf(want, sizeof want, "%s: no .gram files", dir);
    int same = 0;
    for (int i = 0; i < vk_diag_count(d); i++)
        same += strncmp(vk_diag_get(d, i), want, strlen(want)) == 0;
    assert_int_equal(same, 1);
    vk_diag_destroy(d);
    vk_test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_answer_grammar_maps_variants),
        cmocka_unit_test(optional_parts_and_tags_expand),
        cmocka_unit_test(errors_have_file_and_line),
        cmocka_unit_test(ambiguous_and_untagged_phrases_are_refused),
        cmocka_unit_test(empty_folder_is_reported_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
