/*
 * script: builds the flow from flow.ini and contacts.ini, and checks it.
 *
 * The rules for each kind of step are one table (step_kinds) that drives
 * both parsing and the messages, so adding a kind of step is one row.
 * Strings point into the parsed INI files, which the script keeps.
 */
#define _POSIX_C_SOURCE 200809L
#include "script.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inifile.h"
#include "mem.h"
#include "site.h"
#include "ssml.h"

typedef struct step_kind {
    const char *name;
    vk_step_type type;
    const char *required; /* space-separated keys */
    const char *optional;
    const char *placeholders; /* allowed in text */
    const char *needed;       /* must be in text (NULL = none) */
} step_kind;

static const step_kind step_kinds[] = {
    {"say", VK_STEP_SAY, "text next", "", "", NULL},
    {"question", VK_STEP_QUESTION, "sign text next",
     "help on_yes on_no on_unsure", "", NULL},
    {"ask", VK_STEP_ASK, "text on_yes on_no", "help", "", NULL},
    {"crisis", VK_STEP_CRISIS, "text next", "", "crisis_contacts",
     "crisis_contacts"},
    {"summary", VK_STEP_SUMMARY, "text next", "", "yes_count unsure_count",
     NULL},
    {"menu", VK_STEP_MENU, "text on_no", "text_again help", "", NULL},
    {"contacts", VK_STEP_CONTACTS, "text next", "", "contacts", "contacts"},
    {"end", VK_STEP_END, "text", "", "", NULL},
};
#define N_KINDS (sizeof step_kinds / sizeof step_kinds[0])

/* The [system] prompts and the placeholders each may use. */
static const struct {
    const char *key;
    const char *placeholders;
} system_keys[] = {
    {"noinput.1", "choices keys"},
    {"noinput.2", "choices keys"},
    {"noinput.3", "choices keys"},
    {"nomatch.1", "choices keys"},
    {"nomatch.2", "choices keys"},
    {"nomatch.3", "choices keys"},
    {"confirm", "heard"},
    {"confirm.retry", ""},
    {"stop.confirm", ""},
    {"stop.cancel", ""},
    {"back.first", ""},
    {"skip.done", ""},
    {"timeout", ""},
    {"timeout.crisis", "crisis_contacts"},
    {"timeout.safety", "crisis_contacts"},
    {"nomatch.safety", "crisis_contacts choices"},
    {"skip.safety", "crisis_contacts"},
    {"answer.taken", "heard"},
    {"wake", ""},
    {"choices.answer", ""},
    {"keys.answer", ""},
    {"choices.menu", ""},
    {"keys.menu", ""},
    {"choices.offer", ""},
    {"keys.offer", ""},
    {"help", ""},
    {"heard.yes", ""},
    {"heard.no", ""},
    {"heard.unsure", ""},
    {"contact", "name offer phone hours"},
    /* the person's speech controls (src/controls.c) and the keypad */
    {"control.paused", ""},
    {"control.louder", ""},
    {"control.softer", ""},
    {"control.loudest", ""},
    {"control.softest", ""},
    {"control.slower", ""},
    {"control.faster", ""},
    {"control.slowest", ""},
    {"control.fastest", ""},
    {"control.more_time", ""},
    {"control.warning", ""},
    {"control.choose", ""},
    {"choice.next", ""},
    {"choice.done", ""},
    {"device.back", ""},
    {"device.lost", ""},
    {"headphones.missing", ""},
    {"headphones.caption", ""},
};
#define N_SYSTEM (sizeof system_keys / sizeof system_keys[0])

const char *vk_script_system_key(size_t i)
{
    return i < N_SYSTEM ? system_keys[i].key : NULL;
}

/* [system] prompts that must use a placeholder: without it the numbers a
 * person needs are never said. */
static const struct {
    const char *key, *needed;
} system_needs[] = {
    {"timeout.crisis", "crisis_contacts"},
    {"timeout.safety", "crisis_contacts"},
    {"nomatch.safety", "crisis_contacts"},
    {"skip.safety", "crisis_contacts"},
    {"contact", "phone"},
};

/* [system] prompts a flow may leave out, and what is said then, so a site
 * flow written before the prompt existed keeps passing `check`. */
static const struct {
    const char *key;
    const char *text;
} system_defaults[] = {
    {"device.back", "Sorry, the sound stopped for a moment. Here it is again."},
    {"device.lost", "The sound has stopped. Please wait. It should come back "
                    "by itself, and then the kiosk goes on where it was."},
    {"timeout.crisis",
     "Before this session ends, here are the crisis numbers once more. "
     "{crisis_contacts}"},
    {"timeout.safety",
     "Before this session ends, here are numbers for people you can reach "
     "at any time, if you ever need them. {crisis_contacts}"},
    {"nomatch.safety",
     "Sorry, I did not understand. If you are not sure how to answer, that "
     "is all right. Here are people you can reach at any time, if you ever "
     "need them. {crisis_contacts} {choices}"},
    {"skip.safety",
     "All right. We will skip that one. If you ever need to talk to someone, "
     "here are people you can reach at any time. {crisis_contacts}"},
    {"answer.taken", "You answered {heard}."},
    {"wake", "To start, say yes or press a key."},
    {"wake.voice", "To start, say yes."},
    {"headphones.missing",
     "The headphones are not connected. Everything will be said out loud, "
     "on the speaker, your results and the contacts too."},
    {"headphones.caption", "(Said in your headphones.)"},
    {"choices.offer", "Please say yes or no."},
    {"keys.offer", "Or press 1 for yes, or 2 for no. You can also press R to "
                   "repeat, H for help, or Q to stop."},
};

static const char *system_default(const char *key)
{
    for (size_t i = 0; i < sizeof system_defaults / sizeof system_defaults[0];
         i++)
        if (strcmp(system_defaults[i].key, key) == 0)
            return system_defaults[i].text;
    return NULL;
}

struct vk_script {
    vk_ini *flow;
    vk_ini *contacts_ini;
    vk_ini *flow_site;     /* kept: merged values point to its path */
    vk_ini *contacts_site; /* the same */
    vk_ini *flow_shipped;  /* the shipped flow as it was, read when needed */
    /* The site's last 'remove = yes' (file borrowed from contacts_site),
     * and the last that removed a crisis contact. */
    const char *removed_file, *removed_crisis_file;
    int removed_line, removed_crisis_line;
    const char *clinic;
    vk_step *steps;
    int *step_lines;
    const char **step_files;
    int nsteps;
    const char *start;
    const char *voice;
    const char *system[N_SYSTEM];
    bool voice_only; /* see vk_script_src */
    vk_contact *contacts;
    int ncontacts;
};

static bool word_in(const char *list, const char *word, size_t wlen)
{
    const char *p = list;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == wlen && strncmp(p, word, wlen) == 0)
            return true;
        p = e;
    }
    return false;
}

