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

typedef struct step_kind {
    const char *name;
    vk_step_type type;
    const char *required; /* space-separated keys */
    const char *optional;
    const char *placeholders; /* allowed in text */
} step_kind;

static const step_kind step_kinds[] = {
    {"say", VK_STEP_SAY, "text next", "", ""},
    {"question", VK_STEP_QUESTION, "sign text next",
     "help on_yes on_no on_unsure", ""},
    {"ask", VK_STEP_ASK, "text on_yes on_no", "help", ""},
    {"crisis", VK_STEP_CRISIS, "text next", "", "crisis_contacts"},
    {"summary", VK_STEP_SUMMARY, "text next", "", "yes_count unsure_count"},
    {"menu", VK_STEP_MENU, "text on_no", "text_again help", ""},
    {"contacts", VK_STEP_CONTACTS, "text next", "", "contacts"},
    {"end", VK_STEP_END, "text", "", ""},
};
#define N_KINDS (sizeof step_kinds / sizeof step_kinds[0])

/* The [system] prompts and the placeholders each may use. */
static const struct {
    const char *key;
    const char *placeholders;
} system_keys[] = {
    {"noinput.1", "choices keys"}, {"noinput.2", "choices keys"},
    {"noinput.3", "choices keys"}, {"nomatch.1", "choices keys"},
    {"nomatch.2", "choices keys"}, {"nomatch.3", "choices keys"},
    {"confirm", "heard"},          {"confirm.retry", ""},
    {"stop.confirm", ""},          {"stop.cancel", ""},
    {"back.first", ""},            {"skip.done", ""},
    {"timeout", ""},               {"choices.answer", ""},
    {"keys.answer", ""},           {"choices.menu", ""},
    {"keys.menu", ""},             {"help", ""},
    {"heard.yes", ""},             {"heard.no", ""},
    {"heard.unsure", ""},          {"contact", "name offer phone hours"},
    {"device.back", ""},
};
#define N_SYSTEM (sizeof system_keys / sizeof system_keys[0])

/* [system] prompts a flow may leave out, and what is said then, so a site
 * flow written before the prompt existed keeps passing `check`. */
