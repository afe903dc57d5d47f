/*
 * state: the kiosk's own folder for what must outlive a restart.
 *
 * Two things live there, neither of them personal: the mark that the
 * first-start self-test heard yes (selftest.h), and a copy of the last
 * site files that passed `check` (site_copy.h).  Under systemd it is the
 * unit's StateDirectory; answers and audio never go there.
 */
#ifndef VK_STATE_H
#define VK_STATE_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the state folder into out: $STATE_DIRECTORY (set by systemd's
 * StateDirectory=; the first of a list), else $XDG_STATE_HOME/voice-kiosk,
 * else $HOME/.local/state/voice-kiosk. */
void vk_state_dir(char *out, size_t len);

/* Makes `dir` and its missing parents, mode 0700 (mkdir -p).  Returns
 * false if one cannot be made. */
bool vk_state_make_dirs(const char *dir);

#endif
