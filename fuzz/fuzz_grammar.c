/*
 * fuzz_grammar: the JSGF reader (src/grammar.c).  The fuzzed bytes are
 * answer.gram, beside the shipped command.gram and menu.gram (which it may
 * refer to).  Loading expands every context into its phrase list; any bytes
 * must give a grammar or file:line problems, never a crash or a runaway
 * expansion.  A grammar that loads is queried as the recogniser would.
 */
#include "fuzz_util.h"

#include "diag.h"
#include "grammar.h"

#ifndef FUZZ_SOURCE_DIR
#define FUZZ_SOURCE_DIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        char src[1024];
        snprintf(src, sizeof src, "%s/grammars/command.gram", FUZZ_SOURCE_DIR);
        fuzz_copy(src, "command.gram");
        snprintf(src, sizeof src, "%s/grammars/menu.gram", FUZZ_SOURCE_DIR);
        fuzz_copy(src, "menu.gram");
        ready = 1;
    }
    char path[512];
    fuzz_write("answer.gram", data, size, path, sizeof path);
    vk_diag *diag = vk_diag_create();
    vk_grammar *g = vk_grammar_load(fuzz_dir(), "answer", diag);
    size_t total = 0;
    if (g) {
        total += strlen(vk_grammar_jsgf(g)) + strlen(vk_grammar_name(g));
        size_t nw = 0;
        const char *const *w = vk_grammar_words(g, &nw);
        for (size_t i = 0; i < nw; i++) {
            const char *file = NULL;
            total += (size_t)vk_grammar_word_line(g, w[i], &file);
        }
        for (size_t i = 0; i < vk_grammar_phrase_count(g); i++) {
            const char *tag = NULL;
            const char *p = vk_grammar_phrase(g, i, &tag);
            /* Every listed phrase must be recognised back with a meaning. */
            if (!vk_grammar_meaning(g, p))
                abort();
            total += strlen(p) + (tag ? strlen(tag) : 0);
        }
        total += vk_grammar_has_tag(g, "yes");
    } else if (vk_diag_count(diag) == 0) {
        abort();
    }
    vk_grammar_destroy(g);
    vk_diag_destroy(diag);
    return total == (size_t)-1;
}
