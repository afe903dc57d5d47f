/*
 * alert: tells clinic staff that a person at the kiosk has reached the
 * crisis contacts, by running the command settings.ini [alert] command
 * names (a site's own script: it may page the front desk, light a lamp,
 * or write to a local service that does).
 *
 * The command is told only that it happened, in its environment
 * (VOICE_KIOSK_ALERT=crisis): no answers, no words, no time of its own
 * making.  It runs in the background, without a shell, with standard
 * input and output on /dev/null and standard error on the kiosk's (the
 * journal), so the kiosk never waits for it.  Its end is collected later
 * (vk_alert_poll), and a command that fails (an exit status other than
 * 0, a signal, or one that cannot be started) is logged with its path
 * and how it ended, nothing else.  The kiosk fires it once a session.
 */
#ifndef VK_ALERT_H
#define VK_ALERT_H

typedef struct vk_alert vk_alert;

/* `command`: an absolute path (copied), or "" / NULL for none (then every
 * call below does nothing). */
vk_alert *vk_alert_create(const char *command);
/* Starts the command in the background. */
void vk_alert_fire(vk_alert *a);
/* Collects commands that have ended, logging any that failed; never
 * waits. */
void vk_alert_poll(vk_alert *a);
/* Collects what has ended and frees it; a command still running is left
 * to finish on its own.  NULL is a no-op. */
void vk_alert_destroy(vk_alert *a);

#endif