/* Every {name} in text must be one the engine fills in here. */
static void check_placeholders(const char *file, int line, const vk_ini_kv *kv,
                               const char *allowed, vk_diag *diag)
{
    for (const char *p = strchr(kv->value, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e) {
            vk_diag_add(diag, file, line, "'{' without a closing '}'");
            return;
        }
        if (!word_in(allowed, p + 1, (size_t)(e - p - 1)))
            vk_diag_add(diag, file, line,
                        "unknown placeholder {%.*s} in '%s'%s%s",
                        (int)(e - p - 1), p + 1, kv->key,
                        *allowed ? "; it may use: " : "", allowed);
    }
}

/* What the kiosk would never say without the placeholder. */
static const char *needed_what(const char *name)
{
    return strcmp(name, "crisis_contacts") == 0 ? "the crisis numbers"
           : strcmp(name, "contacts") == 0      ? "the contacts"
                                                : "a contact's number";
}

/* The placeholder `needed` (NULL = none) must be in kv's text: a crisis
 * step without {crisis_contacts} would say no crisis number at all. */
static void check_needed(const char *file, int line, const vk_ini_kv *kv,
                         const char *needed, vk_diag *diag)
{
    if (!needed)
        return;
    char ph[40];
    snprintf(ph, sizeof ph, "{%s}", needed);
    if (!strstr(kv->value, ph))
        vk_diag_add(diag, file, line,
                    "'%s' must contain %s: without it the kiosk never says "
                    "%s",
                    kv->key, ph, needed_what(needed));
}

static const step_kind *kind_named(const char *name)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (strcmp(step_kinds[i].name, name) == 0)
            return &step_kinds[i];
    return NULL;
}

static const char *kv_value(const vk_ini_section *sec, const char *key)
{
    const vk_ini_kv *kv = vk_ini_get(sec, key);
    return kv ? kv->value : NULL;
}

/* True if `file` is a site file (the site's flow.ini or contacts.ini), not
 * the shipped content staff must not edit; from_site() is the same for the
 * file a value came from. */
static bool is_site_file(const vk_script *s, const char *file)
{
    return (s->flow_site && file == s->flow_site->path) ||
           (s->contacts_site && file == s->contacts_site->path);
}

static bool from_site(const vk_script *s, const vk_ini_kv *kv)
{
    return kv && is_site_file(s, kv->file);
}

/* The suffix of a value said in place of another when nobody can press a
 * key: "text.voice" for "text". */
#define VOICE_SUFFIX ".voice"
/* Room for a key and its suffix ("control.warning.voice"). */
#define KEY_MAX 64

/* The ".voice" variant's name of `key`, in `out` (KEY_MAX bytes). */
static const char *voice_key(const char *key, char out[KEY_MAX])
{
    snprintf(out, KEY_MAX, "%s" VOICE_SUFFIX, key);
    return out;
}

/* The base key of a ".voice" variant ("text" for "text.voice") in `out`;
 * false if `key` is no variant. */
static bool voice_base(const char *key, char *out, size_t len)
{
    size_t n = strlen(key), sn = strlen(VOICE_SUFFIX);
    if (n <= sn || strcmp(key + n - sn, VOICE_SUFFIX) != 0 || n - sn >= len)
        return false;
    memcpy(out, key, n - sn);
    out[n - sn] = '\0';
    return true;
}

/* Value `key` of `sec` as it is said: with voice_only its ".voice"
 * variant if it has one, unless the site rewrote the value and not its
 * variant (the site's words then win over the shipped variant).  NULL if
 * neither is there. */
static const vk_ini_kv *said_kv(const vk_script *s, const vk_ini_section *sec,
                                const char *key)
{
    const vk_ini_kv *kv = vk_ini_get(sec, key);
    if (!s->voice_only)
        return kv;
    char vkey[KEY_MAX];
    const vk_ini_kv *v = vk_ini_get(sec, voice_key(key, vkey));
    if (v && (!kv || from_site(s, v) || !from_site(s, kv)))
        return v;
    return kv;
}

static const char *said_value(const vk_script *s, const vk_ini_section *sec,
                              const char *key)
{
    const vk_ini_kv *kv = said_kv(s, sec, key);
    return kv ? kv->value : NULL;
}

/* Where a problem found in the merged flow is reported: at `cause` when a
 * site file set it (the line staff must fix), else at `file`:`line` (the
 * section, as before).  A section the site itself adds keeps its header.
 * Returns the line; *at gets the file (borrowed). */
static int blame(const vk_script *s, const vk_ini_kv *cause, const char *file,
                 int line, const char **at)
{
    if (!is_site_file(s, file) && from_site(s, cause)) {
        *at = cause->file;
        return cause->line;
    }
    *at = file;
    return line;
}

/* The same for step i. */
static int blame_step(const vk_script *s, int i, const vk_ini_kv *cause,
                      const char **at)
{
    return blame(s, cause, s->step_files[i], s->step_lines[i], at);
}

/* Value `key` of step `id`, or NULL. */
static const vk_ini_kv *step_kv(const vk_script *s, const char *id,
                                const char *key)
{
    return vk_ini_get(vk_ini_find(s->flow, id), key);
}

static bool is_link_key(const char *key)
{
    return word_in("next on_yes on_no on_unsure", key, strlen(key)) ||
           strncmp(key, "option.", 7) == 0;
}

/* A link of step `id` set by a site file, to `target` (NULL: any), or
 * NULL. */
static const vk_ini_kv *site_link(const vk_script *s, const char *id,
                                  const char *target)
{
    const vk_ini_section *sec = vk_ini_find(s->flow, id);
    for (int k = 0; sec && k < sec->nkv; k++)
        if (is_link_key(sec->kv[k].key) && from_site(s, &sec->kv[k]) &&
            (!target || strcmp(sec->kv[k].value, target) == 0))
            return &sec->kv[k];
    return NULL;
}

/* What the shipped flow had for `key` of [id], before the site's values
 * were laid over it (read again the first time it is asked), or NULL. */
static const char *shipped_value(vk_script *s, const char *id, const char *key)
{
    if (!s->flow_site)
        return NULL;
    if (!s->flow_shipped) {
        vk_diag *quiet = vk_diag_create(); /* reported when first read */
        s->flow_shipped = vk_ini_load(s->flow->path, quiet);
        vk_diag_destroy(quiet);
    }
    const vk_ini_kv *kv =
        s->flow_shipped ? vk_ini_get(vk_ini_find(s->flow_shipped, id), key)
                        : NULL;
    return kv ? kv->value : NULL;
}

/* The nearest step name to `name`, for "did you mean" hints, or NULL. */
static const char *nearest_section(const vk_ini *ini, const char *name)
{
    const char *best = NULL;
    int bd = 4;
    for (int i = 0; i < ini->nsec; i++) {
        int d = vk_diag_edit_distance(name, ini->sec[i].name, 3);
        if (d > 0 && d < bd && strcmp(ini->sec[i].name, "kiosk") != 0 &&
            strcmp(ini->sec[i].name, "system") != 0) {
            bd = d;
            best = ini->sec[i].name;
        }
    }
    return best;
}

