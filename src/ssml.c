/*
 * ssml: a tag scanner and a table of the tags staff may use.
 *
 * The allowed tags and the values of their attributes are one table
 * (tags[]), taken from what eSpeak NG 1.51's SSML reader acts on; the
 * scanner walks a prompt once, keeping a stack of open tags so that a
 * mismatched close, a tag left open, or a tag that runs past the end of a
 * sentence is found and named.
 */
#define _POSIX_C_SOURCE 200809L
#include "ssml.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define MAX_ATTRS 8
#define MAX_DEPTH 8
#define NAME_MAX_LEN 32
#define VALUE_MAX_LEN 128

typedef enum {
    V_ANY,     /* free text (sub alias) */
    V_LIST,    /* one of `list` */
    V_TIME,    /* 250ms, 1s, 1.5s (up to 10 s) */
    V_PROSODY, /* one of `list`, or a number: +10%, -2st, 120, 80% */
    V_NUMBER   /* a whole number */
} value_kind;

typedef struct attr_rule {
    const char *name;
    value_kind kind;
    const char *list; /* space-separated, for V_LIST and V_PROSODY */
    bool required;
} attr_rule;

typedef struct tag_rule {
    const char *name;
    bool empty;      /* written self-closing: <break .../> */
    bool needs_attr; /* at least one attribute */
    attr_rule attrs[5];
} tag_rule;

static const tag_rule tags[] = {
    {"break",
     true,
     false,
     {{"time", V_TIME, NULL, false},
      {"strength", V_LIST, "none x-weak weak medium strong x-strong", false}}},
    {"emphasis",
     false,
     false,
     {{"level", V_LIST, "none reduced moderate strong x-strong", false}}},
    {"prosody",
     false,
     true,
     {{"rate", V_PROSODY, "default x-slow slow medium fast x-fast", false},
      {"pitch", V_PROSODY, "default x-low low medium high x-high", false},
      {"volume", V_PROSODY, "default silent x-soft soft medium loud x-loud",
       false},
      {"range", V_PROSODY, "default x-low low medium high x-high", false}}},
    {"say-as",
     false,
     false,
     {{"interpret-as", V_LIST, "characters tts:char tts:digits telephone",
       true},
      {"format", V_LIST, "glyphs", false},
      {"detail", V_NUMBER, NULL, false}}},
    {"sub", false, false, {{"alias", V_ANY, NULL, true}}},
};
#define N_TAGS (sizeof tags / sizeof tags[0])

/* Tags eSpeak NG knows but the kiosk refuses, and why. */
static const struct {
    const char *name;
    const char *why;
} refused[] = {
    {"speak", "the kiosk wraps each sentence itself; leave <speak> out"},
    {"p", "the kiosk splits prompts into sentences itself; leave <p> out"},
    {"s", "the kiosk splits prompts into sentences itself; leave <s> out"},
    {"voice", "the voice is set once, by 'voice' in [kiosk]"},
    {"audio", "the kiosk speaks text only; it does not play sound files"},
    {"phoneme", "write the word as it sounds instead, or use <sub alias=...>"},
    {"mark", "marks are not used by the kiosk"},
};

static const struct {
    const char *name;
    char c;
} entities[] = {{"amp", '&'},  {"lt", '<'},    {"gt", '>'},
                {"quot", '"'}, {"apos", '\''}, {"nbsp", ' '}};

typedef struct tag {
    char name[NAME_MAX_LEN];
    bool closing, self_closing;
    int nattrs;
    char attr[MAX_ATTRS][NAME_MAX_LEN];
    char value[MAX_ATTRS][VALUE_MAX_LEN];
} tag;

static const tag_rule *rule_for(const char *name)
{
    for (size_t i = 0; i < N_TAGS; i++)
        if (strcmp(tags[i].name, name) == 0)
            return &tags[i];
    return NULL;
}

static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == n && n && strncmp(p, word, n) == 0)
            return true;
        p = e;
    }
    return false;
}

/* Parses "<...>" starting at p (p[0] == '<').  Returns the length of the
 * tag including '>', or 0 if it is not closed; writes a reason into why. */
