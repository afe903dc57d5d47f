/*
 * grammar: a small JSGF reader and phrase expander.
 *
 * Why expand at all: the dialog needs the *meaning* of what was heard, and
 * PocketSphinx returns only words.  Expanding each context into its finite
 * phrase list gives an exact phrase -> tag table, and the same list, joined
 * by `|`, is the grammar the recogniser searches.  Grammars for a kiosk are
 * small, so the list is capped (VK_GRAMMAR_MAX_PHRASES) rather than clever.
 */
#define _POSIX_C_SOURCE 200809L
#include "grammar.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "utf8.h"

#define VK_GRAMMAR_MAX_PHRASES 2000
#define VK_GRAMMAR_MAX_FILE (256 * 1024)
#define VK_GRAMMAR_MAX_DEPTH 16

typedef enum { N_WORD, N_REF, N_SEQ, N_ALT, N_OPT } node_kind;

typedef struct node {
    node_kind kind;
    char *text; /* word or rule name */
    char *tag;
    struct node **kids;
    int nkids;
    int line;
} node;

typedef struct rule {
    char *name;
    char *file;
    int line;
    int is_public;
    node *body;
} rule;

typedef struct rules {
    rule *items;
    int count;
} rules;

typedef struct phrase {
    char *words;
    char *tag;
} phrase;

typedef struct plist {
    phrase *items;
    size_t count;
    int overflow;
} plist;

struct vk_grammar {
    char *name;
    char *jsgf;
    phrase *phrases;
    size_t nphrases;
    char **words;
    int *word_lines;
    char **word_files;
    size_t nwords;
};

/* ---- tokenizer ---------------------------------------------------------- */

typedef enum {
    T_EOF,
    T_WORD,
    T_REF,
    T_TAG,
    T_EQ,
    T_SEMI,
    T_BAR,
    T_LP,
    T_RP,
    T_LB,
    T_RB,
    T_BAD
} tok_kind;

typedef struct lexer {
    const char *p;
    int line;
    const char *file;
    vk_diag *diag;
    tok_kind kind;
    char text[128];
    int tok_line;
    int errors;
} lexer;

static void lex_error(lexer *lx, const char *msg, const char *what)
{
    vk_diag_add(lx->diag, lx->file, lx->tok_line, "%s%s%s%s", msg,
                what ? " '" : "", what ? what : "", what ? "'" : "");
    lx->errors++;
}

static void skip_space(lexer *lx)
{
    for (;;) {
        while (*lx->p && isspace((unsigned char)*lx->p)) {
            if (*lx->p == '\n')
                lx->line++;
            lx->p++;
        }
        if (lx->p[0] == '/' && lx->p[1] == '/') {
            while (*lx->p && *lx->p != '\n')
                lx->p++;
        } else if (lx->p[0] == '/' && lx->p[1] == '*') {
            lx->p += 2;
            while (*lx->p && !(lx->p[0] == '*' && lx->p[1] == '/')) {
                if (*lx->p == '\n')
                    lx->line++;
                lx->p++;
            }
            if (*lx->p)
                lx->p += 2;
        } else {
            return;
        }
    }
}

/* Copies up to `stop` into the token text, reporting over-long tokens. */
static void take_until(lexer *lx, char stop)
{
    size_t n = 0;
    lx->p++;
    while (*lx->p && *lx->p != stop && *lx->p != '\n') {
        if (n + 1 < sizeof lx->text)
            lx->text[n++] = *lx->p;
        lx->p++;
    }
    lx->text[n] = '\0';
    if (*lx->p == stop)
        lx->p++;
    else

        lex_error(lx, "unclosed", lx->text);
}

static int is_word_char(int c)
{
    return isalnum(c) || c == '\'' || c == '_' || c == '-' || c == '.';
}

