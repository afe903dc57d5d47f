/*
 * check: the whole-content checks, in the order a staff member would fix
 * them: the script (flow, contacts, site overrides), then the grammars
 * against the flow and the dictionary, then the lengths of the prompts.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialog.h"
#include "grammar.h"
#include "mem.h"
#include "settings.h"
#include "recognizer.h"
#include "ssml.h"

/* The dictionary the recogniser takes its pronunciations from (asr.c reads
 * the same file). */
#define VK_CHECK_DEFAULT_DICT                                                  \
    "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
#define DICT_MAX_BYTES (64u << 20)
#define MAX_REPORTED 64

/* ---- the pronunciation dictionary ---------------------------------------- */

typedef struct dict {
    char *text;   /* the file, with the words cut out in place */
    char **words; /* sorted, one per headword */
    size_t n;
} dict;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool dict_load(dict *d, const char *path)
{
    memset(d, 0, sizeof *d);
    size_t len;
    d->text = vk_read_file(path, DICT_MAX_BYTES, &len);
    if (!d->text)
        return false;
    size_t cap = 1024;
    d->words = vk_malloc(cap * sizeof *d->words);
    /* One pass over the text, each line bounded by the known length: the
     * dictionary is 3.5 MB, and str* calls that look for the end of the
     * whole text from every line made this quadratic under ASan's
     * strict_string_checks (over 3 minutes per kiosk start). */
    const char *end = d->text + len;
    for (char *p = d->text; p < end;) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        char *next = eol ? eol + 1 : d->text + len;
        size_t w = 0;
        while (p + w < end && !memchr(" \t(\n", p[w], 4))
            w++;
        if (w > 0 && p[w] != '(') { /* alternates "word(2)" are the same word */
            p[w] = '\0';
            if (d->n == cap)
                d->words = vk_realloc(d->words, (cap *= 2) * sizeof *d->words);
            d->words[d->n++] = p;
        }
        p = next;
    }
    qsort(d->words, d->n, sizeof *d->words, cmp_str);
    return true;
}

static void dict_free(dict *d)
{
    free(d->words);
    free(d->text);
}

static bool dict_has(const dict *d, const char *word)
{
    return bsearch(&word, d->words, d->n, sizeof *d->words, cmp_str) != NULL;
}

/* Up to three nearest headwords into `out`: the fewest edits first, and
 * among equals the longest shared beginning ("yess" -> "yes" before
 * "bess"). */
static void dict_nearest(const dict *d, const char *word, char *out, size_t len)
{
    const char *best[3] = {0};
    int score[3] = {1000, 1000, 1000};
    for (size_t i = 0; i < d->n; i++) {
        int dist = vk_diag_edit_distance(word, d->words[i], 3);
        if (dist > 3)
            continue;
        int prefix = 0;
        while (prefix < 9 && word[prefix] &&
               word[prefix] == d->words[i][prefix])
            prefix++;
        int sc = dist * 10 - prefix;
        if (sc >= score[2])
            continue;
        int k = 2;
        while (k > 0 && sc < score[k - 1]) {
            score[k] = score[k - 1];
            best[k] = best[k - 1];
            k--;
        }
        score[k] = sc;
        best[k] = d->words[i];
    }
    size_t o = 0;
    out[0] = '\0';
    for (int k = 0; k < 3 && best[k]; k++)
        o += (size_t)snprintf(out + o, len > o ? len - o : 0, "%s%s",
                              k ? ", " : "", best[k]);
}

/* ---- grammars against the flow --------------------------------------------
 */

static bool is_asking(const vk_step *st)
{
    return st->type == VK_STEP_QUESTION || st->type == VK_STEP_ASK ||
           st->type == VK_STEP_MENU;
}

