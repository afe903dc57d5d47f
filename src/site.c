/*
 * site: finding the site folder, and laying a site INI file over the
 * shipped one.  The overlay works on the parsed files (vk_ini), so the
 * script module validates the merged result exactly as it would a single
 * file, with each value's own file:line.
 */
#define _POSIX_C_SOURCE 200809L
#include "site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"

const char *vk_site_dir(const char *explicit_dir)
{
    if (explicit_dir)
        return explicit_dir;
    const char *env = getenv(VK_SITE_ENV);
    if (env && *env)
        return env;
    if (vk_site_dir_exists(VK_SITE_DEFAULT_DIR))
        return VK_SITE_DEFAULT_DIR;
    return NULL;
}

bool vk_site_path(const char *site_dir, const char *lang, const char *name,
                  char *out, size_t len)
{
    if (!site_dir)
        return false;
    int n = lang ? snprintf(out, len, "%s/%s/%s", site_dir, lang, name)
                 : snprintf(out, len, "%s/%s", site_dir, name);
    return n > 0 && (size_t)n < len;
}

bool vk_site_file_exists(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool vk_site_dir_exists(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static vk_ini_section *find(vk_ini *ini, const char *name)
{
    for (int i = 0; i < ini->nsec; i++)
        if (strcmp(ini->sec[i].name, name) == 0)
            return &ini->sec[i];
    return NULL;
}

int vk_site_overlay(vk_ini *base, vk_ini *over)
{
    int taken = 0;
    for (int i = 0; i < over->nsec; i++) {
        vk_ini_section *o = &over->sec[i];
        vk_ini_section *b = find(base, o->name);
        if (!b) {
            base->sec = vk_realloc(base->sec, (size_t)(base->nsec + 1) *
                                                  sizeof *base->sec);
            b = &base->sec[base->nsec++];
            *b = (vk_ini_section){vk_strdup(o->name), o->line, NULL, 0,
                                  over->path};
        }
        for (int k = 0; k < o->nkv; k++) {
            vk_ini_kv *kv = &o->kv[k];
            vk_ini_kv *dst = NULL;
            for (int j = 0; j < b->nkv; j++)
                if (strcmp(b->kv[j].key, kv->key) == 0)
                    dst = &b->kv[j];
            if (dst) {
                free(dst->value);
            } else {
                b->kv = vk_realloc(b->kv, (size_t)(b->nkv + 1) * sizeof *b->kv);
                dst = &b->kv[b->nkv++];
                dst->key = vk_strdup(kv->key);
            }
            /* Move the value: the site file's copy becomes empty. */
            dst->value = kv->value;
            kv->value = vk_strdup("");
            dst->line = kv->line;
            dst->file = over->path;
            taken++;
        }
    }
    return taken;
}

bool vk_site_remove_section(vk_ini *ini, const char *name)
{
    for (int i = 0; i < ini->nsec; i++) {
        if (strcmp(ini->sec[i].name, name) != 0)
            continue;
        vk_ini_section *s = &ini->sec[i];
        for (int k = 0; k < s->nkv; k++) {
            free(s->kv[k].key);
            free(s->kv[k].value);
        }
        free(s->kv);
        free(s->name);
        memmove(s, s + 1, (size_t)(ini->nsec - i - 1) * sizeof *s);
        ini->nsec--;
        return true;
    }
    return false;
}
