/*
 * captions: the words on the screen, for people who are deaf or hard of
 * hearing, in step with the speech.
 *
 * On a terminal or console the screen is redrawn for each sentence: the
 * sentence being spoken now in large, highlighted type (the terminal's
 * double-height, double-width lines), a status line (while paused, or
 * while the sound device is gone: [system] device.lost) and, while the
 * kiosk listens, what can be said and pressed.
 * Anywhere else (a pipe, a log) each sentence is one plain line.  A
 * separate display can use the JSON-lines event stream instead.
 */
#ifndef VK_CAPTIONS_H
#define VK_CAPTIONS_H

#include <stdbool.h>
#include <stdio.h>

typedef struct vk_captions vk_captions;

/* Writes to `out` (borrowed); `large`: redraw in large type (a terminal).
 * Free with vk_captions_destroy(). */
vk_captions *vk_captions_create(FILE *out, bool large);
/* Opens the terminal at `path` for captions alone, in large type, such as
 * the kiosk's screen /dev/tty1 when its standard output is the journal.
 * It is opened and written without blocking (a serial line without
 * carrier does not hold the kiosk up; an update the terminal cannot take
 * is dropped, and standard error says so at the first, with a count when
 * it is closed), and closed by vk_captions_destroy().  NULL (and errno set)
 * if it cannot be opened for writing, or is not a terminal (ENOTTY): a
 * file would keep the person's results. */
vk_captions *vk_captions_open(const char *path);
/* Frees it.  NULL is a no-op. */
void vk_captions_destroy(vk_captions *c);
/* The sentence now being spoken (copied). */
void vk_captions_sentence(vk_captions *c, const char *text);
/* The kiosk is listening: what can be said and pressed (copied); NULLs
 * clear it. */
void vk_captions_expect(vk_captions *c, const char *say, const char *keys);
/* A short status ("Paused", the device is gone), or NULL to clear it. */
void vk_captions_status(vk_captions *c, const char *status);

#endif