/* A question, yes/no offer or menu whose grammar cannot answer it. */
static void check_questions(const vk_script *s, bool have_answer,
                            bool have_menu, const char *grammars_dir,
                            vk_diag *errors)
{
    int more = 0;
    const char *first_file = NULL;
    int first_line = 0;
    const char *first_id = NULL, *first_gram = NULL;
    for (int i = 0; i < vk_script_step_count(s); i++) {
        const vk_step *st = vk_script_step_at(s, i);
        if (!is_asking(st))
            continue;
        bool menu = st->type == VK_STEP_MENU;
        if (menu ? have_menu : have_answer)
            continue;
        if (first_id) {
            more++;
            continue;
        }
        first_id = st->id;
        first_gram = menu ? "menu.gram" : "answer.gram";
        first_line = vk_script_step_line(s, st->id, &first_file);
    }
    if (first_id)
        vk_diag_add(errors, first_file, first_line,
                    "[%s] asks a question without a grammar: %s/%s is missing "
                    "or broken, so no answer could be heard%s",
                    first_id, grammars_dir, first_gram,
                    more ? " (the same for the questions after it)" : "");
}

static void check_grammars(const vk_check_opts *o, const vk_script *s,
                           vk_diag *errors)
{
    static const char *const need[] = {"yes",    "no",   "unsure", "help",
                                       "repeat", "back", "skip",   "stop"};
    bool have_answer = false, have_menu = false;
    char *reported[MAX_REPORTED];
    size_t nreported = 0;
    dict d;
    bool have_dict =
        dict_load(&d, o->dict_path ? o->dict_path : VK_CHECK_DEFAULT_DICT);
    if (!have_dict)
        vk_diag_add(errors, o->dict_path ? o->dict_path : VK_CHECK_DEFAULT_DICT,
                    0,
                    "the pronunciation dictionary cannot be read; install "
                    "the Debian package pocketsphinx-en-us");
    for (size_t i = 0; i < vk_recognizer_ncontexts; i++) {
        const char *ctx = vk_recognizer_contexts[i];
        vk_grammar *g = vk_grammar_load(o->grammars_dir, ctx, errors);
        if (!g)
            continue;
        if (strcmp(ctx, "answer") == 0) {
            have_answer = true;
            for (size_t k = 0; k < sizeof need / sizeof need[0]; k++)
                if (!vk_grammar_has_tag(g, need[k])) {
                    have_answer = false;
                    vk_diag_add(errors, o->grammars_dir, 0,
                                "answer.gram has no phrase meaning {%s}: a "
                                "question could not be answered that way",
                                need[k]);
                }
        }
        if (strcmp(ctx, "menu") == 0) {
            have_menu = true;
            for (int k = 0; s && k < vk_script_step_count(s); k++) {
                const vk_step *st = vk_script_step_at(s, k);
                for (int m = 0; m < st->noptions; m++)
                    if (!vk_grammar_has_tag(g, st->options[m].topic)) {
                        /* At the option's line if a site added it. */
                        char key[160];
                        snprintf(key, sizeof key, "option.%s",
                                 st->options[m].topic);
                        const char *file;
                        int line = vk_script_site_line(s, st->id, key, &file);
                        vk_diag_add(errors, file, line,
                                    "menu option '%s' has no phrase in "
                                    "menu.gram meaning {%s}",
                                    st->options[m].topic, st->options[m].topic);
                    }
            }
        }
        size_t nw;
        const char *const *words = vk_grammar_words(g, &nw);
        for (size_t k = 0; have_dict && k < nw; k++) {
            char low[128];
            snprintf(low, sizeof low, "%s", words[k]);
            for (char *c = low; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            if (dict_has(&d, low))
                continue;
            /* A word shared by several contexts is reported once. */
            bool seen = false;
            for (size_t j = 0; j < nreported && !seen; j++)
                seen = strcmp(reported[j], low) == 0;
            if (seen || nreported >= MAX_REPORTED)
                continue;
            reported[nreported++] = vk_strdup(low);
            const char *file = o->grammars_dir;
            int line = vk_grammar_word_line(g, words[k], &file);
            char near[256];
            dict_nearest(&d, low, near, sizeof near);
            vk_diag_add(errors, file, line,
                        "'%s' is not in the pronunciation dictionary, so it "
                        "can never be heard%s%s%s",
                        words[k], near[0] ? "; nearest words: " : "", near,
                        near[0] ? "" : "; write it as ordinary words");
        }
        vk_grammar_destroy(g);
    }
    if (s && !o->keys_only)
        check_questions(s, have_answer, have_menu, o->grammars_dir, errors);
    if (have_dict)
        dict_free(&d);
    for (size_t j = 0; j < nreported; j++)
        free(reported[j]);
}

/* ---- prompt lengths --------------------------------------------------------
 */

double vk_check_spoken_seconds(vk_tts *tts, const char *voice, int rate_wpm,
                               const char *text)
{
    if (tts) {
        int16_t *pcm;
        size_t n;
        if (vk_tts_say(tts, voice, rate_wpm, text, &pcm, &n) == VK_OK) {
            free(pcm);
            return (double)n / 16000.0;
        }
    }
    char *plain = vk_ssml_plain(text);
    int words = 0;
    bool in = false;
    for (const char *p = plain; *p; p++) {
        bool w = !isspace((unsigned char)*p);
        words += w && !in;
        in = w;
    }
    free(plain);
    return words * 60.0 / (rate_wpm > 0 ? rate_wpm : 160) +
           vk_ssml_pause_ms(text) / 1000.0;
}

/* How long `text` of step st (NULL: a [system] prompt) takes to say at the
 * kiosk's rate, with its placeholders filled in; *rate gets the rate. */
static double spoken_seconds(const vk_check_opts *o, const vk_script *s,
                             const vk_step *st, const char *text, int *rate)
{
    *rate = o->rate_wpm > 0 ? o->rate_wpm : VK_TTS_DEFAULT_RATE;
    char *full = vk_script_sample_text(s, st, text);
    double sec =
        vk_check_spoken_seconds(o->tts, vk_script_voice(s), *rate, full);
    free(full);
    return sec;
}

static void warn_if_long(const vk_check_opts *o, const vk_script *s,
                         const vk_step *st, const char *key, const char *text,
                         const char *file, int line, vk_diag *warnings)
{
    double limit =
        o->long_prompt_s > 0 ? o->long_prompt_s : VK_CHECK_LONG_PROMPT_S;
    int rate;
    double sec = spoken_seconds(o, s, st, text, &rate);
    if (sec <= limit)
        return;
    bool lists =
        strstr(text, "{contacts}") || strstr(text, "{crisis_contacts}");
    vk_diag_add(warnings, file, line,
                "warning: %s%s%s'%s' takes about %.1f s to say at %d words a "
                "minute (over %.0f s is hard to follow): %s",
                st ? "[" : "", st ? st->id : "", st ? "] " : "", key, sec, rate,
                limit,
                lists ? "most of it is the contacts; keep each one short, or "
                        "list fewer"
                      : "split it into two steps, or cut words");
}

/* ---- what the kiosk can say at once ---------------------------------------
 */

static int count_sentences(const char *text)
{
    int n = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        p = vk_ssml_sentence_end(p);
        n++;
    }
    return n;
}