static void build_step(vk_script *s, const vk_ini_section *sec, vk_diag *diag)
{
    const char *tname = kv_value(sec, "type");
    if (!tname && s->flow_site && sec->file == s->flow_site->path) {
        /* A site file may only change the shipped steps, or add a step
         * with a type. */
        const char *near = nearest_section(s->flow, sec->name);
        vk_diag_add(diag, sec->file, sec->line,
                    "unknown prompt id [%s]: the shipped flow has no step "
                    "called that%s%s%s; to add a new step, give it a 'type'",
                    sec->name, near ? " (did you mean [" : "", near ? near : "",
                    near ? "]?)" : "");
        return;
    }
    if (!tname) {
        vk_diag_add(diag, sec->file, sec->line,
                    "[%s] has no 'type' (say, question, ask, crisis, summary, "
                    "menu, contacts or end)",
                    sec->name);
        return;
    }
    const step_kind *k = kind_named(tname);
    if (!k) {
        vk_diag_add(diag, vk_ini_get(sec, "type")->file,
                    vk_ini_get(sec, "type")->line,
                    "unknown type '%s' (say, question, ask, crisis, summary, "
                    "menu, contacts or end)",
                    tname);
        return;
    }
    vk_step st = {.id = sec->name, .type = k->type};
    /* A site that changes a shipped step's type makes its shipped keys
     * wrong: the problems are at the site's 'type' line. */
    const vk_ini_kv *type_kv = vk_ini_get(sec, "type");
    const char *at;
    int line;
    for (int i = 0; i < sec->nkv; i++) {
        const vk_ini_kv *kv = &sec->kv[i];
        const char *key = kv->key;
        if (strcmp(key, "type") == 0)
            continue;
        if (k->type == VK_STEP_MENU && strncmp(key, "option.", 7) == 0) {
            if (!key[7]) {
                vk_diag_add(diag, kv->file, kv->line,
                            "'option.' has no topic: write option.TOPIC = "
                            "step, TOPIC a meaning in grammars/menu.gram");
                continue;
            }
            vk_menu_option *o = (vk_menu_option *)st.options;
            o = vk_realloc(o, (size_t)(st.noptions + 1) * sizeof *o);
            o[st.noptions++] = (vk_menu_option){key + 7, kv->value};
            st.options = o;
            continue;
        }
        const char *file = kv->file;
        line = blame(s, type_kv, kv->file, kv->line, &at);
        char base[KEY_MAX];
        if (voice_base(key, base, sizeof base)) {
            if (!word_in("text text_again help", base, strlen(base)) ||
                (!word_in(k->required, base, strlen(base)) &&
                 !word_in(k->optional, base, strlen(base)))) {
                vk_diag_add(diag, at, line,
                            "'%s': only the text, text_again and help a %s "
                            "step uses have a .voice variant",
                            key, k->name);
                continue;
            }
            key = base; /* checked as the value it stands in for */
        } else if (!word_in(k->required, key, strlen(key)) &&
                   !word_in(k->optional, key, strlen(key))) {
            vk_diag_add(diag, at, line,
                        "'%s' is not used by a %s step (it uses: %s%s%s)", key,
                        k->name, k->required, *k->optional ? " " : "",
                        k->optional);
            continue;
        }
        if (kv->value[0] == '\0')
            vk_diag_add(diag, file, kv->line, "'%s' is empty", kv->key);
        if (strcmp(key, "text") == 0 || strcmp(key, "text_again") == 0 ||
            strcmp(key, "help") == 0) {
            check_placeholders(at, line, kv,
                               strcmp(key, "text") == 0 ? k->placeholders : "",
                               diag);
            if (strcmp(key, "text") == 0)
                check_needed(at, line, kv, k->needed, diag);
            vk_ssml_check(kv->value, file, kv->line, kv->key, diag);
        }
    }
    for (const char *p = k->required; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)(e - p), p);
        line = blame(s, type_kv, sec->file, sec->line, &at);
        if (!vk_ini_get(sec, key))
            vk_diag_add(diag, at, line, "[%s] (a %s step) needs '%s'",
                        sec->name, k->name, key);
        p = e;
    }
    st.text = said_value(s, sec, "text");
    st.text_again = said_value(s, sec, "text_again");
    st.help = said_value(s, sec, "help");
    st.next = kv_value(sec, "next");
    st.on_yes = kv_value(sec, "on_yes");
    st.on_no = kv_value(sec, "on_no");
    st.on_unsure = kv_value(sec, "on_unsure");
    if (k->type == VK_STEP_QUESTION && kv_value(sec, "sign")) {
        char *end;
        long n = strtol(kv_value(sec, "sign"), &end, 10);
        if (*end || n < 1 || n > VK_SIGNS)
            vk_diag_add(diag, vk_ini_get(sec, "sign")->file,
                        vk_ini_get(sec, "sign")->line,
                        "sign must be a number from 1 to %d", VK_SIGNS);
        else
            st.sign = (int)n;
    }
    line = blame(s, type_kv, sec->file, sec->line, &at);
    if (k->type == VK_STEP_MENU && st.noptions == 0)
        vk_diag_add(diag, at, line,
                    "menu [%s] has no 'option.TOPIC = step' lines", sec->name);
    s->steps = vk_realloc(s->steps, (size_t)(s->nsteps + 1) * sizeof *s->steps);
    s->step_lines =
        vk_realloc(s->step_lines, (size_t)(s->nsteps + 1) * sizeof(int));
    s->step_files =
        vk_realloc(s->step_files, (size_t)(s->nsteps + 1) * sizeof(char *));
    s->step_lines[s->nsteps] = sec->line;
    s->step_files[s->nsteps] = sec->file;
    s->steps[s->nsteps++] = st;
}

const vk_step *vk_script_step(const vk_script *s, const char *id)
{
    if (!id)
        return NULL;
    for (int i = 0; i < s->nsteps; i++)
        if (strcmp(s->steps[i].id, id) == 0)
            return &s->steps[i];
    return NULL;
}

static int step_index(const vk_script *s, const char *id)
{
    const vk_step *st = vk_script_step(s, id);
    return st ? (int)(st - s->steps) : -1;
}

/* Each step's outgoing links: next, on_*, menu options. */
static int links_of(const vk_step *st, const char *out[], int max)
{
    int n = 0;
    const char *cand[] = {st->next, st->on_yes, st->on_no, st->on_unsure};
    for (size_t i = 0; i < 4; i++)
        if (cand[i] && n < max)
            out[n++] = cand[i];
    for (int i = 0; i < st->noptions && n < max; i++)
        out[n++] = st->options[i].target;
    return n;
}

