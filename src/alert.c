/*
 * alert: the staff alert on the crisis path (see alert.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "alert.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mem.h"

extern char **environ;

/* Alerts still running whose end is not collected yet: more than this
 * many at once means the command hangs, and the oldest are let go. */
#define VK__ALERT_RUNNING 8

struct vk_alert {
    char *command;
    pid_t running[VK__ALERT_RUNNING]; /* 0 = free */
};

vk_alert *vk_alert_create(const char *command)
{
    vk_alert *a = vk_calloc(1, sizeof *a);
    if (command && *command)
        a->command = vk_strdup(command);
    return a;
}

/* Logs how a command that ended went, if it failed. */
static void report(const vk_alert *a, int status)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    if (WIFEXITED(status))
        fprintf(stderr,
                "voice-kiosk: the staff alert (settings.ini [alert] command "
                "%s) failed: exit status %d\n",
                a->command, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        fprintf(stderr,
                "voice-kiosk: the staff alert (settings.ini [alert] command "
                "%s) failed: stopped by signal %d\n",
                a->command, WTERMSIG(status));
}

void vk_alert_poll(vk_alert *a)
{
    if (!a)
        return;
    for (int i = 0; i < VK__ALERT_RUNNING; i++) {
        int status = 0;
        if (a->running[i] && waitpid(a->running[i], &status, WNOHANG) > 0) {
            a->running[i] = 0;
            report(a, status);
        }
    }
}

void vk_alert_fire(vk_alert *a)
{
    if (!a || !a->command)
        return;
    vk_alert_poll(a);
    int slot = 0;
    while (slot < VK__ALERT_RUNNING && a->running[slot])
        slot++;
    if (slot == VK__ALERT_RUNNING) {
        fprintf(stderr,
                "voice-kiosk: the staff alert (settings.ini [alert] command "
                "%s) has not ended since the last %d alerts; this one is "
                "sent too\n",
                a->command, VK__ALERT_RUNNING);
        slot = 0; /* the oldest is no longer waited for */
    }
    /* The kiosk's environment, and what happened. */
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = vk_calloc(n + 2, sizeof *env);
    memcpy(env, environ, n * sizeof *env);
    env[n] = "VOICE_KIOSK_ALERT=crisis";
    char *argv[] = {a->command, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, a->command, &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    if (rc != 0) {
        fprintf(stderr,
                "voice-kiosk: the staff alert (settings.ini [alert] command "
                "%s) could not be started: %s\n",
                a->command, strerror(rc));
        return;
    }
    a->running[slot] = pid;
}

void vk_alert_destroy(vk_alert *a)
{
    if (!a)
        return;
    vk_alert_poll(a);
    free(a->command);
    free(a);
}