/* A step's text with the contacts filled in must fit what the dialog and
 * the kiosk's sentence queue hold (dialog.h); otherwise the end of the
 * list, which is where the national crisis lines come, would be cut. */
static void check_fits(const vk_script *s, const vk_step *st, const char *key,
                       const char *text, const char *file, int line,
                       vk_diag *errors)
{
    char *full = vk_script_sample_text(s, st, text);
    size_t len = strlen(full);
    int n = count_sentences(full);
    free(full);
    if (len < VK_DIALOG_MAX_TEXT && n <= VK_DIALOG_MAX_SENTENCES)
        return;
    /* Made too long by the contacts a site adds: at the site's contacts. */
    if (strstr(text, "{contacts}"))
        line = vk_script_contacts_blame(s, false, &file, line);
    else if (strstr(text, "{crisis_contacts}"))
        line = vk_script_contacts_blame(s, true, &file, line);
    vk_diag_add(errors, file, line,
                "[%s] '%s' comes to %zu characters in %d sentences "
                "with the contacts filled in, more than the kiosk "
                "can say at once (%d characters, %d sentences): "
                "list fewer contacts, or shorten them",
                st ? st->id : "system", key, len, n, VK_DIALOG_MAX_TEXT - 1,
                VK_DIALOG_MAX_SENTENCES);
}

