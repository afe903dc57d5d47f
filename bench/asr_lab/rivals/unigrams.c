/* unigrams: prints "log10-probability<TAB>word" for each word read from
 * stdin (one a line) that the language model knows, by its unigram score.
 * bench/asr_lab/rivals/make_rivals.py builds and runs it; the lab only. */
#include <stdio.h>
#include <string.h>

#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: unigrams LM.bin < words\n");
        return 2;
    }
    err_set_logfp(NULL);
    logmath_t *lm = logmath_init(1.0001, 0, 0);
    ngram_model_t *m = ngram_model_read(NULL, argv[1], NGRAM_AUTO, lm);
    if (!m) {
        fprintf(stderr, "unigrams: cannot read %s\n", argv[1]);
        return 1;
    }
    char w[256];
    while (fgets(w, sizeof w, stdin)) {
        w[strcspn(w, "\r\n")] = '\0';
        if (!*w || ngram_wid(m, w) == ngram_unknown_wid(m))
            continue;
        int32 s = ngram_score(m, w, NULL);
        printf("%.4f\t%s\n", logmath_log_to_log10(lm, s), w);
    }
    ngram_model_free(m);
    logmath_free(lm);
    return 0;
}
