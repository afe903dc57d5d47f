/* inifile: inih with line numbers, continuation lines and full error reports.
 */
#define _POSIX_C_SOURCE 200809L
#include "inifile.h"

#include <ctype.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "utf8.h"

#define VK_INI_MAX_VALUE 8192
#define VK_INI_MAX_SECTIONS 1000

typedef struct reader {
    FILE *f;
    vk_ini *ini;
    vk_diag *diag;
    int line;
    int indented;
    int too_long; /* the value of last_key was reported too long */
    char last_key[128];
} reader;

/* Skips a UTF-8 byte order mark at the start of the file: Windows Notepad
 * writes one, and it is no part of the first line. */
static void skip_bom(FILE *f)
{
    char b[3];
    size_t n = fread(b, 1, sizeof b, f);
    if (vk_utf8_bom(b, n) == 0)
        rewind(f);
}

/* inih calls this for each line; counting here gives every value a line. */
static char *read_line(char *str, int num, void *stream)
{
    reader *r = stream;
    /* fgets, but a NUL byte (a binary file, a bad copy) is seen and left
     * out rather than taken for the end of a very long line. */
    int n = 0, c = 0, nuls = 0;
    while (n < num - 1 && (c = fgetc(r->f)) != EOF) {
        if (c == '\0') {
            nuls++;
            continue;
        }
        str[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (n == 0 && nuls == 0)
        return NULL;
    str[n] = '\0';
    r->line++;
    if (nuls)
        vk_diag_add(r->diag, r->ini->path, r->line,
                    "line has %d NUL byte%s: is this a text file? Save it "
                    "as plain text (UTF-8)",
                    nuls, nuls == 1 ? "" : "s");
    /* Full without its newline: longer, unless the newline (or the end)
     * comes next. */
    c = n == num - 1 && str[n - 1] != '\n' ? fgetc(r->f) : '\n';
    int cut = c != '\n' && c != EOF;
    if (cut) {
        while ((c = fgetc(r->f)) != EOF && c != '\n') {
        }
        vk_diag_add(r->diag, r->ini->path, r->line,
                    "line is longer than %d characters: break it, and start "
                    "each following line with spaces",
                    num - 2);
    }
    vk_utf8_check_line(r->diag, r->ini->path, r->line, str, (size_t)n, cut);
    r->indented = str[0] == ' ' || str[0] == '\t';
    const char *p = str;
    while (isspace((unsigned char)*p))
        p++;
    /* inih skips lines it cannot read with little detail; say what is wrong. */
    if (*p && *p != ';' && *p != '#' && !r->indented) {
        if (*p == '[' && !strchr(p, ']'))
            vk_diag_add(r->diag, r->ini->path, r->line,
                        "section name has no closing ']'");
        else if (*p != '[' && !strchr(p, '='))
            vk_diag_add(r->diag, r->ini->path, r->line,
                        "expected 'key = value' or '[section]'; to continue "
                        "the previous value, indent this line");
    }
    return str;
}

static vk_ini_section *section_for(vk_ini *ini, const char *name, int line,
                                   vk_diag *diag)
{
    if (ini->nsec > 0 && strcmp(ini->sec[ini->nsec - 1].name, name) == 0)
        return &ini->sec[ini->nsec - 1];
    for (int i = 0; i < ini->nsec; i++)
        if (strcmp(ini->sec[i].name, name) == 0) {
            vk_diag_add(diag, ini->path, line,
                        "[%s] appears twice (first at line %d)", name,
                        ini->sec[i].line);
            return &ini->sec[i];
        }
    if (ini->nsec >= VK_INI_MAX_SECTIONS)
        return NULL;
    ini->sec = vk_realloc(ini->sec, (size_t)(ini->nsec + 1) * sizeof *ini->sec);
    vk_ini_section *s = &ini->sec[ini->nsec++];
    *s = (vk_ini_section){vk_strdup(name), line, NULL, 0, ini->path};
    return s;
}

static int on_value(void *user, const char *section, const char *name,
                    const char *value)
{
    reader *r = user;
    vk_ini *ini = r->ini;
    if (!*section) {
        vk_diag_add(r->diag, ini->path, r->line,
                    "'%s' comes before any [section]", name);
        return 1;
    }
    /* The key's line stands in for the section's until vk_ini_load() finds
     * the "[name]" line itself. */
    vk_ini_section *s = section_for(ini, section, r->line, r->diag);
    if (!s)
        return 1;
    vk_ini_kv *last = s->nkv ? &s->kv[s->nkv - 1] : NULL;
    if (r->indented && last && strcmp(last->key, name) == 0 &&
        strcmp(r->last_key, name) == 0) {
        size_t a = strlen(last->value), b = strlen(value);
        if (a + b + 2 > VK_INI_MAX_VALUE) {
            if (!r->too_long++) /* once, not for every line after */
                vk_diag_add(r->diag, ini->path, r->line,
                            "value of '%s' is too long (over %d "
                            "characters)",
                            name, VK_INI_MAX_VALUE - 1);
            return 1;
        }
        last->value = vk_realloc(last->value, a + b + 2);
        if (a)
            last->value[a++] = ' ';
        memcpy(last->value + a, value, b + 1);
        return 1;
    }
    for (int i = 0; i < s->nkv; i++)
        if (strcmp(s->kv[i].key, name) == 0) {
            vk_diag_add(r->diag, ini->path, r->line,
                        "'%s' is set twice in [%s] (first at line %d)", name,
                        section, s->kv[i].line);
            return 1;
        }
    s->kv = vk_realloc(s->kv, (size_t)(s->nkv + 1) * sizeof *s->kv);
    s->kv[s->nkv++] =
        (vk_ini_kv){vk_strdup(name), vk_strdup(value), r->line, ini->path};
    snprintf(r->last_key, sizeof r->last_key, "%s", name);
    r->too_long = 0;
    return 1;
}

vk_ini *vk_ini_load(const char *path, vk_diag *diag)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        vk_diag_add(diag, path, 0, "cannot open the file");
        return NULL;
    }
    vk_ini *ini = vk_calloc(1, sizeof *ini);
    ini->path = vk_strdup(path);
    reader r = {.f = f, .ini = ini, .diag = diag};
    skip_bom(f);
    ini_parse_stream(read_line, &r, on_value, &r);
    fclose(f);
    /* A section's line: find the "[name]" line by a second cheap scan. */
    f = fopen(path, "r");
    if (f) {
        char buf[512];
        int line = 0;
        skip_bom(f);
        while (fgets(buf, sizeof buf, f)) {
            line++;
            char *p = buf;
            while (isspace((unsigned char)*p))
                p++;
            if (*p != '[')
                continue;
            char *end = strchr(p, ']');
            if (!end)
                continue;
            *end = '\0';
            for (int i = 0; i < ini->nsec; i++)
                if (strcmp(ini->sec[i].name, p + 1) == 0 &&
                    ini->sec[i].line >= line)
                    ini->sec[i].line = line;
        }
        fclose(f);
    }
    return ini;
}

void vk_ini_destroy(vk_ini *ini)
{
    if (!ini)
        return;
    for (int i = 0; i < ini->nsec; i++) {
        for (int k = 0; k < ini->sec[i].nkv; k++) {
            free(ini->sec[i].kv[k].key);
            free(ini->sec[i].kv[k].value);
        }
        free(ini->sec[i].kv);
        free(ini->sec[i].name);
    }
    free(ini->sec);
    free(ini->path);
    free(ini);
}

const vk_ini_section *vk_ini_find(const vk_ini *ini, const char *name)
{
    for (int i = 0; i < ini->nsec; i++)
        if (strcmp(ini->sec[i].name, name) == 0)
            return &ini->sec[i];
    return NULL;
}

const vk_ini_kv *vk_ini_get(const vk_ini_section *sec, const char *key)
{
    if (!sec)
        return NULL;
    for (int i = 0; i < sec->nkv; i++)
        if (strcmp(sec->kv[i].key, key) == 0)
            return &sec->kv[i];
    return NULL;
}