/* Every step's texts must fit (errors); long ones are warned about (when
 * `warnings` is given), and so are the long system prompts. */
static void check_texts(const vk_check_opts *o, const vk_script *s,
                        vk_diag *errors, vk_diag *warnings)
{
    static const char *const keys[] = {"text", "text_again", "help"};
    for (int i = 0; i < vk_script_step_count(s); i++) {
        const vk_step *st = vk_script_step_at(s, i);
        const char *vals[] = {st->text, st->text_again, st->help};
        for (int k = 0; k < 3; k++) {
            if (!vals[k])
                continue;
            const char *file;
            int line = vk_script_value_line(s, st->id, keys[k], &file);
            check_fits(s, st, keys[k], vals[k], file, line, errors);
            if (warnings)
                warn_if_long(o, s, st, keys[k], vals[k], file, line, warnings);
        }
    }
    /* The [system] prompts with the crisis contacts in them. */
    static const char *const with_contacts[] = {
        "timeout.crisis", "timeout.safety", "nomatch.safety", "skip.safety"};
    for (size_t k = 0; k < sizeof with_contacts / sizeof *with_contacts; k++) {
        const char *file;
        int line = vk_script_system_line(s, with_contacts[k], &file);
        check_fits(s, NULL, with_contacts[k],
                   vk_script_system(s, with_contacts[k]), file, line, errors);
    }
    if (!warnings)
        return;
    /* Between sessions the question whether to start may be said to an
     * empty room (kiosk.c, on_heard_idle). */
    const char *wk_file;
    int wk_line = vk_script_system_line(s, "wake", &wk_file), rate;
    double wk = spoken_seconds(o, s, NULL, vk_script_system(s, "wake"), &rate);
    if (wk > VK_CHECK_WAKE_S)
        vk_diag_add(warnings, wk_file, wk_line,
                    "warning: 'wake' takes about %.1f s to say at %d words a "
                    "minute: it may be said to an empty room, so keep it "
                    "under %.0f s",
                    wk, rate, VK_CHECK_WAKE_S);
    static const char *const sys[] = {"noinput.2", "nomatch.2", "help",
                                      "noinput.3", "nomatch.3", "timeout"};
    for (size_t k = 0; k < sizeof sys / sizeof sys[0]; k++) {
        const char *file;
        int line = vk_script_system_line(s, sys[k], &file);
        warn_if_long(o, s, NULL, sys[k], vk_script_system(s, sys[k]), file,
                     line, warnings);
    }
}

/* The script's voice must be one eSpeak NG can load: with any other, every
 * sentence fails and the kiosk would run mute (it falls back to en-us and
 * says so in the log; kiosk.c).  Only where a synthesiser is at hand. */
static void check_voice(const vk_check_opts *o, const vk_script *s,
                        vk_diag *errors)
{
    if (!o->tts)
        return;
    const char *voice = vk_script_voice(s);
    int16_t *pcm = NULL;
    size_t n;
    if (vk_tts_say(o->tts, voice, VK_TTS_DEFAULT_RATE, "a", &pcm, &n) ==
        VK_OK) {
        free(pcm);
        return;
    }
    const char *file = NULL;
    int line = vk_script_value_line(s, "kiosk", "voice", &file);
    vk_diag_add(errors, file, line,
                "[kiosk] voice: eSpeak NG cannot speak with '%s' (the "
                "voices it has: `espeak-ng --voices`)",
                voice);
}

/* ---- the keys said ------------------------------------------------------ */