static const struct {
    const char *key;
    const char *text;
} system_defaults[] = {
    {"device.back", "Sorry, the sound stopped for a moment. Here it is again."},
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
    vk_step *steps;
    int *step_lines;
    int nsteps;
    const char *start;
    const char *voice;
    const char *system[N_SYSTEM];
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
static void check_placeholders(const char *file, const vk_ini_kv *kv,
                               const char *allowed, vk_diag *diag)
{
    for (const char *p = strchr(kv->value, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e) {
            vk_diag_add(diag, file, kv->line, "'{' without a closing '}'");
            return;
        }
        if (!word_in(allowed, p + 1, (size_t)(e - p - 1)))
            vk_diag_add(diag, file, kv->line,
                        "unknown placeholder {%.*s} in '%s'%s%s", (int)(e - p - 1),
                        p + 1, kv->key, *allowed ? "; it may use: " : "",
                        allowed);
    }
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

static void build_step(vk_script *s, const vk_ini_section *sec, vk_diag *diag)
{
    const char *file = s->flow->path;
    const char *tname = kv_value(sec, "type");
    if (!tname) {
        vk_diag_add(diag, file, sec->line,
                    "[%s] has no 'type' (say, question, ask, crisis, summary, "
                    "menu, contacts or end)", sec->name);
        return;
    }
    const step_kind *k = kind_named(tname);
    if (!k) {
        vk_diag_add(diag, file, vk_ini_get(sec, "type")->line,
                    "unknown type '%s' (say, question, ask, crisis, summary, "
                    "menu, contacts or end)", tname);
        return;
    }
    vk_step st = {.id = sec->name, .type = k->type};
    for (int i = 0; i < sec->nkv; i++) {
        const vk_ini_kv *kv = &sec->kv[i];
        const char *key = kv->key;
        if (strcmp(key, "type") == 0)
            continue;
        if (k->type == VK_STEP_MENU && strncmp(key, "option.", 7) == 0) {
            vk_menu_option *o = (vk_menu_option *)st.options;
            o = vk_realloc(o, (size_t)(st.noptions + 1) * sizeof *o);
            o[st.noptions++] = (vk_menu_option){key + 7, kv->value};
            st.options = o;
            continue;
        }
        if (!word_in(k->required, key, strlen(key)) &&
            !word_in(k->optional, key, strlen(key))) {
            vk_diag_add(diag, file, kv->line,
                        "'%s' is not used by a %s step (it uses: %s%s%s)", key,
                        k->name, k->required, *k->optional ? " " : "",
                        k->optional);
            continue;
        }
        if (kv->value[0] == '\0')
            vk_diag_add(diag, file, kv->line, "'%s' is empty", key);
        if (strcmp(key, "text") == 0 || strcmp(key, "text_again") == 0 ||
            strcmp(key, "help") == 0)
            check_placeholders(file, kv, strcmp(key, "text") == 0
                                             ? k->placeholders : "", diag);
    }
    for (const char *p = k->required; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)(e - p), p);
        if (!vk_ini_get(sec, key))
            vk_diag_add(diag, file, sec->line, "[%s] (a %s step) needs '%s'",
                        sec->name, k->name, key);
        p = e;
    }
    st.text = kv_value(sec, "text");
    st.text_again = kv_value(sec, "text_again");
    st.help = kv_value(sec, "help");
    st.next = kv_value(sec, "next");
    st.on_yes = kv_value(sec, "on_yes");
    st.on_no = kv_value(sec, "on_no");
    st.on_unsure = kv_value(sec, "on_unsure");
    if (k->type == VK_STEP_QUESTION && kv_value(sec, "sign")) {
        char *end;
        long n = strtol(kv_value(sec, "sign"), &end, 10);
        if (*end || n < 1 || n > VK_SIGNS)
            vk_diag_add(diag, file, vk_ini_get(sec, "sign")->line,
                        "sign must be a number from 1 to %d", VK_SIGNS);
        else
            st.sign = (int)n;
    }
    if (k->type == VK_STEP_MENU && st.noptions == 0)
        vk_diag_add(diag, file, sec->line,
                    "menu [%s] has no 'option.TOPIC = step' lines", sec->name);
    s->steps = vk_realloc(s->steps, (size_t)(s->nsteps + 1) * sizeof *s->steps);
    s->step_lines = vk_realloc(s->step_lines, (size_t)(s->nsteps + 1) * sizeof(int));
    s->step_lines[s->nsteps] = sec->line;
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
    const char *file = s->flow->path;
    for (int i = 0; i < s->nsteps; i++) {
        const char *links[64];
        int n = links_of(&s->steps[i], links, 64);
        for (int k = 0; k < n; k++) {
            if (strcmp(links[k], "resume") == 0 || vk_script_step(s, links[k]))
                continue;
            const vk_ini_section *sec = vk_ini_find(s->flow, s->steps[i].id);
            int line = sec->line;
            for (int j = 0; j < sec->nkv; j++)
                if (strcmp(sec->kv[j].value, links[k]) == 0)
                    line = sec->kv[j].line;
            vk_diag_add(diag, file, line, "no step called '%s'", links[k]);
        }
    }
}

