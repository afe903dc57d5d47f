/*
 * The hold (asr.c, "Early end"): with the audio at a card's pace, an early
 * end whose result wants the second pass leaves that pass to the worker
 * thread and reports the result a few calls later, keeping the audio that
 * came meanwhile.  These tests run the real recogniser (Debian's model,
 * the shipped grammars, means and rival words) over real recordings of
 * yes and no from the shared set, as one stream, paced and not, and check
 * that the hold changes when a result comes, never what it is, and that no
 * audio is lost to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "recognizer.h"
#include "mem.h"
#include "wav.h"

#define SPEECH VK_TEST_SOURCE_DIR "/../shared/data/speech"
#define FRAME 320    /* 20 ms, as the kiosk feeds */
#define MAX_CLIPS 48 /* yes and no clips of the dev set, in manifest order */
#define MAX_HEARD 128

typedef struct heard {
    char words[256];
    double confidence, start_s, end_s;
    double held_ms;
} heard;

typedef struct stream {
    int16_t *pcm;
    size_t n;
    size_t nclips;
} stream;

/* The first `nclips` (at most MAX_CLIPS) yes and no clips, each followed
 * by `gap_ms` of silence, as one stream. */
static void load_stream(stream *s, int gap_ms, size_t nclips)
{
    FILE *f = fopen(SPEECH "/manifest.tsv", "r");
    assert_non_null(f);
    char line[1024];
    size_t cap = 0;
    memset(s, 0, sizeof *s);
    while (s->nclips < nclips && fgets(line, sizeof line, f)) {
        char path[512], label[32];
        if (sscanf(line, "%511[^\t]\t%31[^\t]", path, label) != 2 ||
            strncmp(path, "dev/", 4) != 0 ||
            (strcmp(label, "yes") != 0 && strcmp(label, "no") != 0))
            continue;
        char full[1024], err[256];
        snprintf(full, sizeof full, "%s/%s", SPEECH, path);
        int16_t *x = NULL;
        size_t nx = 0;
        assert_int_equal(vk_wav_read16k(full, &x, &nx, err, sizeof err), VK_OK);
        size_t gap = (size_t)gap_ms * 16;
        if (s->n + nx + gap > cap) {
            cap = (s->n + nx + gap) * 2;
            int16_t *b = vk_calloc(cap, sizeof *b);
            if (s->n)
                memcpy(b, s->pcm, s->n * sizeof *b);
            free(s->pcm);
            s->pcm = b;
        }
        memcpy(s->pcm + s->n, x, nx * sizeof *x);
        memset(s->pcm + s->n + nx, 0, gap * sizeof *x);
        s->n += nx + gap;
        s->nclips++;
        free(x);
    }
    fclose(f);
    assert_int_equal(s->nclips, nclips);
}

/* Adds result h to out[*nh] (up to MAX_HEARD). */
static void keep(heard *out, size_t *nh, const vk_heard *h)
{
    if (*nh >= MAX_HEARD)
        return;
    heard *o = &out[(*nh)++];
    snprintf(o->words, sizeof o->words, "%s", h->words);
    o->confidence = h->confidence;
    o->start_s = h->start_s;
    o->end_s = h->end_s;
    o->held_ms = h->held_ms;
}

/* What a run does at one feed call (listen_at): vk_recognizer_listen in
 * `context` right after that call. */
typedef struct listen_at {
    size_t call;         /* index of the feed call */
    const char *context; /* the context it listens in then */
    vk_asr_state st;     /* what that call returned (set by decode) */
} listen_at;

/* Decodes the stream in the answer context, as the kiosk feeds it, and
 * returns the results heard.  done_at (if not NULL) gets the index of the
 * feed call that returned each result; `at` (if not NULL) listens anew
 * once on the way. */
static size_t decode_at(const stream *s, bool paced, heard *out,
                        vk_asr_ahead_stats *st, size_t *done_at, listen_at *at)
{
    vk_asr_opts o = {.means_path = VK_TEST_SOURCE_DIR "/acoustic/en-us/means",
                     .rivals_path =
                         VK_TEST_SOURCE_DIR "/acoustic/en-us/rivals"};
    vk_diag *diag = vk_diag_create();
    vk_recognizer *r = NULL;
    char err[512] = "";
    assert_int_equal(vk_recognizer_create(VK_TEST_SOURCE_DIR "/grammars", &o,
                                          diag, &r, err, sizeof err),
                     VK_OK);
    vk_diag_destroy(diag);
    vk_recognizer_set_paced(r, paced);
    size_t nh = 0, call = 0;
    vk_heard h;
    for (size_t off = 0; off <= s->n; off += FRAME, call++) {
        size_t k = s->n - off < FRAME ? s->n - off : FRAME;
        vk_asr_state st2 = k ? vk_recognizer_feed(r, s->pcm + off, k, &h)
                             : vk_recognizer_flush(r, &h);
        if (st2 == VK_ASR_DONE) {
            if (done_at && nh < MAX_HEARD)
                done_at[nh] = call;
            keep(out, &nh, &h);
        }
        if (at && at->call == call) {
            at->st = st2;
            vk_recognizer_listen(r, at->context);
        }
    }
    /* Whatever a last hold kept is decoded by the end of input. */
    while (nh < MAX_HEARD && vk_recognizer_flush(r, &h) == VK_ASR_DONE)
        keep(out, &nh, &h);
    vk_recognizer_ahead_stats(r, st);
    vk_recognizer_destroy(r);
    return nh;
}

static size_t decode(const stream *s, bool paced, heard *out,
                     vk_asr_ahead_stats *st)
{
    return decode_at(s, paced, out, st, NULL, NULL);
}

