#define _POSIX_C_SOURCE 200809L

#include "phones.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "audio_pa.h"

#define RATE 16000
#define PROBE_MS 5000      /* a trial run that takes longer has hung */
#define FIRST_WAIT_MS 5000 /* from a failure to the first new try */
#define MAX_WAIT_MS 60000  /* between tries, at most */

struct vk_phones {
    char *name;
    vk_audio *dev; /* NULL while missing; a failed one stays until reopened */
    pid_t probe;   /* a trial run in progress, or 0 */
    int64_t probe_at; /* when it started (ms on the kiosk clock) */
    int64_t next_at;  /* the next try (ms), or -1 before the first call */
    int wait_ms;      /* the wait before the try after next */
};

vk_phones *vk_phones_open(const char *name, char *errbuf, size_t errlen)
{
    vk_phones *p = calloc(1, sizeof *p);
    if (!p || !(p->name = strdup(name))) {
        free(p);
        return NULL;
    }
    p->next_at = -1;
    p->wait_ms = FIRST_WAIT_MS;
    /* Only headphones the trial run opened are opened here: a failed open
     * can crash the process that makes it (audio_pa.h). */
    if (vk_audio_pa_probe_output(name, PROBE_MS, errbuf, errlen) != VK_OK ||
        vk_audio_pa_open_output(name, &p->dev, errbuf, errlen) != VK_OK)
        p->dev = NULL;
    return p;
}

vk_audio *vk_phones_device(const vk_phones *p)
{
    return p ? p->dev : NULL;
}

/* A trial run that just worked: the real open (fast now), replacing the
 * device that failed. */
static vk_audio *reopen(vk_phones *p)
{
    vk_audio *dev = NULL;
    char err[1024];
    if (vk_audio_pa_open_output(p->name, &dev, err, sizeof err) != VK_OK)
        return NULL;
    vk_audio_destroy(p->dev);
    p->dev = dev;
    p->wait_ms = FIRST_WAIT_MS;
    return dev;
}

vk_audio *vk_phones_retry(void *ctx, int64_t t)
{
    vk_phones *p = ctx;
    int64_t now = t / (RATE / 1000);
    if (p->probe) {
        int r = vk_audio_pa_probe_poll(p->probe, now - p->probe_at >= PROBE_MS);
        if (r == 0)
            return NULL;
        p->probe = 0;
        p->next_at = now + p->wait_ms;
        p->wait_ms =
            p->wait_ms * 2 > MAX_WAIT_MS ? MAX_WAIT_MS : p->wait_ms * 2;
        return r > 0 ? reopen(p) : NULL;
    }
    if (p->next_at < 0)
        p->next_at = now + FIRST_WAIT_MS;
    if (now < p->next_at)
        return NULL;
    if (vk_audio_pa_probe_start(p->name, &p->probe) != VK_OK) {
        p->probe = 0;
        p->next_at = now + MAX_WAIT_MS;
        return NULL;
    }
    p->probe_at = now;
    return NULL;
}

void vk_phones_destroy(vk_phones *p)
{
    if (!p)
        return;
    if (p->probe)
        (void)vk_audio_pa_probe_poll(p->probe, true);
    vk_audio_destroy(p->dev);
    free(p->name);
    free(p);
}
