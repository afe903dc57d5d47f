/*
 * ring: a lock-free single-producer, single-consumer ring of int16 samples.
 *
 * It is the only thing shared between the PortAudio callback thread and
 * the kiosk loop: the callback writes microphone samples into one ring and
 * reads speaker samples out of another, with no locks, no allocation and no
 * system calls, so the real-time thread can never be blocked by the loop.
 * Exactly one thread may call the producer functions (write, space) and
 * exactly one thread the consumer functions (read, skip, clear, available)
 * at any time; the two threads synchronise through two C11 atomic counters
 * with acquire/release ordering.  The capacity is fixed at creation, which
 * is the ceiling on how much audio can ever be queued.
 */
#ifndef VK_RING_H
#define VK_RING_H

#include <stddef.h>
#include <stdint.h>

typedef struct vk_ring vk_ring;

/* Creates an empty ring that holds up to `capacity` samples (capacity > 0;
 * 0 is treated as 1).  Memory is allocated here, before any audio thread
 * runs; aborts on out-of-memory like every vk_ allocation.  The caller owns
 * the result: free it with vk_ring_destroy(). */
vk_ring *vk_ring_create(size_t capacity);

/* Frees the ring.  NULL is a no-op.  Neither thread may use it afterwards. */
void vk_ring_destroy(vk_ring *r);

/* Returns the capacity given at creation, in samples.  Any thread. */
size_t vk_ring_capacity(const vk_ring *r);

/* Producer: copies up to n samples from src (borrowed) into the ring.
 * Returns how many were written: fewer than n when the ring is full, and
 * the rest are the caller's to drop or retry.  Never blocks. */
size_t vk_ring_write(vk_ring *r, const int16_t *src, size_t n);

/* Consumer: copies up to n of the oldest samples into dst (borrowed, room
 * for n) and removes them.  Returns how many were read: fewer than n when
 * the ring runs dry.  Never blocks. */
size_t vk_ring_read(vk_ring *r, int16_t *dst, size_t n);

/* Consumer: removes up to n of the oldest samples without copying them.
 * Returns how many were removed. */
size_t vk_ring_skip(vk_ring *r, size_t n);

/* Consumer: returns how many samples are ready to read.  The true number
 * can only grow until the consumer reads, so the answer is a safe lower
 * bound. */
size_t vk_ring_available(const vk_ring *r);

/* Producer: returns how many samples can be written without dropping any.
 * The true number can only grow until the producer writes. */
size_t vk_ring_space(const vk_ring *r);

/* Consumer: drops every sample written so far.  It is a consumer-side
 * operation because only the consumer may move the read position; a
 * producer that wants the queue emptied must ask the consumer to do it
 * (audio_pa does this for flush_output). */
void vk_ring_clear(vk_ring *r);

#endif