static void same_results(const heard *a, size_t na, const heard *b, size_t nb)
{
    if (na != nb)
        fail_msg("%zu results unpaced, %zu paced", na, nb);
    for (size_t i = 0; i < na; i++) {
        if (strcmp(a[i].words, b[i].words) != 0 ||
            a[i].confidence != b[i].confidence ||
            a[i].start_s != b[i].start_s || a[i].end_s != b[i].end_s)
            fail_msg("result %zu: \"%s\" %.4f %.2f-%.2f s unpaced, \"%s\" "
                     "%.4f %.2f-%.2f s paced",
                     i, a[i].words, a[i].confidence, a[i].start_s, a[i].end_s,
                     b[i].words, b[i].confidence, b[i].start_s, b[i].end_s);
    }
}

/* Paced and not, the same results in the same order at the same times,
 * and the paced run really held some early ends (the unpaced none). */
static void hold_changes_nothing_heard(int gap_ms)
{
    stream s;
    load_stream(&s, gap_ms, MAX_CLIPS);
    heard *a = vk_calloc(MAX_HEARD, sizeof *a),
          *b = vk_calloc(MAX_HEARD, sizeof *b);
    vk_asr_ahead_stats sa, sb;
    size_t na = decode(&s, false, a, &sa);
    size_t nb = decode(&s, true, b, &sb);
    printf("gap %d ms: %zu results; unpaced: %lu ready, %lu at the end; "
           "paced: %lu ready (%lu held), %lu at the end\n",
           gap_ms, na, sa.ready, sa.at_end, sb.ready, sb.held, sb.at_end);
    assert_true(na >= s.nclips * 3 / 4); /* the clips were heard */
    same_results(a, na, b, nb);
    assert_int_equal(sa.held, 0);
    assert_true(sb.held >= 1);
    /* Each held result says how long it waited (the turn's compute). */
    size_t ha = 0, hb = 0;
    for (size_t i = 0; i < na; i++) {
        ha += a[i].held_ms > 0;
        hb += b[i].held_ms > 0;
    }
    assert_int_equal(ha, 0);
    assert_int_equal(hb, sb.held);
    assert_int_equal(sa.ready + sa.at_end, sb.ready + sb.at_end);
    free(a);
    free(b);
    free(s.pcm);
}

/* Clips 1 s apart: each hold ends before the next clip starts. */
static void hold_one_second_apart(void **state)
{
    (void)state;
    hold_changes_nothing_heard(1000);
}

/* Clips 250 ms apart: the next word starts while the last one is held,
 * and is heard from the audio kept meanwhile. */
static void hold_next_word_soon(void **state)
{
    (void)state;
    hold_changes_nothing_heard(250);
}

/* Half the clips, 250 ms apart, decoded paced and not, once for both
 * listen tests: the feed call that gave each result. */
#define LISTEN_CLIPS (MAX_CLIPS / 2)
static stream listen_s;
static size_t listen_na, listen_done[2][MAX_HEARD];

static void listen_plain_runs(void)
{
    if (listen_s.pcm)
        return;
    load_stream(&listen_s, 250, LISTEN_CLIPS);
    heard *a = vk_calloc(MAX_HEARD, sizeof *a),
          *b = vk_calloc(MAX_HEARD, sizeof *b);
    vk_asr_ahead_stats st;
    listen_na = decode_at(&listen_s, false, a, &st, listen_done[0], NULL);
    size_t nb = decode_at(&listen_s, true, b, &st, listen_done[1], NULL);
    same_results(a, listen_na, b, nb);
    free(a);
    free(b);
}

/* The kiosk listens anew (a new prompt, another context) while an early
 * end is held: the held word is dropped, as any utterance in progress is,
 * and everything after is heard exactly as by a run that was never held
 * and listened anew at the same point.  The moment is one where the
 * unpaced run had its result and the paced one did not: a hold. */
static void listen_during_hold(const char *context)
{
    listen_plain_runs();
    const stream *s = &listen_s;
    const size_t na = listen_na, *done_a = listen_done[0],
                 *done_b = listen_done[1];
    heard *a = vk_calloc(MAX_HEARD, sizeof *a),
          *b = vk_calloc(MAX_HEARD, sizeof *b);
    vk_asr_ahead_stats sa, sb;
    int tried = 0;
    /* Each result the paced run gave later was held; whether the same one
     * is held again depends on the worker's speed, so the first that is. */
    for (size_t i = 0; i < na && !tried; i++) {
        if (done_b[i] <= done_a[i])
            continue;
        listen_at la = {done_a[i], context, VK_ASR_IDLE};
        listen_at lb = la;
        size_t ma = decode_at(s, false, a, &sa, NULL, &la);
        size_t mb = decode_at(s, true, b, &sb, NULL, &lb);
        assert_int_equal(la.st, VK_ASR_DONE);
        if (lb.st == VK_ASR_DONE)
            continue; /* not held this time */
        tried = 1;
        printf("listen \"%s\" during the hold of result %zu (\"%s\"): "
               "%zu results unpaced, %zu paced\n",
               context, i, a[i].words, ma, mb);
        /* The held word is gone; the rest is the same. */
        assert_int_equal(mb + 1, ma);
        same_results(a, i, b, i);
        same_results(a + i + 1, ma - i - 1, b + i, mb - i);
        assert_true(ma - i - 1 >= 5); /* words after it were heard */
    }
    assert_true(tried);
    free(a);
    free(b);
}

static void listen_again_during_hold(void **state)
{
    (void)state;
    listen_during_hold("answer");
}

static void other_context_during_hold(void **state)
{
    (void)state;
    listen_during_hold("command");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hold_one_second_apart),
        cmocka_unit_test(hold_next_word_soon),
        cmocka_unit_test(listen_again_during_hold),
        cmocka_unit_test(other_context_during_hold),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(listen_s.pcm);
    return failed;
}
