/*
 * Unit tests for echo: a played signal comes back delayed and scaled (plus
 * a reflection) into the microphone; after a few seconds the canceller must
 * take it down, not call it a person, and still let a person through.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "echo.h"

#define FRAME 320
#define DELAY 960 /* 60 ms */

typedef struct room {
    int16_t line[16000];
    long written;
    uint32_t seed, seed2;
} room;

/* Speech-like test signal: noise with a slowly varying envelope. */
static int16_t voice_sample(uint32_t *seed, long t)
{
    *seed = *seed * 1664525u + 1013904223u;
    double u = (double)(*seed >> 8) / 16777216.0 * 2.0 - 1.0;
    double env =
        0.55 + 0.45 * sin((double)t / 16000.0 * 2.0 * 3.14159265358979 * 3.0);
    return (int16_t)(u * 6000.0 * env);
}

static void mic_frame(room *r, int16_t *mic, long t0)
{
    for (int i = 0; i < FRAME; i++) {
        long t = t0 + i;
        double v = 0;
        if (t - DELAY >= 0 && t - DELAY < r->written)
            v += r->line[(t - DELAY) % 16000];
        if (t - DELAY - 400 >= 0 && t - DELAY - 400 < r->written)
            v += 0.3 * r->line[(t - DELAY - 400) % 16000];
        r->seed2 = r->seed2 * 1103515245u + 12345u;
        v += (double)((int)(r->seed2 >> 16) % 61 - 30); /* -66 dBFS floor */
        mic[i] = (int16_t)v;
    }
}

static double energy(const int16_t *x)
{
    double e = 0;
    for (int i = 0; i < FRAME; i++)
        e += (double)x[i] * x[i];
    return e;
}

static void test_cancels_and_finds_a_person(void **state)
{
    (void)state;
    vk_echo_opts o;
    vk_echo_default_opts(&o);
    vk_echo *e = vk_echo_create(&o);
    room *r = calloc(1, sizeof *r);
    r->seed = 7;
    uint32_t person_seed = 99;
    int16_t mic[FRAME], raw[FRAME], spk[FRAME];
    double in_late = 0, out_late = 0;
    int near_while_echo = 0, near_with_person = 0, person_frames = 0;
    for (long t = 0; t < 16000 * 14; t += FRAME) {
        mic_frame(r, mic, t);
        /* From 12 s a person talks over the echo at the same level. */
        bool person = t >= 16000 * 12;
        if (person)
            for (int i = 0; i < FRAME; i++)
                mic[i] = (int16_t)(mic[i] + voice_sample(&person_seed, t + i));
        memcpy(raw, mic, sizeof mic);
        vk_echo_capture(e, mic);
        if (t >= 16000 * 8 && !person) {
            in_late += energy(raw);
            out_late += energy(mic);
            near_while_echo += vk_echo_near_end(e);
        }
        if (person && t >= 16000 * 12 + 1600) {
            person_frames++;
            near_with_person += vk_echo_near_end(e);
        }
        /* The kiosk is quiet for the first second, then speaks. */
        for (int i = 0; i < FRAME; i++)
            spk[i] = t < 16000 ? 0 : voice_sample(&r->seed, t + i);
        vk_echo_playback(e, spk);
        for (int i = 0; i < FRAME; i++)
            r->line[(r->written + i) % 16000] = spk[i];
        r->written += FRAME;
    }
    double erle = 10 * log10(in_late / out_late);
    print_message("ERLE after convergence: %.1f dB\n", erle);
    assert_true(vk_echo_converged(e));
    assert_true(erle > 20.0);
    assert_int_equal(near_while_echo, 0);
    assert_true(near_with_person > person_frames * 8 / 10);
    free(r);
    vk_echo_destroy(e);
}

static void test_passes_through_when_nothing_played(void **state)
{
    (void)state;
    vk_echo_opts o;
    vk_echo_default_opts(&o);
    vk_echo *e = vk_echo_create(&o);
    int16_t mic[FRAME], copy[FRAME], spk[FRAME] = {0};
    uint32_t seed = 3;
    for (long t = 0; t < 16000; t += FRAME) {
        for (int i = 0; i < FRAME; i++)
            mic[i] = voice_sample(&seed, t + i);
        memcpy(copy, mic, sizeof mic);
        vk_echo_capture(e, mic);
        assert_memory_equal(mic, copy, sizeof mic);
        assert_false(vk_echo_active(e));
        assert_true(vk_echo_near_end(e));
        vk_echo_playback(e, spk);
    }
    vk_echo_destroy(e);
    vk_echo_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancels_and_finds_a_person),
        cmocka_unit_test(test_passes_through_when_nothing_played),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