static void check_links(vk_script *s, vk_diag *diag)
{
    for (int i = 0; i < s->nsteps; i++) {
        const char *links[64];
        int n = links_of(&s->steps[i], links, 64);
        for (int k = 0; k < n; k++) {
            if (strcmp(links[k], "resume") == 0 || vk_script_step(s, links[k]))
                continue;
            const vk_ini_section *sec = vk_ini_find(s->flow, s->steps[i].id);
            int line = sec->line;
            const char *file = sec->file;
            for (int j = 0; j < sec->nkv; j++)
                if (strcmp(sec->kv[j].value, links[k]) == 0) {
                    line = sec->kv[j].line;
                    file = sec->kv[j].file;
                }
            const char *near = nearest_section(s->flow, links[k]);
            vk_diag_add(diag, file, line, "no step called '%s'%s%s%s", links[k],
                        near ? " (did you mean '" : "", near ? near : "",
                        near ? "'?)" : "");
        }
    }
}

/* Walks the flow from `from`; `resume` may lead to any question's next.
 * Steps of type `stop_at` (or -1 for none) are marked but not walked past. */
static void reach_from(const vk_script *s, int from, char *seen, int stop_at)
{
    int *stack = vk_malloc((size_t)(s->nsteps + 1) * sizeof(int) * 8);
    int sp = 0;
    stack[sp++] = from;
    while (sp > 0) {
        int i = stack[--sp];
        if (i < 0 || seen[i])
            continue;
        seen[i] = 1;
        if ((int)s->steps[i].type == stop_at)
            continue;
        const char *links[64];
        int n = links_of(&s->steps[i], links, 64);
        for (int k = 0; k < n; k++) {
            if (strcmp(links[k], "resume") == 0) {
                for (int q = 0; q < s->nsteps; q++)
                    if (s->steps[q].type == VK_STEP_QUESTION && !seen[q] &&
                        sp < s->nsteps * 8)
                        stack[sp++] = step_index(s, s->steps[q].next);
            } else if (sp < s->nsteps * 8) {
                stack[sp++] = step_index(s, links[k]);
            }
        }
    }
    free(stack);
}

/* Every session must end with the contacts: before them, no step may lead
 * only to places without them, and no end step may come first. */
static void check_contacts_ahead(const vk_script *s, vk_diag *diag)
{
    size_t n = (size_t)s->nsteps + 1;
    char *before = vk_calloc(n, 1), *r = vk_calloc(n, 1);
    reach_from(s, step_index(s, s->start), before, VK_STEP_CONTACTS);
    for (int i = 0; i < s->nsteps; i++) {
        if (!before[i] || s->steps[i].type == VK_STEP_CONTACTS)
            continue;
        const char *at;
        int line;
        if (s->steps[i].type == VK_STEP_END) {
            /* At the site's link to it, or the site's type that made it
             * an end. */
            const vk_ini_kv *cause = step_kv(s, s->steps[i].id, "type");
            for (int j = 0; j < s->nsteps; j++)
                if (before[j] && j != i &&
                    site_link(s, s->steps[j].id, s->steps[i].id)) {
                    cause = site_link(s, s->steps[j].id, s->steps[i].id);
                    break;
                }
            line = blame_step(s, i, cause, &at);
            vk_diag_add(diag, at, line,
                        "the session can end at [%s] without the support "
                        "contacts: lead every way to it through a contacts "
                        "step",
                        s->steps[i].id);
            continue;
        }
        memset(r, 0, n);
        reach_from(s, i, r, -1);
        bool found = false;
        for (int j = 0; j < s->nsteps && !found; j++)
            found = r[j] && s->steps[j].type == VK_STEP_CONTACTS;
        /* At a site's link on the way: its own first. */
        const vk_ini_kv *cause = site_link(s, s->steps[i].id, NULL);
        for (int j = 0; j < s->nsteps && !cause; j++)
            if (r[j])
                cause = site_link(s, s->steps[j].id, NULL);
        line = blame_step(s, i, cause, &at);
        if (!found)
            vk_diag_add(diag, at, line,
                        "from step [%s] the flow can no longer reach the "
                        "contacts: every way on must lead to a contacts step",
                        s->steps[i].id);
    }
    free(before);
    free(r);
}

/* A link of a reached step (or the start) that a site file changed, and
 * that led to `id` in the shipped flow, or NULL. */
static const vk_ini_kv *site_detour(vk_script *s, const char *seen,
                                    const char *id)
{
    const vk_ini_kv *start = step_kv(s, "kiosk", "start");
    const char *was = shipped_value(s, "kiosk", "start");
    if (from_site(s, start) && was && strcmp(was, id) == 0)
        return start;
    for (int j = 0; j < s->nsteps; j++) {
        const vk_ini_section *sec = vk_ini_find(s->flow, s->steps[j].id);
        for (int k = 0; seen[j] && k < sec->nkv; k++) {
            const vk_ini_kv *kv = &sec->kv[k];
            if (!is_link_key(kv->key) || !from_site(s, kv))
                continue;
            was = shipped_value(s, sec->name, kv->key);
            if (was && strcmp(was, id) == 0)
                return kv;
        }
    }
    return NULL;
}

/* For each step not reached from the start: the site's change that cut it
 * off.  A step reached only through other cut-off steps shares theirs. */
static const vk_ini_kv **unreached_causes(vk_script *s, const char *seen)
{
    const vk_ini_kv **cause = vk_calloc((size_t)s->nsteps + 1, sizeof *cause);
    if (!s->flow_site)
        return cause;
    for (int i = 0; i < s->nsteps; i++)
        if (!seen[i])
            cause[i] = site_detour(s, seen, s->steps[i].id);
    for (bool more = true; more;) {
        more = false;
        for (int j = 0; j < s->nsteps; j++) {
            const char *links[64];
            int n =
                seen[j] || !cause[j] ? 0 : links_of(&s->steps[j], links, 64);
            for (int k = 0; k < n; k++) {
                int t = step_index(s, links[k]);
                if (t >= 0 && !seen[t] && !cause[t]) {
                    cause[t] = cause[j];
                    more = true;
                }
            }
        }
    }
    return cause;
}

/* The site's value that stopped a question asking sign n: its 'sign' or
 * 'type' on a step that asked it in the shipped flow, or NULL. */
static const vk_ini_kv *site_unasked(vk_script *s, int n)
{
    for (int j = 0; j < s->flow->nsec; j++) {
        const char *id = s->flow->sec[j].name;
        const char *was = shipped_value(s, id, "sign");
        if (!was || atoi(was) != n)
            continue;
        if (from_site(s, step_kv(s, id, "sign")))
            return step_kv(s, id, "sign");
        if (from_site(s, step_kv(s, id, "type")))
            return step_kv(s, id, "type");
    }
    return NULL;
}

