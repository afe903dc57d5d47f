/*
 * ring: the SPSC sample ring behind the audio callback.
 *
 * Two monotonically increasing counters, `head` (total samples ever
 * written, owned by the producer) and `tail` (total ever read, owned by the
 * consumer), describe the contents: head - tail samples are queued.  Each
 * side stores its own counter with release order after touching the buffer
 * and loads the other side's with acquire order before touching it, which
 * is all the synchronisation an SPSC queue needs.  Unsigned wrap-around of
 * the counters is harmless because the buffer length is a power of two, so
 * `counter & mask` stays consistent across the wrap; the usable capacity is
 * still exactly what the caller asked for.
 */
#include "ring.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct vk_ring {
    /* Each counter on its own cache line so the two threads do not
     * invalidate each other's line on every update (false sharing). */
    _Alignas(64) _Atomic size_t head;
    _Alignas(64) _Atomic size_t tail;
    _Alignas(64) size_t capacity;
    size_t mask;
    int16_t *buf;
};

vk_ring *vk_ring_create(size_t capacity)
{
    if (capacity == 0)
        capacity = 1;
    size_t len = 1;
    while (len < capacity)
        len <<= 1;
    vk_ring *r = vk_calloc(1, sizeof *r);
    r->buf = vk_calloc(len, sizeof *r->buf);
    r->capacity = capacity;
    r->mask = len - 1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return r;
}

void vk_ring_destroy(vk_ring *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

size_t vk_ring_capacity(const vk_ring *r)
{
    return r->capacity;
}

/* Copies n samples between the ring buffer at counter position `pos` and a
 * flat array, splitting the copy where the buffer wraps. */
static void copy_in(vk_ring *r, size_t pos, const int16_t *src, size_t n)
{
    size_t start = pos & r->mask;
    size_t first = r->mask + 1 - start;
    if (first > n)
        first = n;
    memcpy(r->buf + start, src, first * sizeof *src);
    memcpy(r->buf, src + first, (n - first) * sizeof *src);
}

static void copy_out(const vk_ring *r, size_t pos, int16_t *dst, size_t n)
{
    size_t start = pos & r->mask;
    size_t first = r->mask + 1 - start;
    if (first > n)
        first = n;
    memcpy(dst, r->buf + start, first * sizeof *dst);
    memcpy(dst + first, r->buf, (n - first) * sizeof *dst);
}

size_t vk_ring_write(vk_ring *r, const int16_t *src, size_t n)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = r->capacity - (head - tail);
    if (n > space)
        n = space;
    if (n == 0)
        return 0;
    copy_in(r, head, src, n);
    atomic_store_explicit(&r->head, head + n, memory_order_release);
    return n;
}

size_t vk_ring_read(vk_ring *r, int16_t *dst, size_t n)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = head - tail;
    if (n > avail)
        n = avail;
    if (n == 0)
        return 0;
    copy_out(r, tail, dst, n);
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}

size_t vk_ring_skip(vk_ring *r, size_t n)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = head - tail;
    if (n > avail)
        n = avail;
    /* Release so the producer, once it sees the new tail, may reuse the
     * slots: there were no reads of them to order, but it costs nothing. */
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}

size_t vk_ring_available(const vk_ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    return head - tail;
}

size_t vk_ring_space(const vk_ring *r)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    return r->capacity - (head - tail);
}

void vk_ring_clear(vk_ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    atomic_store_explicit(&r->tail, head, memory_order_release);
}
