/* mem: abort-on-OOM allocation wrappers and a bounded whole-file reader. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "voice-kiosk: out of memory allocating %zu bytes\n", n);
    abort();
}

void *vk_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *vk_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *vk_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *vk_strdup(const char *s)
{
    return vk_strndup(s, strlen(s));
}

char *vk_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = vk_malloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *vk_read_file(const char *path, size_t max_bytes, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = vk_malloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > max_bytes) {
                free(buf);
                fclose(f);
                errno = EFBIG;
                return NULL;
            }
            cap *= 2;
            buf = vk_realloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad || len > max_bytes) {
        free(buf);
        errno = bad ? EIO : EFBIG;
        return NULL;
    }
    buf[len] = '\0';
    if (out_len)
        *out_len = len;
    return buf;
}

void vk_free_wiped(char *s)
{
    if (!s)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}