static void check_flow(vk_script *s, vk_diag *diag)
{
    const char *file = s->flow->path;
    const char *at;
    int line;
    int start = step_index(s, s->start);
    if (start < 0)
        return;
    char *seen = vk_calloc((size_t)s->nsteps + 1, 1);
    reach_from(s, start, seen, -1);
    const vk_ini_kv **cut = unreached_causes(s, seen);
    int contacts = -1;
    for (int i = 0; i < s->nsteps; i++) {
        line = blame_step(s, i, cut[i], &at);
        if (!seen[i])
            vk_diag_add(diag, at, line,
                        "step [%s] can never be reached from the start",
                        s->steps[i].id);
        if (s->steps[i].type == VK_STEP_CONTACTS && contacts < 0)
            contacts = i;
    }
    if (contacts < 0)
        vk_diag_add(diag, file, 1,
                    "the flow has no contacts step: every "
                    "session must end with the support contacts");
    else if (!seen[contacts]) {
        line = blame_step(s, contacts, cut[contacts], &at);
        vk_diag_add(diag, at, line,
                    "the contacts step [%s] cannot be reached from the start; "
                    "every session must end with the support contacts",
                    s->steps[contacts].id);
    } else
        check_contacts_ahead(s, diag);
    /* Every sign must be asked exactly once. */
    int where[VK_SIGNS + 1] = {0};
    for (int i = 0; i < s->nsteps; i++) {
        int n = s->steps[i].sign;
        if (!n)
            continue;
        if (!where[n]) {
            where[n] = i + 1;
            continue;
        }
        /* At the 'sign' a site set, whichever of the two has it. */
        int first = where[n] - 1;
        int who = !from_site(s, step_kv(s, s->steps[i].id, "sign")) &&
                          from_site(s, step_kv(s, s->steps[first].id, "sign"))
                      ? first
                      : i;
        line = blame_step(s, who, step_kv(s, s->steps[who].id, "sign"), &at);
        vk_diag_add(diag, at, line, "sign %d is already asked by [%s]", n,
                    s->steps[who == i ? first : i].id);
    }
    for (int n = 1; n <= VK_SIGNS; n++)
        if (!where[n]) {
            line = blame(s, site_unasked(s, n), file, 1, &at);
            vk_diag_add(diag, at, line, "no question step asks sign %d", n);
        }
    /* Safety: yes or not sure on sign 3 must go straight to a crisis step. */
    if (where[VK_SAFETY_SIGN]) {
        const vk_step *q = &s->steps[where[VK_SAFETY_SIGN] - 1];
        const char *outs[2] = {q->on_yes, q->on_unsure};
        const char *names[2] = {"on_yes", "on_unsure"};
        for (int k = 0; k < 2; k++) {
            const vk_step *t = vk_script_step(s, outs[k]);
            /* At the line that sends it elsewhere: the site's, if it
             * overrides the shipped one; or the site's 'sign' that made
             * this step ask sign 3. */
            const vk_ini_kv *out = step_kv(s, q->id, names[k]);
            const vk_ini_kv *cause =
                from_site(s, out) ? out : step_kv(s, q->id, "sign");
            line = out ? blame(s, cause, out->file, out->line, &at)
                       : blame_step(s, (int)(q - s->steps), cause, &at);
            if (!t || t->type != VK_STEP_CRISIS)
                vk_diag_add(
                    diag, at, line,
                    "sign %d [%s] must have %s = a crisis step, so a "
                    "yes or not sure reaches the crisis contacts at once",
                    VK_SAFETY_SIGN, q->id, names[k]);
        }
    }
    free(cut);
    free(seen);
}

/* A phone number staff can get wrong: letters, too few or too many digits,
 * a '+' that is not first, or one digit over and over. */
static void check_phone(const vk_ini_kv *kv, vk_diag *diag)
{
    int digits = 0;
    int same = 0;
    char first = 0;
    for (const char *p = kv->value; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (!digits)
                first = *p;
            same += *p == first;
            digits++;
        } else if (*p == '+' && p != kv->value) {
            vk_diag_add(diag, kv->file, kv->line,
                        "phone '%s': '+' can only come first, before the "
                        "country code",
                        kv->value);
            return;
        } else if (!strchr(" -().+", *p)) {
            vk_diag_add(
                diag, kv->file, kv->line,
                "phone '%s' has '%c': use only digits, spaces and dashes",
                kv->value, *p);
            return;
        }
    }
    if (digits < 3 || digits > 15)
        vk_diag_add(diag, kv->file, kv->line,
                    "phone '%s' has %d digits; a phone number has 3 to 15",
                    kv->value, digits);
    else if (same == digits && digits > 3)
        vk_diag_add(diag, kv->file, kv->line,
                    "phone '%s' is one digit over and over; write the real "
                    "number",
                    kv->value);
}

/* True if `word` (capitals) stands as a whole word in `text`: a marker such
 * as TODO, not the Spanish "todo". */
static bool has_marker(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        bool left = p == text || !isalpha((unsigned char)p[-1]);
        bool right = !isalpha((unsigned char)p[n]);
        if (left && right)
            return true;
    }
    return false;
}

/* A sample left in: a fictional 555-01xx number (North American numbers
 * 555-0100 to 555-0199 are reserved for fiction), or a marker in capitals
 * such as EXAMPLE or TODO.  Returns what gave it away (and the entry, in
 * *where), or NULL. */
static const char *placeholder_in(const vk_ini_section *sec,
                                  const vk_ini_kv **where)
{
    const vk_ini_kv *phone = vk_ini_get(sec, "phone");
    if (phone) {
        char d[32];
        size_t n = 0;
        for (const char *p = phone->value; *p && n + 1 < sizeof d; p++)
            if (isdigit((unsigned char)*p))
                d[n++] = *p;
        d[n] = '\0';
        const char *local = n == 11 && d[0] == '1' ? d + 4
                            : n == 10              ? d + 3
                                                   : d;
        if (strlen(local) == 7 && strncmp(local, "55501", 5) == 0) {
            *where = phone;
            return "a made-up 555 01xx phone number";
        }
    }
    static const char *const words[] = {"EXAMPLE", "PLACEHOLDER", "TODO",
                                        "XXX",     "CHANGE ME",   "EJEMPLO"};
    for (int k = 0; k < sec->nkv; k++)
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
            if (has_marker(sec->kv[k].value, words[w])) {
                *where = &sec->kv[k];
                return words[w];
            }
    return NULL;
}

