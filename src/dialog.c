/*
 * dialog: follows the script step by step.
 *
 * State is small on purpose: the current step, a mode (normal, confirming
 * an unsure answer, confirming a stop), the noinput and nomatch counters of
 * the current field, the questions answered so far (for "go back"), the
 * question to resume after the crisis contacts, the menu topics heard and
 * the explanation just heard (for "repeat" at the menu).
 * Every decision is a table lookup or a short switch, so unit tests can walk
 * every path without audio.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "dialog.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define MAX_HISTORY 64
#define MAX_REPROMPT 3

typedef enum { MODE_NORMAL, MODE_CONFIRM, MODE_STOP } mode;

struct vk_dialog {
    const vk_script *script;
    vk_session *session;
    vk_dialog_opts opts;
    const vk_step *cur;
    mode mode;
    const char *pending; /* meaning awaiting confirmation */
    int noinput, nomatch;
    const vk_step *history[MAX_HISTORY];
    int nhistory;
    const char *resume;    /* step after the question that led to a crisis */
    unsigned topics_heard; /* bit i: menu option i */
    bool returning_to_menu;
    const vk_step *explained; /* the explanation the menu came back from */
    bool stopped;
    bool contacts_said; /* the contacts step was entered this session */
    bool ended;
    bool safety;
    bool crisis_said; /* the crisis contacts were begun this session */
    /* The question leading to them (sign 3), once it was asked. */
    const vk_step *safety_asked;
    bool safety_net_said; /* nomatch.safety was said this session */
    bool confirmed;       /* the answer being taken was just said back */
    bool timed_out;       /* ended by the inactivity timeout, still saying so */
};

/* ---- output helpers ------------------------------------------------------ */

static vk_action *push(vk_actions *out, vk_action_type t)
{
    if (out->count >= VK_DIALOG_MAX_ACTIONS)
        abort(); /* a broken invariant: no step produces this many */
    vk_action *a = &out->items[out->count++];
    memset(a, 0, sizeof *a);
    a->type = t;
    return a;
}

void vk_actions_clear(vk_actions *a)
{
    for (int i = 0; i < a->count; i++)
        vk_free_wiped(a->items[i].text); /* the summary, an answer said back */
    a->count = 0;
}

typedef struct var {
    const char *name;
    const char *value;
} var;

/* Fills {name} placeholders from vars; unknown ones are left as they are
 * (the checker has already refused them). */
