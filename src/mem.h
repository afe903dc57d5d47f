/*
 * mem: allocation that aborts on out-of-memory, so call sites never check
 * for NULL.  Nothing in the audio callback may call these.
 */
#ifndef VK_MEM_H
#define VK_MEM_H
#include <stddef.h>

/* Like malloc/calloc/realloc/strdup, but never return NULL. Free with free().
 */
void *vk_malloc(size_t n);
void *vk_calloc(size_t count, size_t size);
void *vk_realloc(void *p, size_t n);
char *vk_strdup(const char *s);
char *vk_strndup(const char *s, size_t n);
/* Overwrites the string (explicit_bzero: not optimised away), then frees
 * it; NULL is fine.  For what came from a person's session. */
void vk_free_wiped(char *s);
/* Reads a whole file into a NUL-terminated buffer (free with free()).
 * Returns NULL (errno set) if it cannot be read or exceeds max_bytes. */
char *vk_read_file(const char *path, size_t max_bytes, size_t *out_len);

#endif