static void next(lexer *lx)
{
    skip_space(lx);
    lx->tok_line = lx->line;
    lx->text[0] = '\0';
    char c = *lx->p;
    switch (c) {
    case '\0': lx->kind = T_EOF; return;
    case '=':
        lx->kind = T_EQ;
        lx->p++;
        return;
    case ';':
        lx->kind = T_SEMI;
        lx->p++;
        return;
    case '|':
        lx->kind = T_BAR;
        lx->p++;
        return;
    case '(':
        lx->kind = T_LP;
        lx->p++;
        return;
    case ')':
        lx->kind = T_RP;
        lx->p++;
        return;
    case '[':
        lx->kind = T_LB;
        lx->p++;
        return;
    case ']':
        lx->kind = T_RB;
        lx->p++;
        return;
    case '<':
        lx->kind = T_REF;
        take_until(lx, '>');
        return;
    case '{':
        lx->kind = T_TAG;
        take_until(lx, '}');
        return;
    default: break;
    }
    if (is_word_char((unsigned char)c)) {
        size_t n = 0;
        while (is_word_char((unsigned char)*lx->p)) {
            if (n + 1 < sizeof lx->text)
                lx->text[n++] = (char)tolower((unsigned char)*lx->p);
            lx->p++;
        }
        lx->text[n] = '\0';
        lx->kind = T_WORD;
        return;
    }
    lx->text[0] = c;
    lx->text[1] = '\0';
    lx->p++;
    lx->kind = T_BAD;
}

/* ---- parser ------------------------------------------------------------- */

static node *node_new(node_kind k, int line)
{
    node *n = vk_calloc(1, sizeof *n);
    n->kind = k;
    n->line = line;
    return n;
}

static void node_add(node *parent, node *kid)
{
    parent->kids =
        vk_realloc(parent->kids, (size_t)(parent->nkids + 1) * sizeof(node *));
    parent->kids[parent->nkids++] = kid;
}

static void node_free(node *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n->tag);
    free(n);
}

static node *parse_alt(lexer *lx);

static node *parse_item(lexer *lx)
{
    node *n = NULL;
    switch (lx->kind) {
    case T_WORD:
        n = node_new(N_WORD, lx->tok_line);
        n->text = vk_strdup(lx->text);
        next(lx);
        break;
    case T_REF:
        n = node_new(N_REF, lx->tok_line);
        n->text = vk_strdup(lx->text);
        next(lx);
        break;
    case T_LP:
    case T_LB: {
        tok_kind close = lx->kind == T_LP ? T_RP : T_RB;
        int line = lx->tok_line;
        next(lx);
        node *inner = parse_alt(lx);
        if (lx->kind != close) {
            lex_error(lx, close == T_RP ? "missing ')'" : "missing ']'", NULL);
            node_free(inner);
            return NULL;
        }
        next(lx);
        if (close == T_RB) {
            n = node_new(N_OPT, line);
            node_add(n, inner);
        } else {
            n = inner;
        }
        break;
    }
    default: return NULL;
    }
    while (lx->kind == T_TAG) {
        if (!n->tag)
            n->tag = vk_strdup(lx->text);
        next(lx);
    }
    return n;
}

static node *parse_seq(lexer *lx)
{
    node *seq = node_new(N_SEQ, lx->tok_line);
    node *item;
    while ((item = parse_item(lx)) != NULL)
        node_add(seq, item);
    if (lx->kind == T_BAD) {
        lex_error(lx, "unsupported symbol", lx->text);
        next(lx);
    }
    if (seq->nkids == 0) {
        lex_error(lx,
                  "empty alternative (a word, <rule> or group was expected)",
                  NULL);
    }
    while (lx->kind == T_TAG) {
        if (!seq->tag)
            seq->tag = vk_strdup(lx->text);
        next(lx);
    }
    return seq;
}

static node *parse_alt(lexer *lx)
{
    node *alt = node_new(N_ALT, lx->tok_line);
    node_add(alt, parse_seq(lx));
    while (lx->kind == T_BAR) {
        next(lx);
        node_add(alt, parse_seq(lx));
    }
    return alt;
}