static size_t parse_tag(const char *p, tag *t, char *why, size_t wlen)
{
    memset(t, 0, sizeof *t);
    const char *end = strchr(p, '>');
    const char *lt = strchr(p + 1, '<');
    if (!end || (lt && lt < end)) {
        snprintf(why, wlen,
                 "'<' without a closing '>': to say \"less than\", "
                 "write it in words (or &lt;)");
        return 0;
    }
    const char *q = p + 1;
    if (*q == '/') {
        t->closing = true;
        q++;
    }
    size_t n = 0;
    while ((isalnum((unsigned char)*q) || *q == '-' || *q == ':') &&
           n + 1 < sizeof t->name)
        t->name[n++] = (char)tolower((unsigned char)*q++);
    if (n == 0) {
        snprintf(why, wlen,
                 "'<' must start a tag such as <break time=\"500ms\"/>;"
                 " to say \"less than\", write it in words (or &lt;)");
        return 0;
    }
    while (q < end) {
        while (q < end && isspace((unsigned char)*q))
            q++;
        if (q >= end)
            break;
        if (*q == '/' && q + 1 == end) {
            t->self_closing = true;
            break;
        }
        if (t->nattrs >= MAX_ATTRS) {
            snprintf(why, wlen, "<%s> has too many attributes", t->name);
            return 0;
        }
        size_t an = 0;
        char *an_buf = t->attr[t->nattrs];
        while (q < end && !isspace((unsigned char)*q) && *q != '=' &&
               an + 1 < NAME_MAX_LEN)
            an_buf[an++] = (char)tolower((unsigned char)*q++);
        while (q < end && isspace((unsigned char)*q))
            q++;
        if (*q != '=') {
            snprintf(why, wlen,
                     "in <%s>, attribute '%s' needs = and a value in "
                     "quotes, such as %s=\"...\"",
                     t->name, an_buf, an_buf);
            return 0;
        }
        q++;
        while (q < end && isspace((unsigned char)*q))
            q++;
        char quote = *q;
        if (quote != '"' && quote != '\'') {
            snprintf(why, wlen, "in <%s>, put the value of '%s' in quotes",
                     t->name, an_buf);
            return 0;
        }
        const char *v = ++q;
        while (q < end && *q != quote)
            q++;
        if (q >= end) {
            snprintf(why, wlen,
                     "in <%s>, the value of '%s' has no closing "
                     "quote",
                     t->name, an_buf);
            return 0;
        }
        snprintf(t->value[t->nattrs], VALUE_MAX_LEN, "%.*s", (int)(q - v), v);
        t->nattrs++;
        q++;
    }
    return (size_t)(end - p) + 1;
}

static bool valid_time(const char *v)
{
    char *e;
    double x = strtod(v, &e);
    if (e == v || x < 0)
        return false;
    if (strcmp(e, "ms") == 0)
        return x <= 10000;
    if (strcmp(e, "s") == 0)
        return x <= 10;
    return false;
}

static bool valid_number(const char *v, bool signed_unit)
{
    const char *p = v;
    if (signed_unit && (*p == '+' || *p == '-'))
        p++;
    char *e;
    double x = strtod(p, &e);
    if (e == p || x < 0)
        return false;
    if (!signed_unit)
        return *e == '\0' && x == (long)x;
    return *e == '\0' || strcmp(e, "%") == 0 || strcmp(e, "st") == 0 ||
           strcmp(e, "Hz") == 0;
}

