/*
 * inifile: reads a staff-edited INI file into sections of key = value pairs,
 * each remembering its line, using the inih library.
 *
 * inih does the parsing; this wrapper adds what staff need: line numbers for
 * every value, every syntax problem reported (not only the first), values
 * continued over indented lines, and a clear message for over-long lines.
 * A UTF-8 byte order mark (Windows Notepad writes one) is skipped; text that
 * is not UTF-8 (Latin-1, say) is reported at its line and column, and its
 * bytes reach no value.
 */
#ifndef VK_INIFILE_H
#define VK_INIFILE_H

#include "diag.h"

typedef struct vk_ini_kv {
    char *key;
    char *value;
    int line;
    /* The file the value came from (borrowed: the path of the vk_ini that
     * read it, which may be a site file merged over a shipped one). */
    const char *file;
} vk_ini_kv;

typedef struct vk_ini_section {
    char *name;
    int line;
    vk_ini_kv *kv;
    int nkv;
    const char *file; /* where [name] is (borrowed, as for a value) */
} vk_ini_section;

typedef struct vk_ini {
    char *path;
    vk_ini_section *sec;
    int nsec;
} vk_ini;

/* Reads `path`.  Problems go to `diag` as file:line.  Returns NULL only if
 * the file cannot be opened (also reported).  Free with vk_ini_destroy(). */
vk_ini *vk_ini_load(const char *path, vk_diag *diag);
/* Frees it.  NULL is a no-op. */
void vk_ini_destroy(vk_ini *ini);
/* The section called `name`, or NULL (borrowed). */
const vk_ini_section *vk_ini_find(const vk_ini *ini, const char *name);
/* The pair with key `key` in `sec`, or NULL (borrowed). */
const vk_ini_kv *vk_ini_get(const vk_ini_section *sec, const char *key);

#endif
