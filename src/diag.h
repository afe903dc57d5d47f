/*
 * diag: collects problems found in human-edited files as
 * "file:line: message" lines.  Parsers report *every* problem they find
 * into a vk_diag instead of stopping at the first, and the caller decides
 * whether to print them, log them, or refuse a reload.
 */
#ifndef VK_DIAG_H
#define VK_DIAG_H

#include <stdio.h>

typedef struct vk_diag vk_diag;

/* Creates an empty list.  Free with vk_diag_destroy(). */
vk_diag *vk_diag_create(void);
/* Frees the list.  NULL is a no-op. */
void vk_diag_destroy(vk_diag *d);
/* Adds one problem.  `file` is copied; line 0 means "the whole file" and
 * prints as "file: message".  A problem already in the list is not added
 * again. */
void vk_diag_add(vk_diag *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Number of problems collected. */
int vk_diag_count(const vk_diag *d);
/* Returns problem i as "file:line: message" (borrowed). */
const char *vk_diag_get(const vk_diag *d, int i);
/* The edit distance between a and b (insertions, deletions and
 * substitutions), or max + 1 if it is more than max: for "did you mean"
 * hints. */
int vk_diag_edit_distance(const char *a, const char *b, int max);
/* Prints every problem, one per line. */
void vk_diag_print(const vk_diag *d, FILE *out);

#endif
