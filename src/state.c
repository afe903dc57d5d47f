/*
 * state: where the state folder is, and making it.
 */
#define _POSIX_C_SOURCE 200809L
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void vk_state_dir(char *out, size_t len)
{
    const char *sd = getenv("STATE_DIRECTORY");
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (sd && *sd)
        snprintf(out, len, "%.*s", (int)strcspn(sd, ":"), sd);
    else if (xdg && *xdg == '/')
        snprintf(out, len, "%s/voice-kiosk", xdg);
    else
        snprintf(out, len, "%s/.local/state/voice-kiosk",
                 home && *home ? home : ".");
}

bool vk_state_make_dirs(const char *dir)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
        return false;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            return false;
        *s = '/';
    }
    return mkdir(p, 0700) == 0 || errno == EEXIST;
}