/* Skips to just past the next ';' so one bad rule does not hide the next. */
static void recover(lexer *lx)
{
    while (lx->kind != T_SEMI && lx->kind != T_EOF)
        next(lx);
    if (lx->kind == T_SEMI)
        next(lx);
}

static rule *find_rule(rules *rs, const char *name)
{
    for (int i = 0; i < rs->count; i++)
        if (strcmp(rs->items[i].name, name) == 0)
            return &rs->items[i];
    return NULL;
}

static void parse_file(const char *path, rules *rs, vk_diag *diag)
{
    size_t len;
    char *text = vk_read_file(path, VK_GRAMMAR_MAX_FILE, &len);
    if (!text) {
        vk_diag_add(diag, path, 0, "cannot read grammar file");
        return;
    }
    /* The same UTF-8 rules as the INI files: a byte order mark (Windows
     * Notepad) is skipped, and Latin-1 text is reported at its line and
     * column, its bytes turned into '?'. */
    size_t bom = vk_utf8_bom(text, len);
    vk_utf8_check_text(diag, path, text + bom, len - bom);
    lexer lx = {.p = text + bom, .line = 1, .file = path, .diag = diag};
    /* The "#JSGF V1.0;" header is optional; skip it if present. */
    skip_space(&lx);
    if (strncmp(lx.p, "#JSGF", 5) == 0) {
        while (*lx.p && *lx.p != ';')
            lx.p++;
        if (*lx.p)
            lx.p++;
    }
    next(&lx);
    while (lx.kind != T_EOF) {
        if (lx.kind == T_WORD && strcmp(lx.text, "grammar") == 0) {
            recover(&lx);
            continue;
        }
        if (lx.kind == T_WORD && strcmp(lx.text, "import") == 0) {
            lex_error(&lx,
                      "import is not needed: rules of every .gram file "
                      "in the folder are visible",
                      NULL);
            recover(&lx);
            continue;
        }
        int is_public = 0;
        if (lx.kind == T_WORD && strcmp(lx.text, "public") == 0) {
            is_public = 1;
            next(&lx);
        }
        if (lx.kind != T_REF) {
            lex_error(&lx,
                      "a rule definition '<name> = ...;' was expected, "
                      "found",
                      lx.text[0] ? lx.text : "punctuation");
            recover(&lx);
            continue;
        }
        char name[128];
        snprintf(name, sizeof name, "%s", lx.text);
        int line = lx.tok_line;
        next(&lx);
        if (lx.kind != T_EQ) {
            lex_error(&lx, "'=' expected after the rule name", name);
            recover(&lx);
            continue;
        }
        next(&lx);
        int before = lx.errors;
        node *body = parse_alt(&lx);
        if (lx.kind != T_SEMI) {
            lex_error(&lx, "';' expected at the end of rule", name);
            node_free(body);
            recover(&lx);
            continue;
        }
        next(&lx);
        if (lx.errors != before) {
            node_free(body);
            continue;
        }
        rule *old = find_rule(rs, name);
        if (old) {
            vk_diag_add(diag, path, line,
                        "rule <%s> is already defined at %s:%d", name,
                        old->file, old->line);
            node_free(body);
            continue;
        }
        rs->items =
            vk_realloc(rs->items, (size_t)(rs->count + 1) * sizeof(rule));
        rs->items[rs->count++] =
            (rule){vk_strdup(name), vk_strdup(path), line, is_public, body};
    }
    free(text);
}

static void rules_free(rules *rs)
{
    for (int i = 0; i < rs->count; i++) {
        free(rs->items[i].name);
        free(rs->items[i].file);
        node_free(rs->items[i].body);
    }
    free(rs->items);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads every .gram file of the folder, in name order for stable messages. */
static void parse_folder(const char *dir, rules *rs, vk_diag *diag)
{
    DIR *d = opendir(dir);
    if (!d) {
        vk_diag_add(diag, dir, 0, "cannot open the grammar folder");
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".gram") == 0) {
            names = vk_realloc(names, (n + 1) * sizeof(char *));
            names[n++] = vk_strdup(e->d_name);
        }
    }
    closedir(d);
    if (n == 0) {
        vk_diag_add(diag, dir, 0, "no .gram files in the grammar folder");
        return;
    }
    qsort(names, n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        parse_file(path, rs, diag);
        free(names[i]);
    }
    free(names);
}

