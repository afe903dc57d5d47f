/*
 * Unit tests for tts (real eSpeak NG on its synthesis thread) and dsp's
 * streaming converter: a sentence read as it is made is the same, sample
 * for sample, as the finished sentence; a stream converted in any pieces
 * is the same as the whole buffer converted at once; a job let go while
 * it runs stops, and the next one still comes; a voice eSpeak NG does not
 * have fails that job only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dsp.h"
#include "mem.h"
#include "tts.h"

#define VOICE "en-us"
#define TEXT                                                                   \
    "Thank you. In the last two weeks, have you felt cut off from the "        \
    "things you used to enjoy? Please say yes, no, or not sure."

static int setup(void **state)
{
    char err[256];
    vk_tts *t = NULL;
    if (vk_tts_create(&t, err, sizeof err) != VK_OK)
        return -1;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    vk_tts_destroy(*state);
    return 0;
}

/* Reads a whole job in reads of `step` samples. */
static int16_t *read_all(vk_tts_job *j, size_t step, size_t *n)
{
    size_t cap = 16000, got = 0;
    int16_t *pcm = vk_malloc(cap * sizeof *pcm);
    bool end = false;
    while (!end) {
        if (got + step > cap) {
            cap *= 2;
            pcm = vk_realloc(pcm, cap * sizeof *pcm);
        }
        got += vk_tts_read(j, got, pcm + got, step, &end);
    }
    *n = got;
    return pcm;
}

/* eSpeak NG's output depends a little on what it said before (it draws
 * from the C library's random generator), so two syntheses of one text
 * differ; a job keeps every sample, so the same job is compared with
 * itself: read a frame at a time while it is made, then whole. */
static void job_read_as_made_equals_whole(void **state)
{
    vk_tts *t = *state;
    size_t steps[] = {320, 97};
    for (size_t i = 0; i < 2; i++) {
        vk_tts_job *j = vk_tts_start(t, VOICE, 160, TEXT);
        size_t n = 0;
        int16_t *pcm = read_all(j, steps[i], &n);
        assert_true(n > 16000); /* more than a second of speech */
        int16_t *again = vk_malloc(n * sizeof *again);
        bool end = false;
        assert_int_equal(vk_tts_read(j, 0, again, n, &end), n);
        assert_true(end);
        assert_memory_equal(pcm, again, n * sizeof *pcm);
        assert_false(vk_tts_failed(j));
        free(again);
        free(pcm);
        vk_tts_release(j);
    }
}

static void first_read_is_a_part(void **state)
{
    vk_tts *t = *state;
    vk_tts_job *j = vk_tts_start(t, VOICE, 160, TEXT);
    int16_t frame[320];
    bool end = true;
    size_t got = vk_tts_read(j, 0, frame, 320, &end);
    assert_int_equal(got, 320);
    assert_false(end);
    vk_tts_release(j);
}

static void released_job_stops_and_next_comes(void **state)
{
    vk_tts *t = *state;
    /* Long enough to run for a while: released at once, it must neither
     * hang the thread nor leak into the next job. */
    char *lng = vk_malloc(20000);
    lng[0] = '\0';
    for (int i = 0; i < 150; i++)
        strcat(lng, "This sentence is here to make a long job. ");
    vk_tts_job *j = vk_tts_start(t, VOICE, 160, lng);
    int16_t frame[320];
    bool end = false;
    assert_int_equal(vk_tts_read(j, 0, frame, 320, &end), 320);
    vk_tts_release(j);
    int16_t *a = NULL;
    size_t na = 0;
    assert_int_equal(vk_tts_say(t, VOICE, 160, "Goodbye.", &a, &na), VK_OK);
    assert_true(na > 1600 && na < 32000); /* "Goodbye.", not the long text */
    free(a);
    free(lng);
}

static void bad_voice_fails_cleanly(void **state)
{
    vk_tts *t = *state;
    vk_tts_job *j = vk_tts_start(t, "no-such-voice", 160, "Hello.");
    int16_t frame[320];
    bool end = false;
    assert_int_equal(vk_tts_read(j, 0, frame, 320, &end), 0);
    assert_true(end);
    assert_true(vk_tts_failed(j));
    vk_tts_release(j);
    int16_t *pcm = NULL;
    size_t n = 0;
    assert_int_equal(vk_tts_say(t, VOICE, 160, "Hello.", &pcm, &n), VK_OK);
    assert_true(n > 0);
    free(pcm);
}

typedef struct collect {
    int16_t *buf;
    size_t n;
} collect;

static void sink(void *ctx, const int16_t *pcm, size_t n)
{
    collect *c = ctx;
    memcpy(c->buf + c->n, pcm, n * sizeof *pcm);
    c->n += n;
}

static void resampler_pieces_equal_whole(void **state)
{
    (void)state;
    enum { N = 22050 * 2 };
    int16_t *in = vk_malloc(N * sizeof *in);
    uint32_t seed = 7;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1664525u + 1013904223u;
        in[i] = (int16_t)((int)(seed >> 16) % 12000 - 6000);
    }
    size_t nwhole = 0;
    int16_t *whole = vk_dsp_resample(in, N, 22050, 16000, &nwhole);
    assert_int_equal(nwhole, (size_t)(N * 16000.0 / 22050 + 0.5));
    collect c = {vk_malloc((nwhole + 4096) * sizeof(int16_t)), 0};
    vk_resampler *r = vk_resampler_create(22050, 16000);
    size_t pos = 0, piece = 1;
    while (pos < N) {
        size_t k = N - pos < piece ? N - pos : piece;
        vk_resampler_feed(r, in + pos, k, 0, sink, &c);
        pos += k;
        piece = piece * 3 + 1; /* 1, 4, 13, 40, ... samples */
        if (piece > 5000)
            piece = 7;
    }
    vk_resampler_feed(r, NULL, 0, 1, sink, &c);
    vk_resampler_destroy(r);
    assert_int_equal(c.n, nwhole);
    assert_memory_equal(c.buf, whole, nwhole * sizeof *whole);
    free(c.buf);
    free(whole);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(job_read_as_made_equals_whole),
        cmocka_unit_test(first_read_is_a_part),
        cmocka_unit_test(released_job_stops_and_next_comes),
        cmocka_unit_test(bad_voice_fails_cleanly),
        cmocka_unit_test(resampler_pieces_equal_whole),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
