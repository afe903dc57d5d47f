/*
 * session: the answers of one person, in memory only.
 *
 * Nothing here is ever written anywhere.  vk_session_wipe() clears the
 * answers with explicit_bzero() so they do not linger in freed memory,
 * and is called at the end of every session, including a timeout.
 */
#ifndef VK_SESSION_H
#define VK_SESSION_H

#include "script.h"

typedef enum {
    VK_ANSWER_NONE = 0,
    VK_ANSWER_YES,
    VK_ANSWER_NO,
    VK_ANSWER_UNSURE,
    VK_ANSWER_SKIPPED
} vk_answer;

typedef struct vk_session vk_session;

/* Creates an empty session.  Free with vk_session_destroy(), which wipes. */
vk_session *vk_session_create(void);
/* Wipes and frees.  NULL is a no-op. */
void vk_session_destroy(vk_session *s);
/* Records the answer to sign 1..VK_SIGNS (out-of-range signs are ignored). */
void vk_session_set(vk_session *s, int sign, vk_answer a);
/* The answer to a sign, or VK_ANSWER_NONE. */
vk_answer vk_session_get(const vk_session *s, int sign);
/* How many signs have answer `a`. */
int vk_session_count(const vk_session *s, vk_answer a);
/* Forgets every answer, overwriting the memory. */
void vk_session_wipe(vk_session *s);
/* "yes", "no", "unsure", "skipped" or "" for VK_ANSWER_NONE. */
const char *vk_answer_name(vk_answer a);

#endif