/* ---- expansion ---------------------------------------------------------- */

static void plist_free(plist *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].words);
        free(l->items[i].tag);
    }
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static void plist_add(plist *l, const char *words, const char *tag)
{
    if (l->count >= VK_GRAMMAR_MAX_PHRASES) {
        l->overflow = 1;
        return;
    }
    l->items = vk_realloc(l->items, (l->count + 1) * sizeof(phrase));
    l->items[l->count].words = vk_strdup(words);
    l->items[l->count].tag = tag ? vk_strdup(tag) : NULL;
    l->count++;
}

typedef struct expander {
    rules *rs;
    vk_diag *diag;
    const char *file;
    int errors;
    const char *stack[VK_GRAMMAR_MAX_DEPTH];
    int depth;
} expander;

static plist expand(expander *x, const node *n);

static void apply_tag(plist *l, const char *tag)
{
    if (!tag)
        return;
    for (size_t i = 0; i < l->count; i++)
        if (!l->items[i].tag)
            l->items[i].tag = vk_strdup(tag);
}

static plist expand_seq(expander *x, const node *n)
{
    plist acc = {0};
    plist_add(&acc, "", NULL);
    for (int k = 0; k < n->nkids; k++) {
        plist part = expand(x, n->kids[k]);
        plist out = {0};
        for (size_t i = 0; i < acc.count && !out.overflow; i++) {
            for (size_t j = 0; j < part.count; j++) {
                const phrase *a = &acc.items[i], *b = &part.items[j];
                char buf[512];
                snprintf(buf, sizeof buf, "%s%s%s", a->words,
                         (a->words[0] && b->words[0]) ? " " : "", b->words);
                plist_add(&out, buf, a->tag ? a->tag : b->tag);
            }
        }
        out.overflow |= acc.overflow | part.overflow;
        plist_free(&acc);
        plist_free(&part);
        acc = out;
    }
    return acc;
}

static plist expand(expander *x, const node *n)
{
    plist out = {0};
    switch (n->kind) {
    case N_WORD: plist_add(&out, n->text, NULL); break;
    case N_SEQ: out = expand_seq(x, n); break;
    case N_ALT:
    case N_OPT:
        if (n->kind == N_OPT)
            plist_add(&out, "", NULL);
        for (int k = 0; k < n->nkids; k++) {
            plist part = expand(x, n->kids[k]);
            for (size_t i = 0; i < part.count; i++)
                plist_add(&out, part.items[i].words, part.items[i].tag);
            out.overflow |= part.overflow;
            plist_free(&part);
        }
        break;
    case N_REF: {
        rule *r = find_rule(x->rs, n->text);
        if (!r) {
            vk_diag_add(x->diag, x->file, n->line,
                        "rule <%s> is not defined in any .gram file", n->text);
            x->errors++;
            break;
        }
        for (int i = 0; i < x->depth; i++) {
            if (strcmp(x->stack[i], n->text) == 0) {
                vk_diag_add(x->diag, r->file, r->line,
                            "rule <%s> refers to itself; a kiosk grammar must "
                            "be a finite list of phrases",
                            n->text);
                x->errors++;
                return out;
            }
        }
        if (x->depth >= VK_GRAMMAR_MAX_DEPTH) {
            vk_diag_add(x->diag, r->file, r->line, "rules nest too deeply");
            x->errors++;
            break;
        }
        const char *saved = x->file;
        x->stack[x->depth++] = r->name;
        x->file = r->file;
        out = expand(x, r->body);
        x->file = saved;
        x->depth--;
        break;
    }
    }
    apply_tag(&out, n->tag);
    return out;
}