static void check_attrs(const tag *t, const tag_rule *r, const char *file,
                        int line, const char *what, vk_diag *diag)
{
    for (int i = 0; i < t->nattrs; i++) {
        const attr_rule *a = NULL;
        for (size_t k = 0; k < 5 && r->attrs[k].name; k++)
            if (strcmp(r->attrs[k].name, t->attr[i]) == 0)
                a = &r->attrs[k];
        if (!a) {
            char names[128] = "";
            for (size_t k = 0; k < 5 && r->attrs[k].name; k++)
                snprintf(names + strlen(names), sizeof names - strlen(names),
                         "%s%s", k ? ", " : "", r->attrs[k].name);
            vk_diag_add(diag, file, line,
                        "'%s': <%s> has no attribute '%s' (it takes: %s)", what,
                        t->name, t->attr[i], names);
            continue;
        }
        const char *v = t->value[i];
        bool ok = true;
        switch (a->kind) {
        case V_ANY: ok = v[0] != '\0'; break;
        case V_LIST: ok = in_list(a->list, v); break;
        case V_TIME: ok = valid_time(v); break;
        case V_NUMBER: ok = valid_number(v, false); break;
        case V_PROSODY:
            ok = in_list(a->list, v) || valid_number(v, true);
            break;
        }
        if (ok)
            continue;
        if (a->kind == V_TIME)
            vk_diag_add(diag, file, line,
                        "'%s': <%s %s=\"%s\"> is not a pause eSpeak NG can "
                        "play; write milliseconds or seconds up to 10 s, such "
                        "as \"500ms\" or \"1s\"",
                        what, t->name, a->name, v);
        else if (a->kind == V_ANY)
            vk_diag_add(diag, file, line, "'%s': <%s %s=\"\"> is empty", what,
                        t->name, a->name);
        else if (a->kind == V_NUMBER)
            vk_diag_add(diag, file, line,
                        "'%s': <%s %s=\"%s\"> must be a whole number", what,
                        t->name, a->name, v);
        else
            vk_diag_add(diag, file, line,
                        "'%s': <%s %s=\"%s\"> is not a value eSpeak NG knows; "
                        "use one of: %s%s",
                        what, t->name, a->name, v, a->list,
                        a->kind == V_PROSODY ? ", or a change such as +10% "
                                               "or -2st"
                                             : "");
    }
    for (size_t k = 0; k < 5 && r->attrs[k].name; k++) {
        if (!r->attrs[k].required)
            continue;
        bool have = false;
        for (int i = 0; i < t->nattrs; i++)
            have |= strcmp(t->attr[i], r->attrs[k].name) == 0;
        if (!have)
            vk_diag_add(diag, file, line, "'%s': <%s> needs %s=\"...\"%s%s",
                        what, t->name, r->attrs[k].name,
                        r->attrs[k].list ? " (one of: " : "",
                        r->attrs[k].list ? r->attrs[k].list : "");
    }
    if (r->needs_attr && t->nattrs == 0)
        vk_diag_add(diag, file, line,
                    "'%s': <%s> changes nothing without an attribute such as "
                    "rate=\"slow\"",
                    what, t->name);
}

/* The length of an entity at p (p[0] == '&'), or 0 if it is not one. */
static size_t entity_len(const char *p, char *out)
{
    const char *semi = strchr(p, ';');
    if (!semi || semi - p > 10)
        return 0;
    size_t n = (size_t)(semi - p - 1);
    if (p[1] == '#') {
        const char *d = p + 2;
        bool hex = *d == 'x' || *d == 'X';
        d += hex;
        if (d == semi)
            return 0;
        for (const char *c = d; c < semi; c++)
            if (!(hex ? isxdigit((unsigned char)*c)
                      : isdigit((unsigned char)*c)))
                return 0;
        long v = strtol(d, NULL, hex ? 16 : 10);
        if (out)
            *out = v > 0 && v < 128 ? (char)v : ' ';
        return n + 2;
    }
    for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
        if (strlen(entities[i].name) == n &&
            strncmp(entities[i].name, p + 1, n) == 0) {
            if (out)
                *out = entities[i].c;
            return n + 2;
        }
    return 0;
}

static bool sentence_end(const char *p)
{
    return (*p == '.' || *p == '?' || *p == '!') &&
           (p[1] == ' ' || p[1] == '\0');
}

const char *vk_ssml_sentence_end(const char *p)
{
    while (*p && !sentence_end(p))
        p++;
    return *p ? p + 1 : p;
}