static char *expand(const char *text, const var *vars, int nvars)
{
    char *out = vk_malloc(VK_DIALOG_MAX_TEXT);
    size_t o = 0;
    for (const char *p = text; *p && o + 1 < VK_DIALOG_MAX_TEXT;) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            int k = -1;
            for (int i = 0; e && i < nvars; i++)
                if (strlen(vars[i].name) == (size_t)(e - p - 1) &&
                    strncmp(vars[i].name, p + 1, (size_t)(e - p - 1)) == 0)
                    k = i;
            if (k >= 0) {
                size_t n = strlen(vars[k].value);
                if (o + n >= VK_DIALOG_MAX_TEXT)
                    n = VK_DIALOG_MAX_TEXT - o - 1;
                memcpy(out + o, vars[k].value, n);
                o += n;
                p = e + 1;
                continue;
            }
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

static void speak(vk_dialog *d, vk_actions *out, const char *id, char *text)
{
    vk_action *a = push(out, VK_ACT_SPEAK);
    /* ids are for captions and logs; a long one is cut to fit */
    snprintf(a->id, sizeof a->id, "%.*s", (int)sizeof a->id - 1, id);
    a->text = text;
    a->safety = d->safety;
}

static void say(vk_dialog *d, vk_actions *out, const char *id, const char *text)
{
    speak(d, out, id, expand(text, NULL, 0));
}

static void say_system(vk_dialog *d, vk_actions *out, const char *key,
                       const var *vars, int nvars)
{
    char id[64];
    snprintf(id, sizeof id, "system.%s", key);
    speak(d, out, id, expand(vk_script_system(d->script, key), vars, nvars));
}

static const char *context_of(const vk_step *st)
{
    return st->type == VK_STEP_MENU ? "menu" : "answer";
}

static void listen(vk_dialog *d, vk_actions *out)
{
    push(out, VK_ACT_LISTEN)->context = context_of(d->cur);
}

static char *contact_list(const vk_dialog *d, bool crisis_only)
{
    char *all = vk_calloc(1, VK_DIALOG_MAX_TEXT);
    size_t o = 0;
    for (int i = 0; i < vk_script_contact_count(d->script); i++) {
        const vk_contact *c = vk_script_contact(d->script, i);
        if (crisis_only && !c->crisis)
            continue;
        char phone[128];
        vk_script_spell_phone(c->phone, phone, sizeof phone);
        var vars[] = {{"name", c->name ? c->name : ""},
                      {"offer", c->offer ? c->offer : ""},
                      {"phone", phone},
                      {"hours", c->hours ? c->hours : ""}};
        char *one = expand(vk_script_system(d->script, "contact"), vars, 4);
        o += (size_t)snprintf(all + o, VK_DIALOG_MAX_TEXT - o, "%s%s",
                              o ? " " : "", one);
        free(one);
        if (o >= VK_DIALOG_MAX_TEXT)
            break;
    }
    return all;
}

/* ---- stepping ------------------------------------------------------------ */

static void enter(vk_dialog *d, const vk_step *st, vk_actions *out);

static void end_session(vk_dialog *d, vk_actions *out, const char *reason)
{
    d->ended = true;
    push(out, VK_ACT_END)->reason = reason;
}

static const vk_step *first_of_type(const vk_dialog *d, vk_step_type type)
{
    for (int i = 0; i < vk_script_step_count(d->script); i++)
        if (vk_script_step_at(d->script, i)->type == type)
            return vk_script_step_at(d->script, i);
    return NULL;
}

static const vk_step *first_contacts(const vk_dialog *d)
{
    return first_of_type(d, VK_STEP_CONTACTS);
}

static void choices_vars(const vk_dialog *d, var v[2]);

/* Says [system] `key`, which lists the crisis contacts, as a safety
 * message (nothing heard stops it), with `choices` for its {choices}. */
static void say_crisis_numbers(vk_dialog *d, vk_actions *out, const char *key)
{
    bool was = d->safety;
    d->safety = true;
    char *list = contact_list(d, true);
    var v[3] = {{"crisis_contacts", list}};
    choices_vars(d, v + 1);
    say_system(d, out, key, v, 3);
    free(list);
    d->safety = was;
}

/* Says [system] `key` (nomatch.safety, skip.safety) at the safety
 * question: the crisis contacts, once, as a safety message, without
 * taking an answer.  They count as said: staff are alerted as for the
 * crisis contacts, and a timeout says them once more. */
static void say_safety_net(vk_dialog *d, vk_actions *out, const char *key)
{
    d->crisis_said = true;
    push(out, VK_ACT_CRISIS);
    say_crisis_numbers(d, out, key);
}

/* The current step is a question whose yes or not sure leads to the crisis
 * contacts (sign 3). */
static bool at_safety_question(const vk_dialog *d)
{
    return vk_dialog_toward_crisis(d, "yes") ||
           vk_dialog_toward_crisis(d, "unsure");
}

static void go(vk_dialog *d, const char *target, vk_actions *out)
{
    if (target && strcmp(target, "resume") == 0)
        target = d->resume;
    const vk_step *st = vk_script_step(d->script, target);
    if (!st) /* validated scripts cannot get here; end safely with contacts */
        st = first_contacts(d);
    enter(d, st, out);
}

static void enter(vk_dialog *d, const vk_step *st, vk_actions *out)
{
    const vk_step *prev = d->cur;
    d->cur = st;
    d->mode = MODE_NORMAL;
    d->noinput = d->nomatch = 0;
    d->safety = st->type == VK_STEP_CRISIS;
    char counts[2][16];
    switch (st->type) {
    case VK_STEP_SAY:
    case VK_STEP_END: say(d, out, st->id, st->text); break;
    case VK_STEP_QUESTION:
    case VK_STEP_ASK:
        if (at_safety_question(d))
            d->safety_asked = st;
        say(d, out, st->id, st->text);
        listen(d, out);
        break;
    case VK_STEP_MENU:
        /* Back from a topic: "repeat" now means that explanation.  The
         * menu said again (a device back, "continue") keeps it. */
        if (prev != st)
            d->explained = d->returning_to_menu ? prev : NULL;
        say(d, out, st->id,
            d->returning_to_menu && st->text_again ? st->text_again : st->text);
        d->returning_to_menu = false;
        listen(d, out);
        break;
    case VK_STEP_CRISIS: {
        push(out, VK_ACT_CRISIS);
        d->crisis_said = true;
        char *list = contact_list(d, true);
        var v[] = {{"crisis_contacts", list}};
        speak(d, out, st->id, expand(st->text, v, 1));
        free(list);
        break;
    }
    case VK_STEP_SUMMARY: {
        snprintf(counts[0], sizeof counts[0], "%d",
                 vk_session_count(d->session, VK_ANSWER_YES));
        snprintf(counts[1], sizeof counts[1], "%d",
                 vk_session_count(d->session, VK_ANSWER_UNSURE));
        var v[] = {{"yes_count", counts[0]}, {"unsure_count", counts[1]}};
        speak(d, out, st->id, expand(st->text, v, 2));
        break;
    }
    case VK_STEP_CONTACTS: {
        d->contacts_said = true;
        push(out, VK_ACT_CONTACTS);
        char *list = contact_list(d, false);
        var v[] = {{"contacts", list}};
        speak(d, out, st->id, expand(st->text, v, 1));
        free(list);
        break;
    }
    }
}

static bool waiting(const vk_dialog *d)
{
    return d->cur &&
           (d->cur->type == VK_STEP_QUESTION || d->cur->type == VK_STEP_ASK ||
            d->cur->type == VK_STEP_MENU);
}

/* Re-asks the current field after a help, stop-cancel or retry. */
static void reask(vk_dialog *d, vk_actions *out)
{
    say(d, out, d->cur->id, d->cur->text);
    listen(d, out);
}

const char *vk_dialog_choices(const vk_dialog *d)
{
    if (!d || !d->cur || d->mode != MODE_NORMAL)
        return "answer";
    /* A yes/no offer ("Would you like to hear ... again?") has no "not
     * sure": its reprompts must not ask for one. */
    return d->cur->type == VK_STEP_MENU  ? "menu"
           : d->cur->type == VK_STEP_ASK ? "offer"
                                         : "answer";
}

static void choices_vars(const vk_dialog *d, var v[2])
{
    const char *kind = vk_dialog_choices(d);
    char key[32];
    snprintf(key, sizeof key, "choices.%s", kind);
    v[0] = (var){"choices", vk_script_system(d->script, key)};
    snprintf(key, sizeof key, "keys.%s", kind);
    v[1] = (var){"keys", vk_script_system(d->script, key)};
}

/* "Not sure" at a yes/no offer: whether to hear the crisis numbers or the
 * contacts again, they are said again (hearing them twice costs nothing,
 * missing them may); true then.  Any other offer has no such answer. */
static bool unsure_is_yes(const vk_dialog *d)
{
    const vk_step *to = vk_script_step(d->script, d->cur->on_yes);
    return to && (to->type == VK_STEP_CRISIS || to->type == VK_STEP_CONTACTS);
}

static void reprompt(vk_dialog *d, vk_actions *out, bool noinput)
{
    int *count = noinput ? &d->noinput : &d->nomatch;
    (*count)++;
    if (d->mode != MODE_NORMAL) {
        /* The reply to "Is that right?" or "Do you want to stop?" was not
         * heard.  The usual reprompt offers "yes, no or not sure" (and
         * their keys) as answers to the question, but a yes here would be
         * taken as a yes to the check: a "yes" meant for sign 3 would
         * confirm a misheard "no", and a "yes" to a question would stop
         * the session.  So the check is dropped and the question itself
         * asked again. */
        d->mode = MODE_NORMAL;
        say_system(d, out, noinput ? "noinput.1" : "nomatch.1", NULL, 0);
        reask(d, out);
        return;
    }
    if (!noinput && *count == 2 && !d->safety_net_said &&
        at_safety_question(d)) {
        /* At the safety question a person who speaks but is not understood
         * ("sometimes", "maybe", "kind of") may be saying yes in their own
         * words.  At the second time the crisis contacts are said, once,
         * in place of the reprompt, as a safety message; then the question
         * waits for its answer as before.  No answer is made up for them. */
        d->safety_net_said = true;
        say_safety_net(d, out, "nomatch.safety");
        listen(d, out);
        return;
    }
    if (d->cur->type != VK_STEP_QUESTION && noinput && *count > MAX_REPROMPT) {
        /* In the menu and the yes/no offers, silence after the reprompts
         * moves on, as "no thanks" does, so nobody is held at an offer. */
        go(d, d->cur->on_no, out);
        return;
    }
    if (noinput && *count > MAX_REPROMPT) {
        /* Silence after all three reprompts: the person may have gone.
         * Rather than say noinput.3 to what may be an empty room again and
         * again, the kiosk waits quietly for an answer or a key, then for
         * the inactivity warning and timeout (ACCESSIBILITY.md A10). */
        listen(d, out);
        return;
    }
    int level = *count > MAX_REPROMPT ? MAX_REPROMPT : *count;
    char key[32];
    snprintf(key, sizeof key, "%s.%d", noinput ? "noinput" : "nomatch", level);
    var v[2];
    choices_vars(d, v);
    say_system(d, out, key, v, 2);
    listen(d, out);
}

static void help(vk_dialog *d, vk_actions *out)
{
    if (d->cur->help) {
        char id[80];
        snprintf(id, sizeof id, "%s.help", d->cur->id);
        say(d, out, id, d->cur->help);
    }
    var v[2];
    choices_vars(d, v);
    say_system(d, out, "help", v, 2);
    say(d, out, "system.choices", v[0].value);
    say(d, out, "system.keys", v[1].value);
    listen(d, out);
}

static void go_back(vk_dialog *d, vk_actions *out)
{
    /* The current question is not in the history yet; the last entry is the
     * question before it. */
    if (d->nhistory == 0) {
        say_system(d, out, "back.first", NULL, 0);
        reask(d, out);
        return;
    }
    enter(d, d->history[--d->nhistory], out);
}

static void record(vk_dialog *d, vk_actions *out, vk_answer a)
{
    vk_session_set(d->session, d->cur->sign, a);
    vk_action *act = push(out, VK_ACT_ANSWER);
    act->sign = d->cur->sign;
    act->answer = a;
    if (d->nhistory < MAX_HISTORY)
        d->history[d->nhistory++] = d->cur;
}

static void answer_question(vk_dialog *d, const char *m, vk_actions *out)
{
    const vk_step *q = d->cur;
    if (strcmp(m, "skip") == 0) {
        /* A person may skip the safety question (sign 3) because it is
         * hard to answer: the crisis contacts are said once, gently, in
         * place of skip.done.  It stays a skip, not a yes. */
        bool safety = at_safety_question(d);
        record(d, out, VK_ANSWER_SKIPPED);
        if (safety)
            say_safety_net(d, out, "skip.safety");
        else
            say_system(d, out, "skip.done", NULL, 0);
        go(d, q->next, out);
        return;
    }
    vk_answer a = strcmp(m, "yes") == 0  ? VK_ANSWER_YES
                  : strcmp(m, "no") == 0 ? VK_ANSWER_NO
                                         : VK_ANSWER_UNSURE;
    record(d, out, a);
    const char *target = a == VK_ANSWER_YES && q->on_yes         ? q->on_yes
                         : a == VK_ANSWER_NO && q->on_no         ? q->on_no
                         : a == VK_ANSWER_UNSURE && q->on_unsure ? q->on_unsure
                                                                 : q->next;
    if (strcmp(target, q->next) != 0)
        d->resume = q->next;
    /* The answer taken is said back ("You answered no."), by voice or by
     * key, as the standards ask of every input; not when it was just said
     * back and confirmed, nor before the crisis contacts, which thank the
     * person for it themselves and must not wait. */
    const vk_step *to = vk_script_step(d->script, target);
    if (!d->confirmed && !(to && to->type == VK_STEP_CRISIS)) {
        const char *heard[] = {"", "heard.yes", "heard.no", "heard.unsure"};
        var v[] = {{"heard", vk_script_system(d->script, heard[a])}};
        say_system(d, out, "answer.taken", v, 1);
    }
    go(d, target, out);
}

static void answer_ask(vk_dialog *d, const char *m, vk_actions *out)
{
    if (strcmp(m, "yes") == 0)
        go(d, d->cur->on_yes, out);
    else if (strcmp(m, "no") == 0 || strcmp(m, "skip") == 0)
        go(d, d->cur->on_no, out);
    else
        reprompt(d, out, false);
}

static void answer_menu(vk_dialog *d, const char *m, vk_actions *out)
{
    const vk_step *menu = d->cur;
    if (strcmp(m, "no") == 0 || strcmp(m, "skip") == 0) {
        go(d, menu->on_no, out);
        return;
    }
    int pick = -1;
    for (int i = 0; i < menu->noptions && pick < 0; i++) {
        bool heard = d->topics_heard & (1u << i);
        if (strcmp(m, "yes") == 0 ? !heard
                                  : strcmp(menu->options[i].topic, m) == 0)
            pick = i;
    }
    if (pick < 0 && strcmp(m, "yes") == 0) {
        go(d, menu->on_no, out); /* every topic heard: move on */
        return;
    }
    if (pick < 0) {
        reprompt(d, out, false);
        return;
    }
    if (pick < 32)
        d->topics_heard |= 1u << pick;
    d->returning_to_menu = true;
    go(d, menu->options[pick].target, out);
}

/* Acts on a meaning the kiosk is sure of. */
static void act(vk_dialog *d, const char *m, vk_actions *out)
{
    /* Anything but "repeat" at the menu (help, a topic, stop) and "repeat"
     * no longer means the explanation heard before it. */
    if (d->cur->type == VK_STEP_MENU && strcmp(m, "repeat") != 0)
        d->explained = NULL;
    if (strcmp(m, "help") == 0) {
        help(d, out);
    } else if (strcmp(m, "repeat") == 0 && d->cur->type == VK_STEP_ASK &&
               unsure_is_yes(d)) {
        /* "Repeat" at "Would you like to hear those numbers again?" is
         * most likely a wish to hear the numbers, not the short question:
         * they are said again, as for a yes. */
        answer_ask(d, "yes", out);
    } else if (strcmp(m, "repeat") == 0 && d->cur->type == VK_STEP_MENU &&
               d->explained) {
        /* "Repeat" right after an explanation ("Would you like another
         * topic?") is a wish to hear the explanation again, not the list
         * of topics: it is said again, then the menu's text_again. */
        d->returning_to_menu = true;
        enter(d, d->explained, out);
    } else if (strcmp(m, "repeat") == 0) {
        reask(d, out);
    } else if (strcmp(m, "stop") == 0) {
        d->mode = MODE_STOP;
        say_system(d, out, "stop.confirm", NULL, 0);
        listen(d, out);
    } else if (strcmp(m, "back") == 0 && d->cur->type != VK_STEP_MENU) {
        go_back(d, out);
    } else if (d->cur->type == VK_STEP_QUESTION &&
               (strcmp(m, "yes") == 0 || strcmp(m, "no") == 0 ||
                strcmp(m, "unsure") == 0 || strcmp(m, "skip") == 0)) {
        answer_question(d, m, out);
    } else if (d->cur->type == VK_STEP_ASK) {
        answer_ask(d, m, out);
    } else if (d->cur->type == VK_STEP_MENU) {
        if (strcmp(m, "back") == 0)
            reask(d, out);
        else
            answer_menu(d, m, out);
    } else {
        reprompt(d, out, false);
    }
}

static bool is_answer(const char *m)
{
    return strcmp(m, "yes") == 0 || strcmp(m, "no") == 0 ||
           strcmp(m, "unsure") == 0;
}

/* Handles the reply to "Is that right?" or "Do you want to stop?". */
static void on_confirmation(vk_dialog *d, const char *m, vk_actions *out)
{
    mode was = d->mode;
    d->mode = MODE_NORMAL;
    bool yes = strcmp(m, "yes") == 0;
    if (was == MODE_STOP) {
        if (yes) {
            d->stopped = true;
            /* The contacts first, unless they were said already ("stop"
             * at "Would you like to hear the contacts again?"): then the
             * goodbye, not the contacts and that question once more. */
            const vk_step *end = first_of_type(d, VK_STEP_END);
            enter(d, d->contacts_said && end ? end : first_contacts(d), out);
        } else {
            say_system(d, out, "stop.cancel", NULL, 0);
            reask(d, out);
        }
        return;
    }
    if (yes) {
        d->confirmed = true;
        act(d, d->pending, out);
        d->confirmed = false;
    } else if (strcmp(m, "unsure") == 0 &&
               vk_dialog_toward_crisis(d, "unsure")) {
        /* "Not sure" in reply to "I heard no. Is that right?" on a question
         * where not sure leads to the crisis contacts: it is taken as the
         * answer, at once, as it would have been the first time. */
        act(d, m, out);
    } else {
        say_system(d, out, "confirm.retry", NULL, 0);
        reask(d, out);
    }
}

vk_dialog *vk_dialog_create(const vk_script *script, vk_session *session,
                            const vk_dialog_opts *opts)
{
    vk_dialog *d = vk_calloc(1, sizeof *d);
    d->script = script;
    d->session = session;
    d->opts = *opts;
    return d;
}

void vk_dialog_destroy(vk_dialog *d)
{
    free(d);
}

/* Everything but the script, the session and the options, wiped. */
static void reset(vk_dialog *d)
{
    const vk_script *s = d->script;
    vk_session *se = d->session;
    vk_dialog_opts o = d->opts;
    explicit_bzero(d, sizeof *d);
    d->script = s;
    d->session = se;
    d->opts = o;
}

void vk_dialog_start(vk_dialog *d, vk_actions *out)
{
    reset(d);
    enter(d, vk_script_start(d->script), out);
}

void vk_dialog_forget(vk_dialog *d)
{
    if (!d)
        return;
    reset(d);
    d->ended = true;
}

void vk_dialog_on_spoken(vk_dialog *d, vk_actions *out)
{
    if (d->ended || !d->cur || waiting(d))
        return;
    if (d->cur->type == VK_STEP_END) {
        end_session(d, out, d->stopped ? "stopped" : "completed");
        return;
    }
    go(d, d->cur->next, out);
}

void vk_dialog_on_input(vk_dialog *d, const vk_input *in, vk_actions *out)
{
    if (d->ended || !waiting(d))
        return;
    const char *ctx = d->mode == MODE_NORMAL ? context_of(d->cur) : "answer";
    const char *m = NULL;
    bool sure = true;
    switch (in->kind) {
    case VK_IN_NOINPUT: reprompt(d, out, true); return;
    case VK_IN_NOMATCH: reprompt(d, out, false); return;
    case VK_IN_KEY:
        /* A key is sure.  The menu has no "not sure". */
        m = in->meaning;
        if (m && strcmp(ctx, "menu") == 0 && strcmp(m, "unsure") == 0)
            m = NULL;
        break;
    case VK_IN_SPEECH:
        m = in->meaning;
        if (!m || !*m || in->confidence < d->opts.confirm) {
            reprompt(d, out, false);
            return;
        }
        sure = in->confidence >= d->opts.accept;
        break;
    }
    if (!m) {
        reprompt(d, out, false);
        return;
    }
    /* Not an answer an offer takes: asked again, and the reprompts go on
     * up the ladder (to the keys and help) instead of starting over at
     * "Sorry, I did not understand" for ever. */
    if (d->mode == MODE_NORMAL && d->cur->type == VK_STEP_ASK &&
        strcmp(m, "unsure") == 0) {
        if (!unsure_is_yes(d)) {
            reprompt(d, out, false);
            return;
        }
        m = "yes";
        sure = true; /* not "I heard yes. Is that right?": nobody said yes */
    }
    d->noinput = d->nomatch = 0;
    if (d->mode != MODE_NORMAL && is_answer(m)) {
        on_confirmation(d, m, out);
        return;
    }
    /* An unsure answer is said back first, except where a yes or not sure
     * would reach the crisis contacts: there, asking again could lose a
     * safety moment, so it is taken at once. */
    bool safety_q = d->cur->type == VK_STEP_QUESTION &&
                    (d->cur->on_yes || d->cur->on_unsure);
    /* An unsure "skip" there may be a yes misheard: it is asked again (a
     * sure one, or the key, skips, with the numbers said: skip.safety). */
    if (safety_q && !sure && strcmp(m, "skip") == 0 && d->mode == MODE_NORMAL) {
        reprompt(d, out, false);
        return;
    }
    bool safety_path = vk_dialog_toward_crisis(d, m);
    /* The other way round, a spoken "no" there is always said back, however
     * sure the recogniser is: in noise a "yes" can come out as a confident
     * "no" (bench/recognition_bench.py), and that would miss the moment.
     * A key is sure. */
    bool spoken_no = in->kind == VK_IN_SPEECH && strcmp(m, "no") == 0;
    if ((!sure || (safety_q && spoken_no)) && is_answer(m) && !safety_path &&
        d->mode == MODE_NORMAL) {
        d->mode = MODE_CONFIRM;
        d->pending = strcmp(m, "yes") == 0  ? "yes"
                     : strcmp(m, "no") == 0 ? "no"
                                            : "unsure";
        char key[32];
        snprintf(key, sizeof key, "heard.%s", d->pending);
        var v[] = {{"heard", vk_script_system(d->script, key)}};
        say_system(d, out, "confirm", v, 1);
        listen(d, out);
        return;
    }
    d->mode = MODE_NORMAL;
    act(d, m, out);
}

void vk_dialog_on_inactive(vk_dialog *d, vk_actions *out)
{
    if (d->ended)
        return;
    /* Someone who was given the crisis contacts and then went quiet may
     * still be there, and may have paused them or not heard them to the
     * end: they are said once more, as a safety message, before the
     * goodbye.  So are they to someone who went quiet at the safety
     * question, or left it without a no: silence there may be the answer
     * they could not say. */
    const vk_step *q = d->safety_asked;
    bool left_open = q && vk_session_get(d->session, q->sign) != VK_ANSWER_NO;
    if (d->crisis_said)
        say_crisis_numbers(d, out, "timeout.crisis");
    else if (left_open)
        say_crisis_numbers(d, out, "timeout.safety");
    d->safety = false;
    say_system(d, out, "timeout", NULL, 0);
    end_session(d, out, "timeout");
    d->timed_out = true;
}

void vk_dialog_person_here(vk_dialog *d)
{
    /* Only the silence ladder: what the person did may be the very input
     * that is not understood (a "not sure" key at a yes/no offer), and the
     * reprompts for that must go on up to the keys and help. */
    if (d)
        d->noinput = 0;
}

void vk_dialog_say_again(vk_dialog *d, vk_actions *out)
{
    /* The session timed out and its closing words (the crisis numbers
     * once more, the goodbye) were cut short: a person back at R, or
     * headphones that failed, get them again, whole. */
    if (d->ended && d->timed_out) {
        d->ended = d->timed_out = false;
        vk_dialog_on_inactive(d, out);
        return;
    }
    if (d->ended || !d->cur)
        return;
    /* A pending "Is that right?" or "Do you want to stop?" was not heard
     * either: enter() starts the step over in its normal mode. */
    enter(d, d->cur, out);
}

void vk_dialog_on_device_back(vk_dialog *d, vk_actions *out)
{
    if (d->ended || !d->cur)
        return;
    say_system(d, out, "device.back", NULL, 0);
    vk_dialog_say_again(d, out);
}

bool vk_dialog_toward_crisis(const vk_dialog *d, const char *meaning)
{
    const vk_step *q = d->cur;
    if (d->ended || !q || q->type != VK_STEP_QUESTION || d->mode != MODE_NORMAL)
        return false;
    const char *to = strcmp(meaning, "yes") == 0      ? q->on_yes
                     : strcmp(meaning, "unsure") == 0 ? q->on_unsure
                                                      : NULL;
    const vk_step *st = to ? vk_script_step(d->script, to) : NULL;
    return st && st->type == VK_STEP_CRISIS;
}

bool vk_dialog_in_safety(const vk_dialog *d)
{
    return d->safety;
}

bool vk_dialog_ended(const vk_dialog *d)
{
    return d->ended;
}