/* Remembers the first line each word appears on, for dictionary messages. */
static void note_words(vk_grammar *g, const rules *rs)
{
    for (size_t i = 0; i < g->nphrases; i++) {
        char *copy = vk_strdup(g->phrases[i].words);
        for (char *save = NULL, *w = strtok_r(copy, " ", &save); w;
             w = strtok_r(NULL, " ", &save)) {
            size_t k;
            for (k = 0; k < g->nwords; k++)
                if (strcmp(g->words[k], w) == 0)
                    break;
            if (k < g->nwords)
                continue;
            g->words = vk_realloc(g->words, (g->nwords + 1) * sizeof(char *));
            g->word_lines =
                vk_realloc(g->word_lines, (g->nwords + 1) * sizeof(int));
            g->word_files =
                vk_realloc(g->word_files, (g->nwords + 1) * sizeof(char *));
            g->words[g->nwords] = vk_strdup(w);
            g->word_lines[g->nwords] = 0;
            g->word_files[g->nwords] = NULL;
            /* Find the word's first use by scanning rule bodies. */
            for (int r = 0; r < rs->count && !g->word_files[g->nwords]; r++) {
                const node *stackv[64];
                int sp = 0;
                stackv[sp++] = rs->items[r].body;
                while (sp > 0) {
                    const node *n = stackv[--sp];
                    if (n->kind == N_WORD && strcmp(n->text, w) == 0) {
                        g->word_lines[g->nwords] = n->line;
                        g->word_files[g->nwords] = rs->items[r].file;
                        break;
                    }
                    for (int c = 0; c < n->nkids && sp < 64; c++)
                        stackv[sp++] = n->kids[c];
                }
            }
            if (g->word_files[g->nwords])
                g->word_files[g->nwords] = vk_strdup(g->word_files[g->nwords]);
            g->nwords++;
        }
        free(copy);
    }
}

vk_grammar *vk_grammar_load(const char *dir, const char *name, vk_diag *diag)
{
    rules rs = {0};
    int before = vk_diag_count(diag);
    parse_folder(dir, &rs, diag);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.gram", dir, name);
    rule *root = NULL;
    for (int i = 0; i < rs.count; i++)
        if (rs.items[i].is_public && strcmp(rs.items[i].file, path) == 0) {
            root = &rs.items[i];
            break;
        }
    if (!root) {
        if (vk_diag_count(diag) == before)
            vk_diag_add(diag, path, 0,
                        "no public rule for context '%s' "
                        "(the file must exist and have a 'public <%s> = ...;')",
                        name, name);
        rules_free(&rs);
        return NULL;
    }
    expander x = {.rs = &rs, .diag = diag, .file = root->file};
    x.stack[x.depth++] = root->name;
    plist all = expand(&x, root->body);
    if (all.overflow) {
        vk_diag_add(diag, root->file, root->line,
                    "grammar has more than %d phrases", VK_GRAMMAR_MAX_PHRASES);
    }
    /* The same phrase with two meanings would make the dialog guess. */
    for (size_t i = 0; i < all.count; i++) {
        if (all.items[i].words[0] == '\0')
            vk_diag_add(diag, root->file, root->line,
                        "the empty phrase is allowed (every part is optional)");
        for (size_t j = i + 1; j < all.count; j++) {
            if (strcmp(all.items[i].words, all.items[j].words) != 0)
                continue;
            const char *a = all.items[i].tag ? all.items[i].tag : "";
            const char *b = all.items[j].tag ? all.items[j].tag : "";
            if (strcmp(a, b) != 0)
                vk_diag_add(diag, root->file, root->line,
                            "phrase '%s' has two meanings: {%s} and {%s}",
                            all.items[i].words, a, b);
        }
        if (!all.items[i].tag)
            vk_diag_add(diag, root->file, root->line,
                        "phrase '%s' has no meaning: add a {tag} after it",
                        all.items[i].words);
    }
    if (vk_diag_count(diag) != before) {
        plist_free(&all);
        rules_free(&rs);
        return NULL;
    }
    vk_grammar *g = vk_calloc(1, sizeof *g);
    g->name = vk_strdup(name);
    /* Keep one copy of each phrase. */
    for (size_t i = 0; i < all.count; i++) {
        int dup = 0;
        for (size_t j = 0; j < g->nphrases && !dup; j++)
            dup = strcmp(g->phrases[j].words, all.items[i].words) == 0;
        if (dup)
            continue;
        g->phrases = vk_realloc(g->phrases, (g->nphrases + 1) * sizeof(phrase));
        g->phrases[g->nphrases].words = vk_strdup(all.items[i].words);
        g->phrases[g->nphrases].tag = vk_strdup(all.items[i].tag);
        g->nphrases++;
    }
    plist_free(&all);
    note_words(g, &rs);
    rules_free(&rs);

    size_t cap = 64;
    for (size_t i = 0; i < g->nphrases; i++)
        cap += strlen(g->phrases[i].words) + 4;
    g->jsgf = vk_malloc(cap);
    size_t off = (size_t)snprintf(
        g->jsgf, cap, "#JSGF V1.0;\ngrammar %s;\npublic <%s> = ", name, name);
    for (size_t i = 0; i < g->nphrases && off < cap; i++)
        off += (size_t)snprintf(g->jsgf + off, cap - off, "%s%s",
                                i ? " | " : "", g->phrases[i].words);
    if (off < cap)
        snprintf(g->jsgf + off, cap - off, ";\n");
    return g;
}

