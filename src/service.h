/*
 * service: what the kiosk tells systemd (sd_notify), and nothing else.
 *
 * Under a Type=notify unit the kiosk says READY=1 once its models are
 * loaded and the device is open, STATUS=... lines that `systemctl status`
 * shows, STOPPING=1 on the way out, and WATCHDOG=1 from its audio loop so
 * that a hung loop is killed and restarted (WatchdogSec=).  Outside systemd
 * (no NOTIFY_SOCKET) every call is a cheap no-op, so the same binary runs
 * from a terminal, in tests and as a service.  This is the only module that
 * includes libsystemd.
 *
 * Time is injected: vk_service_tick() is given the loop's clock (the
 * sample clock, which real audio paces in real time) and pings at most
 * every WatchdogSec/2 of it.
 */
#ifndef VK_SERVICE_H
#define VK_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct vk_service vk_service;

/* Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment
 * (as systemd sets them; the kiosk starts no child processes, so they are
 * left set).  Never fails: without systemd the handle does nothing.
 * Free with vk_service_destroy(). */
vk_service *vk_service_create(void);

/* Frees the handle.  NULL is a no-op. */
void vk_service_destroy(vk_service *s);

/* True if a notification socket was given (running under Type=notify). */
bool vk_service_active(const vk_service *s);

/* The watchdog period systemd asked for, in microseconds, or 0 if none. */
uint64_t vk_service_watchdog_usec(const vk_service *s);

/* Says READY=1 with `status` (may be NULL) as the STATUS= line. */
void vk_service_ready(vk_service *s, const char *status);

/* Sets the STATUS= line that `systemctl status` shows.  `status` is
 * borrowed; it must hold nothing personal (it is logged). */
void vk_service_status(vk_service *s, const char *status);

/* Called once per loop tick with the loop clock in microseconds.  Sends
 * WATCHDOG=1 on the first tick and then whenever WatchdogSec/2 of that
 * clock has passed since the last ping.  Returns true if it pinged. */
bool vk_service_tick(vk_service *s, uint64_t now_usec);

/* Says STOPPING=1 with `status` (may be NULL). */
void vk_service_stopping(vk_service *s, const char *status);

/* How many notifications were sent (for tests and the benchmark). */
unsigned vk_service_sent(const vk_service *s);

#endif