/* Walks the flow from the start; `resume` may lead to any question's next. */
static void reach_from(const vk_script *s, int from, char *seen)
{
    int *stack = vk_malloc((size_t)(s->nsteps + 1) * sizeof(int) * 8);
    int sp = 0;
    stack[sp++] = from;
    while (sp > 0) {
        int i = stack[--sp];
        if (i < 0 || seen[i])
            continue;
        seen[i] = 1;
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

static void check_flow(vk_script *s, vk_diag *diag)
{
    const char *file = s->flow->path;
    int start = step_index(s, s->start);
    if (start < 0)
        return;
    char *seen = vk_calloc((size_t)s->nsteps + 1, 1);
    reach_from(s, start, seen);
    int contacts = -1;
    for (int i = 0; i < s->nsteps; i++) {
        if (!seen[i])
            vk_diag_add(diag, file, s->step_lines[i],
                        "step [%s] can never be reached from the start",
                        s->steps[i].id);
        if (s->steps[i].type == VK_STEP_CONTACTS && contacts < 0)
            contacts = i;
    }
    if (contacts < 0)
        vk_diag_add(diag, file, 1, "the flow has no contacts step: every "
                    "session must end with the support contacts");
    else if (!seen[contacts])
        vk_diag_add(diag, file, s->step_lines[contacts],
                    "the contacts step [%s] cannot be reached from the start",
                    s->steps[contacts].id);
    /* Every sign must be asked exactly once. */
    int where[VK_SIGNS + 1] = {0};
    for (int i = 0; i < s->nsteps; i++) {
        int n = s->steps[i].sign;
        if (!n)
            continue;
        if (where[n])
            vk_diag_add(diag, file, s->step_lines[i],
                        "sign %d is already asked by [%s]", n,
                        s->steps[where[n] - 1].id);
        else
            where[n] = i + 1;
    }
    for (int n = 1; n <= VK_SIGNS; n++)
        if (!where[n])
            vk_diag_add(diag, file, 1, "no question step asks sign %d", n);
    /* Safety: yes or not sure on sign 3 must go straight to a crisis step. */
    if (where[VK_SAFETY_SIGN]) {
        const vk_step *q = &s->steps[where[VK_SAFETY_SIGN] - 1];
        const char *outs[2] = {q->on_yes, q->on_unsure};
        const char *names[2] = {"on_yes", "on_unsure"};
        for (int k = 0; k < 2; k++) {
            const vk_step *t = vk_script_step(s, outs[k]);
            if (!t || t->type != VK_STEP_CRISIS)
                vk_diag_add(diag, file, s->step_lines[where[VK_SAFETY_SIGN] - 1],
                            "sign %d [%s] must have %s = a crisis step, so a "
                            "yes or not sure reaches the crisis contacts at once",
                            VK_SAFETY_SIGN, q->id, names[k]);
        }
    }
    free(seen);
}

/* A phone number staff can get wrong: letters, too few or too many digits. */
static void check_phone(const char *file, const vk_ini_kv *kv, vk_diag *diag)
{
    int digits = 0;
    for (const char *p = kv->value; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!strchr(" -().+", *p)) {
            vk_diag_add(diag, file, kv->line,
                        "phone '%s' has '%c': use only digits, spaces and dashes",
                        kv->value, *p);
            return;
        }
    }
    if (digits < 3 || digits > 15)
        vk_diag_add(diag, file, kv->line,
                    "phone '%s' has %d digits; a phone number has 3 to 15",
                    kv->value, digits);
}

static void load_contacts(vk_script *s, const char *path, vk_diag *diag)
{
    s->contacts_ini = vk_ini_load(path, diag);
    if (!s->contacts_ini)
        return;
    int crisis = 0;
    for (int i = 0; i < s->contacts_ini->nsec; i++) {
        const vk_ini_section *sec = &s->contacts_ini->sec[i];
        for (int k = 0; k < sec->nkv; k++)
            if (!word_in("name offer phone hours crisis", sec->kv[k].key,
                         strlen(sec->kv[k].key)))
                vk_diag_add(diag, path, sec->kv[k].line,
                            "'%s' is not a contact field (name, offer, phone, "
                            "hours, crisis)", sec->kv[k].key);
        const vk_ini_kv *phone = vk_ini_get(sec, "phone");
        if (!vk_ini_get(sec, "name"))
            vk_diag_add(diag, path, sec->line, "contact [%s] has no name",
                        sec->name);
        if (!phone)
            vk_diag_add(diag, path, sec->line,
                        "contact [%s] has no phone number", sec->name);
        else
            check_phone(path, phone, diag);
        const char *c = kv_value(sec, "crisis");
        bool is_crisis = c && strcmp(c, "yes") == 0;
        if (c && !is_crisis && strcmp(c, "no") != 0)
            vk_diag_add(diag, path, vk_ini_get(sec, "crisis")->line,
                        "crisis must be yes or no");
        crisis += is_crisis;
        s->contacts = vk_realloc(s->contacts,
                                 (size_t)(s->ncontacts + 1) * sizeof *s->contacts);
        s->contacts[s->ncontacts++] = (vk_contact){
            sec->name, kv_value(sec, "name"), kv_value(sec, "offer"),
            phone ? phone->value : NULL, kv_value(sec, "hours"), is_crisis};
    }
    if (s->ncontacts == 0)
        vk_diag_add(diag, path, 1, "there are no contacts");
    else if (crisis == 0)
        vk_diag_add(diag, path, 1, "no contact has 'crisis = yes': the crisis "
                    "contacts would be empty");
}

vk_script *vk_script_load(const char *dir, vk_diag *diag)
{
    int before = vk_diag_count(diag);
    vk_script *s = vk_calloc(1, sizeof *s);
    char path[4096];
    snprintf(path, sizeof path, "%s/flow.ini", dir);
    s->flow = vk_ini_load(path, diag);
    snprintf(path, sizeof path, "%s/contacts.ini", dir);
    load_contacts(s, path, diag);
    if (!s->flow) {
        vk_script_destroy(s);
        return NULL;
    }
    const char *file = s->flow->path;
    const vk_ini_section *kiosk = vk_ini_find(s->flow, "kiosk");
    const vk_ini_section *sys = vk_ini_find(s->flow, "system");
    s->start = kv_value(kiosk, "start");
    s->voice = kv_value(kiosk, "voice");
    if (!kiosk || !s->start)
        vk_diag_add(diag, file, kiosk ? kiosk->line : 1,
                    "[kiosk] needs 'start = <first step>'");
    else if (!vk_ini_find(s->flow, s->start))
        vk_diag_add(diag, file, vk_ini_get(kiosk, "start")->line,
                    "start: no step called '%s'", s->start);
    if (!s->voice)
        s->voice = "en-us";
    if (!sys)
        vk_diag_add(diag, file, 1, "the [system] section is missing");
    for (size_t i = 0; i < N_SYSTEM; i++) {
        const vk_ini_kv *kv = vk_ini_get(sys, system_keys[i].key);
        const char *fallback = system_default(system_keys[i].key);
        if (sys && !kv && !fallback)
            vk_diag_add(diag, file, sys->line, "[system] needs '%s'",
                        system_keys[i].key);
        if (kv) {
            check_placeholders(file, kv, system_keys[i].placeholders, diag);
            s->system[i] = kv->value;
        } else {
            s->system[i] = fallback ? fallback : "";
        }
    }
    for (int i = 0; sys && i < sys->nkv; i++) {
        size_t k;
        for (k = 0; k < N_SYSTEM; k++)
            if (strcmp(system_keys[k].key, sys->kv[i].key) == 0)
                break;
        if (k == N_SYSTEM)
            vk_diag_add(diag, file, sys->kv[i].line,
                        "unknown [system] prompt '%s'", sys->kv[i].key);
    }
    for (int i = 0; i < s->flow->nsec; i++) {
        const vk_ini_section *sec = &s->flow->sec[i];
        if (strcmp(sec->name, "kiosk") == 0 || strcmp(sec->name, "system") == 0)
            continue;
        if (strcmp(sec->name, "resume") == 0) {
            vk_diag_add(diag, file, sec->line,
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
    free(s->contacts);
    vk_ini_destroy(s->flow);
    vk_ini_destroy(s->contacts_ini);
    free(s);
}

const vk_step *vk_script_start(const vk_script *s)
{
    return vk_script_step(s, s->start);
}

const char *vk_script_voice(const vk_script *s) { return s->voice; }

const char *vk_script_system(const vk_script *s, const char *key)
{
    for (size_t i = 0; i < N_SYSTEM; i++)
        if (strcmp(system_keys[i].key, key) == 0)
            return s->system[i];
    return "";
}

int vk_script_contact_count(const vk_script *s) { return s->ncontacts; }
const vk_contact *vk_script_contact(const vk_script *s, int i)
{
    return &s->contacts[i];
}
int vk_script_step_count(const vk_script *s) { return s->nsteps; }
const vk_step *vk_script_step_at(const vk_script *s, int i)
{
    return &s->steps[i];
}

int vk_script_step_line(const vk_script *s, const char *id, const char **file)
{
    int i = step_index(s, id);
    if (file)
        *file = s->flow->path;
    return i < 0 ? 0 : s->step_lines[i];
}
