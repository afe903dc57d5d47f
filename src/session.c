/* session: answers held in memory only, wiped with explicit_bzero(). */
#define _DEFAULT_SOURCE
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct vk_session {
    unsigned char answers[VK_SIGNS + 1];
};

vk_session *vk_session_create(void)
{
    return vk_calloc(1, sizeof(vk_session));
}

void vk_session_destroy(vk_session *s)
{
    if (!s)
        return;
    vk_session_wipe(s);
    free(s);
}

void vk_session_set(vk_session *s, int sign, vk_answer a)
{
    if (sign >= 1 && sign <= VK_SIGNS)
        s->answers[sign] = (unsigned char)a;
}

vk_answer vk_session_get(const vk_session *s, int sign)
{
    return (sign >= 1 && sign <= VK_SIGNS) ? (vk_answer)s->answers[sign]
                                           : VK_ANSWER_NONE;
}

int vk_session_count(const vk_session *s, vk_answer a)
{
    int n = 0;
    for (int i = 1; i <= VK_SIGNS; i++)
        n += s->answers[i] == a;
    return n;
}

void vk_session_wipe(vk_session *s)
{
    explicit_bzero(s->answers, sizeof s->answers);
}

const char *vk_answer_name(vk_answer a)
{
    static const char *const names[] = {"", "yes", "no", "unsure", "skipped"};
    return (a >= VK_ANSWER_NONE && a <= VK_ANSWER_SKIPPED) ? names[a] : "";
}
