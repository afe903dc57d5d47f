/* diag: a growable, capped list of "file:line: message" strings. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* A broken file can produce a flood; past this many the rest are counted
 * but not kept, so memory stays bounded. */
#define VK_DIAG_MAX 500

struct vk_diag {
    char **items;
    int count;
    int cap;
    int dropped;
};

vk_diag *vk_diag_create(void)
{
    return vk_calloc(1, sizeof(vk_diag));
}

void vk_diag_destroy(vk_diag *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->count; i++)
        free(d->items[i]);
    free(d->items);
    free(d);
}

void vk_diag_add(vk_diag *d, const char *file, int line, const char *fmt, ...)
{
    if (d->count >= VK_DIAG_MAX) {
        d->dropped++;
        return;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char full[1400];
    /* Line 0: the message is about the file (or folder) as a whole. */
    if (line > 0)
        snprintf(full, sizeof full, "%s:%d: %s", file, line, msg);
    else
        snprintf(full, sizeof full, "%s: %s", file, msg);
    /* The same file can be read more than once (a grammar folder for each
     * context); each problem is reported once. */
    for (int i = 0; i < d->count; i++)
        if (strcmp(d->items[i], full) == 0)
            return;
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = vk_realloc(d->items, (size_t)d->cap * sizeof(char *));
    }
    d->items[d->count++] = vk_strdup(full);
}

int vk_diag_count(const vk_diag *d)
{
    return d->count + d->dropped;
}

const char *vk_diag_get(const vk_diag *d, int i)
{
    return (i >= 0 && i < d->count) ? d->items[i] : "";
}

void vk_diag_print(const vk_diag *d, FILE *out)
{
    for (int i = 0; i < d->count; i++)
        fprintf(out, "%s\n", d->items[i]);
    if (d->dropped)
        fprintf(out, "(%d more problems not shown)\n", d->dropped);
}

int vk_diag_edit_distance(const char *a, const char *b, int max)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > (size_t)max || lb >= 64)
        return max + 1;
    int row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0], best;
        row[0] = best = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
    }
    return row[lb] > max ? max + 1 : row[lb];
}
