/*
 * site_copy: the last site files that passed `check`, kept for a restart.
 *
 * A running kiosk refuses broken site files and keeps its last good
 * script (content.h), but only in memory.  A kiosk that restarts while the
 * files on disk are broken (a power cut after a bad edit, an upgrade)
 * would have nothing good to start from, and a person would find it
 * silent.  So every time the live kiosk has loaded the site files and
 * they passed the check, it keeps a copy of them in its state folder
 * (state.h), and at a start with broken files it starts from that copy,
 * says so in the log, and takes the fixed files as soon as they pass.
 *
 * The copy is laid out like a site folder, so it is used as one:
 *
 *   STATE/site-<lang>/settings.ini
 *   STATE/site-<lang>/<lang>/flow.ini
 *   STATE/site-<lang>/<lang>/contacts.ini
 *   STATE/site-<lang>/README          where it came from, and when
 *
 * Only the files the site has are there; a site with none is an empty
 * copy (the shipped script, as it was).  The copy is replaced whole: it is
 * written beside the old one (its README last) and swapped in by renames,
 * so a power cut leaves one complete copy or the other.  Nothing personal is in
 * it: these are the staff's files.
 */
#ifndef VK_SITE_COPY_H
#define VK_SITE_COPY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Replaces the copy for `lang` in `state_dir` (made if missing) with the
 * site files of `site_dir` (NULL: no site folder, an empty copy).  On
 * failure writes why into err and returns VK_ERR_IO or VK_ERR_LIMIT (a
 * path too long); the old copy, if any, is then left as it was. */
vk_err vk_site_copy_save(const char *site_dir, const char *lang,
                         const char *state_dir, char *err,
                         size_t errlen) VK_WARN_UNUSED;

/* If a complete copy for `lang` of the site folder `site_dir` (NULL: the
 * copy of no site folder) is in `state_dir`, writes its folder into out (a
 * site folder to load), and when it was saved (UTC, "YYYY-MM-DD HH:MM")
 * into saved, and returns true.  A copy of another site folder (the kiosk
 * started with another --site) is not this one's last good version. */
bool vk_site_copy_find(const char *state_dir, const char *site_dir,
                       const char *lang, char *out, size_t len, char *saved,
                       size_t savedlen);

#endif