/* Words a prompt names a key with, besides its own capital letter or digit
 * ("Press H", "Pulse 1"), and the keys (keymap.h names) they stand for. */
static const struct {
    const char *word, *keys;
} key_words[] = {
    {"enter", "enter"},     {"intro", "enter"},    {"plus", "+"},
    {"minus", "-"},         {"slash", "/"},        {"barra", "/"},
    {"star", "*"},          {"asterisk", "*"},     {"asterisco", "*"},
    {"arrow", "up down"},   {"arrows", "up down"}, {"flecha", "up down"},
    {"flechas", "up down"}, {"space", "space"},    {"espacio", "space"},
};

#define MAX_NAMED 24

/* A key named in a prompt: its code, as the prompt writes it, and the
 * action the default layout gives it. */
typedef struct named_key {
    int key;
    char said[16];
    const char *action;
} named_key;

/* Adds `key`, written `said` in the text, if the default layout binds it
 * and it is not listed yet. */
static void add_named(named_key *k, int *n, const vk_keymap *def, int key,
                      const char *said, size_t said_len)
{
    const char *action = vk_keymap_action(def, key);
    if (!action || *n == MAX_NAMED)
        return;
    for (int i = 0; i < *n; i++)
        if (k[i].key == key)
            return;
    k[*n].key = key;
    k[*n].action = action;
    if (said_len >= sizeof k[*n].said)
        said_len = sizeof k[*n].said - 1;
    memcpy(k[*n].said, said, said_len);
    k[*n].said[said_len] = '\0';
    (*n)++;
}

/* The keys of the default layout that `text` names: a capital letter or a
 * digit standing alone ("press H", "1 for yes"; not "I", which no key is),
 * or a word of key_words ("Enter", "the arrows").  Placeholders and SSML
 * tags are skipped.  Returns how many, in `k`. */
static int keys_named(const char *text, const vk_keymap *def, named_key *k)
{
    int n = 0;
    for (const char *p = text; *p;) {
        if (*p == '{' || *p == '<') {
            const char *end = strchr(p, *p == '{' ? '}' : '>');
            p = end ? end + 1 : p + strlen(p);
            continue;
        }
        /* A word: letters, digits and any UTF-8 ("más" is one word). */
        size_t w = 0;
        while (p[w] &&
               (isalnum((unsigned char)p[w]) || (unsigned char)p[w] >= 0x80))
            w++;
        if (w == 0) {
            p++;
            continue;
        }
        if (w == 1 &&
            (isupper((unsigned char)*p) || isdigit((unsigned char)*p)))
            add_named(k, &n, def, tolower((unsigned char)*p), p, 1);
        for (size_t i = 0; w > 1 && i < sizeof key_words / sizeof *key_words;
             i++) {
            if (strlen(key_words[i].word) != w ||
                strncasecmp(key_words[i].word, p, w) != 0)
                continue;
            char names[32];
            snprintf(names, sizeof names, "%s", key_words[i].keys);
            char *save = NULL;
            for (char *t = strtok_r(names, " ", &save); t;
                 t = strtok_r(NULL, " ", &save))
                add_named(k, &n, def, vk_key_from_name(t), p, w);
        }
        p += w;
    }
    return n;
}

/* One text that may name keys, for check_keys_said(): where it is, and
 * how a message names it ("[system] help", "[crisis.again] text"), and
 * its key ("help", "text"). */
typedef struct said_text {
    const char *text, *file, *what, *key;
    int line;
    bool voice; /* said from its ".voice" variant */
} said_text;

/* Calls fn for every [system] prompt and every step's text, text_again
 * and help, as the kiosk says them. */
