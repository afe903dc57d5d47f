/*
 * keys_term: single key presses from the terminal, without Enter and
 * without echo, for the live kiosk.  The terminal is restored on destroy.
 */
#ifndef VK_KEYS_TERM_H
#define VK_KEYS_TERM_H

#include <stdbool.h>
#include <stdint.h>

typedef struct vk_keys_term vk_keys_term;

/* Puts standard input in raw mode if it is a terminal (else keys come from
 * a pipe, one byte each).  `console`: the terminal is the kiosk's own
 * keypad (the service on tty1): there Ctrl+C, Ctrl+Z, Ctrl+\ and Ctrl+S
 * are only keys, so that a keyboard cannot stop or freeze the kiosk.  At
 * a developer's terminal (false) Ctrl+C stops it as usual.  Free with
 * vk_keys_term_destroy(). */
vk_keys_term *vk_keys_term_create(bool console);
void vk_keys_term_destroy(vk_keys_term *k);
/* Returns the code (keymap.h) of a key if one is waiting, else 0.  Never
 * blocks (an escape sequence is read whole).  The signature matches
 * vk_key_fn; `t` is unused. */
int vk_keys_term_poll(void *k, int64_t t);
/* True if standard input can never give a key: it is closed, or it is
 * /dev/null (systemd's StandardInput=null, as in the packaged services
 * without the keypad drop-in). */
bool vk_keys_term_none(void);

#endif
