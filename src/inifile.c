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

/* The length of the UTF-8 sequence at s (n bytes left), 0 if it is not one,
 * or -1 if the n bytes end in the middle of one.  RFC 3629 allows no
 * overlong forms, no surrogates (U+D800-DFFF) and nothing above U+10FFFF. */
static int utf8_len(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xBF; /* what the second byte may be */
    int len;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        lo = s[0] == 0xE0 ? 0xA0 : lo; /* overlong below U+0800 */
        hi = s[0] == 0xED ? 0x9F : hi; /* surrogates */
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        lo = s[0] == 0xF0 ? 0x90 : lo; /* overlong below U+10000 */
        hi = s[0] == 0xF4 ? 0x8F : hi; /* above U+10FFFF */
    } else {
        return 0; /* a continuation byte alone, C0, C1 or F5-FF */
    }
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        if (i == 1 ? s[1] < lo || s[1] > hi : (s[i] & 0xC0) != 0x80)
            return 0;
    }
    return len;
}

/* Reports the first byte of str[0..n) that is not UTF-8 text, and turns
 * every such byte into '?' so that no value ever carries one (the --events
 * JSON and eSpeak NG need UTF-8).  Latin-1 or Windows-1252 text is the
 * usual cause.  `cut` says the line goes on past the buffer: a sequence
 * cut there is not wrong. */
static void check_utf8(reader *r, char *str, size_t n, int cut)
{
    unsigned char *s = (unsigned char *)str;
    int column = 1, reported = 0;
    for (size_t i = 0; i < n; column++) {
        int len = utf8_len(s + i, n - i);
        if (len > 0) {
            i += (size_t)len;
            continue;
        }
        if (len < 0 && cut)
            break;
        if (!reported++)
            vk_diag_add(r->diag, r->ini->path, r->line,
                        "not UTF-8 text (byte 0x%02X at column %d); save the "
                        "file as UTF-8",
                        s[i], column);
        s[i++] = '?';
    }
}

/* Skips a UTF-8 byte order mark at the start of the file: Windows Notepad
 * writes one, and it is no part of the first line. */
static void skip_bom(FILE *f)
{
    unsigned char b[3];
    if (fread(b, 1, sizeof b, f) != sizeof b || memcmp(b, "\xEF\xBB\xBF", 3))
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
    check_utf8(r, str, (size_t)n, cut);
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
