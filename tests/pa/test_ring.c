/*
 * test_ring: unit test of the lock-free SPSC sample ring (src/ring.c).
 *
 * First the single-threaded contract (partial writes when full, partial
 * reads when empty, wrap-around, skip, clear, a capacity that is not a
 * power of two), then a two-thread run that streams millions of numbered
 * samples in uneven chunks through a small ring and checks that every one
 * arrives once, in order.  Build with -fsanitize=thread to let TSan check
 * the memory ordering as well.  Exit status 0 = pass.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "ring.h"

static int failures;

#define CHECK_EQ(what, got, want)                                              \
    do {                                                                       \
        long long g_ = (long long)(got), w_ = (long long)(want);               \
        if (g_ != w_) {                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s: got %lld, want %lld\n",          \
                    __FILE__, __LINE__, what, g_, w_);                         \
            failures++;                                                        \
        }                                                                      \
    } while (0)

static void test_single_thread(void)
{
    vk_ring_destroy(NULL);

    vk_ring *r = vk_ring_create(5);
    int16_t in[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8] = {0};
    CHECK_EQ("capacity", vk_ring_capacity(r), 5);
    CHECK_EQ("empty available", vk_ring_available(r), 0);
    CHECK_EQ("empty space", vk_ring_space(r), 5);
    CHECK_EQ("read from empty", vk_ring_read(r, out, 3), 0);
    CHECK_EQ("write past capacity", vk_ring_write(r, in, 7), 5);
    CHECK_EQ("full space", vk_ring_space(r), 0);
    CHECK_EQ("write to full", vk_ring_write(r, in, 1), 0);
    CHECK_EQ("read 3", vk_ring_read(r, out, 3), 3);
    CHECK_EQ("out[0]", out[0], 1);
    CHECK_EQ("out[2]", out[2], 3);
    /* This write wraps around the end of the 8-slot buffer. */
    CHECK_EQ("write after read", vk_ring_write(r, in + 5, 3), 3);
    CHECK_EQ("available", vk_ring_available(r), 5);
    CHECK_EQ("read all", vk_ring_read(r, out, 8), 5);
    int16_t want[5] = {4, 5, 6, 7, 8};
    for (int i = 0; i < 5; i++)
        CHECK_EQ("order across the wrap", out[i], want[i]);
    CHECK_EQ("write 4", vk_ring_write(r, in, 4), 4);
    CHECK_EQ("skip 3", vk_ring_skip(r, 3), 3);
    CHECK_EQ("skip more than there is", vk_ring_skip(r, 9), 1);
    CHECK_EQ("write 2", vk_ring_write(r, in, 2), 2);
    vk_ring_clear(r);
    CHECK_EQ("available after clear", vk_ring_available(r), 0);
    CHECK_EQ("space after clear", vk_ring_space(r), 5);
    vk_ring_destroy(r);

    r = vk_ring_create(0);
    CHECK_EQ("capacity 0 becomes 1", vk_ring_capacity(r), 1);
    CHECK_EQ("write to capacity 1", vk_ring_write(r, in, 2), 1);
    vk_ring_destroy(r);
}

#define STREAM_SAMPLES 2000000L

static void *producer(void *arg)
{
    vk_ring *r = arg;
    int16_t chunk[97];
    long next = 0;
    unsigned seed = 1;
    while (next < STREAM_SAMPLES) {
        size_t n = 1 + (size_t)(rand_r(&seed) % 97);
        if ((long)n > STREAM_SAMPLES - next)
            n = (size_t)(STREAM_SAMPLES - next);
        for (size_t i = 0; i < n; i++)
            chunk[i] = (int16_t)(next + (long)i);
        size_t done = 0;
        while (done < n)
            done += vk_ring_write(r, chunk + done, n - done);
        next += (long)n;
    }
    return NULL;
}

static void test_two_threads(void)
{
    vk_ring *r = vk_ring_create(1000);
    pthread_t th;
    if (pthread_create(&th, NULL, producer, r) != 0) {
        fprintf(stderr, "FAIL: pthread_create\n");
        failures++;
        return;
    }
    int16_t buf[61];
    long next = 0, errors = 0;
    unsigned seed = 2;
    while (next < STREAM_SAMPLES) {
        size_t want = 1 + (size_t)(rand_r(&seed) % 61);
        size_t got = vk_ring_read(r, buf, want);
        for (size_t i = 0; i < got; i++, next++)
            if (buf[i] != (int16_t)next && errors++ < 5)
                fprintf(stderr, "FAIL: sample %ld: got %d, want %d\n", next,
                        buf[i], (int16_t)next);
    }
    pthread_join(th, NULL);
    CHECK_EQ("samples out of order or lost", errors, 0);
    CHECK_EQ("left over", vk_ring_available(r), 0);
    vk_ring_destroy(r);
}

int main(void)
{
    test_single_thread();
    test_two_threads();
    if (failures) {
        fprintf(stderr, "test_ring: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_ring: ok\n");
    return 0;
}