static void each_said_text(const vk_script *s,
                           void (*fn)(const said_text *, void *), void *ctx)
{
    char what[160];
    said_text t = {.what = what};
    for (size_t i = 0; (t.key = vk_script_system_key(i)); i++) {
        snprintf(what, sizeof what, "[system] %s", t.key);
        t.text = vk_script_system(s, t.key);
        t.line = vk_script_system_line(s, t.key, &t.file);
        t.voice = vk_script_said_voice(s, "system", t.key);
        fn(&t, ctx);
    }
    static const char *const fields[] = {"text", "text_again", "help"};
    for (int i = 0; i < vk_script_step_count(s); i++) {
        const vk_step *st = vk_script_step_at(s, i);
        const char *values[] = {st->text, st->text_again, st->help};
        for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
            if (!values[f])
                continue;
            t.key = fields[f];
            snprintf(what, sizeof what, "[%s] %s", st->id, t.key);
            t.text = values[f];
            t.line = vk_script_value_line(s, st->id, t.key, &t.file);
            t.voice = vk_script_said_voice(s, st->id, t.key);
            fn(&t, ctx);
        }
    }
}

/* Warns if `t` names a key of the default layout that the site's keys no
 * longer give the same job (see check_keys_said()). */
typedef struct keys_ctx {
    const vk_check_opts *o;
    vk_keymap def, now;
    vk_diag *warnings;
} keys_ctx;

static void warn_keys_said(const said_text *t, void *ctx)
{
    const keys_ctx *c = ctx;
    const vk_check_opts *o = c->o;
    const vk_keymap *def = &c->def, *now_keys = &c->now;
    vk_diag *warnings = c->warnings;
    bool site = t->file &&
                strncmp(t->file, o->src.site_dir, strlen(o->src.site_dir)) == 0;
    named_key k[MAX_NAMED];
    int n = keys_named(t->text, def, k);
    char moved[512] = "";
    size_t len = 0;
    for (int j = 0; j < n && len < sizeof moved; j++) {
        const char *now = vk_keymap_action(now_keys, k[j].key);
        if (site ? now != NULL : now && strcmp(now, k[j].action) == 0)
            continue; /* still does what the prompt says */
        const char *to = vk_keymap_key_for(now_keys, k[j].action);
        len += (size_t)snprintf(moved + len, sizeof moved - len,
                                "%s%s for %s %s%s", len ? ", " : "", k[j].said,
                                k[j].action, to ? "is now " : "has no key now",
                                to ? to : "");
    }
    if (!*moved)
        return;
    if (site)
        vk_diag_add(warnings, t->file, t->line,
                    "warning: [keys] moves keys, but %s still says the old "
                    "ones (%s); write the new keys here",
                    t->what, moved);
    else
        vk_diag_add(warnings, t->file, t->line,
                    "warning: [keys] moves keys, but the kiosk still says "
                    "the shipped ones (%s: %s); write the new keys in your "
                    "site's flow.ini %s",
                    t->what, moved, t->what);
}

/* The site's settings.ini moves keys while a prompt still names the old
 * ones ("Press H at any time for help", "Keys: R repeat, ...", es-ES's
 * "Pulse 1 para sí" in a step's own text): a person who cannot see the
 * keypad would be told keys that now do something else, or nothing.
 * Every [system] prompt, and every step's text and help, is looked at for
 * the keys of the default layout it names.  A shipped text is warned
 * about when one of them no longer does what it did; a text the site
 * wrote, when one of them now does nothing (the site may have given a
 * default key a new job on purpose, and said so). */
static void check_keys_said(const vk_check_opts *o, const vk_script *s,
                            vk_diag *warnings)
{
    if (!o->src.site_dir)
        return;
    char path[4200];
    snprintf(path, sizeof path, "%s/settings.ini", o->src.site_dir);
    vk_settings set;
    vk_settings_default(&set);
    vk_diag *quiet = vk_diag_create(); /* its errors are reported already */
    bool ok = vk_settings_load(&set, path, quiet);
    vk_diag_destroy(quiet);
    keys_ctx c = {.o = o, .now = set.keys, .warnings = warnings};
    vk_keymap_default(&c.def);
    if (ok && memcmp(&c.def, &set.keys, sizeof c.def) != 0)
        each_said_text(s, warn_keys_said, &c);
}