bool vk_ssml_check(const char *text, const char *file, int line,
                   const char *what, vk_diag *diag)
{
    int before = vk_diag_count(diag);
    char open[MAX_DEPTH][NAME_MAX_LEN];
    int depth = 0;
    for (const char *p = text; *p;) {
        if (*p == '&') {
            size_t n = entity_len(p, NULL);
            if (!n) {
                vk_diag_add(diag, file, line,
                            "'%s': a bare '&' is not allowed in spoken text; "
                            "write \"and\" (or &amp;)",
                            what);
                return false;
            }
            p += n;
            continue;
        }
        if (*p != '<') {
            if (depth > 0 && sentence_end(p) && p[1] != '\0') {
                vk_diag_add(
                    diag, file, line,
                    "'%s': <%s> is still open at the end of a sentence; "
                    "close it with </%s> before the '%c' (each tag "
                    "must open and close within one sentence)",
                    what, open[depth - 1], open[depth - 1], *p);
                return false;
            }
            p++;
            continue;
        }
        tag t;
        char why[256];
        size_t n = parse_tag(p, &t, why, sizeof why);
        if (!n) {
            vk_diag_add(diag, file, line, "'%s': %s", what, why);
            return false;
        }
        p += n;
        const tag_rule *r = rule_for(t.name);
        if (!r) {
            const char *reason = NULL;
            for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
                if (strcmp(refused[i].name, t.name) == 0)
                    reason = refused[i].why;
            vk_diag_add(diag, file, line,
                        "'%s': <%s%s> is not supported here: %s", what,
                        t.closing ? "/" : "", t.name,
                        reason ? reason
                               : "use break, emphasis, prosody, say-as or sub "
                                 "(see docs/content-format.md)");
            continue;
        }
        if (t.closing) {
            if (depth == 0 || strcmp(open[depth - 1], t.name) != 0) {
                if (depth == 0)
                    vk_diag_add(diag, file, line,
                                "'%s': </%s> closes a tag that was never "
                                "opened",
                                what, t.name);
                else
                    vk_diag_add(diag, file, line,
                                "'%s': </%s> found where </%s> was expected "
                                "(close tags in the reverse order of opening)",
                                what, t.name, open[depth - 1]);
                return false;
            }
            depth--;
            continue;
        }
        check_attrs(&t, r, file, line, what, diag);
        if (r->empty) {
            if (!t.self_closing)
                vk_diag_add(diag, file, line,
                            "'%s': write <%s .../> with a slash before the '>'",
                            what, t.name);
            continue;
        }
        if (t.self_closing) {
            vk_diag_add(diag, file, line,
                        "'%s': <%s/> has no words in it; write <%s ...>words"
                        "</%s>",
                        what, t.name, t.name, t.name);
            continue;
        }
        if (depth >= MAX_DEPTH) {
            vk_diag_add(diag, file, line, "'%s': tags are nested too deeply",
                        what);
            return false;
        }
        snprintf(open[depth++], NAME_MAX_LEN, "%s", t.name);
    }
    if (depth > 0)
        vk_diag_add(diag, file, line, "'%s': <%s> is never closed; add </%s>",
                    what, open[depth - 1], open[depth - 1]);
    return vk_diag_count(diag) == before;
}

char *vk_ssml_plain(const char *text)
{
    size_t len = strlen(text);
    char *out = vk_malloc(len + 1);
    size_t o = 0;
    for (const char *p = text; *p;) {
        if (*p == '<') {
            const char *e = strchr(p, '>');
            if (e) {
                /* A pause between words keeps them apart in the caption. */
                if (o > 0 && out[o - 1] != ' ' && e[1] != ' ' && e[1] &&
                    strncmp(p, "<break", 6) == 0)
                    out[o++] = ' ';
                p = e + 1;
                continue;
            }
        }
        char c;
        size_t n;
        if (*p == '&' && (n = entity_len(p, &c)) > 0) {
            out[o++] = c;
            p += n;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

int vk_ssml_pause_ms(const char *text)
{
    static const int strength_ms[] = {0, 70, 140, 210, 400, 800};
    static const char *const names[] = {"none",   "x-weak", "weak",
                                        "medium", "strong", "x-strong"};
    int total = 0;
    for (const char *p = strstr(text, "<break"); p;
         p = strstr(p + 1, "<break")) {
        tag t;
        char why[64];
        if (!parse_tag(p, &t, why, sizeof why))
            continue;
        int ms = strength_ms[3];
        for (int i = 0; i < t.nattrs; i++) {
            if (strcmp(t.attr[i], "time") == 0) {
                char *e;
                double x = strtod(t.value[i], &e);
                ms = (int)(strcmp(e, "s") == 0 ? x * 1000 : x);
            } else if (strcmp(t.attr[i], "strength") == 0) {
                for (int k = 0; k < 6; k++)
                    if (strcmp(names[k], t.value[i]) == 0)
                        ms = strength_ms[k];
            }
        }
        total += ms;
    }
    return total;
}

bool vk_ssml_has_markup(const char *text)
{
    return strchr(text, '<') || strchr(text, '&');
}
