/*
 * site: where a clinic's own files live, and how they override the
 * shipped ones entry by entry.
 *
 * The shipped defaults (prompts/<lang>/flow.ini and contacts.ini, under
 * /usr/share/voice-kiosk when installed) belong to the program and are
 * replaced on upgrade.  A clinic's changes live apart, in the site folder
 * (/etc/voice-kiosk, or --site DIR, or $VOICE_KIOSK_SITE), which upgrades
 * never touch:
 *
 *   SITE/settings.ini          kiosk settings (read by the settings module)
 *   SITE/<lang>/flow.ini       only the changed entries of flow.ini
 *   SITE/<lang>/contacts.ini   the local contacts, entry by entry
 *
 * A site file holds only what differs: each [section] / key it sets
 * replaces the shipped one, and everything else stays as shipped.  Every
 * merged value remembers the file and line it came from, so a problem is
 * reported where the staff member can fix it.
 */
#ifndef VK_SITE_H
#define VK_SITE_H

#include <stdbool.h>
#include <stddef.h>

#include "inifile.h"

#define VK_SITE_DEFAULT_DIR "/etc/voice-kiosk"
#define VK_SITE_ENV "VOICE_KIOSK_SITE"

/* The site folder to use: `explicit_dir` if not NULL (it need not exist:
 * the caller reports that), else $VOICE_KIOSK_SITE if set and not empty,
 * else /etc/voice-kiosk if it is a folder, else NULL (no site files).
 * The result is `explicit_dir`, the environment's string, or a static
 * string: never free it. */
const char *vk_site_dir(const char *explicit_dir);

/* Writes SITE/<lang>/<name> into out.  Returns false if site_dir is NULL
 * or the path does not fit. */
bool vk_site_path(const char *site_dir, const char *lang, const char *name,
                  char *out, size_t len);

/* True if `path` is a regular file that exists. */
bool vk_site_file_exists(const char *path);

/* True if `path` is a folder that exists. */
bool vk_site_dir_exists(const char *path);

/* Merges `over` (a site file) into `base` (the shipped file), entry by
 * entry: a key set in the site replaces the shipped value (and keeps the
 * site's file and line), a new key or [section] is added with the site's
 * file and line.  Strings are moved out of `over`, whose path the merged
 * entries point to: `over` must be kept (not destroyed) as long as `base`
 * is used.  Returns the number of entries taken from the site. */
int vk_site_overlay(vk_ini *base, vk_ini *over);

/* Removes section `name` from `ini` (a site's "remove = yes").  Returns
 * false if there is no such section. */
bool vk_site_remove_section(vk_ini *ini, const char *name);

#endif
