/*
 * phones: the private-listening headphones (settings.ini [audio]
 * headphones), opened at the start and tried again while the kiosk runs.
 *
 * A headset that is unplugged, or whose sound server restarted, does not
 * stay lost until someone restarts the kiosk: while the kiosk has no
 * session and no headphones, vk_phones_retry() tries them again in the
 * background (a trial run in a child process, see
 * vk_audio_pa_probe_start, because opening a device whose sink is gone can
 * hang) and opens them once a trial works.  It never waits, so the kiosk
 * keeps listening for the next person meanwhile.
 */
#ifndef VK_PHONES_H
#define VK_PHONES_H

#include <stddef.h>
#include <stdint.h>

#include "audio.h"

typedef struct vk_phones vk_phones;

/* Opens the headphones called `name` (a trial run first, at most 5 s).
 * Returns NULL only when out of memory.  If they cannot be opened,
 * vk_phones_device() is NULL and errbuf says why. */
vk_phones *vk_phones_open(const char *name, char *errbuf, size_t errlen);

/* The open device (owned by p), or NULL while the headphones are missing. */
vk_audio *vk_phones_device(const vk_phones *p);

/* For vk_kiosk_opts.retry_headphones: call it on ticks when the kiosk is
 * idle and the headphones are missing or failed; t is the kiosk's sample
 * clock.  Tries them 5 s after the last try, then ever less often (at
 * most once a minute), each trial at most 5 s.  Returns the reopened
 * device (owned by p; the failed one is closed first) or NULL. */
vk_audio *vk_phones_retry(void *p, int64_t t);

void vk_phones_destroy(vk_phones *p);

#endif