/* Prompts said only after a key was pressed (the keypad's arrows). */
static bool keypad_only(const char *key)
{
    static const char *const only[] = {"control.choose", "choice.next",
                                       "choice.done"};
    for (size_t i = 0; i < sizeof only / sizeof *only; i++)
        if (strcmp(only[i], key) == 0)
            return true;
    return false;
}

/* Words that speak of keys without naming one ("press a key", "use the
 * keys"), in the shipped languages. */
static const char *const key_talk[] = {"press", "key",   "keys",  "keypad",
                                       "pulse", "tecla", "teclas"};

/* Appends to `said` the key_talk words in `text` (whole words, any case). */
static size_t add_key_talk(const char *text, char *said, size_t len,
                           size_t size)
{
    for (const char *p = text; *p && len < size;) {
        if (*p == '{' || *p == '<') { /* placeholders and tags */
            const char *end = strchr(p, *p == '{' ? '}' : '>');
            p = end ? end + 1 : p + strlen(p);
            continue;
        }
        size_t w = 0;
        while (isalpha((unsigned char)p[w]))
            w++;
        for (size_t i = 0; w && i < sizeof key_talk / sizeof *key_talk; i++)
            if (strlen(key_talk[i]) == w &&
                strncasecmp(key_talk[i], p, w) == 0 &&
                !strstr(said, key_talk[i]))
                len += (size_t)snprintf(said + len, size - len, "%s%.*s",
                                        len ? ", " : "", (int)w, p);
        p += w ? w : 1;
    }
    return len;
}

static void warn_keys_voice(const said_text *t, void *ctx)
{
    const keys_ctx *c = ctx;
    if (strncmp(t->what, "[system] ", 9) == 0 && keypad_only(t->key))
        return;
    named_key k[MAX_NAMED];
    int n = keys_named(t->text, &c->def, k);
    char said[256] = "";
    size_t len = 0;
    for (int j = 0; j < n && len < sizeof said; j++)
        len += (size_t)snprintf(said + len, sizeof said - len, "%s%s",
                                j ? ", " : "", k[j].said);
    if (add_key_talk(t->text, said, len, sizeof said) == 0)
        return;
    if (t->voice)
        vk_diag_add(c->warnings, t->file, t->line,
                    "warning: %s.voice names keys (%s), but it is said "
                    "because this kiosk has none (voice only); leave them "
                    "out",
                    t->what, said);
    else
        vk_diag_add(c->warnings, t->file, t->line,
                    "warning: %s names keys (%s), but this kiosk has none "
                    "(voice only); write a '%s.voice' without them",
                    t->what, said, t->key);
}

/* Voice only (the home service reads no keys): a text that tells people
 * to press keys would send them looking for keys that are not there. */
static void check_keys_voice(const vk_check_opts *o, const vk_script *s,
                             vk_diag *warnings)
{
    if (!o->src.voice_only)
        return;
    keys_ctx c = {.o = o, .warnings = warnings};
    vk_keymap_default(&c.def);
    each_said_text(s, warn_keys_voice, &c);
}

/* ---- all together
 * ------------------------------------------------------------ */

int vk_check_run(const vk_check_opts *o, vk_diag *errors, vk_diag *warnings,
                 vk_script **script_out)
{
    int before = vk_diag_count(errors);
    if (script_out)
        *script_out = NULL;
    vk_script *s = vk_script_load_src(&o->src, errors, warnings);
    check_grammars(o, s, errors);
    /* The site's settings.ini too, so `check` and a reload refuse it. */
    if (o->src.site_dir)
        vk_settings_check(o->src.site_dir, errors);
    if (s) {
        check_texts(o, s, errors, warnings);
        check_voice(o, s, errors);
        check_keys_said(o, s, warnings);
        check_keys_voice(o, s, warnings);
    }
    int n = vk_diag_count(errors) - before;
    if (script_out && n == 0)
        *script_out = s;
    else
        vk_script_destroy(s);
    return n;
}
