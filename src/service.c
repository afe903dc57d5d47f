/*
 * service: sd_notify for the systemd unit (see service.h).  libsystemd does
 * the socket work (abstract and path sockets, credentials); this module
 * adds the throttle, so the loop can call vk_service_tick() every 20 ms and
 * systemd hears WATCHDOG=1 only every WatchdogSec/2.
 */
#define _POSIX_C_SOURCE 200809L
#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

#include "mem.h"

struct vk_service {
    bool active;            /* NOTIFY_SOCKET is set */
    uint64_t watchdog_usec; /* 0: no watchdog for this process */
    bool pinged;            /* at least one WATCHDOG=1 sent */
    uint64_t last_ping;     /* loop clock of the last ping */
    unsigned sent;
};

vk_service *vk_service_create(void)
{
    vk_service *s = vk_calloc(1, sizeof *s);
    const char *sock = getenv("NOTIFY_SOCKET");
    s->active = sock && *sock;
    uint64_t usec = 0;
    /* > 0 only if WATCHDOG_USEC is set and WATCHDOG_PID (if set) is us. */
    if (s->active && sd_watchdog_enabled(0, &usec) > 0)
        s->watchdog_usec = usec;
    return s;
}

void vk_service_destroy(vk_service *s)
{
    free(s);
}

bool vk_service_active(const vk_service *s)
{
    return s->active;
}

uint64_t vk_service_watchdog_usec(const vk_service *s)
{
    return s->watchdog_usec;
}

/* Sends one notification; a failure is not worth stopping the kiosk for
 * (systemd's own watchdog notices a kiosk that can no longer ping). */
static void notify(vk_service *s, const char *what, const char *status)
{
    if (!s->active)
        return;
    char msg[512];
    if (status)
        snprintf(msg, sizeof msg, "%s%sSTATUS=%s", what, *what ? "\n" : "",
                 status);
    else
        snprintf(msg, sizeof msg, "%s", what);
    if (sd_notify(0, msg) > 0)
        s->sent++;
}

void vk_service_ready(vk_service *s, const char *status)
{
    notify(s, "READY=1", status);
}

void vk_service_status(vk_service *s, const char *status)
{
    if (status)
        notify(s, "", status);
}

bool vk_service_tick(vk_service *s, uint64_t now_usec)
{
    if (!s->watchdog_usec)
        return false;
    if (s->pinged && now_usec < s->last_ping) {
        /* A new loop started its clock at zero (the self-test, then the
         * kiosk): count from here; the last ping was just now. */
        s->last_ping = now_usec;
        return false;
    }
    if (s->pinged && now_usec - s->last_ping < s->watchdog_usec / 2)
        return false;
    notify(s, "WATCHDOG=1", NULL);
    s->pinged = true;
    s->last_ping = now_usec;
    return true;
}

void vk_service_stopping(vk_service *s, const char *status)
{
    notify(s, "STOPPING=1", status);
}

unsigned vk_service_sent(const vk_service *s)
{
    return s->sent;
}