static void load_contacts(vk_script *s, const vk_script_src *src, vk_diag *diag,
                          vk_diag *warnings)
{
    char path[4096], site[4096];
    snprintf(path, sizeof path, "%s/contacts.ini", src->prompts_dir);
    s->contacts_ini = vk_ini_load(path, diag);
    if (!s->contacts_ini)
        return;
    vk_ini *ini = s->contacts_ini;
    bool have_site = vk_site_path(src->site_dir, src->lang, "contacts.ini",
                                  site, sizeof site) &&
                     vk_site_file_exists(site);
    if (have_site && (s->contacts_site = vk_ini_load(site, diag))) {
        /* "remove = yes" drops a shipped contact; other keys override. */
        for (int i = 0; i < s->contacts_site->nsec; i++) {
            vk_ini_section *sec = &s->contacts_site->sec[i];
            const vk_ini_kv *rm = vk_ini_get(sec, "remove");
            if (!rm)
                continue;
            if (strcmp(rm->value, "yes") != 0)
                vk_diag_add(diag, rm->file, rm->line,
                            "remove must be yes (to drop the shipped contact "
                            "[%s]) or left out",
                            sec->name);
            else {
                /* Kept for "no contacts" and "no crisis contact". */
                const char *c = kv_value(vk_ini_find(ini, sec->name), "crisis");
                if (c && strcmp(c, "yes") == 0) {
                    s->removed_crisis_file = rm->file;
                    s->removed_crisis_line = rm->line;
                }
                if (vk_site_remove_section(ini, sec->name)) {
                    s->removed_file = rm->file;
                    s->removed_line = rm->line;
                } else {
                    vk_diag_add(diag, rm->file, rm->line,
                                "there is no shipped contact [%s] to remove",
                                sec->name);
                }
            }
            vk_site_remove_section(s->contacts_site, sec->name);
            i--;
        }
        vk_site_overlay(ini, s->contacts_site);
        /* The site's own new contacts are local: read them first, before
         * the shipped ones (which end with the national lines). */
        vk_ini_section *sorted = vk_malloc((size_t)ini->nsec * sizeof *sorted);
        int o = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < ini->nsec; i++)
                if ((ini->sec[i].file != ini->path) == (pass == 0))
                    sorted[o++] = ini->sec[i];
        memcpy(ini->sec, sorted, (size_t)ini->nsec * sizeof *sorted);
        free(sorted);
    }
    int crisis = 0;
    for (int i = 0; i < ini->nsec; i++) {
        const vk_ini_section *sec = &ini->sec[i];
        for (int k = 0; k < sec->nkv; k++) {
            const vk_ini_kv *kv = &sec->kv[k];
            if (!word_in("name offer phone hours crisis", kv->key,
                         strlen(kv->key)))
                vk_diag_add(diag, kv->file, kv->line,
                            "'%s' is not a contact field (name, offer, phone, "
                            "hours, crisis%s)",
                            kv->key, kv->file == ini->path ? "" : ", remove");
            else if (strcmp(kv->key, "phone") != 0 &&
                     strcmp(kv->key, "crisis") != 0) {
                if (strchr(kv->value, '{'))
                    vk_diag_add(diag, kv->file, kv->line,
                                "'%s': placeholders such as {clinic} are not "
                                "filled in contacts; write the words",
                                kv->key);
                vk_ssml_check(kv->value, kv->file, kv->line, kv->key, diag);
            }
        }
        const vk_ini_kv *phone = vk_ini_get(sec, "phone");
        if (!vk_ini_get(sec, "name"))
            vk_diag_add(diag, sec->file, sec->line, "contact [%s] has no name",
                        sec->name);
        if (!phone)
            vk_diag_add(diag, sec->file, sec->line,
                        "contact [%s] has no phone number; add 'phone = ' "
                        "with the digits",
                        sec->name);
        else
            check_phone(phone, diag);
        const vk_ini_kv *culprit = NULL;
        const char *fake = placeholder_in(sec, &culprit);
        if (fake) {
            /* In a site file, or left in a contact the site edited: the
             * site is using a sample as if it were real. */
            const vk_ini_kv *from_site = NULL;
            for (int k = 0; k < sec->nkv && !from_site; k++)
                if (sec->kv[k].file != ini->path)
                    from_site = &sec->kv[k];
            if (culprit->file != ini->path || from_site)
                vk_diag_add(diag,
                            culprit->file != ini->path ? culprit->file
                                                       : from_site->file,
                            culprit->file != ini->path ? culprit->line
                                                       : from_site->line,
                            "contact [%s] is still a placeholder (%s): give "
                            "the real contact, or 'remove = yes'",
                            sec->name, fake);
            else if (warnings)
                vk_diag_add(warnings, sec->file, sec->line,
                            "warning: contact [%s] is a shipped sample (%s); "
                            "a site must replace it in SITE/%s/contacts.ini",
                            sec->name, fake, src->lang ? src->lang : "LANG");
        }
        const char *c = kv_value(sec, "crisis");
        bool is_crisis = c && strcmp(c, "yes") == 0;
        if (c && !is_crisis && strcmp(c, "no") != 0)
            vk_diag_add(diag, vk_ini_get(sec, "crisis")->file,
                        vk_ini_get(sec, "crisis")->line,
                        "crisis must be yes or no");
        crisis += is_crisis;
        s->contacts = vk_realloc(s->contacts, (size_t)(s->ncontacts + 1) *
                                                  sizeof *s->contacts);
        s->contacts[s->ncontacts++] = (vk_contact){sec->name,
                                                   kv_value(sec, "name"),
                                                   kv_value(sec, "offer"),
                                                   phone ? phone->value : NULL,
                                                   kv_value(sec, "hours"),
                                                   is_crisis};
    }
    /* At the site's line that took the last ones away: a 'crisis = no'
     * or a 'remove = yes'. */
    const char *at = path;
    int line = 1;
    for (int i = 0; i < ini->nsec && at == path; i++) {
        const vk_ini_kv *c = vk_ini_get(&ini->sec[i], "crisis");
        if (from_site(s, c) && strcmp(c->value, "yes") != 0)
            line = blame(s, c, path, 1, &at);
    }
    if (at == path && s->removed_crisis_file) {
        at = s->removed_crisis_file;
        line = s->removed_crisis_line;
    }
    if (s->ncontacts == 0)
        vk_diag_add(diag, s->removed_file ? s->removed_file : path,
                    s->removed_file ? s->removed_line : 1,
                    "there are no contacts");
    else if (crisis == 0)
        vk_diag_add(diag, at, line,
                    "no contact has 'crisis = yes': the crisis "
                    "contacts would be empty");
}

/* Replaces every {clinic} in the flow's values by the clinic name, so the
 * rest of the kiosk never sees it.  A {clinic} with no name set is an
 * error at its line. */
static void fill_clinic(vk_script *s, vk_diag *diag)
{
    for (int i = 0; i < s->flow->nsec; i++) {
        vk_ini_section *sec = &s->flow->sec[i];
        for (int k = 0; k < sec->nkv; k++) {
            vk_ini_kv *kv = &sec->kv[k];
            if (!strstr(kv->value, "{clinic}"))
                continue;
            if (kv->value == s->clinic) {
                /* Found by fuzzing: replacing it here freed the name that
                 * the other prompts were being filled with. */
                vk_diag_add(diag, kv->file, kv->line,
                            "the clinic name cannot use {clinic} itself");
                continue;
            }
            if (!s->clinic) {
                vk_diag_add(diag, kv->file, kv->line,
                            "'%s' uses {clinic} but no clinic name is set: "
                            "add 'clinic = ...' to [kiosk]",
                            kv->key);
                continue;
            }
            size_t cap = strlen(kv->value) * (strlen(s->clinic) + 1) + 1;
            char *out = vk_malloc(cap), *o = out;
            for (const char *p = kv->value; *p;) {
                if (strncmp(p, "{clinic}", 8) == 0) {
                    o += snprintf(o, cap - (size_t)(o - out), "%s", s->clinic);
                    p += 8;
                } else {
                    *o++ = *p++;
                }
            }
            *o = '\0';
            free(kv->value);
            kv->value = out;
        }
    }
}

