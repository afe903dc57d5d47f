/*
 * content: the script a running kiosk speaks, and its reload.
 *
 * Staff change the files while the kiosk runs.  The kiosk must pick the
 * change up, but never in the middle of a person's session, and never
 * trade a working script for a broken one.  So this module holds the last
 * good script and, when asked between sessions (vk_content_refresh),
 * looks whether a reload was requested (SIGHUP) or a watched file changed
 * (its modification time, size or existence).  A requested reload can
 * also be checked as soon as it is asked for (vk_content_check_reload),
 * so a broken file is reported while the kiosk waits for a person.  If so it
 * runs the same checks as `voice-kiosk check` on the files; a script that
 * passes replaces the old one, and one that fails is refused: its problems go
 * to the log as file:line and the last good script keeps running.
 *
 * At a start with broken site files the kiosk can begin from the last
 * good copy of them (site_copy.h); the site's own files are watched as
 * ever, and replace the copy's script once they pass.
 *
 * Watched: the shipped prompts/<lang>/flow.ini and contacts.ini, and the
 * site's <lang>/flow.ini, <lang>/contacts.ini and settings.ini.
 */
#ifndef VK_CONTENT_H
#define VK_CONTENT_H

#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "diag.h"
#include "script.h"

typedef struct vk_content vk_content;

/* Checks and loads the files named by `o` (the strings are copied; o->tts
 * is not used: no lengths are measured on a reload).  Returns NULL if they
 * have errors (all in `errors`).  Free with vk_content_destroy().
 *
 * With `copy_dir` (a site folder: site_copy.h) the first script is loaded
 * from it instead of o's site folder, which is still the one watched and
 * reloaded: the kiosk starts from the last good copy of the site files
 * and takes the site's own as soon as they pass. */
vk_content *vk_content_create(const vk_check_opts *o, const char *copy_dir,
                              vk_diag *errors);
/* Frees it and its scripts.  NULL is a no-op. */
void vk_content_destroy(vk_content *c);

/* The script in use (borrowed).  It stays valid until the second
 * vk_content_refresh() that replaces a script after it, so a caller that
 * switches to the new script at once never holds a freed one. */
const vk_script *vk_content_script(const vk_content *c);

/* Asks for a reload at the next refresh.  Safe in a signal handler. */
void vk_content_request_reload(void);

/* Call between sessions only.  Reloads if asked to or if a watched file
 * changed; on errors writes them to `log` (may be NULL) and keeps the
 * script.  Returns true if the script was replaced. */
bool vk_content_refresh(vk_content *c, FILE *log);

/* True if a reload was asked for and not yet looked at.  Safe anywhere. */
bool vk_content_reload_asked(void);

/* Safe at any time, even during a session: nothing in use changes.  If a
 * reload was asked for, checks the files now, so staff who reload an idle
 * kiosk are told at once.  Problems go to `log` (may be NULL) as file:line
 * and the files are refused as by vk_content_refresh(): the last good
 * script keeps running, and the problems are not reported again until a
 * watched file changes.  Files that pass are held, and the next
 * vk_content_refresh() puts them in use (checking them again only if a
 * watched file changed since).  Returns true if the files were checked. */
bool vk_content_check_reload(vk_content *c, FILE *log);

/* What staff should know about the prompts in use, for `systemctl
 * status`: refused changes, a start from the copy, or fixed files taken
 * after one; NULL when all is as it should be.  A static string, so a
 * caller can compare pointers to see a change. */
const char *vk_content_state(const vk_content *c);

/* True while the script in use is the one from `copy_dir`. */
bool vk_content_from_copy(const vk_content *c);

/* How many reloads were refused since creation (for tests and status). */
int vk_content_refused(const vk_content *c);

#endif