void vk_grammar_destroy(vk_grammar *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nphrases; i++) {
        free(g->phrases[i].words);
        free(g->phrases[i].tag);
    }
    for (size_t i = 0; i < g->nwords; i++) {
        free(g->words[i]);
        free(g->word_files[i]);
    }
    free(g->phrases);
    free(g->words);
    free(g->word_lines);
    free(g->word_files);
    free(g->jsgf);
    free(g->name);
    free(g);
}

const char *vk_grammar_name(const vk_grammar *g)
{
    return g->name;
}
const char *vk_grammar_jsgf(const vk_grammar *g)
{
    return g->jsgf;
}

const char *const *vk_grammar_words(const vk_grammar *g, size_t *count)
{
    *count = g->nwords;
    return (const char *const *)g->words;
}

const char *vk_grammar_meaning(const vk_grammar *g, const char *words)
{
    for (size_t i = 0; i < g->nphrases; i++)
        if (strcmp(g->phrases[i].words, words) == 0)
            return g->phrases[i].tag;
    return NULL;
}

bool vk_grammar_has_tag(const vk_grammar *g, const char *tag)
{
    for (size_t i = 0; i < g->nphrases; i++)
        if (strcmp(g->phrases[i].tag, tag) == 0)
            return true;
    return false;
}

bool vk_grammar_phrase_complete(const vk_grammar *g, const char *words)
{
    const char *m = vk_grammar_meaning(g, words);
    if (!m)
        return false;
    size_t n = strlen(words);
    for (size_t i = 0; i < g->nphrases; i++) {
        const char *tag;
        const char *p = vk_grammar_phrase(g, i, &tag);
        if (strncmp(p, words, n) == 0 && p[n] == ' ' &&
            (!tag || strcmp(tag, m) != 0))
            return false;
    }
    return true;
}

size_t vk_grammar_phrase_count(const vk_grammar *g)
{
    return g->nphrases;
}

const char *vk_grammar_phrase(const vk_grammar *g, size_t i, const char **tag)
{
    if (i >= g->nphrases)
        return NULL;
    if (tag)
        *tag = g->phrases[i].tag;
    return g->phrases[i].words;
}

int vk_grammar_word_line(const vk_grammar *g, const char *word,
                         const char **file)
{
    for (size_t i = 0; i < g->nwords; i++)
        if (strcmp(g->words[i], word) == 0) {
            if (file)
                *file = g->word_files[i];
            return g->word_lines[i];
        }
    return 0;
}