vk_script *vk_script_load(const char *dir, vk_diag *diag)
{
    vk_script_src src = {.prompts_dir = dir};
    return vk_script_load_src(&src, diag, NULL);
}

vk_script *vk_script_load_src(const vk_script_src *src, vk_diag *diag,
                              vk_diag *warnings)
{
    int before = vk_diag_count(diag);
    vk_script *s = vk_calloc(1, sizeof *s);
    s->voice_only = src->voice_only;
    char path[4096];
    snprintf(path, sizeof path, "%s/flow.ini", src->prompts_dir);
    s->flow = vk_ini_load(path, diag);
    if (s->flow &&
        vk_site_path(src->site_dir, src->lang, "flow.ini", path, sizeof path) &&
        vk_site_file_exists(path) && (s->flow_site = vk_ini_load(path, diag)))
        vk_site_overlay(s->flow, s->flow_site);
    load_contacts(s, src, diag, warnings);
    if (!s->flow) {
        vk_script_destroy(s);
        return NULL;
    }
    const char *file = s->flow->path;
    const vk_ini_section *kiosk = vk_ini_find(s->flow, "kiosk");
    const vk_ini_section *sys = vk_ini_find(s->flow, "system");
    s->clinic = kv_value(kiosk, "clinic");
    for (int i = 0; kiosk && i < kiosk->nkv; i++)
        if (!word_in("start voice clinic", kiosk->kv[i].key,
                     strlen(kiosk->kv[i].key)))
            vk_diag_add(diag, kiosk->kv[i].file, kiosk->kv[i].line,
                        "'%s' is not a [kiosk] setting (start, voice, clinic)",
                        kiosk->kv[i].key);
    if (s->clinic && !*s->clinic)
        vk_diag_add(diag, vk_ini_get(kiosk, "clinic")->file,
                    vk_ini_get(kiosk, "clinic")->line, "'clinic' is empty");
    else if (s->clinic)
        vk_ssml_check(s->clinic, vk_ini_get(kiosk, "clinic")->file,
                      vk_ini_get(kiosk, "clinic")->line, "clinic", diag);
    fill_clinic(s, diag);
    /* After fill_clinic, which replaces the values that use {clinic}. */
    s->start = kv_value(kiosk, "start");
    s->voice = kv_value(kiosk, "voice");
    if (!kiosk || !s->start)
        vk_diag_add(diag, kiosk ? kiosk->file : file, kiosk ? kiosk->line : 1,
                    "[kiosk] needs 'start = <first step>'");
    else if (!vk_ini_find(s->flow, s->start))
        vk_diag_add(diag, vk_ini_get(kiosk, "start")->file,
                    vk_ini_get(kiosk, "start")->line,
                    "start: no step called '%s'", s->start);
    if (!s->voice)
        s->voice = "en-us";
    if (!sys)
        vk_diag_add(diag, file, 1, "the [system] section is missing");
    for (size_t i = 0; i < N_SYSTEM; i++) {
        const char *key = system_keys[i].key;
        const vk_ini_kv *kv = vk_ini_get(sys, key);
        char vkey[KEY_MAX];
        voice_key(key, vkey);
        const char *fallback = s->voice_only ? system_default(vkey) : NULL;
        if (!fallback)
            fallback = system_default(key);
        if (sys && !kv && !fallback)
            vk_diag_add(diag, sys->file, sys->line,
                        "[system] needs '%s' (a missing prompt id)", key);
        const vk_ini_kv *forms[] = {kv, vk_ini_get(sys, vkey)};
        if (forms[1] && strncmp(key, "keys.", 5) == 0) {
            vk_diag_add(diag, forms[1]->file, forms[1]->line,
                        "'%s': the keys lines are left out when nobody can "
                        "press a key, so they have no .voice variant",
                        vkey);
            forms[1] = NULL;
        }
        for (int f = 0; f < 2; f++) {
            if (!forms[f])
                continue;
            check_placeholders(forms[f]->file, forms[f]->line, forms[f],
                               system_keys[i].placeholders, diag);
            for (size_t n = 0; n < sizeof system_needs / sizeof *system_needs;
                 n++)
                if (strcmp(system_needs[n].key, key) == 0)
                    check_needed(forms[f]->file, forms[f]->line, forms[f],
                                 system_needs[n].needed, diag);
            vk_ssml_check(forms[f]->value, forms[f]->file, forms[f]->line,
                          forms[f]->key, diag);
        }
        const vk_ini_kv *said = said_kv(s, sys, key);
        if (s->voice_only && strncmp(key, "keys.", 5) == 0)
            s->system[i] = ""; /* no keys to tell of */
        else if (said && said != kv)
            s->system[i] = said->value;
        else if (kv)
            s->system[i] = kv->value;
        else
            s->system[i] = fallback ? fallback : "";
    }
    for (int i = 0; sys && i < sys->nkv; i++) {
        const char *key = sys->kv[i].key;
        char base[KEY_MAX];
        const char *name = voice_base(key, base, sizeof base) ? base : key;
        size_t k;
        for (k = 0; k < N_SYSTEM; k++)
            if (strcmp(system_keys[k].key, name) == 0)
                break;
        if (k == N_SYSTEM) {
            /* The nearest prompt id, or its variant ("hepl.voice",
             * "help.vioce": 'help.voice'). */
            char near[KEY_MAX] = "";
            for (size_t j = 0; j < N_SYSTEM && !near[0]; j++) {
                char vkey[KEY_MAX];
                if (vk_diag_edit_distance(name, system_keys[j].key, 2) <= 2)
                    snprintf(near, sizeof near, "%s%s", system_keys[j].key,
                             name == base ? VOICE_SUFFIX : "");
                else if (vk_diag_edit_distance(
                             key, voice_key(system_keys[j].key, vkey), 2) <= 2)
                    snprintf(near, sizeof near, "%s", vkey);
            }
            vk_diag_add(diag, sys->kv[i].file, sys->kv[i].line,
                        "unknown prompt id '%s' in [system]%s%s%s", key,
                        near[0] ? " (did you mean '" : "", near,
                        near[0] ? "'?)" : "");
        }
    }
    for (int i = 0; i < s->flow->nsec; i++) {
        const vk_ini_section *sec = &s->flow->sec[i];
        if (strcmp(sec->name, "kiosk") == 0 || strcmp(sec->name, "system") == 0)
            continue;
        if (strcmp(sec->name, "resume") == 0) {
            vk_diag_add(
                diag, sec->file, sec->line,
                "'resume' is a reserved name; call this step otherwise");
            continue;
        }
        build_step(s, sec, diag);
    }
    if (vk_diag_count(diag) == before) {
        check_links(s, diag);
        check_flow(s, diag);
    }
    if (vk_diag_count(diag) != before) {
        vk_script_destroy(s);
        return NULL;
    }
    return s;
}

void vk_script_destroy(vk_script *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nsteps; i++)
        free((void *)s->steps[i].options);
    free(s->steps);
    free(s->step_lines);
    free(s->step_files);
    free(s->contacts);
    vk_ini_destroy(s->flow);
    vk_ini_destroy(s->contacts_ini);
    vk_ini_destroy(s->flow_site);
    vk_ini_destroy(s->contacts_site);
    vk_ini_destroy(s->flow_shipped);
    free(s);
}

const vk_step *vk_script_start(const vk_script *s)
{
    return vk_script_step(s, s->start);
}

const char *vk_script_voice(const vk_script *s)
{
    return s->voice;
}

const char *vk_script_system(const vk_script *s, const char *key)
{
    for (size_t i = 0; i < N_SYSTEM; i++)
        if (strcmp(system_keys[i].key, key) == 0)
            return s->system[i];
    return "";
}

bool vk_script_said_voice(const vk_script *s, const char *id, const char *key)
{
    const vk_ini_section *sec = vk_ini_find(s->flow, id);
    const vk_ini_kv *said = said_kv(s, sec, key);
    return said && said != vk_ini_get(sec, key);
}

bool vk_script_voice_only(const vk_script *s)
{
    return s->voice_only;
}

int vk_script_contact_count(const vk_script *s)
{
    return s->ncontacts;
}
const vk_contact *vk_script_contact(const vk_script *s, int i)
{
    return &s->contacts[i];
}
int vk_script_step_count(const vk_script *s)
{
    return s->nsteps;
}
const vk_step *vk_script_step_at(const vk_script *s, int i)
{
    return &s->steps[i];
}

int vk_script_step_line(const vk_script *s, const char *id, const char **file)
{
    int i = step_index(s, id);
    if (file)
        *file = i < 0 ? s->flow->path : s->step_files[i];
    return i < 0 ? 0 : s->step_lines[i];
}

int vk_script_value_line(const vk_script *s, const char *id, const char *key,
                         const char **file)
{
    const vk_ini_kv *kv = said_kv(s, vk_ini_find(s->flow, id), key);
    if (!kv)
        return vk_script_step_line(s, id, file);
    if (file)
        *file = kv->file;
    return kv->line;
}

int vk_script_site_line(const vk_script *s, const char *id, const char *key,
                        const char **file)
{
    int i = step_index(s, id);
    if (i < 0)
        return vk_script_step_line(s, id, file);
    const char *at;
    int line = blame_step(s, i, step_kv(s, id, key), &at);
    if (file)
        *file = at;
    return line;
}

int vk_script_contacts_blame(const vk_script *s, bool crisis_only,
                             const char **file, int line)
{
    if (is_site_file(s, *file))
        return line; /* a text the site wrote itself */
    for (int i = 0; i < s->ncontacts; i++) {
        if (crisis_only && !s->contacts[i].crisis)
            continue;
        const vk_ini_section *sec =
            vk_ini_find(s->contacts_ini, s->contacts[i].id);
        if (sec && is_site_file(s, sec->file)) {
            *file = sec->file; /* a contact the site adds */
            return sec->line;
        }
        for (int k = 0; sec && k < sec->nkv; k++)
            if (from_site(s, &sec->kv[k])) {
                *file = sec->kv[k].file; /* a shipped one it changes */
                return sec->kv[k].line;
            }
    }
    return line;
}

int vk_script_system_line(const vk_script *s, const char *key,
                          const char **file)
{
    const vk_ini_kv *kv = said_kv(s, vk_ini_find(s->flow, "system"), key);
    if (file)
        *file = kv ? kv->file : s->flow->path;
    return kv ? kv->line : 0;
}

const char *vk_script_clinic(const vk_script *s)
{
    return s->clinic;
}

void vk_script_spell_phone(const char *phone, char *buf, size_t len)
{
    size_t o = 0;
    bool gap = false;
    if (len == 0)
        return;
    for (const char *p = phone; *p && o + 4 < len; p++) {
        if (isdigit((unsigned char)*p)) {
            if (o > 0)
                buf[o++] = gap ? ',' : ' ';
            if (gap && o + 1 < len)
                buf[o++] = ' ';
            buf[o++] = *p;
            gap = false;
        } else if (o > 0) {
            gap = true;
        }
    }
    buf[o] = '\0';
}

/* Fills {name} {offer} {phone} {hours} of the contact template. */
static size_t fill_contact(const char *tmpl, const vk_contact *c, char *out,
                           size_t cap)
{
    char phone[128];
    vk_script_spell_phone(c->phone ? c->phone : "", phone, sizeof phone);
    const char *names[] = {"name", "offer", "phone", "hours"};
    const char *vals[] = {c->name ? c->name : "", c->offer ? c->offer : "",
                          phone, c->hours ? c->hours : ""};
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 1 < cap;) {
        bool done = false;
        for (int k = 0; *p == '{' && k < 4 && !done; k++) {
            size_t n = strlen(names[k]);
            if (strncmp(p + 1, names[k], n) == 0 && p[n + 1] == '}') {
                o += (size_t)snprintf(out + o, cap - o, "%s", vals[k]);
                p += n + 2;
                done = true;
            }
        }
        if (!done)
            out[o++] = *p++;
        if (o >= cap)
            o = cap - 1;
    }
    out[o] = '\0';
    return o;
}

char *vk_script_contacts_text(const vk_script *s, bool crisis_only)
{
    size_t cap = 8192;
    char *all = vk_calloc(1, cap);
    size_t o = 0;
    for (int i = 0; i < s->ncontacts && o + 2 < cap; i++) {
        if (crisis_only && !s->contacts[i].crisis)
            continue;
        if (o)
            all[o++] = ' ';
        o += fill_contact(vk_script_system(s, "contact"), &s->contacts[i],
                          all + o, cap - o);
    }
    return all;
}

char *vk_script_sample_text(const vk_script *s, const vk_step *st,
                            const char *text)
{
    char *contacts = vk_script_contacts_text(s, false);
    char *crisis = vk_script_contacts_text(s, true);
    bool menu = st && st->type == VK_STEP_MENU;
    const char *names[] = {"contacts",     "crisis_contacts", "yes_count",
                           "unsure_count", "choices",         "keys",
                           "heard"};
    const char *vals[] = {
        contacts,
        crisis,
        "12",
        "12",
        vk_script_system(s, menu ? "choices.menu" : "choices.answer"),
        vk_script_system(s, menu ? "keys.menu" : "keys.answer"),
        vk_script_system(s, "heard.unsure")};
    size_t cap = strlen(text) + strlen(contacts) + strlen(crisis) + 4096;
    char *out = vk_malloc(cap);
    size_t o = 0;
    for (const char *p = text; *p && o + 1 < cap;) {
        bool done = false;
        for (size_t k = 0; *p == '{' && k < 7 && !done; k++) {
            size_t n = strlen(names[k]);
            if (strncmp(p + 1, names[k], n) == 0 && p[n + 1] == '}') {
                o += (size_t)snprintf(out + o, cap - o, "%s", vals[k]);
                if (o >= cap)
                    o = cap - 1;
                p += n + 2;
                done = true;
            }
        }
        if (!done)
            out[o++] = *p++;
    }
    out[o] = '\0';
    free(contacts);
    free(crisis);
    return out;
}
